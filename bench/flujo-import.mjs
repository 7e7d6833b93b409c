// Flujo import benchmark: `prompt-cost history import` of a state database with N runs (default 100k,
// written by the real SQLite through Python's sqlite3, the runs of the last 1% only in the -wal), and the
// ledger append strategies side by side on the same records in one run: one O_APPEND write + fsync per
// run (what the import did before) vs batches of <= 1 MB, one write + fsync each (appendEntries).
// Also the 1,000,000-page WAL of issue 17. Writes bench/FLUJO-RESULTS.md.
//   Usage: node scripts/build.mjs && node bench/flujo-import.mjs [--runs N]
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
const cli = path.join(root, 'dist', 'cli.js');
if (!fs.existsSync(cli)) throw new Error('dist/cli.js missing: run node scripts/build.mjs first');
fs.mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: ['src/core/history/index.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  absWorkingDir: root,
  logLevel: 'warning',
  outfile: path.join(out, 'history.cjs'),
});
const history = createRequire(import.meta.url)(path.join(out, 'history.cjs'));
history.setSqlWasmPath(path.join(root, 'dist', 'sql-wasm.wasm'));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-bench-flujo-'));
const db = path.join(work, 'flujo_ops.db');

// A Flujo state DB like flujo/state/backends/sqlite_core.py writes: runs + workflow_state with a
// two-step history each; the last 1% of the runs committed after a checkpoint and kept in the -wal.
const python = `
import sqlite3, json, os, sys
path, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(path, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA wal_autocheckpoint=0")
con.executescript(open(sys.argv[3]).read())
def rows(a, b):
    for i in range(a, b):
        h = json.dumps([{"name": "plan", "success": True, "latency_s": 0.8, "token_counts": 1200 + i % 97, "cost_usd": 0.0015 + (i % 13) * 1e-5, "attempts": 1},
                        {"name": "write", "success": True, "latency_s": 2.1, "token_counts": 3400, "cost_usd": 0.0042, "attempts": 1}])
        t = "2025-%02d-%02dT%02d:%02d:%02d.123456+00:00" % (1 + i % 12, 1 + i % 28, i % 24, i % 60, i % 60)
        yield ("run-%d" % i, "pid", "pipeline-%d" % (i % 20), "1.0", 2, h, "completed", t, t, 2900)
def insert(a, b):
    con.execute("BEGIN")
    con.executemany("INSERT INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at, execution_time_ms) VALUES (?,?,?,?,?,?,?,?,?,?)", rows(a, b))
    con.execute("INSERT INTO runs (run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at, execution_time_ms) SELECT run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at, execution_time_ms FROM workflow_state WHERE rowid > (SELECT coalesce(max(rowid), 0) FROM runs)")
    con.execute("COMMIT")
split = n - n // 100
insert(0, split)
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
insert(split, n)
main, wal = open(path, "rb").read(), open(path + "-wal", "rb").read()
con.close()
open(path, "wb").write(main); open(path + "-wal", "wb").write(wal)
`;
const schema = path.join(work, 'schema.sql');
const flujoFixture = fs.readFileSync(path.join(root, 'test', 'support', 'flujoFixture.ts'), 'utf8');
fs.writeFileSync(schema, /export const FLUJO_SCHEMA = `([\s\S]*?)`;/.exec(flujoFixture)[1]);
let t = Date.now();
const py = spawnSync('python3', ['-c', python, db, String(RUNS), schema], { encoding: 'utf8' });
if (py.status !== 0) throw new Error(py.stderr);
const mb = (f) => (fs.statSync(f).size / 1048576).toFixed(1);
console.log(`wrote ${RUNS} runs in ${Date.now() - t} ms: db ${mb(db)} MB, wal ${mb(`${db}-wal`)} MB`);

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const rows = [];

// 1. The whole import, a fresh CLI process (read + WAL replay + sql.js + ledger).
const ledger = path.join(work, 'ledger', 'runs.jsonl');
t = Date.now();
const imp = spawnSync(process.execPath, [cli, 'history', 'import', db, '--ledger', ledger, '--json'], {
  encoding: 'utf8',
  maxBuffer: 1 << 30,
});
const importMs = Date.now() - t;
if (imp.status !== 0) throw new Error(imp.stderr);
const summary = JSON.parse(imp.stdout);
rows.push([
  `\`prompt-cost history import\`, ${RUNS.toLocaleString('en-US')} runs (1% only in the -wal), fresh process`,
  fmt(importMs),
  `${summary.added} added, ${summary.wal.framesApplied} WAL frames`,
]);
t = Date.now();
const again = spawnSync(process.execPath, [cli, 'history', 'import', db, '--ledger', ledger, '--json'], {
  encoding: 'utf8',
  maxBuffer: 1 << 30,
});
rows.push(['the same import again (nothing to append)', fmt(Date.now() - t), `${JSON.parse(again.stdout).unchanged} unchanged`]);

