// Flujo import from PostgreSQL vs SQLite: `prompt-cost history import` of the same N runs (default 100k)
// from Flujo's PostgreSQL state (a throwaway server started by test/support/postgresServer.ts, Flujo v0.6.11's
// own DDL, rows written with SQL in the shapes flujo/state/backends/postgres.py writes) and from a SQLite
// state file (written by the real SQLite through Python's sqlite3, the shapes of sqlite_core.py). Each import
// is a fresh CLI process into a fresh ledger, timed (wall) with its peak RSS from /usr/bin/time; then the same
// import again (nothing new). Writes bench/FLUJO-POSTGRES.md.
//   Usage: node scripts/build.mjs && node bench/flujo-postgres.mjs [--runs N] [--attempts N]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.join(here, '.out');
const arg = process.argv.indexOf('--runs');
const RUNS = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const attemptsArg = process.argv.indexOf('--attempts');
const ATTEMPTS = attemptsArg > 0 ? Number(process.argv[attemptsArg + 1]) : 2;
const cli = path.join(root, 'dist', 'cli.js');
if (!fs.existsSync(cli)) throw new Error('dist/cli.js missing: run node scripts/build.mjs first');
if (!fs.existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is needed for the peak memory (Debian: apt-get install time)');
fs.mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: ['test/support/postgresServer.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  absWorkingDir: root,
  logLevel: 'warning',
  // The server helper finds Flujo's DDL next to itself.
  define: { __dirname: JSON.stringify(path.join(root, 'test', 'support')) },
  outfile: path.join(out, 'postgresServer.cjs'),
});
const { postgresUnavailable, startPostgres } = createRequire(import.meta.url)(path.join(out, 'postgresServer.cjs'));
const why = postgresUnavailable();
if (why) throw new Error(why);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-bench-pg-'));
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

// Both stores get the same runs: a two-step step_history (what a real pipeline leaves), 20 pipelines.

// SQLite, through Python's sqlite3 (the library Flujo's SQLite backend uses), committed and checkpointed.
const sqlitePath = path.join(work, 'flujo_ops.db');
const flujoFixture = fs.readFileSync(path.join(root, 'test', 'support', 'flujoFixture.ts'), 'utf8');
const schema = path.join(work, 'schema.sql');
fs.writeFileSync(schema, /export const FLUJO_SCHEMA = `([\s\S]*?)`;/.exec(flujoFixture)[1]);
const python = `
import sqlite3, json, sys
path, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(path, isolation_level=None)
con.executescript(open(sys.argv[3]).read())
def rows():
    for i in range(n):
        h = json.dumps([{"name": "plan", "success": True, "latency_s": 0.8, "token_counts": 1200 + i % 97, "cost_usd": 0.0015 + (i % 13) * 1e-5, "attempts": 1},
                        {"name": "write", "success": True, "latency_s": 2.1, "token_counts": 3400, "cost_usd": 0.0042, "attempts": 1}])
        t = "2025-%02d-%02dT%02d:%02d:%02d.123456+00:00" % (1 + i % 12, 1 + i % 28, i % 24, i % 60, i % 60)
        yield ("run-%d" % i, "pid", "pipeline-%d" % (i % 20), "1.0", 2, h, "completed", t, t, 2900)
con.execute("BEGIN")
con.executemany("INSERT INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at, execution_time_ms) VALUES (?,?,?,?,?,?,?,?,?,?)", rows())
con.execute("INSERT INTO runs (run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at, execution_time_ms) SELECT run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at, execution_time_ms FROM workflow_state")
con.execute("COMMIT")
con.close()
`;
let t = Date.now();
const py = spawnSync('python3', ['-c', python, sqlitePath, String(RUNS), schema], { encoding: 'utf8' });
if (py.status !== 0) throw new Error(py.stderr);
console.log(`SQLite: ${RUNS} runs in ${fmt(Date.now() - t)}, ${(fs.statSync(sqlitePath).size / 1048576).toFixed(1)} MB`);

