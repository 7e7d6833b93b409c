// Client side of the tokenizer worker (worker.ts, bundled as dist/tokenize-worker.js).
//
//   const counter = new WorkerTokenCounter(context.asAbsolutePath('dist/tokenize-worker.js'));
//   const tokens = await counter.count(document.getText(), 'o200k_base');
//
// Cancellation: only the newest request matters. When count() is called again before an
// earlier promise settled, the earlier promise REJECTS with a CancellationError (check with
// isCancellationError(err) from core/cancellation), immediately, and the worker abandons that count at its next check
// (every ~4k regex pieces). dispose() rejects anything pending the same way and stops the thread.
import { EncodingName } from './encodings';
import { LatestRequestWorker } from '../worker/latest';

export interface WorkerTokenCounterOptions {
  /** Directory with the `<encoding>.bin` tables; default: found next to the worker script. */
  dataDir?: string;
}

export class WorkerTokenCounter {
  private readonly worker: LatestRequestWorker<{ text: string; encoding: EncodingName }, number>;

  constructor(scriptPath: string, options: WorkerTokenCounterOptions = {}) {
    this.worker = new LatestRequestWorker(scriptPath, { dataDir: options.dataDir });
  }

  /** Counts `text` in the worker; rejects with a CancellationError if superseded by a newer call. */
  count(text: string, encoding: EncodingName): Promise<number> {
    return this.worker.request({ text, encoding });
  }

  /** Stops the worker thread; pending counts reject with a CancellationError. */
  dispose(): void {
    this.worker.dispose();
  }
}
