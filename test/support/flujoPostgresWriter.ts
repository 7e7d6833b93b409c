// Writes Flujo runs into PostgreSQL the way Flujo v0.6.11's PostgresBackend does: the SQL of save_run_start,
// save_state, save_step_result and save_run_end (test/fixtures/flujo/postgres-writes.json, extracted from
// aandresalvarez/flujo flujo/state/backends/postgres.py) with the parameters bound in the method's order and
// its defaults (pipeline_version "1.0", status "running"/"completed", JSON through json.dumps, NUL stripped).
import * as fs from 'node:fs';
import { Client } from '../../src/core/history/flujo/pgDriver';
import { flujoFixture } from './postgresServer';

type Sql = { sql: string };
const WRITES = JSON.parse(fs.readFileSync(flujoFixture('postgres-writes.json'), 'utf8')) as Record<
  'save_run_start' | 'save_state' | 'save_step_result' | 'save_run_end',
  Sql
>;

/** postgres.py _jsonb: None stays NULL, everything else json.dumps'ed with NUL characters removed. */
const jsonb = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v).replace(/\\u0000/g, ''));

export interface FlujoStepResult {
  name: string;
  success?: boolean;
  latency_s?: number;
  token_counts?: unknown;
  cost_usd?: unknown;
  attempts?: number;
}

export class FlujoPostgresWriter {
  private constructor(readonly client: InstanceType<typeof Client>) {}

  static async open(uri: string): Promise<FlujoPostgresWriter> {
    const client = new Client({ connectionString: uri });
    await client.connect();
    return new FlujoPostgresWriter(client);
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  /** save_run_start(run_data) */
  async saveRunStart(run: { run_id: string; pipeline_id: string; pipeline_name?: string; status?: string; created_at?: string }) {
    await this.client.query(WRITES.save_run_start.sql, [
      run.run_id,
      run.pipeline_id,
      run.pipeline_name ?? run.pipeline_id,
      '1.0',
      run.status ?? 'running',
      run.created_at ?? new Date().toISOString(),
      run.created_at ?? new Date().toISOString(),
      null,
      null,
      0,
      null,
    ]);
  }

  /** save_state(run_id, state): the StateManager's serialized WorkflowState, step_history a list of StepResult dicts. */
  async saveState(
    runId: string,
    s: { pipeline_name: string; status: string; created_at: string; updated_at?: string; step_history: unknown; error_message?: string },
  ) {
    const history = s.step_history as unknown[] | null;
    await this.client.query(WRITES.save_state.sql, [
      runId,
      `pid-${s.pipeline_name}`,
      s.pipeline_name,
      '1.0',
      Array.isArray(history) ? history.length : 0,
      jsonb({ run_id: runId }),
      null,
      jsonb(s.step_history),
      s.status,
      s.created_at,
      s.updated_at ?? s.created_at,
      Array.isArray(history) ? history.length : 0,
      s.error_message ?? null,
      null,
      null,
      jsonb({}),
      false,
      null,
      null,
      null,
    ]);
  }

  /** save_step_result(step_data): StateManager.record_step_result passes cost/tokens under other keys, so these are NULL. */
  async saveStepResult(step: {
    run_id: string;
    step_name: string;
    step_index: number;
    status?: string;
    cost_usd?: number | null;
    token_counts?: number | null;
  }) {
    await this.client.query(WRITES.save_step_result.sql, [
      step.run_id,
      step.step_name,
      step.step_index,
      step.status ?? 'completed',
      jsonb('output'),
      null,
      step.cost_usd ?? null,
      step.token_counts ?? null,
      null,
      new Date().toISOString(),
    ]);
  }

  /** save_run_end(run_id, end_data) */
  async saveRunEnd(runId: string, end: { status?: string; updated_at?: string; execution_time_ms?: number; error_message?: string }) {
    await this.client.query(WRITES.save_run_end.sql, [
      end.status ?? 'completed',
      end.updated_at ?? new Date().toISOString(),
      end.execution_time_ms ?? null,
      null,
      0,
      end.error_message ?? null,
      runId,
    ]);
  }
}

/** A StepResult as Flujo serializes it into step_history (flujo/domain/models.py StepResult fields). */
export function stepResult(
  name: string,
  cost: number | null,
  tokens: number | null,
  extra: Partial<FlujoStepResult> = {},
): FlujoStepResult & object {
  return {
    name,
    output: 'x',
    success: true,
    attempts: 1,
    latency_s: 0.5,
    token_counts: tokens,
    cost_usd: cost,
    feedback: null,
    branch_context: null,
    metadata_: {},
    step_history: [],
    ...extra,
  } as FlujoStepResult;
}
