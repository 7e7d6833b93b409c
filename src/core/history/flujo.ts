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
import { AbsurdNumberError, Decimal, MONEY_LIMITS } from '../pricing/decimal';
import { shownValue } from '../untrustedText';
import { appendEntries, LedgerFold, readLedger } from './ledger';
import { RunRecord, RunStatus, RunStep, validateEntry } from './record';
import { loadSqlJs } from './sqlite';
import { readDatabaseSnapshot, WalReplay, WalSnapshotError } from './wal';
import { errorText } from '../errors';

export interface FlujoStep {
  name: string;
  success?: boolean;
  latencyMs?: number;
  /** undefined: Flujo did not record it (NULL) or it was unusable, so unknown — not 0. */
  tokens: number | undefined;
  /** undefined: Flujo did not record it (NULL), so unknown — not $0. */
  costUsd: Decimal | undefined;
  /** cost_usd was present but unusable (reported as a warning): the run's cost is unknown. */
  costUnusable?: boolean;
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
  /** Σ step token_counts; undefined when any step's count (or the run's steps) is unknown. */
  totalTokens?: number;
}

export interface FlujoReadResult {
  db: string;
  runs: FlujoRun[];
  /** Non-fatal problems: unparsable step_history, missing tables … */
  warnings: string[];
  wal: {
    present: boolean;
    framesApplied: number;
    commits: number;
    framesIgnored: number;
    /** Commits after an invalid frame (lost, as in SQLite). */
    commitsIgnored: number;
    /** The invalid frame that ended replay. */
    stoppedAt?: { frame: number; offset: number; reason: string };
    ignoredReason?: string;
  };
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

/** The import cannot read the database at all (missing, not SQLite, too large …). Located: `file`. */
export class FlujoImportError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FlujoImportError';
  }
}

// What a value from the database may be before it is "absurd": Flujo writes times as ISO text, costs in
// USD per step, token counts and latencies of one pipeline step. Out of range → the value is dropped
// (unknown) with a located warning; the rest of the row is still imported.
const MIN_TIME_MS = Date.UTC(1970, 0, 1);
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const MAX_TOKENS = 1e15; // far beyond any run, still an exact integer
const MAX_MS = 1e12; // ~31 years
const MAX_COST = Decimal.fromInteger(1_000_000_000); // USD per step or run
const MAX_ID_CHARS = 1000;
const MAX_TEXT_CHARS = 10_000; // error messages and names are cut there
/** A step history beyond this is not parsed (its JSON objects would take several times that in memory). */
const MAX_STEP_HISTORY_CHARS = 64 * 1024 * 1024;
/** Located problems listed one by one; beyond this, one line says how many more. */
const MAX_ROW_WARNINGS = 20;

/** Collects located row problems ("runs rowid 7 (run r-1), created_at: …"), capped. */
class RowWarnings {
  private shown = 0;
  private more = 0;
  constructor(private readonly out: string[]) {}
  add(where: string, message: string): void {
    if (this.shown < MAX_ROW_WARNINGS) {
      this.out.push(`${where}: ${message}`);
      this.shown++;
    } else this.more++;
  }
  finish(): void {
    if (this.more)
      this.out.push(`… and ${this.more.toLocaleString('en-US')} more value(s) out of range or unreadable (dropped the same way)`);
  }
}

function columns(db: Database, table: string): Set<string> {
  const res = db.exec(`PRAGMA table_info("${table.replace(/"/g, '""')}")`);
  return new Set((res[0]?.values ?? []).map((v) => String(v[1])));
}

/** A row with its rowid (undefined for WITHOUT ROWID tables), for located warnings. */
interface LocatedRow {
  rowid: number | undefined;
  row: Row;
}

/**
 * SELECT of the wanted columns that exist (others read as undefined), with the rowid. A table SQLite finds
 * corrupt midway keeps the rows read before the damage, with a warning.
 */
function selectRows(db: Database, table: string, wanted: string[], warn: (m: string) => void, orderBy?: string): LocatedRow[] {
  const have = columns(db, table);
  const cols = wanted.filter((c) => have.has(c));
  if (!cols.length) return [];
  const order = orderBy && have.has(orderBy) ? ` ORDER BY "${orderBy}"` : '';
  const list = cols.map((c) => `"${c}"`).join(', ');
  let stmt;
  let withRowid = true;
  try {
    stmt = db.prepare(`SELECT rowid AS "__rowid", ${list} FROM "${table}"${order}`);
  } catch {
    withRowid = false; // WITHOUT ROWID table
    stmt = db.prepare(`SELECT ${list} FROM "${table}"${order}`);
  }
  const rows: LocatedRow[] = [];
  try {
    while (stmt.step()) {
      const row = stmt.getAsObject() as Row;
      const rowid = withRowid && typeof row.__rowid === 'number' ? row.__rowid : undefined;
      rows.push({ rowid, row });
    }
  } catch (err) {
    warn(
      `table ${table}: SQLite stopped reading after ${rows.length.toLocaleString('en-US')} row(s) (${errorText(err)}); the rest of the table is not imported`,
    );
  } finally {
    stmt.free();
  }
  return rows;
}

