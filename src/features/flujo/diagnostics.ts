// flujo.toml diagnostics: recomputed 300 ms after typing stops (big files in a worker thread, latest edit wins), when the file changes on disk, when
// prices or settings change, and from the `provider:model` strings used in the workspace (strict mode:
// every unpriced one; otherwise those Flujo would raise PricingNotConfiguredError for).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IN_BROWSER } from '../platform';
import type { FlujoDiagnostic, ModelUsage } from '../../core/flujo';
import { FLUJO_WORKER_MIN_CHARS, type FlujoAnalysisWorker } from '../../core/flujo/workerClient';
import type { Services } from '../services';
import { isFlujoToml } from '../pricingService';
import { DocumentDiagnostics } from '../util/documentDiagnostics';
import { diskEncoding } from './editorToml';
import { documentLength, documentView, findOpenDocument, toRange, toSeverity, watchWorkspaceFiles } from '../vscodeConvert';
import { errorText } from '../../core/errors';
import { SCAN_POLICY, isSkippedFolder, modelUsageGlobs } from '../../core/prompt/codeLanguages';

export const DIAGNOSTIC_SOURCE = 'flujo.toml';
/** The files `prompt-cost lint` reads too (one scan policy): code and YAML, no dependency/build/dot folders. */
const { include: CODE_GLOB, exclude: CODE_EXCLUDE } = modelUsageGlobs();
/** In a folder the scan leaves out (relative to the workspace folder, as the exclude glob is), for the watcher's events. */
const inSkippedFolder = (uri: vscode.Uri) => vscode.workspace.asRelativePath(uri, false).split('/').slice(0, -1).some(isSkippedFolder);
/** A workspace scan that failed (file search unavailable for a moment) is retried this much later, this often. */
const SCAN_RETRY_MS = 2_000;
const SCAN_RETRIES = 3;
/** Worker threads kept for big flujo.toml files open at once (each holds its last analysis' heap until the next). */
const MAX_WORKERS = 2;

/** The core diagnostic behind each vscode.Diagnostic, for the quick-fix provider. */
export const coreDiagnostic = new WeakMap<vscode.Diagnostic, FlujoDiagnostic>();

export function registerFlujoDiagnostics(services: Services): vscode.Disposable {
  // Called only from a lint (after `diagnostics` exists): a folder rescan found usages the watcher missed.
  const usages = new WorkspaceModelUsages(() => diagnostics.scheduleAll());
  const workers = new FlujoWorkers(services);
  let scanFailures = 0;
  const diagnostics: DocumentDiagnostics = new DocumentDiagnostics({
    name: 'flujo',
    delayMs: 300,
    log: services.log,
    applies: (doc) => isFlujoToml(doc.uri),
    async compute(doc, run) {
      const analyze = await analyzerFor(services, workers, doc);
      // Until the first workspace scan (of many files) is done, show the file's own diagnostics at once.
      if (!usages.ready && run.current()) run.publish(toDiagnostics(await analyze()));
      let usedModels: ModelUsage[];
      try {
        usedModels = await usages.get(doc.uri);
        scanFailures = 0;
      } catch (err) {
        // The scan failed (file search unavailable for a moment): the file's own diagnostics stay; try again soon.
        services.log.warn(`could not scan the workspace for the models it uses: ${errorText(err)}`);
        if (++scanFailures <= SCAN_RETRIES) diagnostics.schedule(doc, SCAN_RETRY_MS);
        return undefined;
      }
      if (!run.current()) return undefined; // a newer run (an edit, new usages, new prices) supersedes this one
      return toDiagnostics(await analyze(usedModels));
    },
    // Say so where the user looks (e.g. the worker ran out of its memory limit on a huge file), not only in the log.
    failed(_doc, err) {
      const diag = new vscode.Diagnostic(
        new vscode.Range(0, 0, 0, 0),
        `flujo.toml could not be analysed: ${errorText(err).split('\n')[0]}`,
        vscode.DiagnosticSeverity.Warning,
      );
      diag.source = DIAGNOSTIC_SOURCE;
      diag.code = 'analysis-failed';
      return [diag];
    },
    closed: (doc) => workers.dispose(doc.uri.toString()),
  });
  const relintAll = () => diagnostics.scheduleAll();
  return vscode.Disposable.from(
    diagnostics,
    // Re-lint open flujo.toml files once the changed file is rescanned.
    watchWorkspaceFiles(CODE_GLOB, (uri, event) => {
      if (event !== 'delete') return void usages.update(uri).then(relintAll);
      usages.remove(uri);
      relintAll();
    }),
    // A flujo.toml appearing or going away moves code from one flujo.toml to another.
    watchWorkspaceFiles('**/flujo.toml', (uri, event) => {
      if (event === 'change') return;
      usages.configChanged(uri, event === 'create');
      relintAll();
    }),
    // A big file's worker gets the edits, not the text: record every change in order.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) workers.recordChange(e);
    }),
    workers,
    services.pricing.onDidChange(relintAll),
  );
}

