// Turns Flujo state rows into runs, whichever backend they came from (SQLite file or PostgreSQL): the same
// run/step semantics for both. Rows are fed table by table — `runs`, then `workflow_state`, then `steps` —
// possibly page by page, then `finish()` totals each run.
//
// Flujo v0.6.11 never fills `steps.cost_usd`, `token_counts` or `execution_time_ms`: StateManager.
// record_step_result (flujo/application/core/state/state_manager.py) passes `cost`, `tokens` and
// `duration_ms`, and save_step_result (flujo/state/backends/sqlite_ops.py, postgres.py) reads `cost_usd`,
// `token_counts` and `execution_time_ms`, so they are NULL. A NULL is "unknown", never $0: a run
// known only from `runs`/`steps` imports with its cost unknown, and the import says so.
import { Decimal } from '../../pricing/decimal';
import type { FlujoRun } from './model';
import { clip, duration, MAX_COST, MAX_ID_CHARS, MAX_TOKENS, money, preview, Problem, RowWarnings, str, time, tokens } from './values';
import { parseSteps } from './stepHistory';

/** A row by column name, with its rowid where the backend has one (for located warnings). */
export interface LocatedRow {
  rowid: number | undefined;
  row: Record<string, unknown>;
}

/** The columns read from `runs` and `workflow_state` (only those present are selected). */
export const RUN_COLUMNS = [
  'run_id',
  'pipeline_id',
  'pipeline_name',
  'pipeline_version',
  'status',
  'created_at',
  'updated_at',
  'execution_time_ms',
  'error_message',
];
export const WORKFLOW_COLUMNS = [...RUN_COLUMNS, 'step_history'];
export const STEP_COLUMNS = ['run_id', 'step_name', 'step_index', 'status', 'cost_usd', 'token_counts', 'execution_time_ms'];

export class FlujoRunAssembler {
  private readonly byId = new Map<string, FlujoRun>();
  private readonly firstSeen = new Map<string, string>(); // run id → where its row is, for later warnings
  private readonly withSteps = new Set<string>();
  private readonly problems: RowWarnings;
  private readonly warn: (m: string) => void;

  constructor(warnings: string[]) {
    this.problems = new RowWarnings(warnings);
    this.warn = (m) => warnings.push(m);
  }

  private located(table: string, rowid: number | undefined, runId?: string): string {
    return `${table} ${rowid !== undefined ? `rowid ${rowid}` : 'row'}${runId !== undefined ? ` (run ${JSON.stringify(clip(runId, 80))})` : ''}`;
  }

  /** Runs seen so far. */
  get size(): number {
    return this.byId.size;
  }

  /** A `runs` or `workflow_state` row: creates the run or fills what it still lacks. */
  addRunRow(table: string, { rowid, row }: LocatedRow): FlujoRun | undefined {
    const runId = str(row.run_id);
    if (!runId || runId.length > MAX_ID_CHARS) {
      this.problems.add(
        this.located(table, rowid),
        `run_id ${runId ? `is ${runId.length.toLocaleString('en-US')} characters long` : 'is missing'}; row skipped`,
      );
      return undefined;
    }
    const where = this.located(table, rowid, runId);
    const problem: Problem = (column, value, why) => this.problems.add(`${where}, ${column}`, `${preview(value)} is ${why}; left unknown`);
    let run = this.byId.get(runId);
    if (!run) {
      run = { runId, pipelineName: '', status: 'unknown', createdAt: '', steps: [], costUsd: undefined };
      this.byId.set(runId, run);
      this.firstSeen.set(runId, where);
    }
    const set = <K extends keyof FlujoRun>(k: K, v: FlujoRun[K] | undefined) => {
      if (v !== undefined && (run![k] === undefined || run![k] === '' || run![k] === 'unknown')) run![k] = v;
    };
    set('pipelineName', clip(str(row.pipeline_name), MAX_ID_CHARS));
    set('pipelineId', clip(str(row.pipeline_id), MAX_ID_CHARS));
    set('pipelineVersion', clip(str(row.pipeline_version), MAX_ID_CHARS));
    set('status', clip(str(row.status), 100));
    set('createdAt', time(row.created_at, problem, 'created_at'));
    set('updatedAt', time(row.updated_at, problem, 'updated_at'));
    set('executionTimeMs', duration(row.execution_time_ms, problem, 'execution_time_ms', 1));
    set('errorMessage', clip(str(row.error_message)) || undefined);
    return run;
  }