/** A text value: SQLite text, blob or number, or a JSON scalar; an object or array is not one (undefined). */
function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return undefined; // null, objects ({"toString": 0} would even throw in String())
}

function clip(s: string | undefined, max = MAX_TEXT_CHARS): string | undefined {
  return s !== undefined && s.length > max ? `${s.slice(0, max)}…` : s;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() && v.length < 40 && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

const preview = (v: unknown): string => (v instanceof Uint8Array ? `<${v.length} bytes>` : shownValue(v, 60));

/** Reports a value that is present but unusable; NULL/missing is silently unknown. */
type Problem = (column: string, value: unknown, why: string) => void;

/** A float from Python/SQLite as exact money: through its shortest round-trip text; NULL is unknown, junk or absurd is unknown with a warning. */
function money(v: unknown, problem: Problem, column: string): Decimal | undefined {
  if (v === null || v === undefined) return undefined;
  let d: Decimal | undefined;
  try {
    if (typeof v === 'number') d = Decimal.fromNumber(v);
    else if (typeof v === 'string' && v.trim()) d = Decimal.parse(v.trim(), MONEY_LIMITS);
  } catch (err) {
    if (err instanceof AbsurdNumberError) {
      problem(column, v, `an absurd value (${err.reason})`);
      return undefined;
    }
    d = undefined;
  }
  if (d === undefined) problem(column, v, 'not a decimal number');
  else if (d.isNegative()) problem(column, v, 'a negative cost');
  else if (d.compare(MAX_COST) > 0) problem(column, v, 'an absurd value (over $1,000,000,000)');
  else return d;
  return undefined;
}

function count(v: unknown, problem: Problem, column: string): number | undefined {
  const n = num(v);
  if (n === undefined) return undefined;
  if (n < 0 || n > MAX_TOKENS) {
    problem(column, v, 'out of range');
    return undefined;
  }
  return Math.round(n);
}

/** Token counts: a number, or a {prompt_tokens, completion_tokens}-style dict; NULL/missing is unknown, never 0. */
function tokens(v: unknown, problem: Problem, column: string): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'object' && !(v instanceof Uint8Array)) {
    // Some agents report {prompt_tokens, completion_tokens}-style dicts: sum what is numeric,
    // except an explicit total, which wins.
    const o = v as Record<string, unknown>;
    const total = num(o.total) ?? num(o.total_tokens);
    if (total !== undefined) return count(total, problem, column);
    let sum = 0;
    let any = false;
    for (const x of Object.values(o)) {
      const n = num(x);
      if (n === undefined) continue;
      any = true;
      sum += n;
    }
    return any ? count(sum, problem, column) : undefined;
  }
  const n = num(v);
  if (n === undefined) {
    problem(column, v, 'not a number');
    return undefined;
  }
  return count(n, problem, column);
}

function duration(v: unknown, problem: Problem, column: string, unitMs: number): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = num(v);
  if (n === undefined || n < 0 || n * unitMs > MAX_MS) {
    problem(column, v, n === undefined ? 'not a number' : 'out of range');
    return undefined;
  }
  return Math.round(n * unitMs);
}

/**
 * Flujo timestamps (`2025-01-02T03:04:05.123456+00:00`, `2025-01-02 03:04:05`, epoch seconds or ms) →
 * ISO UTC; undefined for anything unreadable or outside years 1970–9999.
 */
export function flujoTime(v: unknown): string | undefined {
  let ms: number;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    ms = v > 1e12 ? v : v * 1000;
  } else {
    const s = str(v)?.trim();
    if (!s || s.length > 64) return undefined;
    let t = s.replace(' ', 'T');
    // Python gives microseconds; Date.parse wants at most milliseconds.
    t = t.replace(/(\.\d{3})\d+/, '$1');
    if (!/(Z|[+-]\d\d:?\d\d)$/i.test(t) && /T\d/.test(t)) t += 'Z'; // naive → UTC
    ms = Date.parse(t);
  }
  if (Number.isNaN(ms) || ms < MIN_TIME_MS || ms > MAX_TIME_MS) return undefined;
  return new Date(ms).toISOString();
}

function time(v: unknown, problem: Problem, column: string): string | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const t = flujoTime(v);
  if (t === undefined) problem(column, v, 'not a time between 1970 and 9999');
  return t;
}