/** vscode.Diagnostics for the core's findings (the core diagnostic kept for the quick fixes). */
function toDiagnostics(found: FlujoDiagnostic[]): vscode.Diagnostic[] {
  return found.map((d) => {
    const diag = new vscode.Diagnostic(toRange(d.range), d.message, toSeverity(d.severity));
    diag.source = DIAGNOSTIC_SOURCE;
    diag.code = d.code;
    coreDiagnostic.set(diag, d);
    return diag;
  });
}

/** The analysis of `doc` with or without the workspace's model usages: on this thread, or in a worker for a big file. */
async function analyzerFor(
  services: Services,
  workers: FlujoWorkers,
  doc: vscode.TextDocument,
): Promise<(usedModels?: ModelUsage[]) => Promise<FlujoDiagnostic[]>> {
  const [flujo, pricing] = await Promise.all([import('../../core/flujo'), import('../../core/pricing')]);
  const reference = await services.pricing.referenceCatalog();
  const small = IN_BROWSER || documentLength(doc) < FLUJO_WORKER_MIN_CHARS;
  // What the editor's text hides (a byte-order mark, invalid UTF-8) and Flujo's loader fails on.
  const encoding = await diskEncoding(doc.uri, small ? doc.getText() : undefined);
  const options = { path: doc.uri.fsPath, maxDiagnostics: flujo.MAX_DIAGNOSTICS, ...encoding };
  return async (usedModels) => {
    let found: FlujoDiagnostic[];
    if (small) {
      found = flujo.analyzeFlujoToml(doc.getText(), { ...options, usedModels, reference }).diagnostics;
    } else {
      // The worker keeps a copy of the text and gets only the edits since (no 10 MB getText per keystroke).
      // Read when each request is sent (the document may change while a request waits).
      const worker = await workers.for(doc.uri.toString());
      found = (await worker.analyzeDocument(documentView(doc), { ...options, usedModels }, services.pricing.referenceData(reference)))
        .diagnostics;
    }
    if (usedModels && reference.isStale(new Date()) && found.some((d) => STALE_PRICE_CODES.has(d.code)))
      services.log.warn(
        `reference prices are from ${reference.dataDate} (older than ${pricing.STALE_AFTER_DAYS} days): run "Prompt Cost: Update Prices"`,
      );
    return found;
  };
}

const STALE_PRICE_CODES = new Set(['price-differs', 'price-magnitude', 'unknown-model']);

/** Big files are analysed in a worker thread, one per document (latest edit wins), the most recently used kept. */
class FlujoWorkers implements vscode.Disposable {
  private readonly workers = new Map<string, FlujoAnalysisWorker>();

  constructor(private readonly services: Services) {}

  async for(key: string): Promise<FlujoAnalysisWorker> {
    const { FlujoAnalysisWorker } = await import('../../core/flujo/workerClient');
    // Most recently used last, so the oldest is the first to go.
    const w = this.workers.get(key) ?? new FlujoAnalysisWorker(this.services.context.asAbsolutePath(path.join('dist', 'flujo-worker.js')));
    this.workers.delete(key);
    this.workers.set(key, w);
    while (this.workers.size > MAX_WORKERS) this.dispose(this.workers.keys().next().value as string);
    return w;
  }

  recordChange(e: vscode.TextDocumentChangeEvent): void {
    this.workers.get(e.document.uri.toString())?.recordChange(
      e.document.version,
      e.contentChanges.map((c) => ({ offset: c.rangeOffset, deleteLength: c.rangeLength, text: c.text })),
    );
  }

  /** Disposes one document's worker, or all of them. */
  dispose(key?: string): void {
    for (const k of key === undefined ? [...this.workers.keys()] : [key]) {
      this.workers.get(k)?.dispose();
      this.workers.delete(k);
    }
  }
}

/**
 * `provider:model` strings in the workspace's code and YAML, per file. The first strict-mode lint scans
 * the workspace once; after that a changed file is rescanned alone (and a deleted one dropped).
 * A file's models count for the flujo.toml it belongs to (the nearest one in its folder or above, as Flujo
 * finds it when run from there): examples/with-mistakes/agent.py for with-mistakes/flujo.toml only.
 */
class WorkspaceModelUsages {
  private readonly byFile = new Map<string, { uri: vscode.Uri; found: ModelUsage[] }>();
  /** Folders (URI strings, no trailing slash) that hold a flujo.toml. */
  private readonly configDirs = new Set<string>();
  private initial?: Promise<void>;
  /** The first workspace scan has finished. */
  ready = false;

