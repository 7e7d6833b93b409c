// A worker thread that answers only the newest request: starting a request supersedes (rejects) the
// one before it, and the worker sees that through a shared "latest id" slot it polls while working.
// Used for counting and parsing big documents off the extension host's thread.
import { Worker, WorkerOptions, parentPort, workerData } from 'node:worker_threads';
import { CancellationError, isCancellationError } from '../cancellation';
import { errorText } from '../errors';

const superseded = () => new CancellationError('superseded by a newer request');
const disposed = () => new CancellationError('worker disposed');

/**
 * Worker side: answers each request with `handle(request, superseded)`. `superseded()` turns true
 * once a newer request was started; a handler that throws a `CancellationError` (e.g. from a count
 * that checked it) is reported as cancelled, any other error as an error.
 */
export function serveLatest<Q, R>(
  handle: (request: Q, superseded: () => boolean) => R,
  options: {
    /** Called for every request in order, superseded ones too (e.g. to apply the edits it carries). */
    accept?: (request: Q) => void;
  } = {},
): void {
  const data = (workerData ?? {}) as { latest?: SharedArrayBuffer };
  const slot = data.latest ? new Int32Array(data.latest) : undefined;
  parentPort?.on('message', (req: Q & { id: number }) => {
    const newerStarted = () => slot !== undefined && Atomics.load(slot, 0) !== req.id;
    try {
      options.accept?.(req);
      if (newerStarted()) throw superseded();
      parentPort!.postMessage({ id: req.id, result: handle(req, newerStarted) });
    } catch (err) {
      if (isCancellationError(err)) parentPort!.postMessage({ id: req.id, cancelled: true });
      else parentPort!.postMessage({ id: req.id, error: errorText(err, 'stack') });
    }
  });
}

/** Replies a worker posts: `{ id, result }`, `{ id, cancelled: true }` or `{ id, error }`. */
export interface WorkerReply<R> {
  id: number;
  result?: R;
  cancelled?: boolean;
  error?: string;
}

interface Pending<R> {
  id: number;
  resolve(value: R): void;
  reject(err: Error): void;
}

export class LatestRequestWorker<Q extends object, R> {
  private worker: Worker | undefined;
  private readonly latest = new Int32Array(new SharedArrayBuffer(4));
  private seq = 0;
  private pending: Pending<R> | undefined;
  private disposed = false;

  /** `workerData` gets `{ latest: SharedArrayBuffer, ...extraData }`; `options` e.g. `resourceLimits` for the thread. */
  constructor(
    private readonly scriptPath: string,
    private readonly extraData: Record<string, unknown> = {},
    private readonly options: Pick<WorkerOptions, 'resourceLimits'> = {},
  ) {}

  /** Sends `{ id, ...payload }`; rejects with a CancellationError when a newer request starts first. */
  request(payload: Q): Promise<R> {
    if (this.disposed) return Promise.reject(disposed());
    const id = ++this.seq;
    Atomics.store(this.latest, 0, id);
    this.pending?.reject(superseded());
    return new Promise<R>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      const w = this.ensureWorker();
      w.ref(); // keep the process alive while a request is outstanding
      w.postMessage({ id, ...payload });
    });
  }

  dispose(): void {
    this.disposed = true;
    Atomics.store(this.latest, 0, -1);
    this.pending?.reject(disposed());
    this.pending = undefined;
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.scriptPath, { ...this.options, workerData: { latest: this.latest.buffer, ...this.extraData } });
    w.unref();
    w.on('message', (msg: WorkerReply<R>) => {
      const p = this.pending;
      if (!p || p.id !== msg.id) return; // the answer to a superseded request
      this.pending = undefined;
      w.unref();
      if (msg.error !== undefined) p.reject(new Error(`worker: ${msg.error}`));
      else if (msg.cancelled) p.reject(superseded());
      else p.resolve(msg.result as R);
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = undefined;
      this.pending?.reject(err);
      this.pending = undefined;
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = undefined;
      if (!this.disposed && code !== 0) fail(new Error(`worker exited with code ${code}`));
    });
    this.worker = w;
    return w;
  }
}
