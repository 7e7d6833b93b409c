// Estimates for open documents, shared by CodeLens, hover, status bar and the comparison panel.
// One computation per document version (consumers share the promise); large documents are counted
// in worker threads so the extension host never blocks; a newer version supersedes an older one.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { documentLength, documentView } from './vscodeConvert';
import { isCancellationError } from '../core/cancellation';
import type { OutputPlan } from '../core/estimate/learnedOutput';
import type {
  Counters,
  DocumentEstimate as CoreDocumentEstimate,
  EstimateSettings,
  FamilyFraming,
  ModelSummary,
  ProviderCounts,
  SummaryKey,
} from '../core/estimate';
import type { LargePromptReply, LargePromptRequest } from '../core/estimate/large';
import type { LargePromptClient } from '../core/estimate/largeClient';
import { LatestRequestWorker } from '../core/worker/latest';
import type { CodePrompt, PromptDocument, PromptSummary } from '../core/prompt';
import { isPromptFile } from '../core/prompt/glob';
import { codeLanguageById } from '../core/prompt/codeLanguages';
import type { EncodingName, ModelTokenizer } from '../core/tokenize';
import { WorkerTokenCounter } from '../core/tokenize/workerClient';
import { CONFIG_KEYS, PromptCostConfig, onConfigChange, readConfig } from './config';
import type { PricingContext, PricingService } from './pricingService';
import { Disposable, disposeAll } from './util/dispose';
import type { LearnedOutputService } from './learnedOutput';
import { errorText } from '../core/errors';
import { withDataFiles } from './platform';
import { PROVIDER_COUNTS_FILE, openCountCache } from './countCache';

export interface PromptFileEstimate {
  kind: 'prompt';
  document: PromptDocument;
  estimate: CoreDocumentEstimate;
  primary: string;
  pricing: PricingContext;
  config: PromptCostConfig;
}

/** One call in code, priced by the core's `estimateCodePrompts` (the same answer as `prompt-cost estimate`). */
export interface CodePromptEstimate {
  prompt: CodePrompt;
  document: PromptDocument;
  estimate: CoreDocumentEstimate;
  /** The primary model of this prompt (the call's own unless `promptCost.primaryModel` says otherwise). */
  model: string;
  tokenizer: ModelTokenizer;
  /** Input tokens for `model`, chat framing included. */
  tokens: number;
  inputUsd?: import('../core/pricing').Decimal;
  /** Input plus the expected output (`estimate.outputTokens`) for `model`. */
  totalUsd?: import('../core/pricing').Decimal;
  priceSource?: string;
}

export interface CodeFileEstimate {
  kind: 'code';
  prompts: CodePromptEstimate[];
  pricing: PricingContext;
  config: PromptCostConfig;
}

/** Why a document gets no estimate, shown instead of numbers. */
export interface Unestimated {
  /** `not-priced`: not a prompt (an OpenAPI description) or not billed per token (an image prompt). */
  kind: 'too-large' | 'binary' | 'not-priced';
  message: string;
}

export type DocumentEstimate = PromptFileEstimate | CodeFileEstimate | Unestimated;

export function isUnestimated(r: DocumentEstimate): r is Unestimated {
  return r.kind === 'too-large' || r.kind === 'binary' || r.kind === 'not-priced';
}

/** The prompt in code at `offset`, by core's `promptAt` (a range's end is exclusive). */
export async function codePromptAt(result: CodeFileEstimate, offset: number): Promise<CodePromptEstimate | undefined> {
  const { promptAt } = await import('../core/prompt');
  const hit = promptAt(
    result.prompts.map((p) => p.prompt),
    offset,
  );
  return hit && result.prompts.find((p) => p.prompt === hit);
}

/**
 * Where a prompt can be, for the hover and CodeLens registrations: files (local, remote or virtual
 * workspaces) and untitled editors — not diff sides (`git:`), output channels, settings or other
 * extensions' virtual documents. Which of these documents is a prompt is `isPromptDocument`/`isCodeDocument`.
 */
