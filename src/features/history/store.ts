// The run history of the open workspace, shared by the Runs and Budgets views and "Run Prompt…":
// one ledger per workspace folder (followed incrementally: FileSystemWatcher → LedgerFollower.poll),
// plus the runs of the folder's Flujo state database (re-read, debounced, when the DB or its -wal
// changes) and the `[budgets]` of its flujo.toml.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IN_BROWSER } from '../platform';
import { applyBudgets, browserDbPattern } from './browserFlujo';
import { Debouncer } from '../util/debounce';
import { Disposable, disposeAll } from '../util/dispose';
import type { BudgetConfig, BudgetRow } from '../../core/history/budgets';
import type { CorruptLine, LedgerFollower } from '../../core/history/ledger';
import type { RunRecord } from '../../core/history/record';
import type { Services } from '../services';
import { CONFIG_KEYS, onConfigChange, readRunSettings } from '../config';
import type { ViewRun } from './viewModel';
import type { FlujoHistoryConfig } from '../../core/flujo/historyConfig';
import { flujoTomlText } from '../flujo/editorToml';
import { chooseLedgerPath } from './ledgerPath';
import { errorText } from '../../core/errors';

export interface FlujoSource {
  /** flujo.toml in use. */
  config: string;
  /** The state database found (first existing candidate), if any. */
  db?: string;
  candidates: string[];
  budgets?: BudgetConfig;
  budgetProblems: string[];
  live: RunRecord[];
  warnings: string[];
  error?: string;
  /** What flujo.toml asked for that is not followed (state_uri in an untrusted workspace). */
  notice?: string;
  /** Flujo keeps the runs in PostgreSQL (trusted workspace only): read when the user imports them, never on its own. */
  postgres?: string;
}

interface FolderHistory {
  key: string;
  name: string;
  /** Folder path (undefined: no workspace, the ledger lives in global storage). */
  dir?: string;
  ledgerFile: string;
  /** Why the configured ledger path is not used, when it is not. */
  ledgerNotice?: string;
  follower: LedgerFollower;
  flujo?: FlujoSource;
  /** Following the PostgreSQL state the user imported from (trusted workspace only). */
  pgFollow?: import('../../core/history/flujo/follow').FlujoPostgresFollower;
  disposables: vscode.Disposable[];
}

const stores = new WeakMap<Services, HistoryStore>();

/** The one history store of this activation (created on first use, disposed with the extension). */
export function historyStore(services: Services): HistoryStore {
  let s = stores.get(services);
  if (!s) {
    s = new HistoryStore(services);
    stores.set(services, s);
    services.context.subscriptions.push(s);
  }
  return s;
}

export class HistoryStore extends Disposable {
  private folders: FolderHistory[] = [];
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires after the runs, the Flujo runs or the budgets changed. */
  readonly onDidChange = this.changed.event;
  private ready: Promise<void> | undefined;
  private generation = 0;
  private sqlWasmSet = false;
  /** The view model, loaded with the ledger (not at activation). */
  private vm: typeof import('./viewModel') | undefined;
  /** Between two checks of a followed PostgreSQL state: 15 s (host tests shorten it). */
  postgresPollMs = 15_000;

