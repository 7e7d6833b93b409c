// Flujo state databases for tests, written by the real SQLite through Python's sqlite3 module
// (test/support/sqlite_writer.py) in WAL mode with Flujo's schema; the code under test reads them with sql.js.
// No native Node module: `npm install` stays a download. Each statement runs in a short Python process; a
// BEGIN … COMMIT block is sent as one, so a transaction is one WAL commit, as it would be in Flujo.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SqliteDb {
  pragma(s: string): unknown;
  exec(s: string): void;
  prepare(s: string): { run(...params: unknown[]): unknown };
  /** Rows of one statement (outside a BEGIN … COMMIT block). */
  query(sql: string, ...params: unknown[]): unknown[][];
  close(): void;
}

interface Op {
  sql: string;
  params?: unknown[];
}

const WRITER = [path.resolve(__dirname, 'sqlite_writer.py'), path.resolve(__dirname, '../../../test/support/sqlite_writer.py')].find((f) =>
  fs.existsSync(f),
);

function runPython(file: string, ops: Op[], keepWal: boolean): unknown[][] {
  if (!WRITER) throw new Error('test/support/sqlite_writer.py not found');
  const python = process.env.PYTHON || 'python3';
  const r = spawnSync(python, [WRITER], { input: JSON.stringify({ file, ops, keepWal }), encoding: 'utf8' });
  if (r.error) throw new Error(`${python} is needed to write test SQLite databases (Debian: apt-get install python3): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`sqlite_writer.py failed on ${file}: ${r.stderr.trim()}`);
  return (JSON.parse(r.stdout) as { rows: unknown[][] }).rows;
}

/**
 * A database file written statement by statement, as if one writer kept it open: commits stay in the
 * -wal file (no auto-checkpoint) until close(), which checkpoints like closing the last connection does.
 */
class PythonSqliteDb implements SqliteDb {
  private pending: Op[] | undefined;
  constructor(private readonly file: string) {}

  private run(op: Op): unknown[][] {
    if (this.pending) {
      this.pending.push(op);
      return [];
    }
    return runPython(this.file, [op], true);
  }
  pragma(s: string): unknown {
    return this.run({ sql: `PRAGMA ${s}` });
  }
  exec(sql: string): void {
    const word = sql.trim().replace(/;$/, '').toUpperCase();
    if (word === 'BEGIN' || word === 'BEGIN TRANSACTION') {
      this.pending = [{ sql: 'BEGIN' }];
    } else if (word === 'COMMIT' || word === 'END') {
      const ops = this.pending ?? [];
      this.pending = undefined;
      runPython(this.file, [...ops, { sql: 'COMMIT' }], true);
    } else this.run({ sql });
  }
  prepare(sql: string): { run(...params: unknown[]): unknown } {
    return { run: (...params: unknown[]) => this.run({ sql, params }) };
  }
  query(sql: string, ...params: unknown[]): unknown[][] {
    return runPython(this.file, [{ sql, params }], true);
  }
  close(): void {
    this.pending = undefined;
    runPython(this.file, [], false);
  }
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

export function openSqliteDb(file: string): SqliteDb {
  return new PythonSqliteDb(file);
}

/** Opens (creating) a Flujo state DB in WAL mode that keeps every commit in the -wal file. */
export function openFlujoWal(file: string): SqliteDb {
  const db = openSqliteDb(file);
  db.pragma('journal_mode = WAL');
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
  db: SqliteDb,
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
