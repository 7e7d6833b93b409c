// Worker-thread entry (bundled to dist/flujo-worker.js): the flujo.toml analysis off the extension
// host's thread. Protocol (see workerClient.ts and ../worker/latest.ts):
//   in  { id, text, options, reference?: { key, json? } }  →  out { id, result: FlujoWorkerResult }
// A newer request supersedes this one: the analysis checks between its stages and stops.
import { ReferenceCatalog, bundledReferenceCatalog, loadReferenceCatalog } from '../pricing/reference';
import { serveLatest } from '../worker/latest';
import { analyzeFlujoToml } from './analyze';
import type { FlujoWorkerRequest, FlujoWorkerResult } from './workerClient';

/** The last catalog the host sent (it sends the data only when the catalog changed). */
let catalog: { key: string; reference: ReferenceCatalog } | undefined;

function referenceFor(req: FlujoWorkerRequest): ReferenceCatalog {
  const r = req.reference;
  if (!r) return bundledReferenceCatalog();
  if (r.json !== undefined) catalog = { key: r.key, reference: loadReferenceCatalog(r.json, { source: r.source }) };
  if (catalog?.key !== r.key) throw new Error(`reference catalog ${r.key} was not sent to the worker`);
  return catalog.reference;
}

serveLatest<FlujoWorkerRequest, FlujoWorkerResult>((req, superseded) => {
  const analysis = analyzeFlujoToml(req.text, { ...req.options, reference: referenceFor(req), cancelled: superseded });
  return { diagnostics: analysis.diagnostics, valid: analysis.valid };
});
