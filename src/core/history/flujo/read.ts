// Flujo run import from its SQLite state database (WAL included), read with sql.js.
//
// Schema (flujo/state/backends/sqlite_core.py): `runs(run_id, pipeline_id, pipeline_name,
// pipeline_version, status, created_at, updated_at, execution_time_ms, total_steps,
// error_message, …)` and `workflow_state(run_id, pipeline_name, status, step_history TEXT (JSON
// list of StepResult: name, success, latency_s, token_counts, cost_usd, attempts, …), …)`;
// older databases also have `steps(run_id, step_name, step_index, status, cost_usd,
// token_counts, execution_time_ms)`. Columns are read by name and only if present, so older and
// newer Flujo versions (missing or extra columns) both work.
import * as path from 'node:path';
import type { Database } from 'sql.js';
import { loadSqlJs } from '../sqlite';
import { readDatabaseSnapshot, WalReplay, WalSnapshotError } from '../wal';
import { FlujoRunAssembler, LocatedRow, RUN_COLUMNS, STEP_COLUMNS, WORKFLOW_COLUMNS } from './assemble';
import { FlujoImportError, FlujoReadResult, FlujoRun } from './model';
import { errorText } from '../../errors';
import { pushAll } from '../../arrays';

function columns(db: Database, table: string): Set<string> {
  const res = db.exec(`PRAGMA table_info("${table.replace(/"/g, '""')}")`);
  return new Set((res[0]?.values ?? []).map((v) => String(v[1])));
}

/**
 * SELECT of the wanted columns that exist (others read as undefined), with the rowid, each row handed to
 * `each` as SQLite steps to it (never all rows at once: a table of big step histories is held one row at a
 * time). A table SQLite finds corrupt midway keeps the rows read before the damage, with a warning.
 */
function eachRow(
  db: Database,
  table: string,
  wanted: string[],
  warn: (m: string) => void,
  orderBy: string | undefined,
  each: (row: LocatedRow) => void,
): void {
  const have = columns(db, table);
  const cols = wanted.filter((c) => have.has(c));
  if (!cols.length) return;
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
  let read = 0;
  try {
    for (;;) {
      let row;
      try {
        if (!stmt.step()) break;
        row = stmt.getAsObject();
      } catch (err) {
        warn(
          `table ${table}: SQLite stopped reading after ${read.toLocaleString('en-US')} row(s) (${errorText(err)}); the rest of the table is not imported`,
        );
        break;
      }
      read++;
      each({ rowid: withRowid && typeof row.__rowid === 'number' ? row.__rowid : undefined, row });
    }
  } finally {
    stmt.free();
  }
}

/**
 * Reads all runs from an opened Flujo database. Never fails on one bad row: an unusable value is left
 * unknown and a row without a usable run id or time is skipped, each with a warning naming table, rowid and
 * column; a table SQLite finds corrupt keeps the rows read before the damage.
 */
export function readFlujoRunsFromDb(db: Database, warnings: string[] = []): FlujoRun[] {
  const tables = new Set((db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map((v) => String(v[0])));
  const warn = (m: string) => warnings.push(m);
  if (!tables.has('runs') && !tables.has('workflow_state')) {
    warn('no `runs` or `workflow_state` table: not a Flujo state database?');
    return [];
  }
  const runs = new FlujoRunAssembler(warnings);
  if (tables.has('runs')) eachRow(db, 'runs', RUN_COLUMNS, warn, 'created_at', (row) => runs.addRunRow('runs', row));
  if (tables.has('workflow_state')) eachRow(db, 'workflow_state', WORKFLOW_COLUMNS, warn, 'created_at', (row) => runs.addWorkflowRow(row));
  if (tables.has('steps')) eachRow(db, 'steps', STEP_COLUMNS, warn, 'step_index', (row) => runs.addStepRow(row));
  return runs.finish();
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

/**
 * readFlujoRuns on an image already read (replayWal): what the fuzz tests drive directly. It takes the image:
 * `snap.image` is emptied once SQLite holds its own copy, so the two are not both kept while rows are read.
 */
export async function readFlujoRunsFromSnapshot(dbPath: string, snap: WalReplay): Promise<FlujoReadResult> {
  const SQL = await loadSqlJs();
  const warnings: string[] = [];
  if (snap.ignoredReason) warnings.push(`${path.basename(dbPath)}-wal ignored: ${snap.ignoredReason}`);
  pushAll(warnings, snap.warnings);
  let db: Database;
  try {
    db = new SQL.Database(snap.image);
  } catch (err) {
    throw new FlujoImportError(dbPath, `${dbPath} is not a SQLite database (${errorText(err)})`, { cause: err });
  }
  snap.image = new Uint8Array(0); // sql.js copied it into its own file system
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
