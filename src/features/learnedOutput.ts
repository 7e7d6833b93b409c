// Output tokens learned from each workspace folder's run ledger, for the estimates (CodeLens, hover,
// status bar, comparison panel) and the Runs view's accuracy summary. The learning runs in a worker
// thread (core/history/learned/worker.ts): the host only posts ledger paths and receives the learned
// series. Nothing is read until an estimate asks; an append to a ledger (a run, an import, another
// window) is picked up by a file watcher and only the new lines are read. Trusted workspaces only: a
// cloned repository's ledger could claim any answer length.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LearnWorkerClient, LedgerLearned } from '../core/history/learned/workerClient';
import type { LearnedIndex } from '../core/history/learned/lookup';
import type { AccuracyReport } from '../core/history/learned/accuracy';
import { isInsideFolder } from '../core/confine';
import { resolveLedgerPath } from '../core/history/ledger';
import { promptKey } from '../core/history/learned/promptKey';
import { CONFIG_KEYS, historyPathSources, onConfigChange } from './config';
import type { WorkspaceTrust } from './trust';
import { Debouncer } from './util/debounce';
import { Disposable } from './util/dispose';
import { errorText } from '../core/errors';

/** What an estimate of one document needs: the folder's learned series and the document's prompt identity. */
export interface LearnedForDocument {
  index: LearnedIndex;
  /** Workspace-folder-relative path (core promptKey). */
  prompt: string;
}

const CONSENT_KEY = 'promptCost.history.outsidePathConsent';

export class LearnedOutputService extends Disposable {
  private client: LearnWorkerClient | undefined;
  private readonly indexes = new Map<string, LearnedIndex>();
  private readonly results = new Map<string, LedgerLearned>();
  private started = false;
  private polling: Promise<void> | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when a ledger's learned numbers changed (estimates re-query). */
  readonly onDidChange = this.changed.event;
  private readonly pollSoon = this._register(new Debouncer(300));
  private readonly accuracyChanged = this._register(new vscode.EventEmitter<void>());
  /** Fires when a newer backtest is ready (accuracySnapshot). */
  readonly onDidChangeAccuracy = this.accuracyChanged.event;
  private accuracyCache: { folder: string; ledger: string; report: AccuracyReport }[] = [];
  private accuracyStale = true;
  private accuracyRunning: Promise<void> | undefined;
  /** How long the last poll took in the worker and on the host (ms), for the bench and tests. */
  lastPoll: { workerMs: number; hostMs: number } | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly trust: WorkspaceTrust,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    const restart = () => {
      if (this.started) this.schedulePoll();
    };
    this._register(onConfigChange(CONFIG_KEYS.historyPath, restart));
    this._register(trust.onDidChange(restart));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(restart));
    this._register({ dispose: () => this.client?.dispose() });
  }

  /** The learned numbers for a document (starts learning on first use; until then and when untrusted: undefined). */
  forDocument(uri: vscode.Uri): LearnedForDocument | undefined {
    if (!this.started) this.start();
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || !this.trust.isTrusted) return undefined;
    const index = this.indexes.get(this.ledgerOf(folder));
    if (!index?.size) return undefined;
    return { index, prompt: promptKey(path.relative(folder.uri.fsPath, uri.fsPath)) };
  }

  /** Learns now and waits (the Runs view, tests). */
  async refresh(): Promise<void> {
    if (!this.started) this.start();
    await this.poll(false);
  }

  /** The walk-forward backtest of each folder's ledger (computed in the worker, cached there until the ledger changes). */
  async accuracy(): Promise<{ folder: string; ledger: string; report: AccuracyReport }[]> {
    if (!this.trust.isTrusted) return [];
    if (!this.started) this.start();
    await this.poll(true);
    return (vscode.workspace.workspaceFolders ?? []).flatMap((f) => {
      const r = this.results.get(this.ledgerOf(f));
      return r?.accuracy ? [{ folder: f.name, ledger: r.file, report: r.accuracy }] : [];
    });
  }

  /** The last backtest (immediately); starts a newer one in the worker when the ledgers changed since. */
  accuracySnapshot(): { folder: string; ledger: string; report: AccuracyReport }[] {
    if (this.accuracyStale && !this.accuracyRunning) {
      this.accuracyStale = false;
      this.accuracyRunning = this.accuracy()
        .then((r) => {
          this.accuracyCache = r;
          this.accuracyChanged.fire();
        })
        .catch((err) => this.log.warn(`output accuracy: ${errorText(err)}`))
        .finally(() => (this.accuracyRunning = undefined));
    }
    return this.accuracyCache;
  }

  private start(): void {
    this.started = true;
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/*.jsonl'));
    const onFile = (u: vscode.Uri) => {
      if (this.ledgers().includes(u.fsPath)) this.schedulePoll();
    };
    this._register(watcher.onDidChange(onFile));
    this._register(watcher.onDidCreate(onFile));
    this._register(watcher.onDidDelete(onFile));
    this.schedulePoll(0);
  }

  private schedulePoll(delayMs?: number): void {
    this.pollSoon.schedule(() => void this.poll(false), delayMs === undefined ? {} : { delayMs });
  }

  /** The ledger of a folder as the Runs view reads it, without asking: a workspace path outside the folder only with the consent already given. */
  private ledgerOf(folder: vscode.WorkspaceFolder): string {
    const dir = folder.uri.fsPath;
    const { workspace, user } = historyPathSources(folder.uri);
    const fallback = resolveLedgerPath(dir, user);
    if (!workspace || !this.trust.isTrusted) return fallback;
    const file = resolveLedgerPath(dir, workspace);
    if (isInsideFolder(dir, file)) return file;
    const consents = this.context.workspaceState.get<Record<string, string>>(CONSENT_KEY) ?? {};
    return consents[file] === 'allow' ? file : fallback;
  }

  private ledgers(): string[] {
    if (!this.trust.isTrusted) return [];
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => this.ledgerOf(f));
  }

  private async poll(accuracy: boolean): Promise<void> {
    // One poll at a time; a request for the accuracy waits for the poll under way, then asks again.
    while (this.polling) await this.polling;
    this.polling = this.pollOnce(accuracy).finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async pollOnce(accuracy: boolean): Promise<void> {
    const files = this.ledgers();
    if (!files.length) {
      if (this.indexes.size) {
        this.indexes.clear();
        this.changed.fire();
      }
      return;
    }
    if (!this.client) {
      const { LearnWorkerClient } = await import('../core/history/learned/workerClient');
      this.client = new LearnWorkerClient(this.context.asAbsolutePath(path.join('dist', 'learn-worker.js')));
    }
    let result;
    try {
      result = await this.client.poll(files, { accuracy });
    } catch (err) {
      this.log.error(`learning output tokens from the run history failed: ${errorText(err)}`);
      return;
    }
    const started = performance.now();
    const { LearnedIndex } = await import('../core/history/learned/lookup');
    let changed = false;
    for (const l of result.ledgers) {
      if (l.error) this.log.warn(`run history ${l.file}: ${l.error}`);
      this.results.set(l.file, l);
      if (l.changed || !this.indexes.has(l.file)) {
        this.indexes.set(l.file, new LearnedIndex(l.entries));
        changed = true;
      }
    }
    for (const f of [...this.indexes.keys()]) if (!files.includes(f)) this.indexes.delete(f);
    this.lastPoll = { workerMs: result.ledgers.reduce((s, l) => s + l.ms, 0), hostMs: performance.now() - started };
    if (changed) {
      this.accuracyStale = true;
      this.changed.fire();
      this.accuracyChanged.fire();
    }
  }
}
