// Client side of the tokenizer worker (worker.ts, bundled as dist/tokenize-worker.js).
//
//   const counter = new WorkerTokenCounter(context.asAbsolutePath('dist/tokenize-worker.js'));
//   const tokens = await counter.count(document.getText(), 'o200k_base');
//
// Cancellation: only the newest request matters. When count() is called again before an
// earlier promise settled, the earlier promise REJECTS with a CancelledError (check with
// isCancelledError(err)), immediately, and the worker abandons that count at its next check
// (every ~4k regex pieces). dispose() rejects anything pending the same way and stops the thread.
import { Worker } from 'node:worker_threads';
import { CancelledError } from './bpe';
import { EncodingName } from './encodings';

export interface WorkerTokenCounterOptions {
  /** Directory with the `<encoding>.bin` tables; default: found next to the worker script. */
  dataDir?: string;
}

export function isCancelledError(err: unknown): err is CancelledError {
  return err instanceof CancelledError || (err as Error | undefined)?.name === 'CancelledError';
}

interface Pending {
  id: number;
  resolve(tokens: number): void;
  reject(err: Error): void;
}

export class WorkerTokenCounter {
  private worker: Worker | undefined;
  private readonly latest = new Int32Array(new SharedArrayBuffer(4));
  private seq = 0;
  private pending: Pending | undefined;
  private disposed = false;

  constructor(
    private readonly scriptPath: string,
    private readonly options: WorkerTokenCounterOptions = {},
  ) {}

  /** Counts `text` in the worker; rejects with CancelledError if superseded by a newer call. */
  count(text: string, encoding: EncodingName): Promise<number> {
    if (this.disposed) return Promise.reject(new CancelledError('token counter disposed'));
    const id = ++this.seq;
    Atomics.store(this.latest, 0, id);
    if (this.pending) {
      this.pending.reject(new CancelledError('superseded by a newer count'));
      this.pending = undefined;
    }
    return new Promise<number>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      const w = this.ensureWorker();
      w.ref(); // keep the process alive while a count is outstanding; unref'd again when idle
      w.postMessage({ id, text, encoding });
    });
  }

  /** Stops the worker thread; pending counts reject with CancelledError. */
  dispose(): void {
    this.disposed = true;
    Atomics.store(this.latest, 0, -1);
    this.pending?.reject(new CancelledError('token counter disposed'));
    this.pending = undefined;
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.scriptPath, { workerData: { latest: this.latest.buffer, dataDir: this.options.dataDir } });
    w.unref();
    w.on('message', (msg: { id: number; tokens?: number; cancelled?: boolean; error?: string }) => {
      const p = this.pending;
      if (!p || p.id !== msg.id) return; // answer to a superseded request
      this.pending = undefined;
      w.unref();
      if (msg.error !== undefined) p.reject(new Error(`token worker: ${msg.error}`));
      else if (msg.cancelled) p.reject(new CancelledError('superseded by a newer count'));
      else p.resolve(msg.tokens!);
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = undefined;
      this.pending?.reject(err);
      this.pending = undefined;
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = undefined;
      if (!this.disposed && code !== 0) fail(new Error(`token worker exited with code ${code}`));
    });
    this.worker = w;
    return w;
  }
}
