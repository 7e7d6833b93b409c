// The comparison panel's "Add model" picker: reference catalog models not shown yet (deprecated ones last),
// searchable by id and provider, with context window and prices; any typed `provider:model` id is accepted too.
import * as vscode from 'vscode';
import type { PriceCatalog } from '../../core/pricing';
import { displayInt } from '../../protocol/compare';
import { disposeAll } from '../util/dispose';

export async function pickModel(catalog: PriceCatalog, shown: ReadonlySet<string>): Promise<string | undefined> {
  const ids = catalog.reference.ids();
  // Current models first, deprecated ones after a separator (the catalog lists them in its own order).
  const current: vscode.QuickPickItem[] = [];
  const deprecated: vscode.QuickPickItem[] = [];
  ids.forEach((id, i) => {
    if (shown.has(id)) return;
    const m = catalog.reference.models[i];
    const ctx = m?.contextWindow ? ` · ${displayInt(m.contextWindow)} context` : '';
    const price = m?.prices.input
      ? ` · $${m.prices.input.base.toString()} in / $${m.prices.output?.base.toString() ?? '–'} out per 1M`
      : '';
    (m?.deprecated ? deprecated : current).push({
      label: id,
      description: `${m?.providerName ?? ''}${ctx}${price}${m?.deprecated ? ' · deprecated' : ''}`,
    });
  });
  const items: vscode.QuickPickItem[] = deprecated.length
    ? [...current, { label: 'deprecated', kind: vscode.QuickPickItemKind.Separator }, ...deprecated]
    : current;
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
  qp.title = 'Prompt Cost: add a model to the comparison';
  qp.placeholder = 'Search models by id or provider (or type provider:model)';
  qp.matchOnDescription = true;
  qp.items = items;
  const custom = (value: string): vscode.QuickPickItem | undefined =>
    /^[^\s:]+:[^\s]+$/.test(value) && !ids.includes(value) && !shown.has(value)
      ? { label: value, description: 'not in the reference catalog (needs a price in flujo.toml or settings)', alwaysShow: true }
      : undefined;
  return new Promise<string | undefined>((resolve) => {
    const subs: vscode.Disposable[] = [];
    const done = (v: string | undefined) => {
      resolve(v);
      disposeAll([...subs.splice(0), qp]);
    };
    subs.push(
      qp.onDidChangeValue((value) => {
        const extra = custom(value.trim());
        qp.items = extra ? [extra, ...items] : items;
      }),
      qp.onDidAccept(() => done(qp.selectedItems[0]?.label)),
      qp.onDidHide(() => done(undefined)),
    );
    qp.show();
  });
}
