import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  findFlujoStateDb,
  flujoRunToRecord,
  flujoTime,
  importFlujoRunsToLedger,
  readFlujoRuns,
  sqlitePathFromStateUri,
} from '../../src/core/history/flujo';
import { readLedger } from '../../src/core/history/ledger';
import { replayWal } from '../../src/core/history/wal';
import { tempDir } from '../support/tempDir';
import { insertFlujoRun, openSqliteDb, openFlujoWal } from '../support/flujoFixture';

const dirs: string[] = [];
function tmpDir(): string {
  const d = tempDir('pcl-flujo-');
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const openWal = openFlujoWal;
const insertRun = insertFlujoRun;

/** Copies db + wal while the writer still holds them open (closing would checkpoint). */
function snapshotCopy(src: string): string {
  const d = tmpDir();
  const dst = path.join(d, 'flujo_ops.db');
  fs.copyFileSync(src, dst);
  if (fs.existsSync(`${src}-wal`)) fs.copyFileSync(`${src}-wal`, `${dst}-wal`);
  return dst;
}

describe('Flujo run import (sql.js + WAL replay)', () => {
  it('reads runs and per-step costs, including runs that exist only in the -wal file', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'flujo_ops.db');
    const db = openWal(file);
    insertRun(db, 'run-1', 'analytics', 'completed', '2025-03-01T10:00:00.123456+00:00', [
      { name: 'extract', cost: 0.1, tokens: 100 },
      { name: 'summarize', cost: 0.2, tokens: 250, latency: 1.25 },
    ]);
    db.pragma('wal_checkpoint(TRUNCATE)'); // run-1 now in the main file
    insertRun(db, 'run-2', 'team-a', 'failed', '2025-03-02 11:00:00', [{ name: 'plan', cost: 0.000001, tokens: 7, success: false }]);
    assert.ok(fs.statSync(`${file}-wal`).size > 0, 'run-2 should be only in the WAL');

    // Live: read the real files while Flujo (SQLite via Python) holds them open.
    const r = await readFlujoRuns(file);
    assert.deepEqual(
      r.runs.map((x) => x.runId),
      ['run-1', 'run-2'],
    );
    assert.ok(r.wal.present && r.wal.commits > 0);
    const [r1, r2] = r.runs;
    assert.equal(r1.pipelineName, 'analytics');
    assert.equal(r1.costUsd!.toString(), '0.3'); // exact: not 0.30000000000000004
    assert.equal(r1.totalTokens, 350);
    assert.equal(r1.createdAt, '2025-03-01T10:00:00.123Z');
    assert.deepEqual(
      r1.steps.map((s) => [s.name, s.latencyMs, s.success]),
      [
        ['extract', 500, true],
        ['summarize', 1250, true],
      ],
    );
    assert.equal(r2.costUsd!.toString(), '0.000001');
    assert.equal(r2.createdAt, '2025-03-02T11:00:00.000Z');
    assert.equal(flujoRunToRecord(r2).status, 'error');

    // Live refresh: a new commit shows up on the next read.
    insertRun(db, 'run-3', 'team-b', 'running', '2025-03-03T00:00:00Z', []);
    assert.deepEqual(
      (await readFlujoRuns(file)).runs.map((x) => x.runId),
      ['run-1', 'run-2', 'run-3'],
    );

    // Without the WAL only the checkpointed run is there: proves run-2/3 came from the WAL.
    const copy = snapshotCopy(file);
    fs.unlinkSync(`${copy}-wal`);
    assert.deepEqual(
      (await readFlujoRuns(copy)).runs.map((x) => x.runId),
      ['run-1'],
    );
    db.close();
  });

  it('ignores a torn or uncommitted WAL tail safely', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'flujo_ops.db');
    const db = openWal(file);
    insertRun(db, 'a', 'p', 'completed', '2025-01-01T00:00:00Z', [{ name: 's', cost: 1, tokens: 1 }]);
    const walAfterA = fs.statSync(`${file}-wal`).size;
    insertRun(db, 'b', 'p', 'completed', '2025-01-02T00:00:00Z', [{ name: 's', cost: 2, tokens: 2 }]);
    const copy = snapshotCopy(file);
    db.close();
    const wal = fs.readFileSync(`${copy}-wal`);
    const pageSize = wal.readUInt32BE(8);
    const frame = 24 + pageSize;

    // 1. Torn mid-frame: cut inside the last frame (b's commit frame).
    fs.writeFileSync(`${copy}-wal`, wal.subarray(0, wal.length - Math.floor(frame / 2)));
    let r = await readFlujoRuns(copy);
    assert.deepEqual(
      r.runs.map((x) => x.runId),
      ['a'],
    );

    // 2. Uncommitted: b's frames present except its commit frame.
    fs.writeFileSync(`${copy}-wal`, wal.subarray(0, wal.length - frame));
    r = await readFlujoRuns(copy);
    assert.deepEqual(
      r.runs.map((x) => x.runId),
      ['a'],
    );
    assert.ok(r.wal.framesIgnored > 0);

    // 3. A flipped byte in b's page data: checksum mismatch → stop before it.
    const bad = Buffer.from(wal);
    bad[walAfterA + 24 + 100] ^= 0xff;
    fs.writeFileSync(`${copy}-wal`, bad);
    assert.deepEqual(
      (await readFlujoRuns(copy)).runs.map((x) => x.runId),
      ['a'],
    );

    // 4. Garbage instead of a WAL: ignored with a warning, main file still readable.
    fs.writeFileSync(`${copy}-wal`, Buffer.alloc(4096, 7));
    r = await readFlujoRuns(copy);
    assert.match(r.warnings.join('\n'), /bad WAL magic/);

    // 5. The intact WAL gives both.
    fs.writeFileSync(`${copy}-wal`, wal);
    assert.deepEqual(
      (await readFlujoRuns(copy)).runs.map((x) => x.runId),
      ['a', 'b'],
    );
  });

  it('replayWal leaves a database without WAL alone (except the WAL-mode header bytes)', () => {
    const img = new Uint8Array(4096);
    img[16] = 0x10;
    img[18] = 2;
    img[19] = 2;
    const r = replayWal(img, undefined);
    assert.equal(r.image[18], 1);
    assert.equal(r.framesApplied, 0);
    assert.equal(img[18], 2, 'input not mutated');
  });

  it('reads columns by name: missing and extra columns, bad step_history, the old steps table', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'state.db');
    const db = openSqliteDb(file);
    db.exec(`CREATE TABLE runs (run_id TEXT PRIMARY KEY, pipeline_name TEXT, status TEXT, created_at TEXT, shiny_new_column BLOB);
             CREATE TABLE workflow_state (run_id TEXT PRIMARY KEY, step_history TEXT, extra INTEGER);
             CREATE TABLE steps (run_id TEXT, step_name TEXT, step_index INTEGER, status TEXT, cost_usd REAL, token_counts INTEGER);`);
    db.prepare('INSERT INTO runs VALUES (?,?,?,?,?)').run('r1', 'p1', 'completed', '2025-01-01T00:00:00Z', null);
    db.prepare('INSERT INTO runs VALUES (?,?,?,?,?)').run('r2', 'p2', 'completed', '2025-01-02T00:00:00Z', null);
    db.prepare('INSERT INTO workflow_state VALUES (?,?,?)').run(
      'r1',
      '[{"name":"a","cost_usd":0.5,"token_counts":{"prompt":3,"completion":4}}]',
      1,
    );
    db.prepare('INSERT INTO workflow_state VALUES (?,?,?)').run('r3', '{not json', 1);
    db.prepare('INSERT INTO steps VALUES (?,?,?,?,?,?)').run('r2', 'old', 0, 'completed', 0.25, 9);
    db.close();
    const r = await readFlujoRuns(file);
    const byId = Object.fromEntries(r.runs.map((x) => [x.runId, x]));
    assert.equal(byId.r1.costUsd!.toString(), '0.5');
    assert.equal(byId.r1.totalTokens, 7);
    assert.equal(byId.r2.costUsd!.toString(), '0.25');
    assert.equal(byId.r2.steps[0].name, 'old');
    assert.equal(byId.r3.steps.length, 0);
    assert.match(r.warnings.join('\n'), /workflow_state rowid \d+ \(run "r3"\), step_history: not valid JSON/);
  });

  it('a file that is not a database gives a clear error', async () => {
    const f = path.join(tmpDir(), 'x.db');
    fs.writeFileSync(f, 'hello, not sqlite at all'.repeat(50));
    await assert.rejects(readFlujoRuns(f), /x\.db/);
  });

  it('imports into the ledger once; changed runs are re-appended; deleted ones stay deleted', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'flujo_ops.db');
    const ledger = path.join(dir, '.prompt-cost', 'runs.jsonl');
    const db = openWal(file);
    insertRun(db, 'x', 'p', 'running', '2025-01-01T00:00:00Z', [{ name: 's', cost: 0.01, tokens: 10 }]);
    let res = await importFlujoRunsToLedger(ledger, (await readFlujoRuns(file)).runs);
    assert.equal(res.added, 1);
    res = await importFlujoRunsToLedger(ledger, (await readFlujoRuns(file)).runs);
    assert.deepEqual([res.added, res.updated, res.unchanged], [0, 0, 1]);
    db.prepare("UPDATE workflow_state SET status = 'completed' WHERE run_id = 'x'").run();
    res = await importFlujoRunsToLedger(ledger, (await readFlujoRuns(file)).runs);
    assert.equal(res.updated, 1);
    const l = await readLedger(ledger);
    assert.equal(l.runs.length, 1);
    assert.equal(l.runs[0].status, 'ok');
    assert.equal(l.runs[0].id, 'flujo:x');
    db.close();
  });

  it('state_uri and default locations resolve like Flujo', () => {
    const cfg = path.resolve('/proj');
    assert.equal(sqlitePathFromStateUri('sqlite:///flujo_ops.db', cfg), path.join(cfg, 'flujo_ops.db'));
    assert.equal(sqlitePathFromStateUri('sqlite:///data/state.db', cfg), path.join(cfg, 'data', 'state.db'));
    assert.equal(sqlitePathFromStateUri('sqlite:////abs/state.db', cfg), path.resolve('/abs/state.db'));
    assert.equal(sqlitePathFromStateUri('postgresql://host/db', cfg), undefined);
    const d = tmpDir();
    assert.equal(findFlujoStateDb(d), undefined);
    fs.mkdirSync(path.join(d, '.flujo'));
    fs.writeFileSync(path.join(d, '.flujo', 'state.db'), '');
    assert.equal(findFlujoStateDb(d), path.join(d, '.flujo', 'state.db'));
    assert.equal(flujoTime('2025-01-02T03:04:05.999999+02:00'), '2025-01-02T01:04:05.999Z');
  });
});
