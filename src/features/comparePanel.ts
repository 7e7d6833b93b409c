// The model comparison panel (webview): one prompt, many models, side by side. One panel instance;
// it follows the active prompt editor unless pinned, updates live (document edits, settings, prices),
// restores after a reload through a serializer, and exports the table as CSV / Markdown.
// The numbers come from the core table (`buildComparisonTable`) with the estimator's token counts, so
// a model shows the same figures here as in the CodeLens and the hover.
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isCancellationError } from '../core/cancellation';
import { findOpenDocument } from './vscodeConvert';
import { shortModel } from '../core/estimate/display';
import type { CompareRow, CompareTable, ModelTokens } from '../core/pricing/compare';
import type { PromptDocument, PromptSummary } from '../core/prompt';
import type { EncodingName, WorkerTokenCounter } from '../core/tokenize';
import { COMMANDS } from './commandIds';
import {
  COMPARE_VIEW_TYPE,
  FromWebviewMessage,
  INITIAL_STATE,
  PanelError,
  PanelRow,
  PanelView,
  PersistedState,
  ToWebviewMessage,
  displayInt,
  parsePersistedState,
  parseWebviewMessage,
  sortRows,
} from '../protocol/compare';
import { PromptCostConfig, readConfig } from './config';
import { isUnestimated } from './estimator';
import type { Services } from './services';
import { Debouncer } from './util/debounce';
import { Disposable, disposeAll } from './util/dispose';

/** Typing pauses this long before the panel recomputes. */
const EDIT_DEBOUNCE_MS = 250;
/** Settings / price changes arrive in bursts (one per folder, per setting). */
const CHANGE_DEBOUNCE_MS = 60;

/** What the integration tests see (through `PromptCostApi.comparePanel`). */
export interface ComparePanelApi {
  /** The open panel, if any. */
  readonly panel: vscode.WebviewPanel | undefined;
  /** The last update posted to the webview (rows are exactly what the webview renders). */
  readonly lastUpdate: { view: PanelView; state: PersistedState } | undefined;
  /** The last export (copy or save) and its text. */
  readonly lastExport: { format: 'csv' | 'markdown'; action: 'copy' | 'save'; text: string } | undefined;
  /** Fires after each update posted to the webview. */
  readonly onDidUpdate: vscode.Event<PanelView>;
  /**
   * Handles `message` exactly like a message from the webview (same validation, same handler) and
   * resolves when the panel has been updated; false when the message was rejected.
   */
  receive(message: unknown): Promise<boolean>;
}

let registration: { services: Services; updated: vscode.EventEmitter<PanelView> } | undefined;

/** Delegates to the current panel; stable object for `PromptCostApi`. */
export const comparePanelApi: ComparePanelApi = {
  get panel() {
    return ComparePanel.current?.panel;
  },
  get lastUpdate() {
    return ComparePanel.current?.lastUpdate;
  },
  get lastExport() {
    return ComparePanel.current?.lastExport;
  },
  onDidUpdate: (listener, thisArgs, disposables) => {
    if (!registration) return new vscode.Disposable(() => undefined);
    return registration.updated.event(listener, thisArgs, disposables);
  },
  async receive(message) {
    const panel = ComparePanel.current;
    return panel ? panel.handleMessage(message) : false;
  },
};

export function registerComparePanel(services: Services): vscode.Disposable {
  const updated = new vscode.EventEmitter<PanelView>();
  registration = { services, updated };
  return vscode.Disposable.from(
    updated,
    vscode.commands.registerCommand(COMMANDS.openComparison, (uri?: unknown, model?: unknown) =>
      ComparePanel.createOrShow(services, uri instanceof vscode.Uri ? uri : undefined, typeof model === 'string' ? model : undefined),
    ),
    vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        ComparePanel.revive(services, panel, parsePersistedState(state));
      },
    }),
    new vscode.Disposable(() => {
      ComparePanel.current?.dispose();
      registration = undefined;
    }),
  );
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
}

class ComparePanel extends Disposable {
  static current: ComparePanel | undefined;

  lastUpdate: { view: PanelView; state: PersistedState } | undefined;
  lastExport: ComparePanelApi['lastExport'];