  /** A `workflow_state` row: its status (updated as the run progresses) and its step history. */
  addWorkflowRow(located: LocatedRow): void {
    const run = this.addRunRow('workflow_state', located);
    if (!run) return;
    // workflow_state is updated as the run progresses: prefer its status over a stale `runs` row.
    const st = clip(str(located.row.status), 100);
    if (st) run.status = st;
    const where = this.located('workflow_state', located.rowid, run.runId);
    const steps = parseSteps(located.row.step_history, this.warn, where, this.problems);
    if (steps) {
      run.steps = steps;
      this.withSteps.add(run.runId);
    }
  }

  /** A `steps` row (older databases): used only for runs that have no workflow_state step history. */
  addStepRow({ rowid, row }: LocatedRow): void {
    const id = str(row.run_id);
    const run = id ? this.byId.get(id) : undefined;
    if (!run || this.withSteps.has(run.runId)) return;
    const where = this.located('steps', rowid, run.runId);
    const problem: Problem = (column, value, why) => this.problems.add(`${where}, ${column}`, `${preview(value)} is ${why}; left unknown`);
    const status = str(row.status)?.toLowerCase();
    const ms = duration(row.execution_time_ms, problem, 'execution_time_ms', 1);
    run.steps.push({
      name: clip(str(row.step_name), MAX_ID_CHARS) ?? '(unnamed step)',
      success: status ? ['completed', 'success', 'succeeded', 'ok'].includes(status) : undefined,
      ...(ms !== undefined ? { latencyMs: ms } : {}),
      tokens: tokens(row.token_counts, problem, 'token_counts'),
      costUsd: money(row.cost_usd, problem, 'cost_usd'),
    });
  }

  /** Totals every run and returns them by creation time (then run id). */
  finish(): FlujoRun[] {
    const runs: FlujoRun[] = [];
    let unknown = 0;
    for (const r of this.byId.values()) {
      // A run needs a time to be placed in the history: its last update is the next best, else the epoch
      // (kept rather than dropped, so its cost still counts; a bad time value was already reported).
      if (!r.createdAt) r.createdAt = r.updatedAt ?? new Date(0).toISOString();
      // A run with step history (even an empty one) has a known cost; one without has none recorded.
      // A cost that was there but unusable (absurd, negative, junk, JSON null) makes the run's cost unknown.
      const known = this.withSteps.has(r.runId)
        ? r.steps.every((s) => !s.costUnusable)
        : r.steps.length > 0 && r.steps.every((s) => s.costUsd !== undefined);
      r.costUsd = known ? Decimal.sum(r.steps.map((s) => s.costUsd ?? Decimal.ZERO)) : undefined;
      if (r.costUsd !== undefined && r.costUsd.compare(MAX_COST) > 0) {
        this.problems.add(this.firstSeen.get(r.runId)!, `its steps add up to an absurd cost ($${r.costUsd.toFixed(0)}); cost left unknown`);
        r.costUsd = undefined;
      }
      if (r.costUsd === undefined) unknown++;
      // Tokens are known when every step's are (an empty step history is 0); a NULL is unknown, not 0.
      const tokensKnown = (this.withSteps.has(r.runId) || r.steps.length > 0) && r.steps.every((s) => s.tokens !== undefined);
      if (tokensKnown) {
        const total = r.steps.reduce((n, s) => n + s.tokens!, 0);
        if (total <= MAX_TOKENS) r.totalTokens = total;
      }
      if (!r.pipelineName) r.pipelineName = '(unknown pipeline)';
      runs.push(r);
    }
    this.problems.finish();
    if (unknown)
      this.warn(
        `${unknown} run${unknown === 1 ? ' has' : 's have'} no recorded cost (no workflow_state step history, Flujo leaves steps.cost_usd NULL, or a cost was unusable): imported with cost unknown, not $0`,
      );
    return runs.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.runId.localeCompare(b.runId)));
  }
}