export function flujoStatusToRunStatus(status: string): RunStatus {
  const s = status.toLowerCase();
  if (['completed', 'complete', 'success', 'succeeded', 'ok', 'done', 'finished'].includes(s)) return 'ok';
  if (['failed', 'failure', 'error', 'errored', 'timeout'].includes(s)) return 'error';
  if (['cancelled', 'canceled', 'aborted', 'stopped'].includes(s)) return 'cancelled';
  return 'running';
}

function parseSteps(raw: unknown, warn: (m: string) => void, where: string, problems: RowWarnings): FlujoStep[] | undefined {
  const size = raw instanceof Uint8Array ? raw.length : typeof raw === 'string' ? raw.length : 0;
  if (size > MAX_STEP_HISTORY_CHARS) {
    warn(`${where}, step_history: ${(size / 1048576).toFixed(0)} MB is more than ${MAX_STEP_HISTORY_CHARS / 1048576} MB; steps skipped`);
    return undefined;
  }
  const text = str(raw);
  if (!text || !text.trim()) return undefined;
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    warn(`${where}, step_history: not valid JSON; steps skipped`);
    return undefined;
  }
  if (!Array.isArray(list)) {
    warn(`${where}, step_history: not a list; steps skipped`);
    return undefined;
  }
  // Top-level steps only: a loop/parallel step's own cost_usd already aggregates its children.
  const steps: FlujoStep[] = [];
  list.forEach((s: unknown, i) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) return;
    const o = s as Record<string, unknown>;
    const problem: Problem = (column, value, why) =>
      problems.add(`${where}, step_history[${i}].${column}`, `${preview(value)} is ${why}; left unknown`);
    const step: FlujoStep = {
      name: clip(str(o.name), MAX_ID_CHARS) ?? '(unnamed step)',
      tokens: tokens(o.token_counts, problem, 'token_counts'),
      costUsd: money(o.cost_usd, problem, 'cost_usd'),
    };
    if (step.costUsd === undefined && o.cost_usd !== undefined && o.cost_usd !== null) step.costUnusable = true;
    if (typeof o.success === 'boolean') step.success = o.success;
    else if (typeof o.success === 'number') step.success = o.success !== 0;
    const latency = duration(o.latency_s, problem, 'latency_s', 1000);
    if (latency !== undefined) step.latencyMs = latency;
    const attempts = count(o.attempts, problem, 'attempts');
    if (attempts !== undefined) step.attempts = attempts;
    steps.push(step);
  });
  return steps;
}

/**
 * Reads all runs from an opened Flujo database. Never fails on one bad row: an unusable value is left
 * unknown and a row without a usable run id or time is skipped, each with a warning naming table, rowid and
 * column; a table SQLite finds corrupt keeps the rows read before the damage.
 */
