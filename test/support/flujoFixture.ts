// Flujo state databases for tests, written by better-sqlite3 (dev only, native) in real WAL mode with
// Flujo's schema; the code under test reads them with sql.js.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BetterSqlite = require('better-sqlite3') as new (file: string) => BetterDb;

export interface BetterDb {
  pragma(s: string): unknown;
  exec(s: string): void;
  prepare(s: string): { run(...params: unknown[]): unknown };
  close(): void;
}

// The schema of flujo/state/backends/sqlite_core.py.
export const FLUJO_SCHEMA = `
CREATE TABLE IF NOT EXISTS workflow_state (
  run_id TEXT PRIMARY KEY, pipeline_id TEXT NOT NULL, pipeline_name TEXT NOT NULL, pipeline_version TEXT NOT NULL,
  current_step_index INTEGER NOT NULL, pipeline_context TEXT, last_step_output TEXT, step_history TEXT,
  status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, total_steps INTEGER DEFAULT 0,
  error_message TEXT, execution_time_ms INTEGER, memory_usage_mb REAL, metadata TEXT,
  is_background_task INTEGER DEFAULT 0, parent_run_id TEXT, task_id TEXT, background_error TEXT);
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY, pipeline_id TEXT NOT NULL, pipeline_name TEXT NOT NULL, pipeline_version TEXT NOT NULL,
  status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, execution_time_ms INTEGER,
  memory_usage_mb REAL, total_steps INTEGER DEFAULT 0, error_message TEXT);
CREATE TABLE IF NOT EXISTS steps (
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, step_name TEXT NOT NULL, step_index INTEGER NOT NULL,
  status TEXT NOT NULL, output TEXT, raw_response TEXT, cost_usd REAL, token_counts INTEGER,
  execution_time_ms INTEGER, created_at TEXT NOT NULL, FOREIGN KEY (run_id) REFERENCES runs(run_id) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS idx_steps_run_id ON steps(run_id);
`;

export function openBetterDb(file: string): BetterDb {
  return new BetterSqlite(file);
}

/** Opens (creating) a Flujo state DB in WAL mode that keeps every commit in the -wal file. */
export function openFlujoWal(file: string): BetterDb {
  const db = openBetterDb(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec(FLUJO_SCHEMA);
  return db;
}

export interface StepIn {
  name: string;
  cost: number;
  tokens: number;
  success?: boolean;
  latency?: number;
}

/** One run in one transaction (so a cut WAL drops whole runs): `runs` row + `workflow_state.step_history`. */
export function insertFlujoRun(
  db: BetterDb,
  id: string,
  pipeline: string,
  status: string,
  created: string,
  steps: StepIn[],
  options: { executionMs?: number; context?: string | null } = {},
): void {
  const history = JSON.stringify(
    steps.map((s) => ({
      name: s.name,
      output: 'x',
      success: s.success ?? true,
      attempts: 1,
      latency_s: s.latency ?? 0.5,
      token_counts: s.tokens,
      cost_usd: s.cost,
      feedback: null,
      branch_context: null,
      metadata_: {},
      step_history: [],
    })),
  );
  db.exec('BEGIN');
  db.prepare(
    'INSERT INTO runs (run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at, execution_time_ms, total_steps) VALUES (?,?,?,?,?,?,?,?,?)',
  ).run(id, `pid-${pipeline}`, pipeline, '1.0', status, created, created, options.executionMs ?? 1234, steps.length);
  db.prepare(
    'INSERT OR REPLACE INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at, pipeline_context) VALUES (?,?,?,?,?,?,?,?,?,?)',
  ).run(
    id,
    `pid-${pipeline}`,
    pipeline,
    '1.0',
    steps.length,
    history,
    status,
    created,
    created,
    options.context === undefined ? '{"big":"' + 'c'.repeat(3000) + '"}' : options.context,
  );
  db.exec('COMMIT');
}
