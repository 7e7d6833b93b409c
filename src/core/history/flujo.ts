// Flujo run import: reads Flujo's SQLite state database (WAL included) with sql.js and turns
// its runs and per-step costs into ledger records.
//
// Schema (flujo/state/backends/sqlite_core.py): `runs(run_id, pipeline_id, pipeline_name,
// pipeline_version, status, created_at, updated_at, execution_time_ms, total_steps,
// error_message, …)` and `workflow_state(run_id, pipeline_name, status, step_history TEXT (JSON
// list of StepResult: name, success, latency_s, token_counts, cost_usd, attempts, …), …)`;
// older databases also have `steps(run_id, step_name, step_index, status, cost_usd,
// token_counts, execution_time_ms)`. Columns are read by name and only if present, so older and
// newer Flujo versions (missing or extra columns) both work.
//
// Flujo v0.6.11 never fills `steps.cost_usd`, `token_counts` or `execution_time_ms`: StateManager.
// record_step_result (flujo/application/core/state/state_manager.py) passes `cost`, `tokens` and
// `duration_ms`, and save_step_result (flujo/state/backends/sqlite_ops.py) reads `cost_usd`,
// `token_counts` and `execution_time_ms`, so they are NULL. A NULL is "unknown", never $0: a run
// known only from `runs`/`steps` imports with its cost unknown, and the import says so.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlValue } from 'sql.js';
import { Decimal } from '../pricing/decimal';
import { appendEntry, LedgerFold, readLedger } from './ledger';
import { RunRecord, RunStatus, RunStep } from './record';
import { loadSqlJs } from './sqlite';
import { readDatabaseSnapshot } from './wal';

export interface FlujoStep {
  name: string;
  success?: boolean;
  latencyMs?: number;
  tokens: number;
  /** undefined: Flujo did not record it (NULL), so unknown — not $0. */
  costUsd: Decimal | undefined;
  attempts?: number;
}

export interface FlujoRun {
  runId: string;
  pipelineName: string;
  pipelineId?: string;
  pipelineVersion?: string;
  /** Flujo's own status text (`running`, `completed`, `failed`, `paused`, `cancelled` …). */
  status: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  updatedAt?: string;
  executionTimeMs?: number;
  errorMessage?: string;
  steps: FlujoStep[];
  /** Σ step cost_usd, exact (each float read through its shortest decimal text); undefined when any step's cost (or the run's steps) is unknown. */
  costUsd: Decimal | undefined;
  /** Σ step token_counts. */
  totalTokens: number;
}

export interface FlujoReadResult {
  db: string;
  runs: FlujoRun[];
  /** Non-fatal problems: unparsable step_history, missing tables … */
  warnings: string[];
  wal: { present: boolean; framesApplied: number; commits: number; framesIgnored: number; ignoredReason?: string };
}

/** The files a live view should watch: the database and its WAL. */
export function flujoWatchFiles(dbPath: string): string[] {
  return [dbPath, `${dbPath}-wal`];
}

/**
 * The database file Flujo opens for `state_uri`, resolved as Flujo 0.6.11 does
 * (aandresalvarez/flujo flujo/state/sqlite_uri.py `normalize_sqlite_path`, called from
 * flujo/cli/config.py and flujo/application/core/runtime/factories.py with the flujo.toml folder):
 * only a `sqlite*` scheme names a file (`postgres://`, `memory://` and a bare path do not: Flujo
 * uses Postgres, memory, or rejects it as "Unsupported backend URI"). Parsed as Python's urlparse:
 * `sqlite:///rel.db` and `sqlite:rel.db` are relative to the flujo.toml folder, `sqlite:////abs.db`
 * is absolute, `sqlite://dir/x.db` (netloc form) is `dir/x.db` relative unless absolute; query and
 * fragment are dropped; an empty path is Flujo's "Malformed SQLite URI" (undefined here).
 */