  constructor(private readonly services: Services) {
    super();
    // Nothing is read until a view or a run needs it (activation stays cheap).
    const rebuildSoon = this._register(new Debouncer(200));
    const rebuild = () =>
      rebuildSoon.schedule(() => {
        if (this.ready) this.ready = this.rebuild();
      });
    const reloadFlujoSoon = this._register(new Debouncer(300));
    this._register(onConfigChange(CONFIG_KEYS.historyPath, rebuild));
    // Trust granted (or simulated by a test): state_uri and a workspace history.path may now apply.
    this._register(services.trust.onDidChange(rebuild));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(rebuild));
    // flujo.toml edited, created or deleted: state_uri and [budgets] may differ.
    this._register(
      services.pricing.onDidChange(() =>
        reloadFlujoSoon.schedule(() => {
          if (this.ready) void this.reloadFlujo().then(() => this.changed.fire());
        }),
      ),
    );
    this._register({
      dispose: () => {
        this.generation++;
        disposeAll(this.folders.flatMap((f) => f.disposables));
        this.folders = [];
      },
    });
  }

  /** Starts following the ledgers (once); resolves when they and the Flujo databases have been read. */
  whenReady(): Promise<void> {
    this.ready ??= this.rebuild();
    return this.ready;
  }

  /** Re-reads everything (the "Refresh" button). */
  async refresh(): Promise<void> {
    await this.whenReady();
    await Promise.all(this.folders.map((f) => this.pollLedger(f, false)));
    await this.reloadFlujo();
    this.changed.fire();
  }

  /** All visible runs: every folder's ledger merged with its live Flujo runs. */
  runs(): ViewRun[] {
    return this.folders.flatMap((f) => {
      // A live Flujo run the user deleted may have no ledger record of its own, only a tombstone.
      if (!this.vm) return [];
      return this.vm.mergeRuns(f.follower.state().runs, (id) => f.follower.isDeleted(id), f.flujo?.live ?? [], f.key);
    });
  }

  /** Budget rows per folder that has a flujo.toml with `[budgets]`. */
  async budgetRows(): Promise<{ folder: string; config: string; rows: BudgetRow[]; problems: string[] }[]> {
    await this.whenReady();
    const { summarizeBudgets } = await import('../../core/history/budgets');
    const runs = this.runs();
    return this.folders
      .filter((f) => f.flujo?.budgets)
      .map((f) => ({
        folder: f.name,
        config: f.flujo!.config,
        rows: summarizeBudgets(
          f.flujo!.budgets!,
          runs.filter((v) => v.folder === f.key).map((v) => v.run),
          { mode: 'perRun' },
        ),
        problems: f.flujo!.budgetProblems,
      }));
  }

  /** The PostgreSQL followers of the folders (started by an import; tests check they stop). */
  postgresFollowers(): import('../../core/history/flujo/follow').FlujoPostgresFollower[] {
    return this.folders.flatMap((f) => (f.pgFollow ? [f.pgFollow] : []));
  }

  flujoSources(): { folder: string; flujo: FlujoSource }[] {
    return this.folders.filter((f) => f.flujo).map((f) => ({ folder: f.name, flujo: f.flujo! }));
  }

  /** Settings and flujo.toml values not followed, and why (Workspace Trust, an unconfirmed path). */
  notices(): string[] {
    return this.folders.flatMap((f) => [f.ledgerNotice, f.flujo?.notice].filter((n): n is string => n !== undefined));
  }

  corruptLines(): { file: string; lines: readonly CorruptLine[] }[] {
    return this.folders.filter((f) => f.follower.corrupt.length).map((f) => ({ file: f.ledgerFile, lines: f.follower.corrupt }));
  }

  ledgerFiles(): string[] {
    return this.folders.map((f) => f.ledgerFile);
  }

  folderCount(): number {
    return this.folders.length;
  }

  /** The ledger a run of `uri` goes to: its workspace folder's, else the first folder's. */
  async ledgerFileFor(uri?: vscode.Uri): Promise<string> {
    await this.whenReady();
    const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
    const f = this.folders.find((x) => x.key === (folder?.uri.toString() ?? '')) ?? this.folders[0];
    return f.ledgerFile;
  }

  folderDirOf(v: ViewRun): string | undefined {
    return this.folders.find((f) => f.key === v.folder)?.dir;
  }

  ledgerFileOf(v: ViewRun): string | undefined {
    return this.folders.find((f) => f.key === v.folder)?.ledgerFile;
  }

  /** Appends a run record (one fsync'ed O_APPEND write) and refreshes the views. */
  async append(record: RunRecord, uri?: vscode.Uri): Promise<string> {
    const { appendRun } = await import('../../core/history/ledger');
    const file = await this.ledgerFileFor(uri);
    await appendRun(file, record, this.confinement(file));
    await this.pollFile(file);
    return file;
  }

  /**
   * The team's runs from Langfuse into the first folder's ledger, from the newest one already imported from that
   * host (the core of `prompt-cost history import --langfuse`: core/history/otel/langfuse.ts and import.ts).
   */
  async importLangfuse(o: { baseUrl: string; publicKey: string; secretKey: string; maxPages?: number }) {
    const { langfuseResumeFrom, readLangfuseRuns } = await import('../../core/history/otel/langfuse');
    const { importTeamRecords } = await import('../../core/history/otel/import');
    const { readLedger } = await import('../../core/history/ledger');
    const file = await this.ledgerFileFor();
    const from = langfuseResumeFrom((await readLedger(file)).runs, o.baseUrl);
    const read = await readLangfuseRuns({ ...o, ...(from ? { fromStartTime: from } : {}) });
    const done = await importTeamRecords(file, read.records, this.confinement(file));
    await this.pollFile(file);
    return { ...done, file, from, pages: read.pages, observations: read.observations, truncated: read.truncated, problems: read.problems };
  }

  /** Tombstones a run (append-only); returns false when the run is unknown. */
  async delete(runId: string): Promise<boolean> {
    await this.whenReady();
    const v = this.runs().find((x) => x.run.id === runId);
    if (!v) return false;
    const { deleteRun } = await import('../../core/history/ledger');
    const file = this.ledgerFileOf(v)!;
    await deleteRun(file, runId, this.confinement(file));
    await this.pollFile(file);
    return true;
  }

  /** Undoes delete. */
  async restore(runId: string): Promise<boolean> {
    await this.whenReady();
    const { restoreRun } = await import('../../core/history/ledger');
    const f = this.folders.find((x) => x.follower.isDeleted(runId));
    if (!f) return false;
    await restoreRun(f.ledgerFile, runId, this.confinement(f.ledgerFile));
    await this.pollFile(f.ledgerFile);
    return true;
  }

  /** Imports every folder's Flujo runs into its ledger (new and changed runs only). */
  async importFlujo(
    dbOverride?: string,
  ): Promise<{ db: string; added: number; updated: number; unchanged: number; skippedDeleted: number; warnings: string[] }[]> {
    await this.whenReady();
    const history = await import('../../core/history');
    this.ensureSqlWasm(history.setSqlWasmPath);
    const targets = dbOverride
      ? [{ db: dbOverride, f: this.folders[0], postgres: false }]
      : this.folders
          .filter((f) => f.flujo?.db || f.flujo?.postgres)
          .map((f) => ({ db: (f.flujo!.postgres ?? f.flujo!.db)!, f, postgres: f.flujo!.postgres !== undefined }));
    const out = [];
    for (const { db, f, postgres } of targets) {
      // PostgreSQL is a network connection: only from the user's command (and the following it starts), and
      // only in a trusted workspace.
      if (postgres && !this.services.trust.isTrusted) continue;
      const pg = postgres ? await import('../../core/history/flujo/postgres') : undefined;
      // The mark before the read: a run Flujo writes meanwhile moves it, so the follower re-reads.
      const mark = pg ? await pg.flujoPostgresChangeMark(db, { env: process.env }).catch(() => undefined) : undefined;
      const read = pg ? await pg.readFlujoRunsFromPostgres(db, { env: process.env }) : await history.readFlujoRuns(db);
      const r = await history.importFlujoRunsToLedger(f.ledgerFile, read.runs, this.confinement(f.ledgerFile));
      await this.pollLedger(f, true);
      out.push({
        db: postgres ? read.db : db,
        added: r.added,
        updated: r.updated,
        unchanged: r.unchanged,
        skippedDeleted: r.skippedDeleted,
        warnings: [...read.warnings, ...r.warnings],
      });
      if (pg && !dbOverride) await this.followPostgres(f, db, mark);
    }
    return out;
  }

  /**
   * After the user imported from a PostgreSQL state, the Runs view follows it: a poll of the change mark
   * every 15 s (backing off to 5 min while the server fails), a re-import when it moves. Stops when the
   * workspace is no longer trusted, flujo.toml points elsewhere, or the folder goes away.
   */
  private async followPostgres(f: FolderHistory, uri: string, mark: string | undefined): Promise<void> {
    if (f.pgFollow?.uri === uri && f.pgFollow.state !== 'stopped') return;
    f.pgFollow?.stop();
    const { FlujoPostgresFollower } = await import('../../core/history/flujo/follow');
    const { readFlujoRunsFromPostgres, redactPostgresUri } = await import('../../core/history/flujo/postgres');
    const { importFlujoRunsToLedger } = await import('../../core/history');
    const follower = new FlujoPostgresFollower(uri, {
      intervalMs: this.postgresPollMs,
      connection: { env: process.env },
      allowed: () => this.services.trust.isTrusted && f.flujo?.postgres === uri && this.folders.includes(f),
      onChange: async () => {
        const read = await readFlujoRunsFromPostgres(uri, { env: process.env });
        await importFlujoRunsToLedger(f.ledgerFile, read.runs, this.confinement(f.ledgerFile));
        await this.pollLedger(f, true);
      },
      onError: (message) => this.services.log.warn(`Following Flujo runs in ${redactPostgresUri(uri)}: ${message}`),
    });
    f.pgFollow = follower;
    f.disposables.push({ dispose: () => follower.stop() });
    follower.start(mark);
  }

  private ensureSqlWasm(set: (p: string) => void): void {
    if (this.sqlWasmSet) return;
    const wasm = this.services.context.asAbsolutePath(path.join('dist', 'sql-wasm.wasm'));
    if (fs.existsSync(wasm)) set(wasm);
    this.sqlWasmSet = true;
  }

  /**
   * A ledger inside its workspace folder must stay inside once symlinks are resolved (a cloned repository
   * may commit `.prompt-cost` → `../..`); one outside was confirmed by the user (ledgerPath.ts).
   */
  private confinement(file: string): { root?: string } {
    return { root: this.folders.find((x) => x.ledgerFile === file)?.dir };
  }

  private async pollFile(file: string): Promise<void> {
    const f = this.folders.find((x) => x.ledgerFile === file);
    if (f) await this.pollLedger(f, true);
  }

  private async pollLedger(f: FolderHistory, fire: boolean): Promise<void> {
    try {
      const update = await f.follower.poll();
      const { ledgerWarnings } = await import('../../core/history/ledger');
      for (const w of ledgerWarnings(f.ledgerFile, update.corrupt)) this.services.log.warn(w.message);
      if (fire && update.changed) this.changed.fire();
    } catch (err) {
      this.services.log.error(`cannot read ${f.ledgerFile}: ${errorText(err)}`);
    }
  }

  private async rebuild(): Promise<void> {
    const gen = ++this.generation;
    disposeAll(this.folders.flatMap((f) => f.disposables));
    const { LedgerFollower, resolveLedgerPath } = await import('../../core/history/ledger');
    this.vm ??= await import('./viewModel');
    if (IN_BROWSER) return this.install(gen, await this.browserFolders());
    const wsFolders = vscode.workspace.workspaceFolders?.filter((w) => w.uri.scheme === 'file') ?? [];
    const next: FolderHistory[] = [];
    const entries: { key: string; name: string; dir?: string; scope?: vscode.Uri }[] = wsFolders.length
      ? wsFolders.map((w) => ({ key: w.uri.toString(), name: w.name, dir: w.uri.fsPath, scope: w.uri }))
      : [{ key: '', name: 'global', dir: undefined }];
    for (const e of entries) {
      // A workspace folder: its own setting, checked against Workspace Trust and confirmed when outside.
      const choice =
        e.dir && e.scope
          ? await chooseLedgerPath(this.services, e.dir, e.scope)
          : {
              file: resolveLedgerPath(this.services.context.globalStorageUri.fsPath, path.basename(readRunSettings(e.scope).historyPath)),
              notice: undefined,
            };
      if (gen !== this.generation) {
        disposeAll(next.flatMap((x) => x.disposables));
        return;
      }
      const ledgerFile = choice.file;
      const f: FolderHistory = {
        key: e.key,
        name: e.name,
        dir: e.dir,
        ledgerFile,
        ledgerNotice: choice.notice,
        follower: new LedgerFollower(ledgerFile),
        disposables: [],
      };
      const debouncer = new Debouncer(100);
      const poll = () => debouncer.schedule(() => void this.pollLedger(f, true));
      const watcher = vscode.workspace.createFileSystemWatcher(watchPattern(e.dir, ledgerFile, [path.basename(ledgerFile)]));
      f.disposables.push(debouncer, watcher, watcher.onDidChange(poll), watcher.onDidCreate(poll), watcher.onDidDelete(poll));
      next.push(f);
    }
    await this.install(gen, next);
  }

  /** Makes `next` the followed ledgers (unless a newer rebuild started), reads them and the Flujo runs. */
  private async install(gen: number, next: FolderHistory[]): Promise<void> {
    if (gen !== this.generation) {
      disposeAll(next.flatMap((f) => f.disposables));
      return;
    }
    this.folders = next;
    await Promise.all(next.map((f) => this.pollLedger(f, false)));
    await this.reloadFlujo();
    if (gen === this.generation) this.changed.fire();
  }

  /** VS Code for the Web: every workspace folder's ledger through vscode.workspace.fs (browserLedgers.ts). */
  private async browserFolders(): Promise<FolderHistory[]> {
    const { browserLedgers } = await import('./browserLedgers');
    const folders = vscode.workspace.workspaceFolders ?? [];
    const ledgers = await browserLedgers(
      folders,
      (folder) => readRunSettings(folder.uri).historyPath,
      (f) => void this.pollLedger(f as FolderHistory, true),
    );
    return ledgers;
  }

  private async reloadFlujo(): Promise<void> {
    await Promise.all(this.folders.map((f) => this.loadFlujo(f)));
  }

  /**
   * `state_uri` and `[budgets]` of a flujo.toml, read as Flujo reads it (flujoTomlText); a big one is parsed in the
   * flujo worker, off the host thread.
   */
  private async readFlujoConfig(uri: vscode.Uri): Promise<FlujoHistoryConfig> {
    const read = await flujoTomlText(uri);
    if (!read) throw new Error('not a readable regular file');
    const { text, encodingError } = read;
    const { FLUJO_WORKER_MIN_CHARS, FlujoAnalysisWorker } = await import('../../core/flujo/workerClient');
    if (IN_BROWSER || text.length < FLUJO_WORKER_MIN_CHARS)
      return (await import('../../core/flujo/historyConfig')).readFlujoHistoryConfig(text, encodingError);
    const worker = new FlujoAnalysisWorker(this.services.context.asAbsolutePath(path.join('dist', 'flujo-worker.js')));
    try {
      return await worker.historyConfig(text, encodingError);
    } finally {
      worker.dispose();
    }
  }

  /** flujo.toml of the folder (as the pricing service found it) → budgets, state DB, live runs, DB watchers. */
  private async loadFlujo(f: FolderHistory): Promise<void> {
    if (IN_BROWSER) return this.loadBrowserFlujo(f);
    if (!f.dir) return;
    const ctx = await this.services.pricing.forDocument(vscode.Uri.file(f.dir));
    const configUri = ctx.flujo?.uri;
    if (!configUri || configUri.scheme !== 'file') {
      this.setFlujo(f, undefined);
      return;
    }
    const history = await import('../../core/history');
    const src: FlujoSource = { config: configUri.fsPath, candidates: [], budgetProblems: [], live: [], warnings: [] };
    let stateUri: string | undefined;
    try {
      const config = await this.readFlujoConfig(configUri);
      stateUri = config.stateUri;
      applyBudgets(src, config, history);
    } catch (err) {
      // Diagnostics show TOML errors; keep what we had so a half-typed file doesn't blank the views.
      src.error = `${path.basename(configUri.fsPath)}: ${errorText(err).split('\n')[0]}`;
      if (f.flujo) {
        src.budgets = f.flujo.budgets;
        src.budgetProblems = f.flujo.budgetProblems;
      }
    }
    const dir = path.dirname(configUri.fsPath);
    // state_uri is the repository's choice of a path: followed only in a trusted workspace.
    const { stateDbAccess } = await import('../../core/history/stateAccess');
    const access = stateDbAccess({
      configDir: dir,
      stateUri,
      env: process.env,
      workspaceDir: f.dir,
      trusted: this.services.trust.isTrusted,
    });
    src.candidates = access.candidates;
    src.notice = access.notice;
    const where = history.resolveFlujoState({ configDir: dir, stateUri, env: process.env });
    if (where.kind === 'postgres' && this.services.trust.isTrusted) {
      src.postgres = where.uri;
      src.notice = `Flujo keeps these runs in PostgreSQL (${history.redactPostgresUri(where.uri)}): run "Prompt Cost: Import Flujo Runs" to read them — the extension connects only when you ask, then follows new runs there (a check every 15 s) while VS Code runs.`;
    } else if (where.kind === 'unsupported' || where.kind === 'memory')
      src.notice ??=
        where.kind === 'memory'
          ? `Flujo keeps no runs here (${where.why}).`
          : `flujo.toml: ${where.message} (the flujo CLI stops with this error).`;
    // a regular file only: a FIFO or device planted as the database would block the extension host
    src.db = access.candidates.find((p) => {
      try {
        return fs.statSync(p).isFile();
      } catch {
        return false;
      }
    });
    if (src.db) {
      this.ensureSqlWasm(history.setSqlWasmPath);
      try {
        const read = await history.readFlujoRuns(src.db);
        src.live = read.runs.map(history.flujoRunToRecord);
        src.warnings = read.warnings;
      } catch (err) {
        // A database caught mid-write: keep the last good runs; the next change re-reads it.
        src.error = errorText(err);
        src.live = f.flujo?.live ?? [];
        this.services.log.warn(`Flujo runs: ${src.error}`);
      }
    }
    this.setFlujo(f, src);
  }

  /** VS Code for the Web: the folder's flujo.toml and state database through vscode.workspace.fs (browserFlujo.ts). */
  private async loadBrowserFlujo(f: FolderHistory): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.find((w) => w.uri.toString() === f.key);
    if (!folder) return;
    const { browserFlujoSource } = await import('./browserFlujo');
    const source = await browserFlujoSource(this.services, folder.uri, (uri) => this.readFlujoConfig(uri), f.flujo);
    this.setFlujo(f, source, folder.uri);
  }

  private readonly flujoWatchers = new Map<string, { key: string; folder: FolderHistory; disposables: vscode.Disposable[] }>();

  /** `folder`: in the browser, where the candidate databases are (their paths are that URI's). */
  private setFlujo(f: FolderHistory, src: FlujoSource | undefined, folder?: vscode.Uri): void {
    // A read that finished after a rebuild replaced this folder (trust or settings changed meanwhile): its
    // watchers would re-read the old folder forever and the new one would get none.
    if (!this.folders.includes(f)) return;
    f.flujo = src;
    // Watch every candidate DB (and its -wal), so a database created later is picked up too.
    const key = src ? src.candidates.join('\n') : '';
    const prev = this.flujoWatchers.get(f.key);
    if (prev?.key === key && prev.folder === f) return;
    disposeAll(prev?.disposables ?? []);
    const disposables: vscode.Disposable[] = [];
    if (src) {
      const debouncer = new Debouncer(400);
      const reread = () => debouncer.schedule(() => void this.loadFlujo(f).then(() => this.changed.fire()));
      disposables.push(debouncer);
      for (const c of src.candidates) {
        const base = path.basename(c);
        const w = vscode.workspace.createFileSystemWatcher(
          folder ? browserDbPattern(folder, c) : watchPattern(f.dir, c, [base, `${base}-wal`]),
        );
        disposables.push(w, w.onDidChange(reread), w.onDidCreate(reread), w.onDidDelete(reread));
        // A database written into a folder made a moment before (Flujo's first run makes .flujo/) raises no
        // event: the watcher had not added the new folder yet. So the folder's creation re-reads too.
        const dirPattern = folder ? undefined : newFolderPattern(f.dir, c);
        if (dirPattern) {
          const d = vscode.workspace.createFileSystemWatcher(dirPattern, false, true, true);
          disposables.push(d, d.onDidCreate(reread));
        }
      }
    }
    this.flujoWatchers.set(f.key, { key, folder: f, disposables });
    f.disposables.push({
      dispose: () => {
        const cur = this.flujoWatchers.get(f.key);
        if (cur && cur.disposables === disposables) {
          disposeAll(disposables);
          this.flujoWatchers.delete(f.key);
        }
      },
    });
  }
}

/** The folder of `file` inside the workspace folder, when it does not exist yet: a pattern for its creation. */
function newFolderPattern(folderDir: string | undefined, file: string): vscode.RelativePattern | undefined {
  const rel = folderDir ? path.relative(folderDir, path.dirname(file)) : '..';
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel) || fs.existsSync(path.dirname(file))) return undefined;
  return new vscode.RelativePattern(vscode.Uri.file(folderDir!), rel.split(path.sep).join('/'));
}

/**
 * A watcher pattern for `names` next to `file`: relative to the workspace folder when the file is
 * inside it (served by the workspace watcher, works before the file's directory exists), else
 * rooted at the file's own directory.
 */
function watchPattern(folderDir: string | undefined, file: string, names: string[]): vscode.RelativePattern {
  const alt = names.length > 1 ? `{${names.join(',')}}` : names[0];
  if (folderDir) {
    const rel = path.relative(folderDir, path.dirname(file));
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
      const dir = rel ? `${rel.split(path.sep).join('/')}/` : '';
      return new vscode.RelativePattern(vscode.Uri.file(folderDir), `${dir}${alt}`);
    }
  }
  return new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), alt);
}
