// The model comparison panel (webview): one prompt, many models, side by side. This file is the panel's
// life: one instance that follows the active prompt editor unless pinned, updates live (document edits,
// settings, prices), restores after a reload through a serializer, and answers the webview's messages.
// What it shows is computed in view.ts (the estimator's counts through the core table, so a model
// shows the same figures here as in the CodeLens and the hover); the model picker and the exports have
// their own files.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { isCancellationError } from '../../core/cancellation';
import type { CompareTable } from '../../core/pricing/compare';
import {
  COMPARE_VIEW_TYPE,
  FromWebviewMessage,
  INITIAL_STATE,
  PanelView,
  PersistedState,
  ToWebviewMessage,
  parsePersistedState,
  parseWebviewMessage,
} from '../../protocol/compare';
import { COMMANDS } from '../commandIds';
import { ExportFormat, exportText, saveExport } from './export';
import { pickModel } from './modelPicker';
import { ComparisonView, computeComparison, emptyView, openTarget, targetName } from './view';
import type { Services } from '../services';
import { Debouncer } from '../util/debounce';
import { Disposable } from '../util/dispose';
import { errorText } from '../../core/errors';

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
    super.dispose();
    this.panel.dispose();
  }

  private setTarget(uri: vscode.Uri): void {
    if (uri.toString() === this.state.uri) return;
    this.state.uri = uri.toString();
    this.updateTitle();
  }

  private updateTitle(): void {
    const name = targetName(this.state);
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
    let computed: ComparisonView | undefined;
    try {
      computed = await computeComparison(this.services, this.state);
    } catch (err) {
      if (isCancellationError(err)) return;
      this.services.log.error(`comparison panel: ${errorText(err, 'stack')}`);
      computed = emptyView(this.state, `Could not compute the comparison: ${errorText(err)}`);
    }
    if (!computed || seq !== this.seq || this.isDisposed) return;
    const { view } = computed;
    if (computed.table) this.lastTable = computed.table;
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
        if (!this.shownModels().has(id) && !this.state.extraModels.includes(id)) this.state.extraModels.push(id);
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
        const doc = await openTarget(vscode.Uri.parse(this.state.uri));
        if (!doc) return;
        const visible = vscode.window.visibleTextEditors.find((e) => e.document === doc);
        await vscode.window.showTextDocument(doc, { viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One });
        return;
      }
    }
  }

  /** Models in the last update: rows and unpriced models alike. */
  private shownModels(): Set<string> {
    return new Set([...(this.lastUpdate?.view.rows.map((r) => r.id) ?? []), ...(this.lastUpdate?.view.errors.map((e) => e.id) ?? [])]);
  }

  private async pickModel(): Promise<string | undefined> {
    const { catalog } = await this.services.pricing.forDocument(this.state.uri ? vscode.Uri.parse(this.state.uri) : undefined);
    return pickModel(catalog, this.shownModels());
  }

  private async export(format: ExportFormat, action: 'copy' | 'save'): Promise<void> {
    if (!this.lastTable || !this.lastUpdate) {
      await this.post({ type: 'notice', text: 'Nothing to export yet.' });
      return;
    }
    const { rows, embeddingsOnly } = this.lastUpdate.view;
    const text = await exportText(this.lastTable, rows, this.state.sort, format, embeddingsOnly);
    if (action === 'copy') {
      await vscode.env.clipboard.writeText(text);
      this.lastExport = { format, action, text };
      await this.post({ type: 'notice', text: `Copied the table as ${format === 'csv' ? 'CSV' : 'Markdown'}.` });
      return;
    }
    const source = this.state.uri ? vscode.Uri.parse(this.state.uri) : undefined;
    const saved = await saveExport(text, format, source, this.lastTable.name);
    if (!saved) return;
    this.lastExport = { format, action, text };
    await this.post({ type: 'notice', text: `Saved ${saved}.` });
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