export function sqlitePathFromStateUri(stateUri: string, configDir: string): string | undefined {
  const uri = stateUri.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  if (!scheme || !scheme[1].toLowerCase().startsWith('sqlite')) return undefined;
  let rest = uri.slice(scheme[0].length).split('#')[0].split('?')[0];
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
  }
  if (netloc) {
    const p = netloc + rest;
    return path.isAbsolute(p) ? path.resolve(p) : path.resolve(configDir, p);
  }
  if (!rest.trim()) return undefined;
  if (rest.startsWith('//')) return path.resolve(rest.slice(1));
  const clean = rest.startsWith('/') ? rest.slice(1) : rest;
  return path.isAbsolute(clean) ? path.resolve(clean) : path.resolve(configDir, clean);
}

/**
 * The candidate state databases, first existing wins: `state_uri` (or `FLUJO_STATE_URI`),
 * then `flujo_ops.db` next to flujo.toml (Flujo's default), then `.flujo/state.db` (`flujo init`).
 */
export function flujoStateDbCandidates(configDir: string, stateUri?: string, env: NodeJS.ProcessEnv = {}): string[] {
  const out: string[] = [];
  for (const uri of [stateUri, env.FLUJO_STATE_URI]) {
    if (uri) {
      const p = sqlitePathFromStateUri(uri, configDir);
      if (p) out.push(p);
    }
  }
  out.push(path.join(configDir, 'flujo_ops.db'), path.join(configDir, '.flujo', 'state.db'));
  return [...new Set(out)];
}

export function findFlujoStateDb(configDir: string, stateUri?: string, env: NodeJS.ProcessEnv = {}): string | undefined {
  return flujoStateDbCandidates(configDir, stateUri, env).find((p) => fs.existsSync(p));
}

type Row = Record<string, SqlValue>;

function columns(db: Database, table: string): Set<string> {
  const res = db.exec(`PRAGMA table_info("${table.replace(/"/g, '""')}")`);
  return new Set((res[0]?.values ?? []).map((v) => String(v[1])));
}

/** SELECT of the wanted columns that exist (others read as undefined). */
function selectRows(db: Database, table: string, wanted: string[], orderBy?: string): Row[] {
  const have = columns(db, table);
  const cols = wanted.filter((c) => have.has(c));
  if (!cols.length) return [];
  const order = orderBy && have.has(orderBy) ? ` ORDER BY "${orderBy}"` : '';
  const stmt = db.prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${table}"${order}`);
  const rows: Row[] = [];
  try {
    while (stmt.step()) rows.push(stmt.getAsObject() as Row);
  } finally {
    stmt.free();
  }
  return rows;
}

