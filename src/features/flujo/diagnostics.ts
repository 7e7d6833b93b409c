// flujo.toml diagnostics: recomputed 300 ms after typing stops (big files in a worker thread, latest edit wins), when the file changes on disk, when
// prices or settings change, and from the `provider:model` strings used in the workspace (strict mode:
// every unpriced one; otherwise those Flujo would raise PricingNotConfiguredError for).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IN_BROWSER } from '../platform';
import type { FlujoDiagnostic, ModelUsage } from '../../core/flujo';
import { FLUJO_WORKER_MIN_CHARS, type FlujoAnalysisWorker } from '../../core/flujo/workerClient';
import { isCancellationError } from '../../core/cancellation';
import type { Services } from '../services';
import { isFlujoToml } from '../pricingService';
import { Debouncer } from '../util/debounce';
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
  const collection = vscode.languages.createDiagnosticCollection('flujo');
  const debouncer = new Debouncer(300);
  const usages = new WorkspaceModelUsages();
  /** The latest lint run per document: only its result is shown (an older run may finish last). */
  const runs = new Map<string, number>();
  let scanFailures = 0;

  /** Big files are analysed in a worker thread, one per document (latest edit wins), the most recently used kept. */
  const workers = new Map<string, FlujoAnalysisWorker>();
  const workerFor = (key: string, create: (script: string) => FlujoAnalysisWorker) => {
    // Most recently used last, so the oldest is the first to go.
    const w = workers.get(key) ?? create(services.context.asAbsolutePath(path.join('dist', 'flujo-worker.js')));
    workers.delete(key);
    workers.set(key, w);
    while (workers.size > MAX_WORKERS) {
      const oldest = workers.keys().next().value as string;
      workers.get(oldest)?.dispose();
      workers.delete(oldest);
    }
    return w;
  };
  const disposeWorker = (key: string) => {
    workers.get(key)?.dispose();
    workers.delete(key);
  };

  const lint = async (doc: vscode.TextDocument) => {
    if (!isFlujoToml(doc.uri)) return;
    const key = doc.uri.toString();
    const run = (runs.get(key) ?? 0) + 1;
    runs.set(key, run);
    const [flujo, pricing, { FlujoAnalysisWorker }] = await Promise.all([
      import('../../core/flujo'),
      import('../../core/pricing'),
      import('../../core/flujo/workerClient'),
    ]);
    const reference = await services.pricing.referenceCatalog();
    const options = { path: doc.uri.fsPath, maxDiagnostics: flujo.MAX_DIAGNOSTICS };
    const current = () => runs.get(key) === run && !doc.isClosed; // a newer run (an edit, new usages, new prices) supersedes this one
    const analyze = async (usedModels?: ModelUsage[]): Promise<FlujoDiagnostic[]> => {
      if (IN_BROWSER || documentLength(doc) < FLUJO_WORKER_MIN_CHARS)
        return flujo.analyzeFlujoToml(doc.getText(), { ...options, usedModels, reference }).diagnostics;
      // The worker keeps a copy of the text and gets only the edits since (no 10 MB getText per keystroke).
      const worker = workerFor(key, (script) => new FlujoAnalysisWorker(script));
      // Read when each request is sent (the document may change while a request waits).
      const result = await worker.analyzeDocument(documentView(doc), { ...options, usedModels }, services.pricing.referenceData(reference));
      return result.diagnostics;
    };
    // Until the first workspace scan (of many files) is done, show the file's own diagnostics at once.
    if (!usages.ready && current()) {
      const own = await analyze();
      if (current()) publish(doc, own);
    }
    let usedModels: ModelUsage[];
    try {
      usedModels = await usages.get(doc.uri);
      scanFailures = 0;
    } catch (err) {
      // The scan failed (file search unavailable for a moment): the file's own diagnostics stay; try again soon.
      services.log.warn(`could not scan the workspace for the models it uses: ${errorText(err)}`);
      if (++scanFailures <= SCAN_RETRIES)
        debouncer.schedule(() => void lint(doc).catch((e) => failed(doc, e)), { key, delayMs: SCAN_RETRY_MS });
      return;
    }
    if (!current()) return;
    const found = await analyze(usedModels);
    if (!current()) return;
    publish(doc, found);
    if (
      reference.isStale(new Date()) &&
      found.some((d) => d.code === 'price-differs' || d.code === 'price-magnitude' || d.code === 'unknown-model')
    ) {
      services.log.warn(
        `reference prices are from ${reference.dataDate} (older than ${pricing.STALE_AFTER_DAYS} days): run "Prompt Cost: Update Prices"`,
      );
    }
  };

  const publish = (doc: vscode.TextDocument, found: FlujoDiagnostic[]) => {
    const diagnostics = found.map((d) => {
      const diag = new vscode.Diagnostic(toRange(d.range), d.message, toSeverity(d.severity));
      diag.source = DIAGNOSTIC_SOURCE;
      diag.code = d.code;
      coreDiagnostic.set(diag, d);
      return diag;
    });
    collection.set(doc.uri, diagnostics);
  };

  const failed = (doc: vscode.TextDocument, e: unknown) => {
    if (isCancellationError(e)) return; // a newer edit superseded this run: its own run publishes
    services.log.error(`flujo.toml lint failed: ${errorText(e, 'stack')}`);
    if (doc.isClosed) return;
    // Say so where the user looks (e.g. the worker ran out of its memory limit on a huge file), not only in the log.
    const diag = new vscode.Diagnostic(
      new vscode.Range(0, 0, 0, 0),
      `flujo.toml could not be analysed: ${errorText(e).split('\n')[0]}`,
      vscode.DiagnosticSeverity.Warning,
    );
    diag.source = DIAGNOSTIC_SOURCE;
    diag.code = 'analysis-failed';
    collection.set(doc.uri, [diag]);
  };
  const schedule = (doc: vscode.TextDocument) => {
    if (isFlujoToml(doc.uri)) debouncer.schedule(() => void lint(doc).catch((e) => failed(doc, e)), { key: doc.uri.toString() });
  };
  const relintAll = () => vscode.workspace.textDocuments.forEach(schedule);

  // Re-lint open flujo.toml files once the changed file is rescanned.
  const onCodeChange = (uri: vscode.Uri) => void usages.update(uri).then(relintAll);
  vscode.workspace.textDocuments.forEach(schedule);
  return vscode.Disposable.from(
    collection,
    debouncer,
    watchWorkspaceFiles(CODE_GLOB, (uri, event) => {
      if (event !== 'delete') return onCodeChange(uri);
      usages.remove(uri);
      relintAll();
    }),
    // A flujo.toml appearing or going away moves code from one flujo.toml to another.
    watchWorkspaceFiles('**/flujo.toml', (uri, event) => {
      if (event === 'change') return;
      usages.configChanged(uri, event === 'create');
      relintAll();
    }),
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0) return;
      // A big file's worker gets the edits, not the text: record every change in order.
      workers.get(e.document.uri.toString())?.recordChange(
        e.document.version,
        e.contentChanges.map((c) => ({ offset: c.rangeOffset, deleteLength: c.rangeLength, text: c.text })),
      );
      schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      debouncer.cancel(doc.uri.toString());
      runs.delete(doc.uri.toString());
      disposeWorker(doc.uri.toString());
      collection.delete(doc.uri);
    }),
    { dispose: () => [...workers.keys()].forEach(disposeWorker) },
    services.pricing.onDidChange(relintAll),
  );
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
      const has = (d: string) => d === dir || this.configDirs.has(d);
      return [...this.byFile.values()].filter((f) => owningConfigDir(dirOf(f.uri), has, parentOf) === dir).flatMap((f) => f.found);
    });
  }

  configChanged(uri: vscode.Uri, exists: boolean): void {
    if (exists) this.configDirs.add(dirOf(uri));
    else this.configDirs.delete(dirOf(uri));
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
