// Client side of the flujo.toml analysis worker (worker.ts, bundled as dist/flujo-worker.js).
//
//   const worker = new FlujoAnalysisWorker(context.asAbsolutePath('dist/flujo-worker.js'));
//   const { diagnostics } = await worker.analyze(document.getText(), { usedModels }, { reference, json });
//
// Latest wins: a call made before the previous one settled supersedes it (the earlier promise rejects
// with a CancellationError and the worker stops at its next stage). The worker's heap is capped: a file
// that would need more fails that request with an Error, never the extension host.
import type { ReferenceCatalog } from '../pricing/reference';
import { LatestRequestWorker } from '../worker/latest';
import type { AnalyzeOptions, FlujoDiagnostic } from './analysis/types';

/** What crosses to the worker: plain data only (no catalog object, no callbacks). */
export type FlujoWorkerOptions = Pick<AnalyzeOptions, 'usedModels' | 'maxDiagnostics' | 'date' | 'path'>;

export interface FlujoWorkerRequest {
  text: string;
  options: FlujoWorkerOptions;
  /** A catalog other than the bundled one: `json` is sent only when `key` changed since the last request. */
  reference?: { key: string; source?: string; json?: unknown };
}

export interface FlujoWorkerResult {
  diagnostics: FlujoDiagnostic[];
  valid: boolean;
}

/** The old generation of the worker's heap, in MB: a 10 MB flujo.toml needs about a quarter of it. */
export const FLUJO_WORKER_HEAP_MB = 1024;

/** A non-bundled reference catalog and the validated data it was built from. */
export interface ReferenceData {
  catalog: ReferenceCatalog;
  json: unknown;
}

export class FlujoAnalysisWorker {
  private readonly worker: LatestRequestWorker<FlujoWorkerRequest, FlujoWorkerResult>;
  private sentCatalog: ReferenceCatalog | undefined;
  private readonly keys = new WeakMap<ReferenceCatalog, string>();
  private static nextKey = 0;

  constructor(scriptPath: string) {
    this.worker = new LatestRequestWorker(scriptPath, {}, { resourceLimits: { maxOldGenerationSizeMb: FLUJO_WORKER_HEAP_MB } });
  }

  /** Analyses `text` in the worker; without `reference` the worker uses the bundled catalog. */
  async analyze(text: string, options: FlujoWorkerOptions, reference?: ReferenceData): Promise<FlujoWorkerResult> {
    let ref: FlujoWorkerRequest['reference'];
    if (reference) {
      let key = this.keys.get(reference.catalog);
      if (!key) this.keys.set(reference.catalog, (key = String(++FlujoAnalysisWorker.nextKey)));
      const send = this.sentCatalog !== reference.catalog;
      ref = { key, source: reference.catalog.source, json: send ? reference.json : undefined };
      this.sentCatalog = reference.catalog;
    }
    try {
      return await this.worker.request({ text, options, reference: ref });
    } catch (err) {
      // The worker may have died (out of memory) before it kept the catalog: send it again next time.
      this.sentCatalog = undefined;
      throw err;
    }
  }

  dispose(): void {
    this.worker.dispose();
  }
}