  private state: PersistedState;
  private readonly refreshSoon = this._register(new Debouncer(0));
  private seq = 0;
  private latest: Promise<void> = Promise.resolve();
  private pendingFocus: string | undefined;
  /** The table behind the last update, in configured order, for exports. */
  private lastTable: { table: CompareTable; name: string } | undefined;
  /** Summaries of the document in encodings the estimator did not need (models added in the panel). */
  private extraSummaries = new Map<string, Promise<PromptSummary>>();
  private worker: WorkerTokenCounter | undefined;

  /** Opens the panel (or reveals it) for `uri`, else the active editor's document. */
  static createOrShow(services: Services, uri?: vscode.Uri, model?: string): void {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (ComparePanel.current) {
      const p = ComparePanel.current;
      p.panel.reveal(undefined, true);
      if (target) p.setTarget(target);
      p.pendingFocus = model;
      void p.refresh();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      COMPARE_VIEW_TYPE,
      'Compare models',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(services.context.extensionUri),
    );
    const state: PersistedState = { ...INITIAL_STATE, extraModels: [] };
    if (target) state.uri = target.toString();
    ComparePanel.current = new ComparePanel(services, panel, state, model);
  }

  /** Restores a panel after a reload with the state its webview stored. */
  static revive(services: Services, panel: vscode.WebviewPanel, state: PersistedState): void {
    ComparePanel.current?.dispose();
    panel.webview.options = webviewOptions(services.context.extensionUri);
    if (!state.uri && vscode.window.activeTextEditor) state.uri = vscode.window.activeTextEditor.document.uri.toString();
    ComparePanel.current = new ComparePanel(services, panel, state);
  }

