// Worker-thread entry (bundled to dist/flujo-worker.js): the flujo.toml analysis off the extension
// host's thread. Protocol (see workerClient.ts and ../worker/latest.ts):
//   in  { id, text | (baseVersion, edits, length, probe), version?, options, reference?: { key, json? } }
//   out { id, result: FlujoWorkerResult | { needText: true } }
// For a document it keeps a copy of the text and takes the edits (checked by length and a probe).
// A newer request supersedes this one: the analysis checks between its stages and stops.
import { ReferenceCatalog, bundledReferenceCatalog, loadReferenceCatalog } from '../pricing/reference';
import { serveLatest } from '../worker/latest';
import { analyzeFlujoToml } from './analyze';
import { readFlujoHistoryConfig } from './historyConfig';
import { portablePricing, pricedModelIds } from './portable';
import type { FlujoWorkerRequest, FlujoWorkerResult, NeedText } from './workerClient';
import { errorText } from '../errors';

/** The last catalog the host sent (it sends the data only when the catalog changed). */
let catalog: { key: string; reference: ReferenceCatalog } | undefined;

function referenceFor(req: FlujoWorkerRequest): ReferenceCatalog {
  const r = req.reference;
  if (!r) return bundledReferenceCatalog();
  if (r.json !== undefined) catalog = { key: r.key, reference: loadReferenceCatalog(r.json, { source: r.source }) };
  if (catalog?.key !== r.key) throw new Error(`reference catalog ${r.key} was not sent to the worker`);
  return catalog.reference;
}

/** The worker's copy of the document it analyses (when the host sends edits), at `version`. */
let copy: { text: string; version: number } | undefined;

/** Brings the copy to the request's version (every request, superseded ones too: they carry edits). */
function accept(req: FlujoWorkerRequest): void {
  if (req.text !== undefined) {
    copy = req.version === undefined ? undefined : { text: req.text, version: req.version };
    return;
  }
  if (!copy || copy.version !== req.baseVersion || req.version === undefined) {
    copy = undefined;
    return;
  }
  let t = copy.text;
  for (const e of req.edits ?? []) {
    if (e.offset < 0 || e.deleteLength < 0 || e.offset + e.deleteLength > t.length) {
      copy = undefined; // an edit outside the copy: it is not the host's text
      return;
    }
    t = t.slice(0, e.offset) + e.text + t.slice(e.offset + e.deleteLength);
  }
  const probe = req.probe;
  const same = t.length === req.length && (!probe || t.slice(probe.offset, probe.offset + probe.text.length) === probe.text);
  copy = same ? { text: t, version: req.version } : undefined;
}

serveLatest<FlujoWorkerRequest, FlujoWorkerResult | NeedText>(
  (req, superseded) => {
    const text = req.text ?? (copy && copy.version === req.version ? copy.text : undefined);
    if (text === undefined) return { needText: true };
    return answer(req, text, superseded);
  },
  { accept },
);

function answer(req: FlujoWorkerRequest, text: string, superseded: () => boolean): FlujoWorkerResult {
  if (req.historyConfig) {
    try {
      return { diagnostics: [], valid: true, historyConfig: readFlujoHistoryConfig(text, req.options?.encodingError) };
    } catch (err) {
      return { diagnostics: [], valid: false, historyError: errorText(err) };
    }
  }
  const analysis = analyzeFlujoToml(text, { ...req.options, reference: referenceFor(req), cancelled: superseded });
  const result: FlujoWorkerResult = { diagnostics: analysis.diagnostics, valid: analysis.valid };
  if (req.withPricing) {
    result.pricing = portablePricing(analysis.pricing);
    result.pricedModels = pricedModelIds(analysis);
  }
  return result;
}
