// Flujo runs from its PostgreSQL state backend (aandresalvarez/flujo v0.6.11
// flujo/state/backends/postgres.py, written with asyncpg). The same tables as the SQLite backend —
// `runs`, `workflow_state` (step_history JSONB), `steps` — read with the same run/step semantics
// (FlujoRunAssembler), through the `pg` client:
// - loaded only when a PostgreSQL state is read (`await import('./pgDriver')`, its own bundle dist/pg.js);
// - read-only: one REPEATABLE READ READ ONLY transaction, so a run is read whole and nothing is written;
// - bounded: server-side cursors fetched page by page, a statement timeout, a connect timeout, a run cap;
// - credentials as libpq finds them: the URI, then PG* variables, then the password file (PGPASSFILE or
//   ~/.pgpass); never written to the ledger, a log or an error (redactPostgresUri).
// Flujo never NOTIFYs (no LISTEN/NOTIFY in postgres.py): a live view polls flujoPostgresChangeMark.
import * as os from 'node:os';
import * as path from 'node:path';
import { FlujoRunAssembler, LocatedRow, RUN_COLUMNS, STEP_COLUMNS, WORKFLOW_COLUMNS } from './assemble';
import { FlujoImportError, FlujoRun } from './model';
import { MAX_STEP_HISTORY_CHARS } from './values';

export interface FlujoPostgresOptions {
  /** Where PG* variables and PGPASSFILE come from (the CLI's environment; the editor's process). */
  env?: NodeJS.ProcessEnv;
  /** Rows fetched per round trip (default 1,000; workflow_state rows, which carry step_history, 200). */
  pageSize?: number;
  /** Per statement (default 30 s): a slow or locked server ends the import with an error, not a hang. */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** At most this many runs are read (default 1,000,000); beyond, a warning says how many were left out. */
  maxRuns?: number;
}

export interface FlujoPostgresReadResult {
  /** The URI with its password replaced by `***`. */
  db: string;
  runs: FlujoRun[];
  warnings: string[];
}

/** The URI as it may be shown or logged: a password in the user part or in `?password=` becomes `***`. */
export function redactPostgresUri(uri: string): string {
  return uri.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@?#]*?:)[^/@?#]*@/, '$1***@').replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** An error message with any password of `uri` taken out (a driver could echo the DSN). */
function redactMessage(message: string, uri: string, password: string | undefined): string {
  let m = message.split(uri).join(redactPostgresUri(uri));
  if (password && password.length >= 3) m = m.split(password).join('***');
  return m;
}

export interface PostgresSettings {
  host: string;
  port: number;
  user: string;
  database: string;
  /** From the URI or PGPASSWORD; undefined: the password file is asked when the server wants one. */
  password?: string;
  sslmode?: string;
  options?: string;
}

/**
 * Connection settings as libpq (and asyncpg) take them: the URI first, then PGHOST, PGPORT, PGUSER,
 * PGDATABASE, PGPASSWORD, PGSSLMODE, then the defaults (localhost, 5432, the OS user, a database named
 * like the user). Parsed by pg-connection-string, node-postgres' own parser (percent-decoding, `?host=`).
 */
export async function postgresSettings(uri: string, env: NodeJS.ProcessEnv = {}): Promise<PostgresSettings> {
  const { parseConnectionString } = await import('./pgDriver');
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    parsed = parseConnectionString(uri);
  } catch (err) {
    throw new FlujoImportError(redactPostgresUri(uri), `${redactPostgresUri(uri)} is not a PostgreSQL URI (${(err as Error).message})`);
  }
  const user = parsed.user || env.PGUSER || env.USER || env.USERNAME || safeUserName();
  const port = Number(parsed.port || env.PGPORT || 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new FlujoImportError(redactPostgresUri(uri), `${redactPostgresUri(uri)}: port ${parsed.port || env.PGPORT} is not a TCP port`);
  const sslmode = new URLSearchParams(uri.split('?')[1]?.split('#')[0] ?? '').get('sslmode') ?? env.PGSSLMODE;
  return {
    host: parsed.host || env.PGHOST || 'localhost',
    port,
    user,
    database: parsed.database || env.PGDATABASE || user,
    ...(parsed.password ? { password: parsed.password } : env.PGPASSWORD ? { password: env.PGPASSWORD } : {}),
    ...(sslmode ? { sslmode } : {}),
    ...(parsed.options ? { options: parsed.options } : {}),
  };
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'postgres';
  }
}