export function readFlujoRunsFromDb(db: Database, warnings: string[] = []): FlujoRun[] {
  const tables = new Set((db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map((v) => String(v[0])));
  const warn = (m: string) => warnings.push(m);
  const problems = new RowWarnings(warnings);
  if (!tables.has('runs') && !tables.has('workflow_state')) {
    warn('no `runs` or `workflow_state` table: not a Flujo state database?');
    return [];
  }
  const byId = new Map<string, FlujoRun>();
  const firstSeen = new Map<string, string>(); // run id → where its row is, for later warnings
  const located = (table: string, rowid: number | undefined, runId?: string) =>
    `${table} ${rowid !== undefined ? `rowid ${rowid}` : 'row'}${runId !== undefined ? ` (run ${JSON.stringify(clip(runId, 80))})` : ''}`;
  const ensure = (table: string, { rowid, row }: LocatedRow): FlujoRun | undefined => {
    const runId = str(row.run_id);
    if (!runId || runId.length > MAX_ID_CHARS) {
      problems.add(
        located(table, rowid),
        `run_id ${runId ? `is ${runId.length.toLocaleString('en-US')} characters long` : 'is missing'}; row skipped`,
      );
      return undefined;
    }
    const where = located(table, rowid, runId);
    const problem: Problem = (column, value, why) => problems.add(`${where}, ${column}`, `${preview(value)} is ${why}; left unknown`);
    let run = byId.get(runId);
    if (!run) {
      run = { runId, pipelineName: '', status: 'unknown', createdAt: '', steps: [], costUsd: undefined };
      byId.set(runId, run);
      firstSeen.set(runId, where);
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
  if (tables.has('runs')) for (const row of selectRows(db, 'runs', common, warn, 'created_at')) ensure('runs', row);
  const withSteps = new Set<string>();
  if (tables.has('workflow_state')) {
    for (const located of selectRows(db, 'workflow_state', [...common, 'step_history'], warn, 'created_at')) {
      const run = ensure('workflow_state', located);
      if (!run) continue;
      // workflow_state is updated as the run progresses: prefer its status over a stale `runs` row.
      const st = clip(str(located.row.status), 100);
      if (st) run.status = st;
      const where = `workflow_state ${located.rowid !== undefined ? `rowid ${located.rowid}` : 'row'} (run ${JSON.stringify(clip(run.runId, 80))})`;
      const steps = parseSteps(located.row.step_history, warn, where, problems);
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
      warn,
      'step_index',
    );
    for (const { rowid, row } of rows) {
      const id = str(row.run_id);
      const run = id ? byId.get(id) : undefined;
      if (!run || withSteps.has(run.runId)) continue;
      const where = located('steps', rowid, run.runId);
      const problem: Problem = (column, value, why) => problems.add(`${where}, ${column}`, `${preview(value)} is ${why}; left unknown`);
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
  }
  const runs: FlujoRun[] = [];
  let unknown = 0;
  for (const r of byId.values()) {
    // A run needs a time to be placed in the history: its last update is the next best, else the epoch
    // (kept rather than dropped, so its cost still counts; a bad time value was already reported).
    if (!r.createdAt) r.createdAt = r.updatedAt ?? new Date(0).toISOString();
    // A run with step history (even an empty one) has a known cost; one without has none recorded.
    // A cost that was there but unusable (absurd, negative, junk) makes the run's cost unknown.
    const known = withSteps.has(r.runId)
      ? r.steps.every((s) => !s.costUnusable)
      : r.steps.length > 0 && r.steps.every((s) => s.costUsd !== undefined);
    r.costUsd = known ? Decimal.sum(r.steps.map((s) => s.costUsd ?? Decimal.ZERO)) : undefined;
    if (r.costUsd !== undefined && r.costUsd.compare(MAX_COST) > 0) {
      problems.add(firstSeen.get(r.runId)!, `its steps add up to an absurd cost ($${r.costUsd.toFixed(0)}); cost left unknown`);
      r.costUsd = undefined;
    }
    if (r.costUsd === undefined) unknown++;
    // Tokens are known when every step's are (an empty step history is 0); a NULL is unknown, not 0.
    const tokensKnown = (withSteps.has(r.runId) || r.steps.length > 0) && r.steps.every((s) => s.tokens !== undefined);
    if (tokensKnown) {
      const total = r.steps.reduce((n, s) => n + s.tokens!, 0);
      if (total <= MAX_TOKENS) r.totalTokens = total;
    }
    if (!r.pipelineName) r.pipelineName = '(unknown pipeline)';
    runs.push(r);
  }
  problems.finish();
  if (unknown)
    warn(
      `${unknown} run${unknown === 1 ? ' has' : 's have'} no recorded cost (no workflow_state step history, Flujo leaves steps.cost_usd NULL, or a cost was unusable): imported with cost unknown, not $0`,
    );
  return runs.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.runId.localeCompare(b.runId)));
}

/**
 * Opens the state database read-only (WAL frames applied in memory) and reads its runs. Rejects only with
 * FlujoImportError (the file cannot be read as a database at all); everything else is a warning.
 */
export async function readFlujoRuns(dbPath: string, options: { maxBytes?: number } = {}): Promise<FlujoReadResult> {
  let snap;
  try {
    snap = readDatabaseSnapshot(dbPath, 5, options.maxBytes);
  } catch (err) {
    throw new FlujoImportError(dbPath, err instanceof WalSnapshotError ? err.message : `${dbPath}: ${errorText(err)}`, {
      cause: err,
    });
  }
  return readFlujoRunsFromSnapshot(dbPath, snap);
}

/** readFlujoRuns on an image already read (replayWal): what the fuzz tests drive directly. */
export async function readFlujoRunsFromSnapshot(dbPath: string, snap: WalReplay): Promise<FlujoReadResult> {
  const SQL = await loadSqlJs();
  const warnings: string[] = [];
  if (snap.ignoredReason) warnings.push(`${path.basename(dbPath)}-wal ignored: ${snap.ignoredReason}`);
  warnings.push(...snap.warnings);
  let db: Database;
  try {
    db = new SQL.Database(snap.image);
  } catch (err) {
    throw new FlujoImportError(dbPath, `${dbPath} is not a SQLite database (${errorText(err)})`, { cause: err });
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
        commitsIgnored: snap.commitsIgnored,
        ...(snap.stoppedAt ? { stoppedAt: snap.stoppedAt } : {}),
        ignoredReason: snap.ignoredReason,
      },
    };
  } catch (err) {
    // SQLite refused the image as a whole (header or schema unreadable: "file is not a database", "malformed").
    throw new FlujoImportError(dbPath, `cannot read ${dbPath}: ${errorText(err)}`, { cause: err });
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
export async function importFlujoRunsToLedger(ledgerFile: string, runs: FlujoRun[]): Promise<ImportResult> {
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
  await appendEntries(ledgerFile, result.records);
  return result;
}