function str(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return String(v);
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A float from Python/SQLite as exact money: through its shortest round-trip text; NULL or junk is unknown. */
function money(v: unknown): Decimal | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Decimal.fromNumber(v);
  if (typeof v === 'string') {
    try {
      return Decimal.parse(v.trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function tokens(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.max(0, Math.round(v));
  if (v && typeof v === 'object') {
    // Some agents report {prompt_tokens, completion_tokens}-style dicts: sum what is numeric,
    // except an explicit total, which wins.
    const o = v as Record<string, unknown>;
    const total = num(o.total) ?? num(o.total_tokens);
    if (total !== undefined) return Math.max(0, Math.round(total));
    return Object.values(o).reduce<number>((s, x) => s + (num(x) ?? 0), 0);
  }
  return num(v) ?? 0;
}

/** Flujo timestamps (`2025-01-02T03:04:05.123456+00:00`, `2025-01-02 03:04:05`, epoch) → ISO UTC. */
export function flujoTime(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v > 1e12 ? v : v * 1000).toISOString();
  const s = str(v)?.trim();
  if (!s) return undefined;
  let t = s.replace(' ', 'T');
  // Python gives microseconds; Date.parse wants at most milliseconds.
  t = t.replace(/(\.\d{3})\d+/, '$1');
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(t) && /T\d/.test(t)) t += 'Z'; // naive → UTC
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function flujoStatusToRunStatus(status: string): RunStatus {
  const s = status.toLowerCase();
  if (['completed', 'complete', 'success', 'succeeded', 'ok', 'done', 'finished'].includes(s)) return 'ok';
  if (['failed', 'failure', 'error', 'errored', 'timeout'].includes(s)) return 'error';
  if (['cancelled', 'canceled', 'aborted', 'stopped'].includes(s)) return 'cancelled';
  return 'running';
}

function parseSteps(raw: unknown, warn: (m: string) => void, runId: string): FlujoStep[] | undefined {
  const text = str(raw);
  if (!text || !text.trim()) return undefined;
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    warn(`run ${runId}: step_history is not valid JSON; steps skipped`);
    return undefined;
  }
  if (!Array.isArray(list)) {
    warn(`run ${runId}: step_history is not a list; steps skipped`);
    return undefined;
  }
  // Top-level steps only: a loop/parallel step's own cost_usd already aggregates its children.
  return list
    .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null)
    .map((s) => {
      const latency = num(s.latency_s);
      const step: FlujoStep = { name: str(s.name) ?? '(unnamed step)', tokens: tokens(s.token_counts), costUsd: money(s.cost_usd) };
      if (typeof s.success === 'boolean') step.success = s.success;
      else if (typeof s.success === 'number') step.success = s.success !== 0;
      if (latency !== undefined) step.latencyMs = Math.round(latency * 1000);
      const attempts = num(s.attempts);
      if (attempts !== undefined) step.attempts = attempts;
      return step;
    });
}

/** Reads all runs from an opened Flujo database. */
export function readFlujoRunsFromDb(db: Database, warnings: string[] = []): FlujoRun[] {
  const tables = new Set((db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map((v) => String(v[0])));
  const warn = (m: string) => warnings.push(m);
  if (!tables.has('runs') && !tables.has('workflow_state')) {
    warn('no `runs` or `workflow_state` table: not a Flujo state database?');
    return [];
  }
  const byId = new Map<string, FlujoRun>();
  const ensure = (row: Row): FlujoRun | undefined => {
    const runId = str(row.run_id);
    if (!runId) return undefined;
    let run = byId.get(runId);
    if (!run) {
      run = { runId, pipelineName: '', status: 'unknown', createdAt: '', steps: [], costUsd: undefined, totalTokens: 0 };
      byId.set(runId, run);
    }
    const set = <K extends keyof FlujoRun>(k: K, v: FlujoRun[K] | undefined) => {
      if (v !== undefined && (run![k] === undefined || run![k] === '' || run![k] === 'unknown')) run![k] = v;
    };
    set('pipelineName', str(row.pipeline_name));
    set('pipelineId', str(row.pipeline_id));
    set('pipelineVersion', str(row.pipeline_version));
    set('status', str(row.status));
    set('createdAt', flujoTime(row.created_at));
    set('updatedAt', flujoTime(row.updated_at));
    set('executionTimeMs', num(row.execution_time_ms));
    set('errorMessage', str(row.error_message) || undefined);
    return run;
  };

  const common = [
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
  if (tables.has('runs')) for (const row of selectRows(db, 'runs', common, 'created_at')) ensure(row);
  const withSteps = new Set<string>();
  if (tables.has('workflow_state')) {
    for (const row of selectRows(db, 'workflow_state', [...common, 'step_history'], 'created_at')) {
      const run = ensure(row);
      if (!run) continue;
      // workflow_state is updated as the run progresses: prefer its status over a stale `runs` row.
      const st = str(row.status);
      if (st) run.status = st;
      const steps = parseSteps(row.step_history, warn, run.runId);
      if (steps) {
        run.steps = steps;
        withSteps.add(run.runId);
      }
    }
  }
  if (tables.has('steps')) {
    const rows = selectRows(
      db,
      'steps',
      ['run_id', 'step_name', 'step_index', 'status', 'cost_usd', 'token_counts', 'execution_time_ms'],
      'step_index',
    );
    for (const row of rows) {
      const id = str(row.run_id);
      const run = id ? byId.get(id) : undefined;
      if (!run || withSteps.has(run.runId)) continue;
      const status = str(row.status)?.toLowerCase();
      const ms = num(row.execution_time_ms);
      run.steps.push({
        name: str(row.step_name) ?? '(unnamed step)',
        success: status ? ['completed', 'success', 'succeeded', 'ok'].includes(status) : undefined,
        ...(ms !== undefined ? { latencyMs: ms } : {}),
        tokens: tokens(row.token_counts),
        costUsd: money(row.cost_usd),
      });
    }
  }
  const runs = [...byId.values()];
  let unknown = 0;
  for (const r of runs) {
    // A run with step history (even an empty one) has a known cost; one without has none recorded.
    const known = withSteps.has(r.runId) || (r.steps.length > 0 && r.steps.every((s) => s.costUsd !== undefined));
    r.costUsd = known ? Decimal.sum(r.steps.map((s) => s.costUsd ?? Decimal.ZERO)) : undefined;
    if (!known) unknown++;
    r.totalTokens = r.steps.reduce((n, s) => n + s.tokens, 0);
    if (!r.pipelineName) r.pipelineName = '(unknown pipeline)';
  }
  if (unknown)
    warn(
      `${unknown} run${unknown === 1 ? ' has' : 's have'} no recorded cost (no workflow_state step history; Flujo leaves steps.cost_usd NULL): imported with cost unknown, not $0`,
    );
  return runs.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.runId.localeCompare(b.runId)));
}

/** Opens the state database read-only (WAL frames applied in memory) and reads its runs. */
export async function readFlujoRuns(dbPath: string): Promise<FlujoReadResult> {
  const snap = readDatabaseSnapshot(dbPath);
  const SQL = await loadSqlJs();
  const warnings: string[] = [];
  if (snap.ignoredReason) warnings.push(`${path.basename(dbPath)}-wal ignored: ${snap.ignoredReason}`);
  let db: Database;
  try {
    db = new SQL.Database(snap.image);
  } catch (err) {
    throw new Error(`${dbPath} is not a SQLite database (${(err as Error).message})`, { cause: err });
  }
  try {
    const runs = readFlujoRunsFromDb(db, warnings);
    return {
      db: dbPath,
      runs,
      warnings,
      wal: {
        present: snap.walPresent,
        framesApplied: snap.framesApplied,
        commits: snap.commits,
        framesIgnored: snap.framesIgnored,
        ignoredReason: snap.ignoredReason,
      },
    };
  } catch (err) {
    throw new Error(`cannot read ${dbPath}: ${(err as Error).message}`, { cause: err });
  } finally {
    db.close();
  }
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
    totalTokens: run.totalTokens,
    ...(run.costUsd !== undefined ? { costUsd: run.costUsd.toString() } : {}),
    steps: run.steps.map((s): RunStep => {
      const step: RunStep = { name: s.name, tokens: s.tokens, ...(s.costUsd !== undefined ? { costUsd: s.costUsd.toString() } : {}) };
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
  records: RunRecord[];
}

/**
 * Appends Flujo runs to the ledger: new runs, and runs whose record changed since the last import
 * (a running pipeline that finished). Unchanged and user-deleted runs are skipped, so importing
 * twice appends nothing.
 */
export async function importFlujoRunsToLedger(ledgerFile: string, runs: FlujoRun[]): Promise<ImportResult> {
  const current = await readLedger(ledgerFile);
  const fold = new LedgerFold();
  fold.apply(current.runs);
  const deleted = new Set(current.deleted.map((r) => r.id));
  const result: ImportResult = { added: 0, updated: 0, unchanged: 0, skippedDeleted: 0, records: [] };
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
    await appendEntry(ledgerFile, rec);
    result.records.push(rec);
    if (prev) result.updated++;
    else result.added++;
  }
  return result;
}
