// Worker-thread entry (bundled to dist/tokenize-worker.js): counts big documents off the
// extension host's thread. Protocol (see workerClient.ts):
//   in:  { id, text, encoding }            out: { id, tokens } | { id, cancelled: true } | { id, error }
// workerData.latest is a SharedArrayBuffer whose Int32 slot 0 holds the newest request id;
// a count in progress checks it every few thousand pieces and stops when it is superseded.
// Each encoding keeps an IncrementalCounter, so recounting an edited document only counts
// the chunks that changed.
import { parentPort, workerData } from 'node:worker_threads';
import { EncodingName, isEncodingName } from './encodings';
import { CancelledError } from './bpe';
import { IncrementalCounter } from './incremental';
import { setEncodingDataDir } from './ranks';

interface Request {
  id: number;
  text: string;
  encoding: EncodingName;
}

const data = (workerData ?? {}) as { latest?: SharedArrayBuffer; dataDir?: string };
if (data.dataDir) setEncodingDataDir(data.dataDir);
const latest = data.latest ? new Int32Array(data.latest) : undefined;
const counters = new Map<EncodingName, IncrementalCounter>();

parentPort?.on('message', (req: Request) => {
  const superseded = () => latest !== undefined && Atomics.load(latest, 0) !== req.id;
  if (superseded()) {
    parentPort!.postMessage({ id: req.id, cancelled: true });
    return;
  }
  try {
    if (!isEncodingName(req.encoding)) throw new Error(`unknown encoding '${req.encoding}'`);
    let counter = counters.get(req.encoding);
    if (!counter) counters.set(req.encoding, (counter = new IncrementalCounter(req.encoding)));
    const tokens = counter.setText(req.text, superseded);
    parentPort!.postMessage({ id: req.id, tokens });
  } catch (err) {
    if (err instanceof CancelledError) parentPort!.postMessage({ id: req.id, cancelled: true });
    else parentPort!.postMessage({ id: req.id, error: String((err as Error)?.stack ?? err) });
  }
});
