// The "Runs" tree of the Prompt Cost activity-bar container: runs grouped by day / prompt / model
// (switchable), exact totals per group, Flujo runs with their steps, a context menu (open prompt,
// rerun, copy details, delete with undo) and title actions (refresh, group by, filter, export CSV,
// import Flujo runs). Follows the ledger and the Flujo state DB live through the HistoryStore.
import { escapeMarkdown } from '../../core/untrustedText';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS, RUNS_COMMANDS } from '../commandIds';
import type { GroupBy, RunGroup } from '../../core/history/group';
import type { CorruptLine } from '../../core/history/ledger';
import type { RunRecord, RunStep } from '../../core/history/record';
import { formatDuration } from '../../core/format';
import type { Services } from '../services';
import { CONFIG_KEYS, GROUP_BY_OPTIONS, onConfigChange, readRunSettings, updateSetting } from '../config';
import { Disposable } from '../util/dispose';
import { IN_BROWSER, notInBrowser } from '../platform';
import { HistoryStore, historyStore } from './store';
import type { ViewRun } from './viewModel';
import { errorText } from '../../core/errors';
import { pushAll } from '../../core/arrays';

import type { AccuracyReport } from '../../core/history/learned/accuracy';
import type { LearnedOutputService } from '../learnedOutput';
// The grouping core and the view model load with the first getChildren, not at activation.
let G: typeof import('../../core/history/group') | undefined;
let V: typeof import('./viewModel') | undefined;
async function loadModules(): Promise<void> {
  if (!G || !V) [G, V] = await Promise.all([import('../../core/history/group'), import('./viewModel')]);
}

export const RUNS_VIEW = 'promptCost.runs';

export type RunsNode =
  | { kind: 'group'; group: RunGroup; by: GroupBy }
  | { kind: 'run'; view: ViewRun; by: GroupBy }
  | { kind: 'step'; view: ViewRun; step: RunStep; index: number }
  /** Ledger lines the reader skipped (invalid, or from a newer version): one item per ledger, first. */
  | { kind: 'skipped'; file: string; lines: readonly CorruptLine[] }
  /** How well learned output tokens predicted the folder's runs (`prompt-cost history accuracy`). */
  | { kind: 'accuracy'; folder: string; ledger: string; report: AccuracyReport };

