// The editor's live export queue: runs waiting for the OTLP endpoint, persisted so a collector that
// is down (or a VS Code restart) loses nothing, and bounded so it cannot grow without end. Sending is
// never awaited by a run: enqueue() returns at once and a timer drains the queue in the background,
// backing off while the endpoint fails. A run is sent again only until the endpoint accepted it; the
// span ids are stable, so even a resend after a crash between "accepted" and "saved" duplicates nothing.
import * as fs from 'node:fs';
import { RunRecord, checkEntry } from '../record';
import { writeFileAtomicSync } from '../../safeWrite';
import { errorText } from '../../errors';
import { ExportRunsResult } from './exportRuns';

/** The most runs kept waiting; beyond it the oldest are dropped (and counted: `history export --otlp` sends them later). */
export const MAX_QUEUED_RUNS = 2000;
/** Runs per request while draining. */
export const DRAIN_BATCH_RUNS = 200;
export const MIN_BACKOFF_MS = 2000;
export const MAX_BACKOFF_MS = 5 * 60_000;

export interface QueueOptions {
  /** Where the queue is kept (extension global storage). */
  file: string;
  /** Sends one batch; failures carry `retryable`. */
  send: (records: RunRecord[]) => Promise<ExportRunsResult>;
  maxRuns?: number;
  log?: (message: string) => void;
  /** Injected in tests. */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

export interface QueueStats {
  queued: number;
  sent: number;
  dropped: number;
  failedPermanently: number;
  lastError?: string;
}

const defaultTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return { cancel: () => clearTimeout(t) };
};

export class OtlpExportQueue {
  private runs: RunRecord[] = [];
  private draining: Promise<void> | undefined;
  private timer: { cancel(): void } | undefined;
  private backoff = MIN_BACKOFF_MS;
  private disposed = false;
  readonly stats: QueueStats = { queued: 0, sent: 0, dropped: 0, failedPermanently: 0 };

  constructor(private readonly o: QueueOptions) {}

  /** Reads the persisted queue (a missing file is an empty queue; a damaged one is logged and replaced). */
  load(): void {
    let text: string;
    try {
      text = fs.readFileSync(this.o.file, 'utf8');
    } catch {
      return;
    }
    try {
      const list = JSON.parse(text) as unknown;
      if (!Array.isArray(list)) throw new Error('not a list');
      const valid = list.filter((r): r is RunRecord => checkEntry(r) === undefined && (r as RunRecord).type === 'run');
      if (valid.length < list.length) this.o.log?.(`${this.o.file}: ${list.length - valid.length} unreadable queued run(s) skipped`);
      this.runs = valid.slice(-this.max());
    } catch (err) {
      this.o.log?.(`${this.o.file}: queue unreadable (${errorText(err)}); starting empty`);
    }
    this.stats.queued = this.runs.length;
    if (this.runs.length) this.schedule(0);
  }

  private max(): number {
    return this.o.maxRuns ?? MAX_QUEUED_RUNS;
  }

  private persist(): void {
    try {
      writeFileAtomicSync(this.o.file, JSON.stringify(this.runs));
    } catch (err) {
      this.o.log?.(`cannot save the export queue ${this.o.file}: ${errorText(err, 'code')}`);
    }
  }

  /** Queues a run (a newer record of the same run replaces the queued one) and returns at once. */
  enqueue(record: RunRecord): void {
    if (this.disposed) return;
    this.runs = this.runs.filter((r) => r.id !== record.id);
    this.runs.push(record);
    const over = this.runs.length - this.max();
    if (over > 0) {
      this.runs.splice(0, over);
      this.stats.dropped += over;
      this.o.log?.(`export queue full: ${over} oldest run(s) dropped (send them with prompt-cost history export --otlp)`);
    }
    this.stats.queued = this.runs.length;
    this.persist();
    if (!this.timer && !this.draining) this.schedule(0);
  }

  private schedule(ms: number): void {
    this.timer?.cancel();
    this.timer = (this.o.setTimer ?? defaultTimer)(() => {
      this.timer = undefined;
      void this.drain();
    }, ms);
  }

  /** Sends everything queued, batch by batch; resolves when the queue is empty or the endpoint failed. */
  drain(): Promise<void> {
    this.draining ??= this.drainLoop().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drainLoop(): Promise<void> {
    while (this.runs.length && !this.disposed) {
      const batch = this.runs.slice(0, DRAIN_BATCH_RUNS);
      let result: ExportRunsResult;
      try {
        result = await this.o.send(batch);
      } catch (err) {
        result = {
          sentRuns: 0,
          sentSpans: 0,
          requests: 0,
          rejectedSpans: 0,
          failures: [{ runIds: batch.map((r) => r.id), message: errorText(err), retryable: true }],
        };
      }
      const retry = new Set(result.failures.filter((f) => f.retryable).flatMap((f) => f.runIds));
      const permanent = result.failures.filter((f) => !f.retryable);
      for (const f of permanent) {
        this.stats.failedPermanently += f.runIds.length;
        this.o.log?.(`${f.runIds.length} run(s) not accepted by the endpoint and not retried: ${f.message}`);
      }
      const batchIds = new Set(batch.map((r) => r.id));
      this.stats.sent += result.sentRuns;
      // Keep what must be retried, and whatever was enqueued meanwhile (a newer record of a sent run included).
      this.runs = this.runs.filter((r) => !batchIds.has(r.id) || retry.has(r.id) || !batch.includes(r));
      this.stats.queued = this.runs.length;
      this.persist();
      if (retry.size) {
        this.stats.lastError = result.failures.find((f) => f.retryable)?.message;
        this.schedule(this.backoff);
        this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
        return;
      }
      this.backoff = MIN_BACKOFF_MS;
      this.stats.lastError = undefined;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
  }
}