// PostgreSQL: Flujo's DDL, then the same rows in one statement each (JSONB step_history, TIMESTAMPTZ).
const pg = await startPostgres();
try {
  pg.createFlujoDb('bench');
  t = Date.now();
  pg.psql(
    `INSERT INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at, execution_time_ms)
     SELECT 'run-' || i, 'pid', 'pipeline-' || (i % 20), '1.0', 2,
       jsonb_build_array(
         jsonb_build_object('name', 'plan', 'success', true, 'latency_s', 0.8, 'token_counts', 1200 + i % 97, 'cost_usd', 0.0015::float8 + (i % 13) * 1e-5::float8, 'attempts', 1), -- the double Python computes
         jsonb_build_object('name', 'write', 'success', true, 'latency_s', 2.1, 'token_counts', 3400, 'cost_usd', 0.0042, 'attempts', 1)),
       'completed', ts, ts, 2900
     FROM (SELECT i, make_timestamptz(2025, 1 + i % 12, 1 + i % 28, i % 24, i % 60, i % 60 + 0.123456, 'UTC') AS ts
           FROM generate_series(0, ${RUNS - 1}) AS i) AS g;
     INSERT INTO runs (run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at, execution_time_ms)
     SELECT run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at, execution_time_ms FROM workflow_state;
     VACUUM ANALYZE;`,
    'bench',
  );
  const size = pg.psql(`SELECT pg_database_size('bench')`, 'bench').trim();
  console.log(`PostgreSQL: ${RUNS} runs in ${fmt(Date.now() - t)}, ${(Number(size) / 1048576).toFixed(1)} MB`);

  // One import: a fresh process, wall time and peak RSS (GNU time's %M, KB).
  const importOnce = (source, ledger) => {
    const started = Date.now();
    const r = spawnSync(
      '/usr/bin/time',
      ['-f', '%M %U %S', process.execPath, cli, 'history', 'import', source, '--ledger', ledger, '--json'],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      },
    );
    const ms = Date.now() - started;
    if (r.status !== 0) throw new Error(`${r.status}: ${r.stderr.slice(-2000)}`);
    const [, rssKb, user, sys] = /(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr).map(Number);
    const j = JSON.parse(r.stdout);
    return { ms, cpuMs: (user + sys) * 1000, rssMb: rssKb / 1024, added: j.added, unchanged: j.unchanged };
  };
  const rows = [];
  const ledgers = {};
  for (const [name, source] of [
    ['SQLite', sqlitePath],
    ['PostgreSQL', pg.uri('bench')],
  ]) {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const ledger = path.join(work, `${name}-${attempt}.jsonl`);
      const first = importOnce(source, ledger);
      const again = importOnce(source, ledger);
      ledgers[name] = ledger;
      rows.push([
        name,
        attempt,
        fmt(first.cpuMs),
        fmt(first.ms),
        first.rssMb.toFixed(0),
        `${first.added} added`,
        fmt(again.cpuMs),
        fmt(again.ms),
        again.rssMb.toFixed(0),
        `${again.unchanged} unchanged`,
      ]);
      console.log(rows[rows.length - 1].join(' | '));
    }
  }
  // Same runs, same records: the two ledgers hold identical runs (ids, costs, tokens, times).
  const key = (file) =>
    fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((r) => `${r.id}|${r.costUsd}|${r.totalTokens}|${r.time}|${r.status}|${r.pipeline}`)
      .sort()
      .join('\n');
  const same = key(ledgers.SQLite) === key(ledgers.PostgreSQL);
  if (!same) {
    const [a, b] = [key(ledgers.SQLite).split('\n'), key(ledgers.PostgreSQL).split('\n')];
    const i = a.findIndex((l, n) => l !== b[n]);
    throw new Error(`the SQLite and PostgreSQL imports differ: ${a[i]} vs ${b[i]}`);
  }

  const md = [
    '# Flujo import: PostgreSQL vs SQLite',
    '',
    `\`node bench/flujo-postgres.mjs --runs ${RUNS}\` on ${os.cpus().length} cores (${os.cpus()[0].model}), load average ${os.loadavg()[0].toFixed(1)} at the end, ${new Date().toISOString().slice(0, 10)}; PostgreSQL ${pg.psql('SHOW server_version', 'bench').trim()} on loopback.`,
    `Each import is a fresh \`prompt-cost history import\` process into a new ledger (CPU = user + system, and wall time, which a loaded machine stretches; peak RSS by /usr/bin/time), then the same import again. Both ledgers hold identical runs.`,
    '',
    '| store | attempt | import CPU | wall | peak RSS (MB) | | again CPU | wall | peak RSS (MB) | |',
    '|---|---:|---:|---:|---:|---|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(here, 'FLUJO-POSTGRES.md'), md);
  console.log(md);
} finally {
  pg.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