// 2. Reading alone, in process.
t = Date.now();
const read = await history.readFlujoRuns(db);
const readMs = Date.now() - t;
rows.push(['read the runs in process (snapshot, WAL replay, sql.js, rows → runs)', fmt(readMs), `${read.runs.length} runs`]);

// 3. Append strategies on the same records.
const records = read.runs.map(history.flujoRunToRecord);
const batched = path.join(work, 'batched.jsonl');
t = Date.now();
await history.appendEntries(batched, records);
const batchedMs = Date.now() - t;
const perRun = path.join(work, 'per-run.jsonl');
t = Date.now();
for (const r of records) await history.appendEntry(perRun, r);
const perRunMs = Date.now() - t;
if (fs.readFileSync(batched, 'utf8') !== fs.readFileSync(perRun, 'utf8')) throw new Error('the two ledgers differ');
const ledgerMb = mb(batched);
rows.push([
  `append ${records.length.toLocaleString('en-US')} records (${ledgerMb} MB), one write + fsync per run (before)`,
  fmt(perRunMs),
  '',
]);
rows.push([
  `append the same records in <= 1 MB batches, one write + fsync per batch (now)`,
  fmt(batchedMs),
  `${(perRunMs / batchedMs).toFixed(0)}× faster`,
]);

// 4. The issue's hostile WAL: a 4 KB -wal whose commit frame claims 1,000,000 pages.
const hostile = path.join(work, 'hostile.db');
spawnSync('python3', [
  '-c',
  `import sqlite3; c = sqlite3.connect(${JSON.stringify(hostile)}); c.executescript(open(${JSON.stringify(schema)}).read()); c.close()`,
]);
const main = fs.readFileSync(hostile);
const pageSize = main.readUInt16BE(16) === 1 ? 65536 : main.readUInt16BE(16);
const wal = Buffer.alloc(32 + 24 + pageSize);
const cks = (buf, a, b, s) => {
  for (let i = a; i < b; i += 8) {
    s[0] = (s[0] + buf.readUInt32BE(i) + s[1]) >>> 0;
    s[1] = (s[1] + buf.readUInt32BE(i + 4) + s[0]) >>> 0;
  }
  return s;
};
wal.writeUInt32BE(0x377f0683, 0);
wal.writeUInt32BE(3007000, 4);
wal.writeUInt32BE(pageSize, 8);
wal.writeUInt32BE(7, 16);
wal.writeUInt32BE(9, 20);
let s = cks(wal, 0, 24, [0, 0]);
wal.writeUInt32BE(s[0], 24);
wal.writeUInt32BE(s[1], 28);
wal.writeUInt32BE(1, 32);
wal.writeUInt32BE(1_000_000, 36);
wal.writeUInt32BE(7, 40);
wal.writeUInt32BE(9, 44);
main.copy(wal, 56, 0, pageSize);
s = cks(wal, 32, 40, s);
s = cks(wal, 56, 56 + pageSize, s);
wal.writeUInt32BE(s[0], 48);
wal.writeUInt32BE(s[1], 52);
fs.writeFileSync(`${hostile}-wal`, wal);
t = Date.now();
const h = spawnSync(process.execPath, ['--max-old-space-size=256', cli, 'history', 'import', hostile, '--dry-run', '--json'], {
  encoding: 'utf8',
});
rows.push([
  `hostile ${(wal.length / 1024).toFixed(0)} KB -wal claiming a 1,000,000-page database (256 MB heap)`,
  fmt(Date.now() - t),
  h.status === 0 ? 'read as 1 page, warned' : `exit ${h.status}`,
]);

const load = os.loadavg()[0].toFixed(1);
const md = [
  '# Flujo import benchmark',
  '',
  `\`node bench/flujo-import.mjs --runs ${RUNS}\` on ${os.cpus().length} cores (${os.cpus()[0].model}), load average ${load}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| | time | |',
  '|---|---:|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
  '',
].join('\n');
fs.writeFileSync(path.join(here, 'FLUJO-RESULTS.md'), md);
console.log(md);
fs.rmSync(work, { recursive: true, force: true });
