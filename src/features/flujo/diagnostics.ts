// flujo.toml diagnostics: recomputed 300 ms after typing stops, when the file changes on disk, when
// prices or settings change, and (strict mode) from the `provider:model` strings used in the workspace.
import * as vscode from 'vscode';
import type { FlujoDiagnostic, ModelUsage } from '../../core/flujo';
import type { Services } from '../services';
import { isFlujoToml } from '../pricingService';
import { KeyedDebouncer, findOpenDocument, toRange, toSeverity } from '../vscodeConvert';

export const DIAGNOSTIC_SOURCE = 'flujo.toml';
const CODE_GLOB = '**/*.{py,ts,tsx,js,jsx,mjs,cjs,yaml,yml}';
const CODE_EXCLUDE = '**/{node_modules,.venv,venv,.git,dist,out,build,__pycache__,.tox,site-packages}/**';
const MAX_SCANNED_FILES = 5000;
const MAX_SCANNED_BYTES = 2_000_000;

/** The core diagnostic behind each vscode.Diagnostic, for the quick-fix provider. */
export const coreDiagnostic = new WeakMap<vscode.Diagnostic, FlujoDiagnostic>();

export function registerFlujoDiagnostics(services: Services): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('flujo');
  const debouncer = new KeyedDebouncer(300);
  const usages = new WorkspaceModelUsages();
  const versions = new Map<string, number>();

  const lint = async (doc: vscode.TextDocument) => {
    if (!isFlujoToml(doc.uri)) return;
    const key = doc.uri.toString();
    const version = doc.version;
    versions.set(key, version);
    const [flujo, pricing] = await Promise.all([import('../../core/flujo'), import('../../core/pricing')]);
    const reference = await services.pricing.referenceCatalog();
    const text = doc.getText();
    const options = { reference, path: doc.uri.fsPath, maxDiagnostics: 1000 };
    let analysis = flujo.analyzeFlujoToml(text, options);
    // Only strict mode needs the workspace's model usages (a scan of many files): fetch them then.
    if (analysis.strict) analysis = flujo.analyzeFlujoToml(text, { ...options, usedModels: await usages.get() });
    if (versions.get(key) !== version || doc.isClosed) return; // a newer edit superseded this run
    const found = analysis.diagnostics;
    const stale = reference.isStale(new Date());
    const diagnostics = found.map((d) => {
      const diag = new vscode.Diagnostic(toRange(d.range), d.message, toSeverity(d.severity));
      diag.source = DIAGNOSTIC_SOURCE;
      diag.code = d.code;
      coreDiagnostic.set(diag, d);
      return diag;
    });
    if (stale && found.some((d) => d.code === 'price-differs' || d.code === 'price-magnitude' || d.code === 'unknown-model')) {
      services.log.warn(`reference prices are from ${reference.dataDate} (older than ${pricing.STALE_AFTER_DAYS} days): run "Prompt Cost: Update Prices"`);
    }
    collection.set(doc.uri, diagnostics);
  };

  const schedule = (doc: vscode.TextDocument) => {
    if (isFlujoToml(doc.uri)) debouncer.schedule(doc.uri.toString(), () => void lint(doc).catch((e) => services.log.error(`flujo.toml lint failed: ${e?.stack ?? e}`)));
  };
  const relintAll = () => vscode.workspace.textDocuments.forEach(schedule);

  const watcher = vscode.workspace.createFileSystemWatcher(CODE_GLOB, false, false, false);
  const onCodeChange = () => {
    usages.invalidate();
    relintAll();
  };
  vscode.workspace.textDocuments.forEach(schedule);
  return vscode.Disposable.from(
    collection,
    debouncer,
    watcher,
    watcher.onDidChange(onCodeChange),
    watcher.onDidCreate(onCodeChange),
    watcher.onDidDelete(onCodeChange),
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      debouncer.cancel(doc.uri.toString());
      versions.delete(doc.uri.toString());
      collection.delete(doc.uri);
    }),
    services.pricing.onDidChange(relintAll),
  );
}

/** `provider:model` strings in the workspace's code and YAML, scanned once and cached until a file changes. */
class WorkspaceModelUsages {
  private pending?: Promise<ModelUsage[]>;

  invalidate(): void {
    this.pending = undefined;
  }

  get(): Promise<ModelUsage[]> {
    this.pending ??= this.scan();
    return this.pending;
  }

  private async scan(): Promise<ModelUsage[]> {
    const { scanModelUsages } = await import('../../core/flujo');
    const files = await vscode.workspace.findFiles(CODE_GLOB, CODE_EXCLUDE, MAX_SCANNED_FILES);
    const out: ModelUsage[] = [];
    for (const uri of files) {
      const open = findOpenDocument(uri);
      let text = open?.getText();
      if (text === undefined) {
        try {
          const bytes = await vscode.workspace.fs.readFile(uri);
          if (bytes.byteLength > MAX_SCANNED_BYTES) continue;
          text = new TextDecoder().decode(bytes);
        } catch {
          continue;
        }
      }
      for (const m of scanModelUsages(text)) out.push({ id: m.id, file: vscode.workspace.asRelativePath(uri), line: m.line });
    }
    return out;
  }
}
