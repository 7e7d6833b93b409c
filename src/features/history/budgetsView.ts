// The "Budgets" view: `[budgets]` of the workspace's flujo.toml (default and `pipeline."<glob>"`)
// against the recorded runs (Flujo runs by pipeline, runs from the editor and CLI under default), per run as Flujo enforces them: ok, warning at 80 %, over.
import * as vscode from 'vscode';
import type { BudgetRow } from '../../core/history/budgets';
import type { Services } from '../services';
import { Disposable } from '../util/dispose';
import { HistoryStore, historyStore } from './store';

// The view model loads with the first getChildren, not at activation.
let V: typeof import('./viewModel') | undefined;

export const BUDGETS_VIEW = 'promptCost.budgets';

export type BudgetNode = { kind: 'budget'; row: BudgetRow; config: string } | { kind: 'problem'; message: string };

export class BudgetsTreeProvider extends Disposable implements vscode.TreeDataProvider<BudgetNode> {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  view?: vscode.TreeView<BudgetNode>;

  constructor(readonly store: HistoryStore) {
    super();
    this._register(store.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire();
    void this.updateMessage();
  }

  private async updateMessage(): Promise<void> {
    if (!this.view) return;
    const groups = await this.store.budgetRows();
    const sources = this.store.flujoSources();
    const over = groups.flatMap((g) => g.rows).filter((r) => r.status === 'over').length;
    this.view.badge = over ? { value: over, tooltip: `${over} budget${over === 1 ? '' : 's'} exceeded` } : undefined;
    this.view.message = !sources.length
      ? 'No flujo.toml in this workspace: budgets come from its [budgets] tables.'
      : !groups.length
        ? 'flujo.toml has no [budgets] (add [budgets.default] or [budgets.pipeline."<glob>"]).'
        : undefined;
  }

  async getChildren(node?: BudgetNode): Promise<BudgetNode[]> {
    if (node) return [];
    V ??= await import('./viewModel');
    const groups = await this.store.budgetRows();
    return groups.flatMap((g) => [
      ...g.rows.map((row): BudgetNode => ({ kind: 'budget', row, config: g.config })),
      ...g.problems.map((message): BudgetNode => ({ kind: 'problem', message })),
    ]);
  }

  getTreeItem(node: BudgetNode): vscode.TreeItem {
    if (node.kind === 'problem') {
      const item = new vscode.TreeItem(node.message);
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'));
      return item;
    }
    const v = V!.budgetRowView(node.row);
    const item = new vscode.TreeItem(v.label);
    item.id = `budget:${node.config}:${node.row.source}:${node.row.key}`;
    item.description = v.description;
    item.tooltip = new vscode.MarkdownString(v.tooltip);
    item.iconPath = new vscode.ThemeIcon(v.icon.id, v.icon.color ? new vscode.ThemeColor(v.icon.color) : undefined);
    item.contextValue = `promptCost.budget ${node.row.status}`;
    item.command = { command: 'vscode.open', title: 'Open flujo.toml', arguments: [vscode.Uri.file(node.config)] };
    return item;
  }
}

const providers = new WeakMap<Services, BudgetsTreeProvider>();

export function budgetsTreeProvider(services: Services): BudgetsTreeProvider | undefined {
  return providers.get(services);
}

export function registerBudgetsView(services: Services): vscode.Disposable {
  const provider = new BudgetsTreeProvider(historyStore(services));
  providers.set(services, provider);
  const view = vscode.window.createTreeView(BUDGETS_VIEW, { treeDataProvider: provider });
  provider.view = view;
  return vscode.Disposable.from(provider, view, { dispose: () => providers.delete(services) });
}
