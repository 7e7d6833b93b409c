// Exports many runs to an OTLP/HTTP endpoint: batches of whole runs, a 413 splits the batch in two
// (down to one run, which is then reported as too large), retryable answers wait and try again a
// bounded number of times. Idempotent: the span ids come from the run ids, so exporting twice does not
// duplicate a run in a store that keys on span id.
import { RunRecord } from '../record';
import { batchRuns } from './jsonl';
import { SendOptions, SendOutcome, sendRuns } from './send';

export interface ExportRunsOptions extends SendOptions {
  /** Tries per batch for retryable answers (429, 502–504, network); default 5. */
  maxAttempts?: number;
  /** First wait between tries (doubles each time, capped at 30 s); default 1 s. */
  backoffMs?: number;
  spansPerBatch?: number;
  /** Injected in tests. */
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (sentRuns: number, totalRuns: number) => void;
}

export interface ExportRunsResult {
  sentRuns: number;
  sentSpans: number;
  requests: number;
  /** Spans the receiver accepted the request of but rejected (partial_success). */
  rejectedSpans: number;
  /** `retryable`: the endpoint was down, slow or busy (429, 502–504, a 500): sending later may succeed. */
  failures: { runIds: string[]; message: string; retryable: boolean }[];
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function sendWithRetries(batch: RunRecord[], o: ExportRunsOptions, result: ExportRunsResult): Promise<SendOutcome> {
  const max = o.maxAttempts ?? 5;
  let wait = o.backoffMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    const out = await sendRuns(batch, o, attempt);
    result.requests++;
    if (out.kind !== 'retry' || attempt >= max || o.signal?.aborted) return out;
    await (o.sleep ?? defaultSleep)(Math.min(out.retryAfterMs ?? wait, 30_000));
    wait = Math.min(wait * 2, 30_000);
  }
}

async function exportBatch(batch: RunRecord[], o: ExportRunsOptions, result: ExportRunsResult): Promise<void> {
  const out = await sendWithRetries(batch, o, result);
  const spans = batch.reduce((n, r) => n + 1 + (r.steps?.length ?? 0), 0);
  if (out.kind === 'ok') {
    result.sentRuns += batch.length;
    result.sentSpans += spans;
    result.rejectedSpans += out.rejectedSpans;
    return;
  }
  if (out.kind === 'tooLarge' && batch.length > 1) {
    const half = Math.ceil(batch.length / 2);
    await exportBatch(batch.slice(0, half), o, result);
    await exportBatch(batch.slice(half), o, result);
    return;
  }
  result.failures.push({ runIds: batch.map((r) => r.id), message: out.message, retryable: out.kind === 'retry' });
}

export async function exportRunsToOtlp(records: readonly RunRecord[], o: ExportRunsOptions): Promise<ExportRunsResult> {
  const result: ExportRunsResult = { sentRuns: 0, sentSpans: 0, requests: 0, rejectedSpans: 0, failures: [] };
  for (const batch of batchRuns(records, o.spansPerBatch)) {
    if (o.signal?.aborted) {
      result.failures.push({ runIds: batch.map((r) => r.id), message: 'cancelled', retryable: true });
      continue;
    }
    await exportBatch(batch, o, result);
    o.onProgress?.(result.sentRuns, records.length);
  }
  return result;
}
