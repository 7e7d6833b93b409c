// A Flujo state database whose runs are only in its -wal file, as a running Flujo leaves it (WAL mode, commits
// not yet checkpointed), for the web suite's Runs test (test/web/suite/runs.test.ts). Written by the real SQLite
// through Python's sqlite3 (test/support/flujoFixture.ts, Flujo's schema of flujo/state/backends/sqlite_core.py);
// the expected run ids are what the real SQLite reads back (it replays the WAL), and the main file alone, read by
// sql.js without its WAL, must hold none of them: the browser can only show them by replaying the WAL.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import initSqlJs from 'sql.js';

/** test/support/flujoFixture.ts as CommonJS (the harness runs without the tests' tsc output). */
async function loadFlujoFixture(root) {
  const outfile = path.join(root, 'out', 'test', 'web', 'flujoFixture.cjs');
  await esbuild.build({
    entryPoints: [path.join(root, 'test', 'support', 'flujoFixture.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

/** Writes `<dir>/wal-flujo-state.db` and its `-wal`; returns the run ids SQLite reads from the pair. */
export async function walOnlyFlujoDb(root, dir) {
  const { insertFlujoRun, openFlujoWal } = await loadFlujoFixture(root);
  const file = path.join(dir, 'wal-flujo-state.db');
  // The schema is checkpointed into the main file first (a Flujo that ran before); the runs come after.
  // (close() alone does not: a connection that reads nothing never opens the WAL, so it does not checkpoint it.)
  const db = openFlujoWal(file);
  db.query('PRAGMA wal_checkpoint(TRUNCATE)');
  const day = new Date().toISOString().slice(0, 10);
  insertFlujoRun(db, 'wal-only-1', 'support-email', 'completed', `${day} 08:00:00.123456`, [
    { name: 'classify', cost: 0.4, tokens: 1200 },
    { name: 'draft', cost: 0.8, tokens: 3400 },
  ]);
  insertFlujoRun(db, 'wal-only-2', 'nightly-report', 'failed', `${day} 02:00:00`, [
    { name: 'report', cost: 0.25, tokens: 5000, success: false },
  ]);
  const walIds = db
    .query('SELECT run_id FROM runs')
    .map((r) => String(r[0]))
    .sort();
  const walBytes = fs.statSync(`${file}-wal`).size;
  if (walIds.length !== 2 || walBytes === 0)
    throw new Error(`the WAL fixture did not keep its runs in the -wal (${walIds}, ${walBytes} bytes)`);
  const SQL = await initSqlJs();
  const mainOnly = new SQL.Database(fs.readFileSync(file));
  try {
    const rows = mainOnly.exec('SELECT count(*) FROM runs')[0]?.values[0]?.[0];
    if (rows !== 0) throw new Error(`the main database file alone already holds ${rows} runs`);
  } finally {
    mainOnly.close();
  }
  return { walFlujoRunIds: walIds, walBytes };
}
