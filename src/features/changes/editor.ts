// The change against HEAD where the prompt is: a CodeLens ("+42 tokens · +$1.26/month vs HEAD") above a
// changed prompt file or prompt in code, and a hover table (tokens and money before → after per model).
// Own providers (VS Code merges lenses and hovers), so the estimate features stay untouched.
import { escapeIcons, escapeMarkdown, markdownCode } from '../../core/untrustedText';
import * as vscode from 'vscode';
import type { ModelDelta, PromptChange } from '../../core/diff/prompts';
import { readConfig } from '../config';
import { offsetRange } from '../vscodeConvert';
import { BASE_LABEL, DocumentChanges } from './tracker';

const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }];

/** Where Δs come from: the Git extension on the desktop (ChangeTracker), RemoteHub in the browser (browserBase.ts). */
export interface ChangeSource {
  forDocument(doc: vscode.TextDocument): Promise<DocumentChanges | undefined>;
  readonly onDidChange: vscode.Event<void>;
}

/** The desktop's lens opens the Git extension's diff of the file. */
const gitOpenChange = async (uri: vscode.Uri): Promise<vscode.Command> => ({ title: '', command: 'git.openChange', arguments: [uri] });

export function registerChangeLensAndHover(
  tracker: ChangeSource,
  selector: vscode.DocumentSelector = SELECTOR,
  openChange: (uri: vscode.Uri) => Promise<vscode.Command> = gitOpenChange,
): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    async provideCodeLenses(document, token) {
      if (!readConfig(document.uri).codeLensEnabled) return [];
      const dc = await tracker.forDocument(document);
      if (!dc || token.isCancellationRequested) return [];
      const [{ deltaSummary }, { modelDeltas }] = await Promise.all([import('../../core/diff/format'), import('../../core/diff/prompts')]);
      const open = dc.changes.length ? await openChange(document.uri) : undefined;
      return dc.changes.flatMap((c) => {
        const d = deltaFor(dc, c, modelDeltas);
        if (!d || !c.after || !open) return [];
        const at = c.kind === 'file' ? new vscode.Range(0, 0, 0, 0) : offsetRange(document, c.after.range.start, c.after.range.start);
        const base = dc.baseLabel ?? BASE_LABEL;
        const title = c.status === 'added' ? `new prompt: ${deltaSummary(d, base)}` : deltaSummary(d, base);
        return [
          new vscode.CodeLens(at, {
            ...open,
            title: escapeIcons(title),
            tooltip: `Cost change of this prompt vs ${base} (${d.model}); click to open the change${dc.baseNote ? `.\n${dc.baseNote}` : ''}`,
          }),
        ];
      });
    },
  };
  const hover: vscode.HoverProvider = {
    async provideHover(document, position, token) {
      const dc = await tracker.forDocument(document);
      if (!dc?.changes.length || token.isCancellationRequested) return undefined;
      const offset = document.offsetAt(position);
      const c = dc.changes.find((x) => x.after && (x.kind === 'file' || (x.after.range.start <= offset && offset <= x.after.range.end)));
      if (!c?.after) return undefined;
      const md = new vscode.MarkdownString(await changeMarkdown(dc, c));
      return new vscode.Hover(md, c.kind === 'code' ? offsetRange(document, c.after.range.start, c.after.range.end) : undefined);
    },
  };
  return vscode.Disposable.from(
    changed,
    vscode.languages.registerCodeLensProvider(selector, lenses),
    vscode.languages.registerHoverProvider(selector, hover),
    tracker.onDidChange(() => changed.fire()),
  );
}

function deltaFor(dc: DocumentChanges, c: PromptChange, modelDeltas: (c: PromptChange) => ModelDelta[]): ModelDelta | undefined {
  const all = modelDeltas(c);
  return all.find((d) => d.model === dc.primary(c)) ?? all.find((d) => d.model === c.primaryModel) ?? all[0];
}

/** The hover: one row per model, tokens and money before → after, then the monthly Δ. */
export async function changeMarkdown(dc: DocumentChanges, c: PromptChange): Promise<string> {
  const [{ modelDeltas }, fmt, { shortModel, GROUPED }, { formatUsd }] = await Promise.all([
    import('../../core/diff/prompts'),
    import('../../core/diff/format'),
    import('../../core/estimate/display'),
    import('../../core/format'),
  ]);
  const primary = deltaFor(dc, c, modelDeltas);
  const rows = modelDeltas(c).map((d) => {
    const a = d.approximate ? '≈' : '';
    const t = (n?: number) => (n === undefined ? '—' : a + GROUPED.format(n));
    const usd = (v?: import('../../core/pricing/decimal').Decimal) => (v === undefined ? '—' : a + formatUsd(v));
    const name = d.model === primary?.model ? `**${escapeMarkdown(shortModel(d.model))}**` : escapeMarkdown(shortModel(d.model));
    return d.priceError
      ? `| ${name} | ${t(d.tokensBefore)} → ${t(d.tokensAfter)} (${fmt.signedTokens(d.tokensDelta, d.approximate)}) | no price | — |`
      : `| ${name} | ${t(d.tokensBefore)} → ${t(d.tokensAfter)} (${fmt.signedTokens(d.tokensDelta, d.approximate)}) | ${usd(d.perRequestBefore)} → ${usd(d.perRequestAfter)} | ${d.monthlyDelta ? fmt.signedUsd(d.monthlyDelta, d.approximate) : '—'} |`;
  });
  const side = c.after ?? c.before!;
  const base = dc.baseLabel ?? BASE_LABEL;
  const what =
    c.status === 'renamed'
      ? `renamed from ${markdownCode(c.oldPath ?? '')}`
      : c.status === 'added'
        ? `new since ${escapeMarkdown(base)}`
        : 'modified';
  return [
    `**Prompt Cost · change vs ${escapeMarkdown(base)}** (${c.kind === 'code' ? `${escapeMarkdown(c.label)}, ` : ''}${what})`,
    '',
    primary ? escapeMarkdown(fmt.deltaSummary(primary, base)) : '',
    '',
    '| Model | Input tokens | Per request | Monthly Δ |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
    `Monthly at ${GROUPED.format(side.requestsPerDay)} requests/day × 30${c.kind === 'file' ? `; per request includes ${GROUPED.format(side.outputTokens)} expected output tokens` : '; input only'}.`,
    ...(dc.baseNote ? ['', escapeMarkdown(dc.baseNote)] : []),
  ].join('\n');
}
