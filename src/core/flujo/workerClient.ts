// Client side of the flujo.toml analysis worker (worker.ts, bundled as dist/flujo-worker.js).
//
//   const worker = new FlujoAnalysisWorker(context.asAbsolutePath('dist/flujo-worker.js'));
//   const { diagnostics } = await worker.analyze(document.getText(), { usedModels }, { reference, json });
//
// Latest wins: a call made before the previous one settled supersedes it (the earlier promise rejects
// with a CancellationError and the worker stops at its next stage). The worker's heap is capped: a file
// that would need more fails that request with an Error, never the extension host.
import type { ReferenceCatalog } from '../pricing/reference';
import { isCancellationError } from '../cancellation';
import type { TextEdit } from '../prompt/incremental';
import { LatestRequestWorker } from '../worker/latest';
import { DocumentEditSync, type DocumentView } from '../worker/documentSync';
import type { AnalyzeOptions, FlujoDiagnostic } from './analysis/types';
import type { FlujoHistoryConfig } from './historyConfig';
import type { PortablePricing } from './portable';

/** What crosses to the worker: plain data only (no catalog object, no callbacks). */
export type FlujoWorkerOptions = Pick<
  AnalyzeOptions,
  'usedModels' | 'maxDiagnostics' | 'date' | 'path' | 'encodingError' | 'byteOrderMark'
>;

export interface FlujoWorkerRequest {
  /** The whole text (a plain analysis, or the first request for a document) … */
  text?: string;
  /** … or, for a document the worker holds a copy of, the edits since `baseVersion` (VS Code's change events, in order). */
  baseVersion?: number;
  edits?: TextEdit[];
  /** The document version this request brings the worker's copy to (absent for a plain text). */
  version?: number;
  /** The text's length after the edits and a piece of it: the worker checks its copy against both. */
  length?: number;
  probe?: { offset: number; text: string };
  options: FlujoWorkerOptions;
  /** Also return the pricing Flujo will use and the priced models (the price catalog needs them). */
  withPricing?: boolean;
  /** Only read `state_uri` and `[budgets]` (the run-history views), no analysis. */
  historyConfig?: boolean;
  /** A catalog other than the bundled one: `json` is sent only when `key` changed since the last request. */
  reference?: { key: string; source?: string; json?: unknown };
}

/** The worker's copy of the document is not the host's: send the whole text. */
export interface NeedText {
  needText: true;
}

/** What the client needs of the editor's document. */
export type { DocumentView };

export interface FlujoWorkerResult {
  diagnostics: FlujoDiagnostic[];
  valid: boolean;
  /** With `withPricing`: see portable.ts. */
  pricing?: PortablePricing;
  pricedModels?: string[];
  /** With `historyConfig`: what the history views read, or the TOML error that kept it from being read. */
  historyConfig?: FlujoHistoryConfig;
  historyError?: string;
}

/** From this size on a flujo.toml is read in the worker (diagnostics, prices, history config); below it the work takes a few ms. */
export const FLUJO_WORKER_MIN_CHARS = 100_000;

/** The old generation of the worker's heap, in MB: a 10 MB flujo.toml needs about a quarter of it. */
export const FLUJO_WORKER_HEAP_MB = 1024;

/** A non-bundled reference catalog and the validated data it was built from. */
export interface ReferenceData {
  catalog: ReferenceCatalog;
  json: unknown;
}

export class FlujoAnalysisWorker {
  private readonly worker: LatestRequestWorker<FlujoWorkerRequest, FlujoWorkerResult | NeedText>;
  private readonly sync = new DocumentEditSync();
  private sentCatalog: ReferenceCatalog | undefined;
  private readonly keys = new WeakMap<ReferenceCatalog, string>();
  private static nextKey = 0;

  constructor(scriptPath: string) {
    this.worker = new LatestRequestWorker(scriptPath, {}, { resourceLimits: { maxOldGenerationSizeMb: FLUJO_WORKER_HEAP_MB } });
  }

  /** Requests sent with the whole text and with edits only (for tests). */
  get sent(): { text: number; edits: number } {
    return this.sync.sent;
  }

  /** Records a change event of the document this worker analyses (see DocumentEditSync.recordChange). */
  recordChange(version: number, edits: readonly TextEdit[]): void {
    this.sync.recordChange(version, edits);
  }

  /** Analyses a document the worker keeps a copy of: its whole text once, then only the edits since. */
  async analyzeDocument(doc: DocumentView, options: FlujoWorkerOptions, reference?: ReferenceData): Promise<FlujoWorkerResult> {
    const first = await this.send(this.documentRequest(doc, false), options, reference, false);
    if (!('needText' in first)) return first;
    const retry = await this.send(this.documentRequest(doc, true), options, reference, false);
    if ('needText' in retry) throw new Error('the flujo worker did not take the document text');
    return retry;
  }

  private documentRequest(doc: DocumentView, wholeText: boolean): Omit<FlujoWorkerRequest, 'options'> {
    return this.sync.next(doc, wholeText);
  }

  /** The next document request sends the whole text. */
  forget(): void {
    this.sync.forget();
  }

  /** Analyses `text` in the worker; without `reference` the worker uses the bundled catalog. */
  async analyze(text: string, options: FlujoWorkerOptions, reference?: ReferenceData, withPricing = false): Promise<FlujoWorkerResult> {
    this.forget(); // the worker drops its copy of a document: a later document request sends the text
    const reply = await this.send({ text }, options, reference, withPricing);
    if ('needText' in reply) throw new Error('the flujo worker did not take the text');
    return reply;
  }

  /** `state_uri` and `[budgets]` of `text`, read in the worker; throws an Error with the TOML error's message. */
  async historyConfig(text: string, encodingError?: FlujoDiagnostic): Promise<FlujoHistoryConfig> {
    this.forget();
    const reply = await this.send({ text, historyConfig: true }, { encodingError }, undefined, false);
    if ('needText' in reply) throw new Error('the flujo worker did not take the text');
    if (reply.historyError !== undefined) throw new Error(reply.historyError);
    return reply.historyConfig ?? {};
  }

  private async send(
    request: Omit<FlujoWorkerRequest, 'options'>,
    options: FlujoWorkerOptions,
    reference: ReferenceData | undefined,
    withPricing: boolean,
  ): Promise<FlujoWorkerResult | NeedText> {
    let ref: FlujoWorkerRequest['reference'];
    if (reference) {
      let key = this.keys.get(reference.catalog);
      if (!key) this.keys.set(reference.catalog, (key = String(++FlujoAnalysisWorker.nextKey)));
      const send = this.sentCatalog !== reference.catalog;
      ref = { key, source: reference.catalog.source, json: send ? reference.json : undefined };
      this.sentCatalog = reference.catalog;
    }
    try {
      return await this.worker.request({ ...request, options, reference: ref, withPricing });
    } catch (err) {
      // The worker may have died (out of memory) before it kept the catalog or the text: send them again next time.
      if (!isCancellationError(err)) {
        this.sentCatalog = undefined;
        this.forget();
      }
      throw err;
    }
  }

  dispose(): void {
    this.worker.dispose();
  }
}