/** libpq's password file (PGPASSFILE, else ~/.pgpass; ignored unless private, as libpq does). */
async function passwordFromFile(s: PostgresSettings, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const fs = await import('node:fs');
  const helper = (await import('./pgDriver')).pgPassHelper;
  const file = env.PGPASSFILE || path.join(env.HOME || os.homedir(), '.pgpass');
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  if (!stat.isFile() || !helper.usePgPass(stat, file)) return undefined;
  return new Promise((resolve) => helper.getPassword(s, fs.createReadStream(file), resolve));
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The Flujo tables as the server resolves their unqualified names (search_path), with their columns. */
async function flujoColumns(client: import('pg').Client): Promise<Map<string, Set<string>>> {
  const res = await client.query<{ table: string; column: string }>(
    `SELECT c.relname AS "table", a.attname AS "column" FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
     WHERE c.oid IN (to_regclass('runs'), to_regclass('workflow_state'), to_regclass('steps')) AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  const out = new Map<string, Set<string>>();
  for (const r of res.rows) {
    if (!out.has(r.table)) out.set(r.table, new Set());
    out.get(r.table)!.add(r.column);
  }
  return out;
}

/** Reads a table through a server-side cursor, `page` rows per FETCH; `onRow` returns false to stop. */
async function eachRow(
  client: import('pg').Client,
  select: string,
  page: number,
  onRow: (row: Record<string, unknown>) => boolean,
): Promise<void> {
  await client.query(`DECLARE pcl_flujo NO SCROLL CURSOR FOR ${select}`);
  try {
    for (;;) {
      const res = await client.query(`FETCH ${page} FROM pcl_flujo`);
      for (const row of res.rows) if (!onRow(row)) return;
      if (res.rows.length < page) return;
    }
  } finally {
    await client.query('CLOSE pcl_flujo');
  }
}

/** SELECT list of the wanted columns that exist; step_history only when its stored size is within the cap. */
function selectList(have: Set<string>, wanted: string[]): string {
  return wanted
    .filter((c) => have.has(c))
    .map((c) =>
      c === 'step_history'
        ? `CASE WHEN pg_column_size("step_history") <= ${MAX_STEP_HISTORY_CHARS} THEN "step_history"::text END AS "step_history", pg_column_size("step_history") AS "__step_history_bytes"`
        : `${quote(c)}::text AS ${quote(c)}`,
    )
    .join(', ');
}

/** Connects as libpq would, every value read as text (money stays exact, times as the server writes them, in UTC). */
async function connect(uri: string, options: FlujoPostgresOptions): Promise<{ client: import('pg').Client; settings: PostgresSettings }> {
  const env = options.env ?? {};
  const settings = await postgresSettings(uri, env);
  const { Client } = await import('./pgDriver');
  const statementTimeout = options.statementTimeoutMs ?? 30_000;
  const sslmode = settings.sslmode;
  const client = new Client({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    database: settings.database,
    password: async () => settings.password ?? (await passwordFromFile(settings, env)) ?? '',
    ssl:
      sslmode === undefined || sslmode === 'disable' || sslmode === 'allow' || sslmode === 'prefer'
        ? false
        : sslmode === 'require' || sslmode === 'no-verify'
          ? { rejectUnauthorized: false }
          : true,
    ...(settings.options ? { options: settings.options } : {}),
    application_name: 'prompt-cost-lens',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    statement_timeout: statementTimeout,
    query_timeout: statementTimeout + 5_000,
    types: { getTypeParser: () => (value: string) => value },
  } as import('./pgDriver').ClientConfig);
  // A socket error after connect must not become an unhandled 'error' event in the extension host.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    const where = `${settings.user}@${settings.host}:${settings.port}/${settings.database}`;
    throw new FlujoImportError(
      redactPostgresUri(uri),
      `cannot connect to PostgreSQL ${where}: ${redactMessage((err as Error).message, uri, settings.password)}`,
      { cause: err },
    );
  }
  return { client, settings };
}

/** One read-only, repeatable-read transaction around `body`, always rolled back and disconnected. */
async function readOnly<T>(uri: string, options: FlujoPostgresOptions, body: (client: import('pg').Client) => Promise<T>): Promise<T> {
  const { client, settings } = await connect(uri, options);
  try {
    await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query("SET LOCAL TimeZone = 'UTC'");
    return await body(client);
  } catch (err) {
    if (err instanceof FlujoImportError) throw err;
    throw new FlujoImportError(
      redactPostgresUri(uri),
      `reading Flujo runs from ${redactPostgresUri(uri)} failed: ${redactMessage((err as Error).message, uri, settings.password)}`,
      { cause: err },
    );
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/**
 * All runs of a Flujo PostgreSQL state database. Rejects only with FlujoImportError (cannot connect,
 * timeout, not a Flujo database at all); a bad value or row is a located warning, as for SQLite.
 */
export async function readFlujoRunsFromPostgres(uri: string, options: FlujoPostgresOptions = {}): Promise<FlujoPostgresReadResult> {
  const db = redactPostgresUri(uri);
  const warnings: string[] = [];
  const page = Math.max(1, Math.floor(options.pageSize ?? 1000));
  const maxRuns = options.maxRuns ?? 1_000_000;
  const runs = await readOnly(uri, options, async (client) => {
    const tables = await flujoColumns(client);
    if (!tables.has('runs') && !tables.has('workflow_state')) {
      throw new FlujoImportError(db, `${db} has no \`runs\` or \`workflow_state\` table in its search_path: not a Flujo state database?`);
    }
    const assembler = new FlujoRunAssembler(warnings);
    let capped = false;
    const within = () => {
      if (assembler.size <= maxRuns) return true;
      capped = true;
      return false;
    };
    const read = async (table: string, wanted: string[], orderBy: string, add: (row: LocatedRow) => void, rowsPerPage = page) => {
      const have = tables.get(table);
      if (!have || capped) return;
      const list = selectList(have, wanted);
      if (!list) return;
      const order = orderBy
        .split(',')
        .filter((c) => have.has(c))
        .map(quote)
        .join(', ');
      await eachRow(client, `SELECT ${list} FROM ${quote(table)}${order ? ` ORDER BY ${order}` : ''}`, rowsPerPage, (row) => {
        const bytes = Number(row.__step_history_bytes);
        if (row.step_history === null && bytes > MAX_STEP_HISTORY_CHARS)
          warnings.push(
            `workflow_state row (run ${JSON.stringify(String(row.run_id).slice(0, 80))}), step_history: ${(bytes / 1048576).toFixed(0)} MB stored is more than ${MAX_STEP_HISTORY_CHARS / 1048576} MB; steps skipped`,
          );
        add({ rowid: undefined, row });
        return within();
      });
    };
    await read('runs', RUN_COLUMNS, 'created_at,run_id', (r) => assembler.addRunRow('runs', r));
    await read('workflow_state', WORKFLOW_COLUMNS, 'created_at,run_id', (r) => assembler.addWorkflowRow(r), Math.min(page, 200));
    await read('steps', STEP_COLUMNS, 'run_id,step_index,id', (r) => assembler.addStepRow(r));
    if (capped) warnings.push(`more than ${maxRuns.toLocaleString('en-US')} runs: the rest were not read`);
    return assembler.finish();
  });
  return { db, runs, warnings };
}

/**
 * A cheap mark that changes whenever Flujo writes a run (it sets `updated_at` on every step and state
 * save, postgres.py save_state / save_step_result / save_run_end): poll it, re-read when it changes.
 */
export async function flujoPostgresChangeMark(uri: string, options: FlujoPostgresOptions = {}): Promise<string> {
  return readOnly(uri, options, async (client) => {
    const tables = await flujoColumns(client);
    const parts: string[] = [];
    for (const t of ['runs', 'workflow_state', 'steps']) {
      const have = tables.get(t);
      if (!have) continue;
      const time = have.has('updated_at') ? 'updated_at' : have.has('created_at') ? 'created_at' : undefined;
      parts.push(`(SELECT count(*)::text || '/' || coalesce(${time ? `max(${quote(time)})::text` : "''"}, '') FROM ${quote(t)})`);
    }
    if (!parts.length) return '';
    const res = await client.query<{ mark: string }>(`SELECT concat_ws(' ', ${parts.join(', ')}) AS mark`);
    return res.rows[0]?.mark ?? '';
  });
}