export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = this._register(new vscode.EventEmitter<RunsNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private filterText = '';
  /** Set by registerRunsView: title description and message follow the content. */
  view?: vscode.TreeView<RunsNode>;

  constructor(
    readonly store: HistoryStore,
    private readonly learned?: LearnedOutputService,
  ) {
    super();
    this._register(store.onDidChange(() => this.refresh()));
    if (learned) this._register(learned.onDidChangeAccuracy(() => this.refresh()));
    this._register(onConfigChange(CONFIG_KEYS.groupBy, () => this.refresh()));
  }

  get groupBy(): GroupBy {
    return readRunSettings().groupBy;
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    void vscode.commands.executeCommand('setContext', 'promptCost.runs.filtered', this.filterText !== '');
    this.refresh();
  }

  refresh(): void {
    this.changed.fire(undefined);
    this.updateTitle();
  }

  /** The runs shown (filter applied), newest first. */
  visibleRuns(): ViewRun[] {
    if (!G) return [];
    const all = this.store.runs();
    const keep = new Set(
      G!
        .filterRuns(
          all.map((v) => v.run),
          { text: this.filterText },
        )
        .map((r) => r.id),
    );
    return all.filter((v) => keep.has(v.run.id)).sort((a, b) => G!.compareRunsNewestFirst(a.run, b.run));
  }

  private updateTitle(): void {
    if (!this.view || !G) return;
    const runs = this.visibleRuns().map((v) => v.run);
    const t = G!.totalsOf(runs);
    this.view.description = runs.length
      ? `${this.filterText ? `“${this.filterText}” · ` : ''}${G!.formatTotalCost(t)}`
      : this.filterText
        ? `“${this.filterText}”`
        : undefined;
    const messages: string[] = [];
    if (this.filterText && !runs.length) messages.push(`No runs match “${this.filterText}”.`);
    for (const c of this.store.corruptLines()) {
      const newer = c.lines.filter((l) => l.newerVersion).length;
      messages.push(
        `${path.basename(c.file)}: ${skippedLabel(c.lines.length)}${newer ? ` (${newer} from a newer version of Prompt Cost Lens: update it to read them)` : ''}; the other runs are shown.`,
      );
    }
    for (const s of this.store.flujoSources()) if (s.flujo.error) messages.push(`Flujo: ${s.flujo.error}`);
    pushAll(messages, this.store.notices());
    this.view.message = messages.length ? messages.join(' ') : undefined;
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    if (!node) {
      await Promise.all([this.store.whenReady(), loadModules()]);
      this.updateTitle();
      const by = this.groupBy;
      const visible = this.visibleRuns();
      const byId = new Map(visible.map((v) => [v.run.id, v]));
      this.lastById = byId;
      const skipped: RunsNode[] = this.store.corruptLines().map((c) => ({ kind: 'skipped', file: c.file, lines: c.lines }));
      // The backtest runs in the learning worker; the view shows the last answer and refreshes when a newer one lands.
      const accuracy: RunsNode[] = this.filterText
        ? []
        : (this.learned?.accuracySnapshot() ?? []).filter((a) => a.report.runsEvaluated > 0).map((a) => ({ kind: 'accuracy', ...a }));
      return [
        ...skipped,
        ...accuracy,
        ...G!
          .groupRuns(
            visible.map((v) => v.run),
            by,
          )
          .map((group): RunsNode => ({ kind: 'group', group, by })),
      ];
    }
    if (node.kind === 'group')
      return node.group.runs.flatMap((r): RunsNode[] => {
        const view = this.lastById.get(r.id);
        return view ? [{ kind: 'run', view, by: node.by }] : [];
      });
    if (node.kind === 'run') return (node.view.run.steps ?? []).map((step, index) => ({ kind: 'step', view: node.view, step, index }));
    return [];
  }

  private lastById = new Map<string, ViewRun>();

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if (node.kind === 'skipped') return skippedItem(node.file, node.lines);
    if (node.kind === 'accuracy') return accuracyItem(node);
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(V!.groupLabel(node.group, node.by), vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.group.id}`;
      item.description = V!.groupDescription(node.group.totals);
      const t = node.group.totals;
      item.tooltip = new vscode.MarkdownString(
        [
          `**${escapeMarkdown(node.group.label)}${node.by === 'day' && V!.weekdayOf(node.group.key) ? ` · ${V!.weekdayOf(node.group.key)}` : ''}**`,
          '',
          `${t.runs} runs (${t.ok} ok, ${t.failed} failed, ${t.cancelled} cancelled, ${t.running} running${t.paused ? `, ${t.paused} paused` : ''})`,
          '',
          `Cost: $${t.costUsd.toString()}${t.costUnknown ? ` + ${t.costUnknown} run(s) without a cost` : ''} · tokens ${t.inputTokens.toLocaleString('en-US')} in (${t.cachedInputTokens.toLocaleString('en-US')} cached) / ${t.outputTokens.toLocaleString('en-US')} out · total ${t.totalTokens.toLocaleString('en-US')}`,
          ...(t.deltaPct !== undefined
            ? ['', `Estimates: $${t.estimateUsd.toString()} for $${t.comparableActualUsd.toString()} actual`]
            : []),
          ...(t.avgLatencyMs !== undefined ? ['', `Mean latency ${formatDuration(t.avgLatencyMs)}`] : []),
        ].join('\n'),
      );
      item.contextValue = 'promptCost.group';
      item.iconPath = new vscode.ThemeIcon(
        node.by === 'day' ? 'calendar' : node.by === 'model' ? 'hubot' : node.by === 'prompt' ? 'file-text' : 'symbol-folder',
      );
      return item;
    }
    if (node.kind === 'run') {
      const r = node.view.run;
      const item = new vscode.TreeItem(
        V!.runLabel(r, node.by),
        r.steps?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
      );
      item.id = `run:${node.by}:${r.id}`;
      item.description = V!.runDescription(r);
      item.tooltip = new vscode.MarkdownString(V!.runTooltipMarkdown(node.view, this.store.ledgerFileOf(node.view)));
      const icon = V!.statusIcon(r.status);
      item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
      const flags = ['promptCost.run'];
      if (r.promptFile) flags.push('prompt');
      if (r.source === 'flujo' || r.flujo) flags.push('flujo');
      if (node.view.origin === 'flujo-db') flags.push('live');
      item.contextValue = flags.join(' ');
      if (r.promptFile) item.command = { command: RUNS_COMMANDS.openPrompt, title: 'Open Prompt', arguments: [node] };
      return item;
    }
    const s = node.step;
    const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.None);
    item.id = `step:${node.view.run.id}:${node.index}`;
    item.description = V!.stepDescription(s);
    item.iconPath = new vscode.ThemeIcon(
      s.success === false ? 'error' : 'debug-stackframe-dot',
      s.success === false ? new vscode.ThemeColor('testing.iconFailed') : undefined,
    );
    item.contextValue = 'promptCost.step';
    return item;
  }

  getParent(node: RunsNode): RunsNode | undefined {
    if (node.kind === 'step') return { kind: 'run', view: node.view, by: this.groupBy };
    return undefined;
  }
}

/** `Output ±19 %` · `p90 covers 67 %` (short for the default side bar; the error without history in the tooltip): the walk-forward backtest of learned output tokens (median p50 error vs without history). */
function accuracyItem(node: Extract<RunsNode, { kind: 'accuracy' }>): vscode.TreeItem {
  const r = node.report;
  const item = new vscode.TreeItem(`Output ±${r.p50MedianAbsPctError} %`, vscode.TreeItemCollapsibleState.None);
  item.id = `accuracy:${node.ledger}`;
  item.description = `p90 covers ${r.p90Coverage} %`;
  const md = new vscode.MarkdownString();
  md.appendText(
    `${node.folder}: each run against the output estimate learned from the runs before it (prompt-cost history accuracy).\n\n` +
      `Median error of the typical (p50) estimate: ${r.p50MedianAbsPctError} %; the estimate shown without history: ${r.baselineMedianAbsPctError} %.\n` +
      `Runs at or under the budget (p90) estimate: ${r.p90Coverage} %.\n\n` +
      Object.entries(r.byModel)
        .map(
          ([m, f]) =>
            `- ${m}: ${f.runsEvaluated} runs, p50 error ${f.p50MedianAbsPctError} %, p90 coverage ${f.p90Coverage} %, without history ${f.baselineMedianAbsPctError} %`,
        )
        .join('\n'),
  );
  item.tooltip = md;
  item.iconPath = new vscode.ThemeIcon('graph-line');
  item.contextValue = 'promptCost.outputAccuracy';
  return item;
}

function skippedLabel(n: number): string {
  return `${n} ledger line${n === 1 ? '' : 's'} skipped`;
}

/** "3 ledger lines skipped": opens the ledger at the first one; the tooltip says where and why (the log has all). */
function skippedItem(file: string, lines: readonly CorruptLine[]): vscode.TreeItem {
  const item = new vscode.TreeItem(skippedLabel(lines.length), vscode.TreeItemCollapsibleState.None);
  item.id = `skipped:${file}`;
  const first = lines[0];
  item.description = `${path.basename(file)}:${first.line} ${first.reason}`;
  const shown = lines.slice(0, 10).map((l) => `- line ${l.line}: ${l.reason}`);
  const md = new vscode.MarkdownString();
  md.appendText(`${file}\n\nThese lines are not read (the other runs are):\n\n`);
  md.appendText(`${shown.join('\n')}${lines.length > 10 ? `\n- … ${lines.length - 10} more (see Output › Prompt Cost Lens)` : ''}`);
  item.tooltip = md;
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  item.contextValue = 'promptCost.skippedLines';
  const at = new vscode.Position(Math.max(0, first.line - 1), 0);
  item.command = {
    command: 'vscode.open',
    title: 'Open the Ledger at the Skipped Line',
    arguments: [vscode.Uri.file(file), { selection: new vscode.Range(at, at) }],
  };
  return item;
}

const providers = new WeakMap<Services, RunsTreeProvider>();

/** The Runs tree provider of this activation (tests read items and totals through it). */
export function runsTreeProvider(services: Services): RunsTreeProvider | undefined {
  return providers.get(services);
}

/** A command argument from the tree (node), a run id (tests, notifications), or nothing (selection). */
function viewRunOf(provider: RunsTreeProvider, arg: unknown, view: vscode.TreeView<RunsNode>): ViewRun | undefined {
  if (typeof arg === 'string') return provider.store.runs().find((v) => v.run.id === arg);
  if (arg && typeof arg === 'object' && 'kind' in arg && 'view' in arg) return (arg as Extract<RunsNode, { view: ViewRun }>).view;
  const sel = view.selection[0];
  return sel && 'view' in sel ? sel.view : undefined;
}

export function registerRunsView(services: Services): vscode.Disposable {
  const store = historyStore(services);
  const provider = new RunsTreeProvider(store, services.learned);
  providers.set(services, provider);
  const view = vscode.window.createTreeView(RUNS_VIEW, { treeDataProvider: provider, showCollapseAll: true });
  provider.view = view;
  void vscode.commands.executeCommand('setContext', 'promptCost.runs.filtered', false);

  const requireRun = (arg: unknown): ViewRun | undefined => {
    const v = viewRunOf(provider, arg, view);
    if (!v) void vscode.window.showWarningMessage('Prompt Cost: select a run in the Runs view first.');
    return v;
  };

  const promptUri = (v: ViewRun): vscode.Uri | undefined => {
    const rel = v.run.promptFile;
    if (!rel) return undefined;
    const dir = store.folderDirOf(v);
    return path.isAbsolute(rel) || !dir ? vscode.Uri.file(rel) : vscode.Uri.file(path.join(dir, ...rel.split('/')));
  };

  return vscode.Disposable.from(
    provider,
    view,
    { dispose: () => providers.delete(services) },
    vscode.commands.registerCommand(RUNS_COMMANDS.refresh, async () => {
      await store.refresh();
      provider.refresh();
    }),
    vscode.commands.registerCommand(RUNS_COMMANDS.groupBy, (by?: GroupBy) => setGroupBy(provider, by)),
    vscode.commands.registerCommand(RUNS_COMMANDS.filter, async (text?: string) => {
      if (typeof text !== 'string') {
        text = await vscode.window.showInputBox({
          title: 'Prompt Cost: filter runs',
          prompt: 'Text in the model, prompt file, pipeline, status or error (empty: show all)',
          value: provider.filter,
        });
        if (text === undefined) return undefined;
      }
      provider.setFilter(text);
      return provider.filter;
    }),
    vscode.commands.registerCommand(RUNS_COMMANDS.clearFilter, () => provider.setFilter('')),
    vscode.commands.registerCommand(RUNS_COMMANDS.exportCsv, (target?: vscode.Uri) => exportRunsCsv(provider, target)),
    vscode.commands.registerCommand(RUNS_COMMANDS.importFlujo, (db?: string) => importFlujoRuns(services, store, db)),
    vscode.commands.registerCommand(RUNS_COMMANDS.openPrompt, async (arg?: unknown) => {
      const v = requireRun(arg);
      const uri = v && promptUri(v);
      if (!uri) return undefined;
      try {
        await vscode.window.showTextDocument(uri, { preview: true });
      } catch {
        void vscode.window.showWarningMessage(`Prompt Cost: ${v!.run.promptFile} no longer exists.`);
      }
      return uri;
    }),
    vscode.commands.registerCommand(RUNS_COMMANDS.rerun, async (arg?: unknown) => {
      const v = requireRun(arg);
      const uri = v && promptUri(v);
      if (!uri || !v) return undefined;
      const model = v.run.model
        ? v.run.provider && v.run.provider !== 'flujo'
          ? `${v.run.provider}:${v.run.model}`
          : v.run.model
        : undefined;
      return vscode.commands.executeCommand(COMMANDS.runPrompt, uri, { model });
    }),
    vscode.commands.registerCommand(RUNS_COMMANDS.copyDetails, async (arg?: unknown) => {
      const v = requireRun(arg);
      if (!v) return undefined;
      await loadModules();
      const text = V!.runDetailsText(v.run);
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage('Prompt Cost: run details copied', 3000);
      return text;
    }),
    vscode.commands.registerCommand(RUNS_COMMANDS.delete, async (arg?: unknown) => {
      if (refusedInBrowser('Deleting a run')) return false;
      const v = requireRun(arg);
      if (!v) return false;
      const id = v.run.id;
      if (!(await store.delete(id))) return false;
      await loadModules();
      provider.refresh();
      void vscode.window
        .showInformationMessage(`Prompt Cost: deleted the run of ${V!.runLabel(v.run, 'model').trim()}.`, 'Undo')
        .then(async (choice) => {
          if (choice === 'Undo') await vscode.commands.executeCommand(RUNS_COMMANDS.restore, id);
        });
      return true;
    }),
    vscode.commands.registerCommand(RUNS_COMMANDS.restore, async (id?: string) => {
      if (typeof id !== 'string') return false;
      const ok = await store.restore(id);
      provider.refresh();
      return ok;
    }),
  );
}

/** "Group by…": the given grouping, else the one picked; saved as a (user) setting. */
async function setGroupBy(provider: RunsTreeProvider, by?: GroupBy): Promise<GroupBy | undefined> {
  if (!by) {
    const current = provider.groupBy;
    const labels: Record<GroupBy, string> = {
      day: 'Day',
      prompt: 'Prompt file',
      model: 'Model',
      pipeline: 'Flujo pipeline',
      status: 'Status',
    };
    const pick = await vscode.window.showQuickPick(
      GROUP_BY_OPTIONS.map((g) => ({ label: labels[g], description: g === current ? 'current' : undefined, value: g })),
      { title: 'Prompt Cost: group runs by' },
    );
    by = pick?.value;
  }
  if (!by || !GROUP_BY_OPTIONS.includes(by)) return undefined;
  // A view preference: user settings, unless a value is already pinned elsewhere.
  await updateSetting('history.groupBy', by, vscode.ConfigurationTarget.Global);
  provider.refresh();
  return by;
}

/** "Export CSV": the runs the view shows (filter applied), to `target` or a file the user picks. */
async function exportRunsCsv(provider: RunsTreeProvider, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const { runsToCsv } = await import('../../core/history/group');
  await loadModules();
  const runs: RunRecord[] = provider.visibleRuns().map((v) => v.run);
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    target = await vscode.window.showSaveDialog({
      title: 'Export runs as CSV',
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'prompt-cost-runs.csv') : undefined,
      filters: { CSV: ['csv'] },
    });
    if (!target) return undefined;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(runsToCsv(runs)));
  void vscode.window.showInformationMessage(
    `Prompt Cost: exported ${runs.length} run${runs.length === 1 ? '' : 's'} to ${vscode.workspace.asRelativePath(target)}.`,
  );
  return target;
}

/**
 * The ledger is written append-only under a file lock (core/history/ledger.ts), which a web extension cannot do:
 * in the browser the menus hide the commands that write it (package.json, !promptCost.inBrowser), and a
 * keybinding or another extension that still calls one gets this message.
 */
function refusedInBrowser(what: string): boolean {
  if (IN_BROWSER) void vscode.window.showWarningMessage(`Prompt Cost: ${notInBrowser(what)}`);
  return IN_BROWSER;
}

const PICK_DATABASE = 'Pick a Database File…';

/** "Import Flujo runs": from `db`, else every state database found, into the ledger. */
async function importFlujoRuns(services: Services, store: HistoryStore, db?: string) {
  if (refusedInBrowser('Importing Flujo runs into the ledger')) return undefined;
  await store.whenReady(); // flujo.toml read: where Flujo keeps its database is known
  // PostgreSQL (trusted only) counts as found: the store imports from it; a file picker would be wrong there.
  if (!db && !store.flujoSources().some((s) => s.flujo.db || s.flujo.postgres)) {
    // None where Flujo keeps it: let the user pick the file rather than stop at a message.
    const s = store.flujoSources()[0];
    // flujo.toml names a state the workspace's trust keeps us from following (e.g. PostgreSQL): say so first.
    if (s?.flujo.notice && !services.trust.isTrusted) {
      const pick = await vscode.window.showWarningMessage(`Prompt Cost: ${s.flujo.notice}`, PICK_DATABASE);
      if (pick !== PICK_DATABASE) return [];
    }
    const looked = s
      ? `No Flujo state database at ${s.flujo.candidates.map((c) => vscode.workspace.asRelativePath(c)).join(', ')}`
      : 'No flujo.toml in this workspace';
    const picked = await vscode.window.showOpenDialog({
      title: `Import Flujo Runs — ${looked}: pick Flujo's SQLite state database`,
      openLabel: 'Import Runs',
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: { 'SQLite databases': ['db', 'sqlite', 'sqlite3'], 'All files': ['*'] },
    });
    if (!picked?.[0]) return [];
    db = picked[0].fsPath;
  }
  try {
    const results = await store.importFlujo(typeof db === 'string' ? db : undefined);
    const added = results.reduce((n, r) => n + r.added, 0);
    const updated = results.reduce((n, r) => n + r.updated, 0);
    for (const r of results) for (const w of r.warnings) services.log.warn(`Flujo import ${r.db}: ${w}`);
    const warnings = results.reduce((n, r) => n + r.warnings.length, 0);
    const message = `Prompt Cost: imported ${added} new and ${updated} updated Flujo run${added + updated === 1 ? '' : 's'} from ${results.map((r) => vscode.workspace.asRelativePath(r.db)).join(', ')}.`;
    if (warnings) {
      // Lost WAL commits and unusable values are worth a look: say so, and open the log on request.
      void vscode.window
        .showWarningMessage(
          `${message} ${warnings} warning${warnings === 1 ? '' : 's'} (values left unknown, WAL frames ignored …).`,
          'Show Warnings',
        )
        .then((pick) => pick && services.log.show(true));
    } else void vscode.window.showInformationMessage(message);
    return results;
  } catch (err) {
    void vscode.window.showErrorMessage(`Prompt Cost: Flujo import failed: ${errorText(err)}`);
    return undefined;
  }
}