  private constructor(
    private readonly services: Services,
    readonly panel: vscode.WebviewPanel,
    state: PersistedState,
    focus?: string,
  ) {
    super();
    this.state = state;
    this.pendingFocus = focus;
    panel.webview.html = this.html();
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((m: unknown) => void this.handleMessage(m)));
    this._register(
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible) this.schedule(0);
      }),
    );
    this._register(services.estimator.onDidChange(() => this.schedule(CHANGE_DEBOUNCE_MS)));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && e.document.uri.toString() === this.state.uri) this.schedule(EDIT_DEBOUNCE_MS);
      }),
    );
    this._register(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (!editor || this.state.pinned) return;
        if (editor.document.uri.toString() === this.state.uri) return;
        if (!services.estimator.isPromptDocument(editor.document)) return;
        this.setTarget(editor.document.uri);
        this.schedule(0);
      }),
    );
    this.updateTitle();
    void this.refresh();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (ComparePanel.current === this) ComparePanel.current = undefined;
    this.worker?.dispose();
    super.dispose();
    this.panel.dispose();
  }

  private setTarget(uri: vscode.Uri): void {
    if (uri.toString() === this.state.uri) return;
    this.state.uri = uri.toString();
    this.extraSummaries.clear();
    this.updateTitle();
  }

  private targetName(): string | undefined {
    return this.state.uri ? path.posix.basename(vscode.Uri.parse(this.state.uri).path) : undefined;
  }

  private updateTitle(): void {
    const name = this.targetName();
    this.panel.title = name ? `Compare: ${name}${this.state.pinned ? ' (pinned)' : ''}` : 'Compare models';
  }

  private schedule(delayMs: number): void {
    if (!this.isDisposed) this.refreshSoon.schedule(() => void this.refresh(), { delayMs });
  }

  /**
   * Recomputes the table and posts it. An older computation that finishes late is dropped, and its
   * promise resolves with the newest one, so callers always wait for an update that includes their change.
   */
  refresh(): Promise<void> {
    const seq = ++this.seq;
    const done: Promise<void> = this.computeAndPost(seq).then(() => (seq !== this.seq ? this.latest : undefined));
    this.latest = done;
    return done;
  }

  private async computeAndPost(seq: number): Promise<void> {
    if (this.isDisposed) return;
    let view: PanelView | undefined;
    try {
      view = await this.compute();
    } catch (err) {
      if (isCancellationError(err)) return;
      this.services.log.error(`comparison panel: ${(err as Error)?.stack ?? err}`);
      view = this.emptyView(
        readConfig(this.state.uri ? vscode.Uri.parse(this.state.uri) : undefined),
        `Could not compute the comparison: ${(err as Error)?.message ?? err}`,
      );
    }
    if (!view || seq !== this.seq || this.isDisposed) return;
    const state = this.persisted();
    this.lastUpdate = { view, state };
    await this.post({ type: 'update', view, state });
    if (this.pendingFocus && view.rows.some((r) => r.id === this.pendingFocus)) {
      await this.post({ type: 'focusModel', id: this.pendingFocus });
      this.pendingFocus = undefined;
    }
    registration?.updated.fire(view);
  }

  private persisted(): PersistedState {
    return { ...this.state, extraModels: [...this.state.extraModels] };
  }

  private post(message: ToWebviewMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private emptyView(config: PromptCostConfig, message: string): PanelView {
    const uri = this.state.uri;
    return {
      document: uri ? { uri, name: this.targetName() ?? uri } : undefined,
      pinned: this.state.pinned,
      message,
      outputTokens: this.state.outputTokens ?? config.expectedOutputTokens,
      outputTokensSource: this.state.outputTokens !== null ? 'panel' : 'settings',
      requestsPerDay: this.state.requestsPerDay ?? config.requestsPerDay,
      requestsPerDaySource: this.state.requestsPerDay !== null ? 'panel' : 'settings',
      rows: [],
      errors: [],
      sort: this.state.sort,
      notes: [],
    };
  }

  private async document(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    const open = findOpenDocument(uri);
    if (open) return open;
    try {
      return await vscode.workspace.openTextDocument(uri);
    } catch {
      return undefined;
    }
  }

  private async compute(): Promise<PanelView | undefined> {
    const uri = this.state.uri ? vscode.Uri.parse(this.state.uri) : undefined;
    const baseConfig = readConfig(uri);
    if (!uri) return this.emptyView(baseConfig, 'Open a prompt file to compare models for it.');
    const doc = await this.document(uri);
    if (!doc) return this.emptyView(baseConfig, `Cannot open ${this.targetName()}.`);
    const estimator = this.services.estimator;
    const result = await estimator.get(doc, !estimator.isPromptDocument(doc));
    if (!result) return undefined; // superseded by a newer version of the document
    if (isUnestimated(result)) return this.emptyView(baseConfig, result.message);
    if (result.kind !== 'prompt') return this.emptyView(baseConfig, 'Not a prompt file.');
    const { estimate, document, pricing, config } = result;
    const [compareCore, tokenize] = await Promise.all([import('../core/pricing/compare'), import('../core/tokenize')]);

    // Token counts: the estimator's for its models; for added models the same summary in their encoding.
    const configured = estimate.models.map((m) => m.model);
    const extras = this.state.extraModels.filter((id) => !configured.includes(id));
    const counts = new Map<string, ModelTokens>();
    for (const m of estimate.models)
      counts.set(m.model, { tokens: m.inputTokens, encoding: m.tokenizer.encoding, approximate: m.tokenizer.approximate });
    const approximateMethods = new Map<string, string>();
    for (const m of estimate.models) if (m.tokenizer.approximate) approximateMethods.set(m.model, m.tokenizer.method);
    for (const id of extras) {
      const tokenizer = tokenize.tokenizerForModel(id);
      const summary = estimate.summaries.get(tokenizer.encoding) ?? (await this.summaryFor(doc, document, tokenizer.encoding, config));
      const total = summary.totalTokens;
      counts.set(id, {
        tokens: tokenizer.approximate ? tokenize.applyFactor(total, tokenizer) : total,
        encoding: tokenizer.encoding,
        approximate: tokenizer.approximate,
      });
      if (tokenizer.approximate) approximateMethods.set(id, tokenizer.method);
    }

    const outputTokens = this.state.outputTokens ?? estimate.outputTokens;
    const requestsPerDay = this.state.requestsPerDay ?? config.requestsPerDay;
    const order = [...configured, ...extras];
    const table = compareCore.buildComparisonTable({
      models: order,
      tokens: (id) => counts.get(id)!,
      outputTokens,
      requestsPerDay,
      catalog: pricing.catalog,
    });
    const byId = new Map(table.rows.map((r) => [r.id, r]));
    const rows = order.map((id) => byId.get(id)).filter((r): r is CompareRow => r !== undefined);
    const origin = (id: string): 'configured' | 'added' => (configured.includes(id) ? 'configured' : 'added');
    this.lastTable = { table: { ...table, rows }, name: this.targetName() ?? '' };

    const notes: string[] = [];
    const methods = new Map<string, string[]>();
    for (const [id, method] of approximateMethods) methods.set(method, [...(methods.get(method) ?? []), id]);
    for (const [method, ids] of methods) notes.push(`≈ ${ids.map(shortModel).join(', ')}: ${method}`);
    if (estimate.unfilled.length) notes.push(`Unfilled placeholders are counted as written: ${estimate.unfilled.join(', ')}.`);

    return {
      document: { uri: uri.toString(), name: this.targetName() ?? uri.toString() },
      pinned: this.state.pinned,
      outputTokens,
      outputTokensSource: this.state.outputTokens !== null ? 'panel' : document.maxTokens !== undefined ? 'document' : 'settings',
      requestsPerDay,
      requestsPerDaySource: this.state.requestsPerDay !== null ? 'panel' : 'settings',
      rows: rows.map((r): PanelRow => ({
        ...compareCore.rowToJson(r),
        id: r.id,
        origin: origin(r.id),
        exceedsContext: r.exceedsContext,
        warnings: [...r.warnings],
      })),
      errors: table.errors.map((e): PanelError => ({ id: e.id, message: e.message, origin: origin(e.id) })),
      sort: this.state.sort,
      notes,
    };
  }

  /** The document's summary in another encoding, counted like the estimator counts (a worker for big documents). */
  private summaryFor(
    doc: vscode.TextDocument,
    document: PromptDocument,
    encoding: EncodingName,
    config: PromptCostConfig,
  ): Promise<PromptSummary> {
    const prefix = `${doc.uri.toString()}\u0000${doc.version}\u0000`;
    for (const key of [...this.extraSummaries.keys()]) if (!key.startsWith(prefix)) this.extraSummaries.delete(key);
    const key = prefix + encoding;
    let summary = this.extraSummaries.get(key);
    if (!summary) {
      summary = this.countSummary(doc, document, encoding, config);
      summary.catch(() => this.extraSummaries.delete(key));
      this.extraSummaries.set(key, summary);
    }
    return summary;
  }

  private async countSummary(
    doc: vscode.TextDocument,
    document: PromptDocument,
    encoding: EncodingName,
    config: PromptCostConfig,
  ): Promise<PromptSummary> {
    const [tokenize, promptCore] = await Promise.all([import('../core/tokenize'), import('../core/prompt')]);
    if (doc.getText().length <= config.workerThreshold)
      return promptCore.summarizePrompt(document, (t) => tokenize.countTokens(t, encoding));
    // Big document: count each message in a worker thread (as the estimator does), then summarise.
    this.worker ??= new tokenize.WorkerTokenCounter(this.services.context.asAbsolutePath(path.join('dist', 'tokenize-worker.js')), {
      dataDir: this.services.context.asAbsolutePath(path.join('dist', 'encodings')),
    });
    const counted = new Map<string, number>();
    for (const m of document.messages) {
      if (m.content.length === 0 || counted.has(m.content)) continue;
      counted.set(m.content, await this.worker.count(m.content, encoding));
    }
    return promptCore.summarizePrompt(document, (t) => counted.get(t) ?? tokenize.countTokens(t, encoding));
  }

  /** Validates and handles one message from the webview; false when it was rejected. */
  async handleMessage(raw: unknown): Promise<boolean> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.services.log.warn(`comparison panel: ignored a message from the webview: ${parsed.error}`);
      return false;
    }
    await this.handle(parsed.value);
    return true;
  }

  private async handle(msg: FromWebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        return this.refresh();
      case 'setOutputTokens':
        this.state.outputTokens = msg.value;
        return this.refresh();
      case 'setRequestsPerDay':
        this.state.requestsPerDay = msg.value;
        return this.refresh();
      case 'addModel': {
        const id = msg.id ?? (await this.pickModel());
        if (!id) return;
        const shown = this.lastUpdate?.view.rows.some((r) => r.id === id) || this.lastUpdate?.view.errors.some((e) => e.id === id);
        if (!shown && !this.state.extraModels.includes(id)) this.state.extraModels.push(id);
        this.pendingFocus = id;
        return this.refresh();
      }
      case 'removeModel':
        this.state.extraModels = this.state.extraModels.filter((m) => m !== msg.id);
        return this.refresh();
      case 'setPinned': {
        this.state.pinned = msg.pinned;
        const editor = vscode.window.activeTextEditor;
        if (!msg.pinned && editor && this.services.estimator.isPromptDocument(editor.document)) this.setTarget(editor.document.uri);
        this.updateTitle();
        return this.refresh();
      }
      case 'setSort':
        this.state.sort = msg.sort;
        return this.refresh();
      case 'export':
        return this.export(msg.format, msg.action);
      case 'revealDocument': {
        if (!this.state.uri) return;
        const doc = await this.document(vscode.Uri.parse(this.state.uri));
        if (!doc) return;
        const visible = vscode.window.visibleTextEditors.find((e) => e.document === doc);
        await vscode.window.showTextDocument(doc, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One });
        return;
      }
    }
  }

  /** The model picker: reference catalog models not shown yet, searchable by id and provider; any typed id is accepted too. */
  private async pickModel(): Promise<string | undefined> {
    const uri = this.state.uri ? vscode.Uri.parse(this.state.uri) : undefined;
    const { catalog } = await this.services.pricing.forDocument(uri);
    const shown = new Set([
      ...(this.lastUpdate?.view.rows.map((r) => r.id) ?? []),
      ...(this.lastUpdate?.view.errors.map((e) => e.id) ?? []),
    ]);
    const ids = catalog.reference.ids();
    const items: vscode.QuickPickItem[] = [];
    ids.forEach((id, i) => {
      if (shown.has(id)) return;
      const m = catalog.reference.models[i];
      const ctx = m?.contextWindow ? ` · ${displayInt(m.contextWindow)} context` : '';
      const price = m?.prices.input
        ? ` · $${m.prices.input.base.toString()} in / $${m.prices.output?.base.toString() ?? '–'} out per 1M`
        : '';
      items.push({ label: id, description: `${m?.providerName ?? ''}${ctx}${price}${m?.deprecated ? ' · deprecated' : ''}` });
    });
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

  /** The table in the order the user sees it. */
  private exportText(format: 'csv' | 'markdown'): Promise<string | undefined> {
    return import('../core/pricing/compare').then((core) => {
      const last = this.lastTable;
      if (!last || !this.lastUpdate) return undefined;
      const byId = new Map(last.table.rows.map((r) => [r.id, r]));
      const ordered = sortRows(this.lastUpdate.view.rows, this.state.sort).map((j) => byId.get(j.id)!);
      const table: CompareTable = { ...last.table, rows: ordered };
      if (format === 'csv') return core.renderCsv(table);
      const header = `**Model comparison: ${last.name.replace(/([\\`*_[\]|])/g, '\\$1')}** — ${displayInt(table.outputTokens)} output tokens per request, ${displayInt(table.requestsPerDay)} requests/day.\n\n`;
      return header + core.renderMarkdown(table);
    });
  }

  private async export(format: 'csv' | 'markdown', action: 'copy' | 'save'): Promise<void> {
    const text = await this.exportText(format);
    if (text === undefined) {
      await this.post({ type: 'notice', text: 'Nothing to export yet.' });
      return;
    }
    const label = format === 'csv' ? 'CSV' : 'Markdown';
    if (action === 'copy') {
      await vscode.env.clipboard.writeText(text);
      this.lastExport = { format, action, text };
      await this.post({ type: 'notice', text: `Copied the table as ${label}.` });
      return;
    }
    const ext = format === 'csv' ? 'csv' : 'md';
    const source = this.state.uri ? vscode.Uri.parse(this.state.uri) : undefined;
    const base = this.lastTable?.name.replace(/\.[^.]+$/, '').replace(/\.prompt$/, '') || 'comparison';
    const defaultUri = source && source.scheme !== 'untitled' ? vscode.Uri.joinPath(source, '..', `${base}.compare.${ext}`) : undefined;
    const target = await vscode.window.showSaveDialog({
      title: `Save the comparison as ${label}`,
      defaultUri,
      filters: format === 'csv' ? { CSV: ['csv'] } : { Markdown: ['md'] },
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
      this.lastExport = { format, action, text };
      await this.post({ type: 'notice', text: `Saved ${path.posix.basename(target.path)}.` });
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not save ${target.fsPath || target.toString()}: ${(err as Error)?.message ?? err}`);
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const media = vscode.Uri.joinPath(this.services.context.extensionUri, 'media');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'compare.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'compare.css'));
    const nonce = crypto.randomBytes(18).toString('base64');
    const csp = `default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}'; img-src ${webview.cspSource} data:;`;
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style.toString()}" rel="stylesheet">
<title>Compare models</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="placeholder">Loading the comparison…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }
}
