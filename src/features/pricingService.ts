// Where prices come from, per workspace folder: flujo.toml (open editor text wins over disk), the
// promptCost.pricingOverrides setting and the reference catalog (bundled, or a copy the user updated).
// Loads the pricing core lazily and caches one catalog per folder until something changes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IN_BROWSER } from './platform';
import { flujoTomlText } from './flujo/editorToml';
import type { FlujoPricing, PriceCatalog, ReferenceCatalog } from '../core/pricing';
import { CONFIG_KEYS, DEFAULT_MODELS, PromptCostConfig, onConfigChange, readConfig } from './config';
import { Debouncer } from './util/debounce';
import { Disposable } from './util/dispose';
import { watchWorkspaceFiles } from './vscodeConvert';
import { errorText } from '../core/errors';

export interface FlujoState {
  uri: vscode.Uri;
  reason: string;
  analysis: {
    /** What Flujo will price with. */
    pricing: FlujoPricing;
    /** `provider:model` of the model tables the file names (the default set of models to show). */
    pricedModels: string[];
  };
}

export interface PricingContext {
  catalog: PriceCatalog;
  flujo?: FlujoState;
  /** Models to show: setting, else the models priced in flujo.toml, else the default set. */
  models: string[];
  /** Errors in the pricingOverrides setting, shown once in the log. */
  settingsErrors: string[];
}

const UPDATED_CATALOG_FILE = 'genai-prices.json';
/** workspaceState: deployment names the user mapped to a model (`azure:my-deployment` → `openai:gpt-4o`). */
const DEPLOYMENTS_KEY = 'promptCost.deploymentModels';

