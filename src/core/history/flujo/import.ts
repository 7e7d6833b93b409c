// Flujo runs into the ledger: one record per run (id `flujo:<run_id>`), appended only when new or changed.
import { AppendOptions, appendEntries, LedgerFold, readLedger } from '../ledger';
import { RunRecord, RunStatus, RunStep, validateEntry } from '../record';
import type { FlujoRun } from './model';
import { clip, MAX_ROW_WARNINGS } from './values';

export function flujoStatusToRunStatus(status: string): RunStatus {
  const s = status.toLowerCase();
  if (['completed', 'complete', 'success', 'succeeded', 'ok', 'done', 'finished'].includes(s)) return 'ok';
  if (['failed', 'failure', 'error', 'errored', 'timeout'].includes(s)) return 'error';
  if (['cancelled', 'canceled', 'aborted', 'stopped'].includes(s)) return 'cancelled';
  // Flujo's own status set is running | paused | completed | failed | cancelled (flujo/state/models.py:23).
  if (s === 'paused') return 'paused';
  return 'running';
}

/** A Flujo run as a ledger record (id `flujo:<run_id>`, source `flujo`). */
export function flujoRunToRecord(run: FlujoRun): RunRecord {
  const rec: RunRecord = {
    v: 1,
    type: 'run',
    id: `flujo:${run.runId}`,
    time: run.createdAt || new Date(0).toISOString(),
    source: 'flujo',
    status: flujoStatusToRunStatus(run.status),
    statusDetail: run.status,
    provider: 'flujo',
    pipeline: run.pipelineName,
    ...(run.totalTokens !== undefined ? { totalTokens: run.totalTokens } : {}),
    ...(run.costUsd !== undefined ? { costUsd: run.costUsd.toString() } : {}),
    steps: run.steps.map((s): RunStep => {
      const step: RunStep = { name: s.name };
      if (s.tokens !== undefined) step.tokens = s.tokens;
      if (s.costUsd !== undefined) step.costUsd = s.costUsd.toString();
      if (s.success !== undefined) step.success = s.success;
      if (s.latencyMs !== undefined) step.latencyMs = s.latencyMs;
      return step;
    }),
    flujo: {
      runId: run.runId,
      ...(run.pipelineId ? { pipelineId: run.pipelineId } : {}),
      ...(run.pipelineVersion ? { pipelineVersion: run.pipelineVersion } : {}),
    },
  };
  if (run.executionTimeMs !== undefined) rec.latencyMs = run.executionTimeMs;
  if (run.errorMessage) rec.error = { kind: 'flujo', message: run.errorMessage };
  return rec;
}

export interface ImportResult {
  added: number;
  updated: number;
  unchanged: number;
  /** Runs the user deleted from the history: not re-added. */
  skippedDeleted: number;
  /** Runs whose record the ledger would reject (a located warning each): not written. */
  skippedInvalid: number;
  warnings: string[];
  records: RunRecord[];
}

/**
 * Appends Flujo runs to the ledger: new runs, and runs whose record changed since the last import
 * (a running pipeline that finished). Unchanged and user-deleted runs are skipped, so importing
 * twice appends nothing. The records go in batches (one write and one fsync per batch, appendEntries),
 * not one fsync per run.
 */
export async function importFlujoRunsToLedger(ledgerFile: string, runs: FlujoRun[], options: AppendOptions = {}): Promise<ImportResult> {
  const current = await readLedger(ledgerFile);
  const fold = new LedgerFold();
  fold.apply(current.runs);
  const deleted = new Set(current.deleted.map((r) => r.id));
  const result: ImportResult = { added: 0, updated: 0, unchanged: 0, skippedDeleted: 0, skippedInvalid: 0, warnings: [], records: [] };
  for (const run of runs) {
    const rec = flujoRunToRecord(run);
    if (deleted.has(rec.id)) {
      result.skippedDeleted++;
      continue;
    }
    const prev = fold.get(rec.id);
    if (prev && JSON.stringify(prev) === JSON.stringify(rec)) {
      result.unchanged++;
      continue;
    }
    const reason = validateEntry(rec);
    if (reason) {
      result.skippedInvalid++;
      if (result.skippedInvalid <= MAX_ROW_WARNINGS)
        result.warnings.push(`run ${JSON.stringify(clip(run.runId, 80))}: not imported (${reason})`);
      continue;
    }
    result.records.push(rec);
    if (prev) result.updated++;
    else result.added++;
  }
  if (result.skippedInvalid > MAX_ROW_WARNINGS)
    result.warnings.push(`… and ${(result.skippedInvalid - MAX_ROW_WARNINGS).toLocaleString('en-US')} more run(s) not imported`);
  await appendEntries(ledgerFile, result.records, options);
  return result;
}