  /** `changed` is called when a folder rescan (see rescanFolder) found usages the watcher had not reported. */
  constructor(private readonly changed: () => void) {}

  /** The models used in the code that belongs to the flujo.toml at `config`. */
  get(config: vscode.Uri): Promise<ModelUsage[]> {
    // A failed scan is not kept: the next call scans again.
    this.initial ??= this.scanAll().then(
      () => void (this.ready = true),
      (err) => {
        this.initial = undefined;
        throw err;
      },
    );
    return this.initial.then(async () => {
      const { owningConfigDir } = await import('../../core/flujo/config');
      const dir = dirOf(config);
      if (!this.configDirs.has(dir)) this.configChanged(config, true); // its watcher event may be lost too
      const has = (d: string) => d === dir || this.configDirs.has(d);
      return [...this.byFile.values()].filter((f) => owningConfigDir(dirOf(f.uri), has, parentOf) === dir).flatMap((f) => f.found);
    });
  }

  configChanged(uri: vscode.Uri, exists: boolean): void {
    const dir = dirOf(uri);
    if (!exists) return void this.configDirs.delete(dir);
    if (this.configDirs.has(dir)) return;
    this.configDirs.add(dir);
    if (this.initial) void this.rescanFolder(dir).then((found) => found && this.changed());
  }

  /**
   * A new flujo.toml often comes with a new folder of code (a checkout, an unzip, mkdir then writes). Files written
   * into a folder before the file watcher has added it raise no event (inotify watches a new folder only once told
   * it exists), so read the folder again instead of trusting the events. True when that found something new.
   */
  private async rescanFolder(dir: string): Promise<boolean> {
    const scanned = await this.initial?.then(
      () => true,
      () => false,
    );
    if (!scanned) return false; // the next full scan reads it
    let found = false;
    try {
      const pattern = new vscode.RelativePattern(vscode.Uri.parse(dir), CODE_GLOB);
      for (const uri of await vscode.workspace.findFiles(pattern, CODE_EXCLUDE, SCAN_POLICY.maxFiles)) {
        if (inSkippedFolder(uri) || this.byFile.has(uri.toString())) continue; // a known file: its events came
        const usages = await this.scanFile(uri);
        if (usages) this.byFile.set(uri.toString(), { uri, found: usages });
        found ||= usages !== undefined && usages.length > 0;
      }
    } catch {
      return false; // file search unavailable for a moment: the watcher's events and the next edit still apply
    }
    return found;
  }

  /** A file changed or appeared: rescan it (only once the initial scan exists). */
  async update(uri: vscode.Uri): Promise<void> {
    if (!this.initial || inSkippedFolder(uri)) return;
    const scanned = await this.initial.then(
      () => true,
      () => false,
    );
    if (!scanned) return; // the next full scan reads it
    const found = await this.scanFile(uri);
    if (found) this.byFile.set(uri.toString(), { uri, found });
    else this.byFile.delete(uri.toString());
  }

  remove(uri: vscode.Uri): void {
    this.byFile.delete(uri.toString());
  }

  private async scanAll(): Promise<void> {
    for (const uri of await vscode.workspace.findFiles('**/flujo.toml', CODE_EXCLUDE)) this.configDirs.add(dirOf(uri));
    const files = await vscode.workspace.findFiles(CODE_GLOB, CODE_EXCLUDE, SCAN_POLICY.maxFiles);
    for (const uri of files) {
      if (inSkippedFolder(uri)) continue; // a dot-folder the exclude glob does not name (as `lint` skips it)
      const found = await this.scanFile(uri);
      if (found) this.byFile.set(uri.toString(), { uri, found });
    }
  }

  private async scanFile(uri: vscode.Uri): Promise<ModelUsage[] | undefined> {
    const { scanModelUsages, summarizeUsages } = await import('../../core/flujo');
    let text = findOpenDocument(uri)?.getText();
    if (text === undefined) {
      try {
        const bytes = await vscode.workspace.fs.readFile(uri);
        if (bytes.byteLength > SCAN_POLICY.maxFileBytes) return undefined;
        text = new TextDecoder().decode(bytes);
      } catch {
        return undefined;
      }
    }
    const file = vscode.workspace.asRelativePath(uri);
    return summarizeUsages(scanModelUsages(text), file); // a few locations per model, the rest counted
  }
}

/** A file's folder as a URI string (same scheme and authority, so folders of different roots never match). */
function dirOf(uri: vscode.Uri): string {
  return uri.with({ path: path.posix.dirname(uri.path), query: '', fragment: '' }).toString();
}

/** The parent folder of a folder written as by dirOf. */
function parentOf(dir: string): string {
  return dirOf(vscode.Uri.parse(dir));
}
