// Client side of the learning worker (worker.ts, bundled as dist/learn-worker.js):
//   const learn = new LearnWorkerClient(context.asAbsolutePath('dist/learn-worker.js'));
//   const { ledgers } = await learn.poll(['/ws/.prompt-cost/runs.jsonl']);
// The worker keeps each ledger's learner between requests: a poll after an append reads only the new
// lines. What comes back is plain data (the learned series, a few hundred bytes per prompt and model).
import { Worker } from 'node:worker_threads';
import type { AccuracyReport } from './accuracy';
import type { LearnedEntry } from './learner';

export interface LearnWorkerRequest {
  ledgers: string[];
  /** Also run the walk-forward backtest (cached in the worker until the ledger changes). */
  accuracy?: boolean;
}

export interface LedgerLearned {
  file: string;
  /** Whether anything changed since the previous request. */
  changed: boolean;
  entries: LearnedEntry[];
  /** Lines skipped so far (not entries); learning went on around them. */
  corruptLines: number;
  accuracy?: AccuracyReport;
  /** The ledger could not be read at all. */
  error?: string;
  /** Time the worker spent on this ledger. */
  ms: number;
}

export interface LearnWorkerResult {
  ledgers: LedgerLearned[];
}

export class LearnWorkerClient {
  private worker: Worker | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve(r: LearnWorkerResult): void; reject(e: Error): void }>();

  constructor(private readonly scriptPath: string) {}

  poll(ledgers: string[], options: { accuracy?: boolean } = {}): Promise<LearnWorkerResult> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const w = this.ensureWorker();
      w.ref();
      w.postMessage({ id, ledgers, accuracy: options.accuracy });
    });
  }

  dispose(): void {
    for (const p of this.pending.values()) p.reject(new Error('learning worker disposed'));
    this.pending.clear();
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // A 100,000-run ledger needs ~60 MB in the worker; the cap keeps a hostile one from taking the host's memory.
    const w = new Worker(this.scriptPath, { resourceLimits: { maxOldGenerationSizeMb: 512 } });
    w.unref();
    w.on('message', (msg: { id: number; result?: LearnWorkerResult; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) w.unref();
      if (msg.error !== undefined) p.reject(new Error(`learning worker: ${msg.error}`));
      else p.resolve(msg.result!);
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => code !== 0 && fail(new Error(`learning worker exited with code ${code}`)));
    this.worker = w;
    return w;
  }
}