export class PricingService extends Disposable {
  private readonly cache = new Map<string, Promise<PricingContext>>();
  /** The flujo.toml files the cached prices were read from (located, whether or not readable). */
  private readonly flujoFiles = new Set<string>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly referenceLoaded = this._register(new vscode.EventEmitter<ReferenceCatalog>());
  /** Fires when the reference catalog is first loaded (on first use, not at activation) or replaced. */
  readonly onDidLoadReference = this.referenceLoaded.event;
  private reference?: ReferenceCatalog;
  /** The validated data an updated (downloaded) reference was built from, for the flujo.toml worker. */
  private referenceJson?: unknown;
  private readonly typing = this._register(new Debouncer(300));

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(watchWorkspaceFiles('**/flujo.toml', () => this.invalidate()));
    this._register(onConfigChange(CONFIG_KEYS.pricing, () => this.invalidate()));
    // Typing in flujo.toml re-prices every open prompt: once typing pauses, not per keystroke.
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        // Only the flujo.toml the prices come from: typing in another one (a 10 MB test file, a copy in a
        // subfolder) would otherwise re-price and re-lint everything at every pause.
        if (isFlujoToml(e.document.uri) && e.contentChanges.length > 0 && this.pricesFrom(e.document.uri))
          this.typing.schedule(() => this.invalidate());
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.invalidate()));
  }

  /** Whether `uri` is (or, before the first load, may be) a flujo.toml the prices come from. */
  private pricesFrom(uri: vscode.Uri): boolean {
    return this.cache.size === 0 || this.flujoFiles.has(uri.toString());
  }

  invalidate(): void {
    this.cache.clear();
    this.flujoFiles.clear();
    this.changed.fire();
  }

  /** Deployment names mapped to models in this workspace. */
  deploymentModels(): Record<string, string> {
    const v = this.context.workspaceState.get<unknown>(DEPLOYMENTS_KEY);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  /** Remembers (for this workspace) which model a deployment name runs, and re-prices. */
  async setDeploymentModel(deployment: string, model: string | undefined): Promise<void> {
    const all = this.deploymentModels();
    if (model) all[deployment] = model;
    else delete all[deployment];
    await this.context.workspaceState.update(DEPLOYMENTS_KEY, all);
    this.invalidate();
  }

  /** The pricing that applies to a document (its workspace folder's flujo.toml). */
  forDocument(uri?: vscode.Uri): Promise<PricingContext> {
    const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
    const key = folder?.uri.toString() ?? '';
    let ctx = this.cache.get(key);
    if (!ctx) {
      ctx = this.load(folder, readConfig(folder?.uri));
      this.cache.set(key, ctx);
    }
    return ctx;
  }

  /** The reference catalog: the copy from "Update prices" when valid, else the bundled data. */
  async referenceCatalog(): Promise<ReferenceCatalog> {
    if (this.reference) return this.reference;
    const pricing = await import('../core/pricing');
    const file = vscode.Uri.joinPath(this.context.globalStorageUri, UPDATED_CATALOG_FILE);
    try {
      const json: unknown = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)));
      const check = pricing.validateCatalogData(json);
      if (check.ok) {
        this.reference = pricing.loadReferenceCatalog(json, { source: 'updated' });
        this.referenceJson = json;
        this.referenceLoaded.fire(this.reference);
        return this.reference;
      }
      this.log.warn(`ignoring ${file.fsPath}: ${check.errors.join('; ')}`);
    } catch {
      // No updated copy: the bundled data is the reference.
    }
    this.reference = pricing.bundledReferenceCatalog();
    this.referenceJson = undefined;
    this.referenceLoaded.fire(this.reference);
    return this.reference;
  }

  /** The validated data behind `catalog` when it is not the bundled one (a worker rebuilds it from that). */
  referenceData(catalog: ReferenceCatalog): { catalog: ReferenceCatalog; json: unknown } | undefined {
    return catalog === this.reference && this.referenceJson !== undefined ? { catalog, json: this.referenceJson } : undefined;
  }

  /** Stores a downloaded catalog after validating it ("Update prices"). */
  async storeUpdatedCatalog(json: unknown): Promise<ReferenceCatalog> {
    const pricing = await import('../core/pricing');
    const check = pricing.validateCatalogData(json);
    if (!check.ok) throw new Error(`The downloaded price data is not valid: ${check.errors.slice(0, 3).join('; ')}`);
    const catalog = pricing.loadReferenceCatalog(json, { source: 'updated' });
    await vscode.workspace.fs.createDirectory(this.context.globalStorageUri);
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(this.context.globalStorageUri, UPDATED_CATALOG_FILE),
      new TextEncoder().encode(JSON.stringify(json)),
    );
    this.reference = catalog;
    this.referenceJson = json;
    this.invalidate();
    return catalog;
  }

  private async load(folder: vscode.WorkspaceFolder | undefined, config: PromptCostConfig): Promise<PricingContext> {
    const pricing = await import('../core/pricing');
    const reference = await this.referenceCatalog();
    const flujo = await this.loadFlujo(folder, config, reference);
    const { overrides, errors } = pricing.parseSettingsOverrides(config.pricingOverrides);
    for (const e of errors) this.log.warn(`promptCost.pricingOverrides: ${e}`);
    const catalog = new pricing.PriceCatalog({
      flujo: flujo?.analysis.pricing,
      settings: overrides,
      reference,
      deployments: new Map(Object.entries(this.deploymentModels())),
    });
    let models = config.models;
    if (models.length === 0 && flujo) models = flujo.analysis.pricedModels;
    if (models.length === 0) models = DEFAULT_MODELS;
    return { catalog, flujo, models: [...new Set(models)], settingsErrors: errors };
  }

  private async loadFlujo(
    folder: vscode.WorkspaceFolder | undefined,
    config: PromptCostConfig,
    reference: ReferenceCatalog,
  ): Promise<FlujoState | undefined> {
    const flujoCore = await import('../core/flujo');
    const uri = locateFlujoToml(folder, config, flujoCore.findFlujoConfig);
    if (!uri) return undefined;
    this.flujoFiles.add(uri.uri.toString());
    const read = await flujoTomlText(uri.uri);
    if (read === undefined) {
      if (uri.reason !== 'search') this.log.warn(`flujo.toml not readable at ${uri.uri.fsPath} (${uri.reason})`);
      return undefined;
    }
    // The file's modification date is the date of its prices (as the CLI reports it).
    const date = await vscode.workspace.fs.stat(uri.uri).then(
      (st) => new Date(st.mtime).toISOString().slice(0, 10),
      () => undefined,
    );
    const { text, encodingError } = read;
    const options = { path: uri.uri.fsPath, date, encodingError };
    const { FLUJO_WORKER_MIN_CHARS, FlujoAnalysisWorker } = await import('../core/flujo/workerClient');
    if (IN_BROWSER || text.length < FLUJO_WORKER_MIN_CHARS) {
      const analysis = flujoCore.analyzeFlujoToml(text, { ...options, reference });
      return {
        uri: uri.uri,
        reason: uri.reason,
        analysis: { pricing: analysis.pricing, pricedModels: flujoCore.pricedModelIds(analysis) },
      };
    }
    // A big file: off the host thread, in a worker of its own (loads of several folders must not supersede each other).
    const worker = new FlujoAnalysisWorker(this.context.asAbsolutePath(path.join('dist', 'flujo-worker.js')));
    try {
      const result = await worker.analyze(text, { ...options, maxDiagnostics: 1 }, this.referenceData(reference), true);
      return {
        uri: uri.uri,
        reason: uri.reason,
        analysis: { pricing: flujoCore.pricingFromPortable(result.pricing!), pricedModels: result.pricedModels ?? [] },
      };
    } catch (err) {
      this.log.error(`could not read the prices in ${uri.uri.fsPath}: ${errorText(err)}`);
      return undefined;
    } finally {
      worker.dispose();
    }
  }
}

export function isFlujoToml(uri: vscode.Uri): boolean {
  return path.posix.basename(uri.path) === 'flujo.toml';
}

function locateFlujoToml(
  folder: vscode.WorkspaceFolder | undefined,
  config: PromptCostConfig,
  find: typeof import('../core/flujo').findFlujoConfig,
): { uri: vscode.Uri; reason: string } | undefined {
  if (!folder) return undefined;
  if (folder.uri.scheme !== 'file') {
    // Virtual workspaces: only the folder's own flujo.toml (no env, no parents).
    return { uri: vscode.Uri.joinPath(folder.uri, config.flujoConfigPath || 'flujo.toml'), reason: 'search' };
  }
  const found = find({ explicitPath: config.flujoConfigPath || undefined, env: process.env, startDir: folder.uri.fsPath });
  return found ? { uri: vscode.Uri.file(found.path), reason: found.reason } : undefined;
}