export const PROMPT_SELECTOR: vscode.DocumentSelector = ['file', 'untitled', 'vscode-vfs', 'vscode-remote'].map((scheme) => ({ scheme }));
const MAX_WORKERS = 3;
const FORCED = '#forced';
/** Source files longer than this (characters) are not scanned for prompts: the scan runs on the host thread. */
const CODE_SCAN_LIMIT = 200_000;

export class Estimator extends Disposable {
  /** Per URI: the estimate of one document object at one version (an untitled URI is reused by the next new document, version 1 again). */
  private readonly cache = new Map<
    string,
    { doc: vscode.TextDocument; version: number; generation: number; result: Promise<DocumentEstimate | undefined> }
  >();
  private readonly workers = new Map<string, WorkerTokenCounter>();
  /** Per large prompt document: its estimate worker and the client that keeps the worker's copy of the text in step. */
  private readonly largeWorkers = new Map<
    string,
    { worker: LatestRequestWorker<LargePromptRequest, LargePromptReply>; client: LargePromptClient }
  >();
  /** Prompt summaries in encodings an estimate did not need (`modelSummaries`), per document version. */
  private readonly extraSummaries = new Map<string, Promise<PromptSummary>>();
  private generation = 0;
  /** The workspace folders' cached provider counts, read lazily (undefined: no folder or untrusted). */
  private readonly providerCounts = new Map<string, Promise<ProviderCounts | undefined>>();
  /** Forget the cached provider counts and re-estimate (the file changed; the count command wrote it). */
  readonly invalidateCounts: () => void;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when estimates may differ (settings, prices); consumers re-query. */
  readonly onDidChange = this.changed.event;
  private readonly estimated = this._register(new vscode.EventEmitter<vscode.TextDocument>());
  /** Fires when a new estimate of a document (a new version) is ready. */
  readonly onDidEstimate = this.estimated.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly pricing: PricingService,
    private readonly log: vscode.LogOutputChannel,
    private readonly learned?: LearnedOutputService,
  ) {
    super();
    const invalidate = () => {
      this.generation++;
      this.cache.clear();
      this.extraSummaries.clear();
      this.changed.fire();
    };
    this._register(pricing.onDidChange(invalidate));
    // A run appended to a ledger (or history learned for the first time): learned output tokens changed.
    if (learned) this._register(learned.onDidChange(invalidate));
    this._register(onConfigChange(CONFIG_KEYS.estimate, invalidate));
    // Cached provider counts (.prompt-cost/provider-counts.json): re-read when the file changes.
    this.invalidateCounts = () => {
      this.providerCounts.clear();
      invalidate();
    };
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(`**/${PROVIDER_COUNTS_FILE}`));
    this._register(watcher.onDidChange(this.invalidateCounts));
    this._register(watcher.onDidCreate(this.invalidateCounts));
    this._register(watcher.onDidDelete(this.invalidateCounts));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(this.invalidateCounts));
    this._register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        const key = d.uri.toString();
        this.cache.delete(key);
        this.cache.delete(key + FORCED);
        for (const k of [...this.extraSummaries.keys()]) if (k.startsWith(`${key}\u0000`)) this.extraSummaries.delete(k);
        this.disposeWorker(key);
        this.largeWorkers.get(key)?.worker.dispose();
        this.largeWorkers.delete(key);
      }),
    );
    // A large prompt's worker gets the edits, not the text: record every change in order.
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        const large = this.largeWorkers.get(e.document.uri.toString());
        if (!large || e.contentChanges.length === 0) return;
        large.client.recordChange(
          e.document.version,
          e.contentChanges.map((c) => ({ offset: c.rangeOffset, deleteLength: c.rangeLength, text: c.text })),
        );
      }),
    );
    this._register({
      dispose: () => {
        for (const key of [...this.workers.keys()]) this.disposeWorker(key);
        disposeAll([...this.largeWorkers.values()].map((l) => l.worker));
        this.largeWorkers.clear();
      },
    });
  }

  /** How a large prompt's text reached its worker: requests with the whole text and with edits only (for tests). */
  largeDocumentRequests(uri: vscode.Uri): { text: number; edits: number } | undefined {
    const large = this.largeWorkers.get(uri.toString());
    return large && { ...large.client.sent };
  }

  /** True for the documents the extension estimates: prompt files (by name or `promptCost.promptFiles`). */
  isPromptDocument(doc: vscode.TextDocument, config = readConfig(doc.uri)): boolean {
    if (doc.languageId === 'prompty') return true;
    const rel = vscode.workspace.asRelativePath(doc.uri, false);
    return isPromptFile(rel, config.promptFiles) || isPromptFile(doc.uri.path, []);
  }

  isCodeDocument(doc: vscode.TextDocument, config = readConfig(doc.uri)): boolean {
    return config.codePromptsEnabled && codeLanguageById(doc.languageId) !== undefined;
  }

  /**
   * The estimate of a document at its current version; `force` estimates any document as a prompt.
   * Resolves to undefined for documents that are not estimated, and when a newer version superseded
   * this one (callers then keep what they show: the newer version's estimate follows).
   */
  get(doc: vscode.TextDocument, force = false): Promise<DocumentEstimate | undefined> {
    // Prompt documents share one entry whether forced or not: one computation, one worker request.
    const forced = force && !this.isPromptDocument(doc);
    const key = doc.uri.toString() + (forced ? FORCED : '');
    const hit = this.cache.get(key);
    if (hit && hit.doc === doc && hit.version === doc.version && hit.generation === this.generation) return hit.result;
    const entry = { doc, version: doc.version, generation: this.generation, result: withDataFiles(() => this.compute(doc, forced)) };
    entry.result = entry.result.then((r) => {
      if (r) this.estimated.fire(doc);
      return r;
    });
    entry.result = entry.result.catch((err) => {
      // Never cache a superseded or failed computation: the next request computes again.
      if (this.cache.get(key) === entry) this.cache.delete(key);
      if (!isCancellationError(err)) this.log.error(`estimate of ${doc.uri.toString(true)} failed: ${errorText(err, 'stack')}`);
      return undefined;
    });
    this.cache.set(key, entry);
    return entry.result;
  }

  /**
   * The models a document's estimate shows, in its order, and the one the status bar shows (the primary):
   * for a prompt file its own model leads (`model:` in the front matter) unless promptCost.primaryModel says
   * otherwise. The selection figures and the model picker use this, so they name the model the bar shows.
   */
  async shownModels(doc: vscode.TextDocument | undefined): Promise<{ models: string[]; primary: string | undefined }> {
    const result = doc ? await this.get(doc).catch(() => undefined) : undefined;
    if (result?.kind === 'prompt') return { models: result.estimate.models.map((m) => m.model), primary: result.primary };
    const { planModels } = await import('../core/estimate/file');
    const ctx = await this.pricing.forDocument(doc?.uri);
    return planModels(undefined, { configuredModels: ctx.models, primaryModel: readConfig(doc?.uri).primaryModel });
  }

  /**
   * Tokens and input cost of an arbitrary text (a selection) for one model. Callers that may run at the
   * same time (status bar, hover) pass their own `purpose`, so they do not cancel each other's counts.
   */
  estimateText(
    text: string,
    model: string,
    uri?: vscode.Uri,
    purpose = 'selection',
  ): Promise<{ tokens: number; tokenizer: ModelTokenizer; inputUsd?: import('../core/pricing').Decimal }> {
    return withDataFiles(() => this.countText(text, model, uri, purpose));
  }

  private async countText(
    text: string,
    model: string,
    uri: vscode.Uri | undefined,
    purpose: string,
  ): Promise<{ tokens: number; tokenizer: ModelTokenizer; inputUsd?: import('../core/pricing').Decimal }> {
    const [tokenize, estimate] = await Promise.all([import('../core/tokenize'), import('../core/estimate')]);
    const { encoding } = tokenize.tokenizerForModel(model);
    // Big texts are counted in a worker thread; the count for the model is the same either way.
    const inWorker = text.length > readConfig(uri).workerThreshold ? await this.worker(purpose, encoding).count(text, encoding) : undefined;
    const { tokens, tokenizer } = tokenize.countForModel(text, model, inWorker === undefined ? undefined : () => inWorker);
    const ctx = await this.pricing.forDocument(uri);
    return { tokens, tokenizer, inputUsd: estimate.inputCost(ctx.catalog, model, tokens) };
  }

  /**
   * Input tokens of an estimated prompt file for `models`, which may go beyond the estimate's (models
   * added in the comparison panel): the estimate's own figures where it has them, else counted exactly
   * as the estimate counts (same summary; a worker thread for big documents), cached per document version.
   */
  async modelSummaries(doc: vscode.TextDocument, result: PromptFileEstimate, models: readonly string[]): Promise<ModelSummary[]> {
    const estimateCore = await import('../core/estimate');
    const out: ModelSummary[] = [];
    for (const model of models) {
      const known = result.estimate.models.find((m) => m.model === model);
      if (known) {
        out.push(known);
        continue;
      }
      const key = estimateCore.summaryKeyFor(model);
      const summary = result.estimate.summaries.get(key) ?? (await this.summaryIn(doc, result, key));
      // models added in the panel use the workspace's cached provider counts too
      const counts = await this.providerCountsFor(doc.uri);
      out.push(
        estimateCore.applyProviderCounts(
          estimateCore.modelSummary(model, () => summary),
          result.document,
          counts,
        ),
      );
    }
    return out;
  }

  private summaryIn(doc: vscode.TextDocument, result: PromptFileEstimate, encoding: SummaryKey): Promise<PromptSummary> {
    const prefix = `${doc.uri.toString()}\u0000${doc.version}\u0000${this.generation}\u0000`;
    for (const key of [...this.extraSummaries.keys()])
      if (key.startsWith(`${doc.uri.toString()}\u0000`) && !key.startsWith(prefix)) this.extraSummaries.delete(key);
    const key = prefix + encoding;
    let summary = this.extraSummaries.get(key);
    if (!summary) {
      summary = withDataFiles(() => this.countSummary(doc, result, encoding));
      summary.catch(() => this.extraSummaries.delete(key));
      this.extraSummaries.set(key, summary);
    }
    return summary;
  }

  private async countSummary(doc: vscode.TextDocument, result: PromptFileEstimate, key: SummaryKey): Promise<PromptSummary> {
    const [tokenize, estimateCore] = await Promise.all([import('../core/tokenize'), import('../core/estimate')]);
    const { document, config } = result;
    const encoding = estimateCore.summaryEncoding(key);
    if (documentLength(doc) <= config.workerThreshold)
      return estimateCore.summarizeFor(document, key, (enc) => (t) => tokenize.countTokens(t, enc));
    // Big document: count each message in a worker thread, then summarise.
    const worker = this.worker(doc.uri.toString(), encoding);
    const counted = new Map<string, number>();
    for (const m of document.messages) {
      if (m.content.length === 0 || counted.has(m.content)) continue;
      counted.set(m.content, await worker.count(m.content, encoding));
    }
    // A family's chat framing (a model added in the comparison panel) is rendered and counted here;
    // its segments between special tokens are counted once each.
    return estimateCore.summarizeFor(document, key, () => (t) => counted.get(t) ?? tokenize.countTokens(t, encoding));
  }

  private async compute(doc: vscode.TextDocument, force: boolean): Promise<DocumentEstimate | undefined> {
    const config = readConfig(doc.uri);
    const isPrompt = force || this.isPromptDocument(doc, config);
    const isCode = !isPrompt && this.isCodeDocument(doc, config);
    if (!isPrompt && !isCode) return undefined;
    // The length and the first 8 KB without building the text: a large prompt's text goes to its
    // worker as edits (getText() of a 5 MB document on every keystroke stalls the host).
    const length = documentLength(doc);
    if (length > config.maxDocumentSize) {
      return {
        kind: 'too-large',
        message: `Too large to estimate live (${(length / 1e6).toFixed(1)} M characters > promptCost.performance.maxDocumentSize).`,
      };
    }
    if (looksBinary(doc.getText(new vscode.Range(new vscode.Position(0, 0), doc.positionAt(8192)))))
      return { kind: 'binary', message: 'Looks like a binary file: not estimated.' };
    const pricing = await this.pricing.forDocument(doc.uri);
    if (isCode) return this.computeCode(doc, length, config, pricing);

    const [promptCore, estimateCore, tokenize] = await Promise.all([
      import('../core/prompt'),
      import('../core/estimate'),
      import('../core/tokenize'),
    ]);
    const fileName = path.posix.basename(doc.uri.path);
    let document: PromptDocument;
    let counters: Counters;
    let framing: FamilyFraming | undefined;
    if (length <= config.workerThreshold) {
      document = promptCore.parsePromptDocument(doc.getText(), fileName);
      counters = (enc) => (t) => tokenize.countTokens(t, enc);
    } else {
      // Large: parse and count in a worker thread; a newer version of the document supersedes this one.
      const { countersFromWorker, framingFromWorker } = await import('../core/estimate/large');
      const models = config.primaryModel ? [config.primaryModel, ...pricing.models] : pricing.models;
      // read when the request is sent (the document may change while the client loads)
      const result = await (await this.largePromptClient(doc.uri.toString())).request(documentView(doc), fileName, models);
      document = result.document;
      counters = countersFromWorker(result, tokenize.countTokens);
      framing = framingFromWorker(result);
    }
    if (document.notPriced) return { kind: 'not-priced', message: document.notPriced };
    const providerCounts = await this.providerCountsFor(doc.uri);
    // The core's one answer (models, primary, output tokens, prices), the same as `prompt-cost estimate`.
    const estimate = estimateCore.estimateDocument(
      document,
      counters,
      {
        providerCounts,
        catalog: pricing.catalog,
        configuredModels: pricing.models,
        primaryModel: config.primaryModel,
        expectedOutputTokens: config.expectedOutputTokens,
        // A value the user set wins over learned history, as `--output-tokens N` does on the command line.
        outputTokens: config.expectedOutputTokensSet ? config.expectedOutputTokens : undefined,
        learned: this.learnedFor(doc.uri, config),
        requestsPerDay: config.requestsPerDay,
      },
      framing,
    );
    const primary = estimate.primary;
    return { kind: 'prompt', document, estimate, primary, pricing, config };
  }

  /** How a model's output tokens are decided for this document (the comparison panel's added models). */
  outputPlan(uri: vscode.Uri, config: PromptCostConfig, fileMaxTokens: number | undefined): OutputPlan {
    const learned = this.learnedFor(uri, config);
    return {
      option: config.expectedOutputTokensSet ? config.expectedOutputTokens : undefined,
      fileMaxTokens,
      fallback: config.expectedOutputTokens,
      learned: learned && { lookup: (model) => learned.lookup(undefined, model), choice: learned.choice },
    };
  }

  /** Output tokens learned from the document's folder's runs, unless `promptCost.learnedOutput` is off. */
  private learnedFor(uri: vscode.Uri, config: PromptCostConfig): EstimateSettings['learned'] {
    if (config.learnedOutput === 'off') return undefined;
    const l = this.learned?.forDocument(uri);
    if (!l) return undefined;
    return { lookup: (name, model) => l.index.lookup(name ? `${l.prompt}#${name}` : l.prompt, model), choice: config.learnedOutput };
  }

  /** The cache of the document's workspace folder; only in a trusted workspace (a cloned repository could claim any count). */
  private providerCountsFor(uri: vscode.Uri): Promise<ProviderCounts | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || !vscode.workspace.isTrusted) return Promise.resolve(undefined);
    const key = folder.uri.toString();
    let counts = this.providerCounts.get(key);
    if (!counts) {
      counts = openCountCache(this.context, folder);
      this.providerCounts.set(key, counts);
    }
    return counts;
  }

  private async computeCode(
    doc: vscode.TextDocument,
    length: number,
    config: PromptCostConfig,
    pricing: PricingContext,
  ): Promise<CodeFileEstimate> {
    if (length > CODE_SCAN_LIMIT) return { kind: 'code', prompts: [], pricing, config };
    const text = doc.getText();
    const estimateCore = await import('../core/estimate');
    const providerCounts = await this.providerCountsFor(doc.uri);
    const settings = {
      providerCounts,
      catalog: pricing.catalog,
      configuredModels: pricing.models,
      primaryModel: config.primaryModel,
      expectedOutputTokens: config.expectedOutputTokens,
      requestsPerDay: config.requestsPerDay,
    };
    const fileName = path.posix.basename(doc.uri.path);
    const prompts = estimateCore.estimateCodePrompts(text, doc.languageId, fileName, settings).flatMap((p): CodePromptEstimate[] => {
      const estimate = p.estimate;
      const model = estimate.primary;
      const summary = estimate.models.find((m) => m.model === model) ?? estimate.models[0];
      if (!summary) return [];
      const row = estimateCore.rowFor(estimate.table, model);
      return [
        {
          prompt: p.code!,
          document: p.document,
          estimate,
          model,
          tokenizer: summary.tokenizer,
          tokens: summary.inputTokens,
          inputUsd: row?.inputUsd,
          totalUsd: row?.totalUsd,
          priceSource: row?.priceSource,
        },
      ];
    });
    return { kind: 'code', prompts, pricing, config };
  }

  private async largePromptClient(key: string): Promise<LargePromptClient> {
    let w = this.largeWorkers.get(key);
    if (w) {
      // Most recently used last, so the document being edited keeps its worker (and its counters).
      this.largeWorkers.delete(key);
      this.largeWorkers.set(key, w);
      return w.client;
    }
    const { LargePromptClient } = await import('../core/estimate/largeClient');
    w = this.largeWorkers.get(key); // another request made it meanwhile
    if (w) return w.client;
    const worker = new LatestRequestWorker<LargePromptRequest, LargePromptReply>(
      this.context.asAbsolutePath(path.join('dist', 'estimate-worker.js')),
    );
    w = { worker, client: new LargePromptClient(worker) };
    this.largeWorkers.set(key, w);
    while (this.largeWorkers.size > MAX_WORKERS) {
      const oldest = this.largeWorkers.keys().next().value as string;
      this.largeWorkers.get(oldest)?.worker.dispose();
      this.largeWorkers.delete(oldest);
    }
    return w.client;
  }

  private worker(key: string, encoding: EncodingName): WorkerTokenCounter {
    const id = `${key}\u0000${encoding}`;
    let w = this.workers.get(id);
    if (w) {
      // Most recently used last, so the oldest is evicted first.
      this.workers.delete(id);
      this.workers.set(id, w);
      return w;
    }
    w = new WorkerTokenCounter(this.context.asAbsolutePath(path.join('dist', 'tokenize-worker.js')), {
      dataDir: this.context.asAbsolutePath(path.join('dist', 'encodings')),
    });
    this.workers.set(id, w);
    while (this.workers.size > MAX_WORKERS) this.disposeWorker(this.workers.keys().next().value as string, true);
    return w;
  }

  private disposeWorker(keyOrId: string, exact = false): void {
    for (const [id, w] of this.workers) {
      if (exact ? id === keyOrId : id.startsWith(`${keyOrId}\u0000`)) {
        w.dispose();
        this.workers.delete(id);
      }
    }
  }
}

/** NUL characters in the first 8 KB: a binary file opened as text. */
function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}
