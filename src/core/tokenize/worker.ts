// Worker-thread entry (bundled to dist/tokenize-worker.js): counts big texts off the extension
// host's thread. Protocol (src/core/worker/latest.ts): in { id, text, encoding } → out { id, result: tokens }.
// A count in progress checks every few thousand pieces whether a newer request arrived and stops.
// Each encoding keeps an IncrementalCounter, so recounting an edited document only counts the
// chunks that changed.
import { workerData } from 'node:worker_threads';
import { EncodingName, isEncodingName } from './encodings';
import { IncrementalCounter } from './incremental';
import { setEncodingDataDir } from './ranks';
import { serveLatest } from '../worker/latest';

const data = (workerData ?? {}) as { dataDir?: string };
if (data.dataDir) setEncodingDataDir(data.dataDir);
const counters = new Map<EncodingName, IncrementalCounter>();

serveLatest<{ text: string; encoding: EncodingName }, number>((req, superseded) => {
  if (!isEncodingName(req.encoding)) throw new Error(`unknown encoding '${req.encoding}'`);
  let counter = counters.get(req.encoding);
  if (!counter) counters.set(req.encoding, (counter = new IncrementalCounter(req.encoding)));
  return counter.setText(req.text, superseded);
});
