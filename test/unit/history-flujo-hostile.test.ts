// The Flujo import with damaged or hostile input: WAL frames that end replay (with a warning when
// committed runs are lost, silently when SQLite itself would consider the tail normal), rows with absurd
// values (located warnings, the rest imported), NULL token counts (unknown, not 0), and batched ledger
// appends (one write + fsync per batch, no torn or blank lines with concurrent writers).
// WAL rules: https://www.sqlite.org/fileformat2.html §4.3 (valid frames, salts, checksums, "the WAL is
// read up to the last valid commit frame") and §4.4 (a checkpoint followed by a WAL reset: frames with
// the old salts stay in the file and are ignored); SQLite's wal.c walRestartHdr (salt-1 incremented,
// salt-2 random on reset).
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { flujoRunToRecord, importFlujoRunsToLedger, readFlujoRuns } from '../../src/core/history/flujo';
import type { FlujoRun } from '../../src/core/history/flujo';
import { appendEntries, readLedger } from '../../src/core/history/ledger';
import type { LedgerEntry } from '../../src/core/history/record';
import { Decimal } from '../../src/core/pricing/decimal';
import { FLUJO_SCHEMA, insertFlujoRun, openFlujoWal, openSqliteDb } from '../support/flujoFixture';
import { walFrames } from '../support/walCraft';
import { ROOT } from '../support/bounded';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';

const dirs: string[] = [];
function tmp(): string {
  const d = tempDir('pcl-flujo-hostile-');
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const step = (cost: number, tokens: number) => [{ name: 's', cost, tokens }];

describe('Flujo import: WAL frames that end replay', () => {
  it('a bad checksum in the middle of the WAL: the runs committed before it import, the lost ones are a warning (CLI)', async () => {
    const dir = tmp();
    const file = path.join(dir, 'flujo_ops.db');
    const db = openFlujoWal(file);
    insertFlujoRun(db, 'w1', 'p', 'completed', '2025-01-01T00:00:00Z', step(0.1, 1), { context: null });
    const framesAfterW1 = walFrames(fs.readFileSync(`${file}-wal`)).offsets.length;
    insertFlujoRun(db, 'w2', 'p', 'completed', '2025-01-02T00:00:00Z', step(0.2, 2), { context: null });
    insertFlujoRun(db, 'w3', 'p', 'completed', '2025-01-03T00:00:00Z', step(0.3, 3), { context: null });
    const wal = fs.readFileSync(`${file}-wal`);
    const { offsets, pageSize } = walFrames(wal);
    // One bit of w2's first frame's page data: its cumulative checksum no longer matches (§4.3).
    wal[offsets[framesAfterW1] + 24 + Math.floor(pageSize / 2)] ^= 1;
    fs.writeFileSync(`${file}-wal`, wal);
    const before = [fs.readFileSync(file), fs.readFileSync(`${file}-wal`)];

    const t = fakeIO(dir);
    const code = await main(['history', 'import', file, '--ledger', path.join(dir, 'l.jsonl')], t);
    assert.equal(code, 0, t.err);
    const lost = offsets.length - framesAfterW1;
    assert.match(
      t.err,
      new RegExp(
        `warning: flujo_ops\\.db-wal: frame ${framesAfterW1 + 1} of ${offsets.length} \\(byte [\\d,]+\\) has a bad checksum; WAL replay stops there as in SQLite, so ${lost} frames after it \\(2 commits\\) are ignored: runs written only there are not imported`,
      ),
    );
    assert.match(t.out, new RegExp(`\\(${framesAfterW1} WAL frame\\(s\\) applied, ${lost} ignored\\): 1 run\\(s\\) found`));
    const l = await readLedger(path.join(dir, 'l.jsonl'));
    assert.deepEqual(
      l.runs.map((r) => r.id),
      ['flujo:w1'],
    );
    assert.deepEqual([fs.readFileSync(file), fs.readFileSync(`${file}-wal`)], before, 'the source files are never modified');
  });

  it('frames left from before a WAL reset (old salts, §4.4) are ignored silently, as SQLite does', async () => {
    const dir = tmp();
    const file = path.join(dir, 'flujo_ops.db');
    const db = openFlujoWal(file);
    for (let i = 1; i <= 4; i++)
      insertFlujoRun(db, `old${i}`, 'p', 'completed', `2025-01-0${i}T00:00:00Z`, step(0.1, 1), { context: null });
    const walBefore = fs.readFileSync(`${file}-wal`);
    // Checkpoint everything, then write again in the same connection: the writer restarts the WAL from
    // frame 1 with new salts, and the longer old tail stays behind it.
    db.exec(`PRAGMA wal_checkpoint(PASSIVE);
      INSERT INTO runs (run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at) VALUES ('new1', 'x', 'p', '1', 'completed', '2025-02-01T00:00:00Z', '2025-02-01T00:00:00Z');`);
    const wal = fs.readFileSync(`${file}-wal`);
    assert.notEqual(wal.readUInt32BE(16), walBefore.readUInt32BE(16), 'the WAL was reset (new salt-1)');
    assert.equal(wal.length, walBefore.length, 'the old frames are still in the file');
    const r = await readFlujoRuns(file);
    assert.deepEqual(
      r.warnings.filter((w) => /WAL/.test(w)),
      [],
    );
    assert.ok(r.wal.stoppedAt, 'replay stopped at the first stale frame');
    assert.match(r.wal.stoppedAt.reason, /salt/);
    assert.deepEqual(r.runs.map((x) => x.runId).sort(), ['new1', 'old1', 'old2', 'old3', 'old4']);
  });

  it('a half-written last frame (a writer mid-transaction) is not a warning; its transaction was not committed', async () => {
    const dir = tmp();
    const file = path.join(dir, 'flujo_ops.db');
    const db = openFlujoWal(file);
    insertFlujoRun(db, 'a', 'p', 'completed', '2025-01-01T00:00:00Z', step(0.1, 1), { context: null });
    const wal = fs.readFileSync(`${file}-wal`);
    const { pageSize } = walFrames(wal);
    // A copy of the last frame, marked non-commit, with its page half overwritten: checksum mismatch.
    const last = Buffer.from(wal.subarray(wal.length - 24 - pageSize));
    last.writeUInt32BE(0, 4);
    last.fill(0xab, 24 + pageSize / 2);
    fs.writeFileSync(`${file}-wal`, Buffer.concat([wal, last]));
    const r = await readFlujoRuns(file);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.runs.length, 1);
    assert.equal(r.wal.stoppedAt?.reason, 'a bad checksum');
  });
});

describe('Flujo import: one bad row never fails the rest', () => {
  function hostileDb(): string {
    const dir = tmp();
    const file = path.join(dir, 'flujo_ops.db');
    const db = openSqliteDb(file);
    db.exec(FLUJO_SCHEMA);
    const ws = db.prepare(
      'INSERT INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at, execution_time_ms) VALUES (?,?,?,?,?,?,?,?,?,?)',
    );
    ws.run(
      'good',
      'p',
      'pipe',
      '1',
      1,
      '[{"name":"s","cost_usd":0.5,"token_counts":5}]',
      'completed',
      '2025-01-01T00:00:00Z',
      '2025-01-01T00:00:00Z',
      10,
    );
    // Absurd timestamp (REAL 1e300 seconds), absurd duration, a cost of "1e300000000" and negative tokens.
    ws.run(
      'absurd',
      'p',
      'pipe',
      '1',
      1,
      '[{"name":"s","cost_usd":"1e300000000","token_counts":-5,"latency_s":1e300},{"name":"t","cost_usd":0.25,"token_counts":3}]',
      'completed',
      1e300,
      '2025-01-05T00:00:00Z',
      1e300,
    );
    ws.run('no-time', 'p', 'pipe', '1', 1, '[]', 'completed', '99999-99-99', 'yesterday', 1);
    db.close();
    return file;
  }

  it('absurd timestamp, cost, tokens and latency: located warnings (table, rowid, column), every run imported (CLI --json)', async () => {
    const file = hostileDb();
    const dir = path.dirname(file);
    const t = fakeIO(dir);
    const code = await main(['history', 'import', file, '--json', '--ledger', path.join(dir, 'l.jsonl')], t);
    assert.equal(code, 0, t.err);
    const out = JSON.parse(t.out) as { found: number; added: number; warnings: string[] };
    assert.equal(out.found, 3);
    assert.equal(out.added, 3);
    const w = out.warnings.join('\n');
    assert.match(w, /workflow_state rowid 2 \(run "absurd"\), created_at: "1\.0e\+300" is not a time between 1970 and 9999; left unknown/);
    assert.match(w, /workflow_state rowid 2 \(run "absurd"\), execution_time_ms: 1e\+300 is out of range; left unknown/);
    assert.match(w, /workflow_state rowid 2 \(run "absurd"\), step_history\[0\]\.cost_usd: "1e300000000" is an absurd value \(/);
    assert.match(w, /workflow_state rowid 2 \(run "absurd"\), step_history\[0\]\.token_counts: -5 is out of range; left unknown/);
    assert.match(w, /workflow_state rowid 2 \(run "absurd"\), step_history\[0\]\.latency_s: 1e\+300 is out of range; left unknown/);
    assert.match(w, /workflow_state rowid 3 \(run "no-time"\), created_at: "99999-99-99" is not a time/);
    assert.match(w, /1 run has no recorded cost/);
    const l = await readLedger(path.join(dir, 'l.jsonl'));
    const byId = Object.fromEntries(l.runs.map((r) => [r.id, r]));
    assert.equal(byId['flujo:good'].costUsd, '0.5');
    assert.equal(byId['flujo:good'].totalTokens, 5);
    // The absurd run: dated by updated_at; its cost and tokens unknown (one step's are), not wrong.
    assert.equal(byId['flujo:absurd'].time, '2025-01-05T00:00:00.000Z');
    assert.equal(byId['flujo:absurd'].costUsd, undefined);
    assert.equal(byId['flujo:absurd'].totalTokens, undefined);
    assert.equal(byId['flujo:absurd'].latencyMs, undefined);
    assert.deepEqual(byId['flujo:absurd'].steps, [{ name: 's' }, { name: 't', tokens: 3, costUsd: '0.25' }]);
    // No usable time at all: kept (its cost still counts), dated at the epoch.
    assert.equal(byId['flujo:no-time'].time, '1970-01-01T00:00:00.000Z');
  });

  it('a step whose name is a JSON object (even {"toString": 0}, which String() throws on) is an unnamed step (fuzz-flujodb counterexample)', async () => {
    const dir = tmp();
    const file = path.join(dir, 'flujo_ops.db');
    const db = openSqliteDb(file);
    db.exec(FLUJO_SCHEMA);
    db.prepare(
      'INSERT INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)',
    ).run(
      'r',
      'p',
      'pipe',
      '1',
      1,
      '[{"name":{"toString":0},"cost_usd":0.5},{"name":["x"],"cost_usd":0.25}]',
      'completed',
      '2025-01-01T00:00:00Z',
      '2025-01-01T00:00:00Z',
    );
    db.close();
    const r = await readFlujoRuns(file);
    assert.deepEqual(
      r.runs[0].steps.map((s) => s.name),
      ['(unnamed step)', '(unnamed step)'],
    );
    assert.equal(r.runs[0].costUsd?.toString(), '0.75');
  });

  it('thousands of bad rows: 20 located warnings and one line with the rest, not thousands', async () => {
    const dir = tmp();
    const file = path.join(dir, 'flujo_ops.db');
    const db = openSqliteDb(file);
    db.exec(FLUJO_SCHEMA);
    db.exec(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000)
      INSERT INTO runs (run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at, execution_time_ms)
      SELECT 'r' || i, 'p', 'pipe', '1', 'completed', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', -i FROM c;`);
    db.close();
    const r = await readFlujoRuns(file);
    assert.equal(r.runs.length, 3000);
    assert.equal(
      r.warnings.filter((w) => /^runs rowid \d+ \(run "r\d+"\), execution_time_ms: -\d+ is out of range; left unknown$/.test(w)).length,
      20,
    );
    assert.ok(r.warnings.includes('… and 2,980 more value(s) out of range or unreadable (dropped the same way)'));
  });

  it('NULL token counts are unknown, not 0 (steps table and step_history); known ones still add up', async () => {
    const dir = tmp();
    const file = path.join(dir, 'flujo_ops.db');
    const db = openSqliteDb(file);
    db.exec(FLUJO_SCHEMA);
    const run = db.prepare(
      'INSERT INTO runs (run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?)',
    );
    run.run('steps-null', 'p', 'pipe', '1', 'completed', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
    run.run('no-steps', 'p', 'pipe', '1', 'completed', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
    // Flujo v0.6.11 leaves steps.token_counts and cost_usd NULL (see flujo.ts).
    db.prepare('INSERT INTO steps (run_id, step_name, step_index, status, cost_usd, token_counts, created_at) VALUES (?,?,?,?,?,?,?)').run(
      'steps-null',
      'a',
      0,
      'completed',
      null,
      null,
      '2025-01-01',
    );
    const ws = db.prepare(
      'INSERT INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)',
    );
    ws.run(
      'history-null',
      'p',
      'pipe',
      '1',
      2,
      '[{"name":"a","cost_usd":0.1,"token_counts":null},{"name":"b","cost_usd":0.2,"token_counts":4}]',
      'completed',
      '2025-01-01T00:00:00Z',
      '2025-01-01T00:00:00Z',
    );
    ws.run(
      'history-known',
      'p',
      'pipe',
      '1',
      2,
      '[{"name":"a","cost_usd":0.1,"token_counts":6},{"name":"b","cost_usd":0.2,"token_counts":4}]',
      'completed',
      '2025-01-01T00:00:00Z',
      '2025-01-01T00:00:00Z',
    );
    ws.run('history-empty', 'p', 'pipe', '1', 0, '[]', 'completed', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
    db.close();
    const r = await readFlujoRuns(file);
    const rec = Object.fromEntries(r.runs.map((x) => [x.runId, flujoRunToRecord(x)]));
    assert.equal(rec['steps-null'].totalTokens, undefined);
    assert.deepEqual(rec['steps-null'].steps, [{ name: 'a', success: true }]);
    assert.equal(rec['no-steps'].totalTokens, undefined);
    assert.equal(rec['history-null'].totalTokens, undefined);
    assert.equal(rec['history-null'].steps![0].tokens, undefined);
    assert.equal(rec['history-null'].steps![1].tokens, 4);
    assert.equal(rec['history-null'].costUsd, '0.3');
    assert.equal(rec['history-known'].totalTokens, 10);
    assert.equal(rec['history-empty'].totalTokens, 0);
    assert.deepEqual(r.warnings, [
      '2 runs have no recorded cost (no workflow_state step history, Flujo leaves steps.cost_usd NULL, or a cost was unusable): imported with cost unknown, not $0',
    ]);
  });
});

function fakeRun(i: number): FlujoRun {
  return {
    runId: `run-${i}`,
    pipelineName: 'pipe',
    status: 'completed',
    createdAt: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    steps: [{ name: 's', tokens: i, costUsd: Decimal.parse('0.001') }],
    costUsd: Decimal.parse('0.001'),
    totalTokens: i,
  };
}

/** Counts write() and fsync calls on the ledger's file handles while `fn` runs. */
async function countSyscalls(fn: () => Promise<void>): Promise<{ writes: number; syncs: number }> {
  const counts = { writes: 0, syncs: 0 };
  const open = fs.promises.open;
  fs.promises.open = (async (...args: Parameters<typeof open>) => {
    const fh = await open(...args);
    const write = fh.write.bind(fh) as (...a: unknown[]) => Promise<unknown>;
    const sync = fh.sync.bind(fh);
    Object.assign(fh, {
      write: (...a: unknown[]) => (counts.writes++, write(...a)),
      sync: () => (counts.syncs++, sync()),
    });
    return fh;
  }) as typeof open;
  try {
    await fn();
  } finally {
    fs.promises.open = open;
  }
  return counts;
}

describe('Flujo import: batched ledger appends', () => {
  it('5,000 runs: one write and one fsync per batch of <= 1 MB, not one per run; re-import appends nothing', async () => {
    const ledger = path.join(tmp(), 'runs.jsonl');
    const runs = Array.from({ length: 5000 }, (_, i) => fakeRun(i));
    let res: Awaited<ReturnType<typeof importFlujoRunsToLedger>> | undefined;
    const counts = await countSyscalls(async () => {
      res = await importFlujoRunsToLedger(ledger, runs);
    });
    assert.equal(res!.added, 5000);
    const bytes = fs.statSync(ledger).size;
    const batches = Math.ceil(bytes / (1024 * 1024));
    assert.ok(counts.writes <= batches + 1, `${counts.writes} writes for ${bytes} bytes`);
    // One fsync per batch, and one for the directory of the new ledger file.
    assert.equal(counts.syncs, counts.writes + 1);
    const l = await readLedger(ledger);
    assert.equal(l.runs.length, 5000);
    assert.deepEqual([l.corrupt, l.tornTail], [[], undefined]);
    const again = await importFlujoRunsToLedger(ledger, runs);
    assert.deepEqual([again.added, again.updated, again.unchanged], [0, 0, 5000]);
  });

  it('appendEntries after a torn last line starts a new line, so the fragment never swallows a record', async () => {
    const ledger = path.join(tmp(), 'runs.jsonl');
    fs.writeFileSync(ledger, '{"v":1,"type":"run","id":"torn",');
    const entries: LedgerEntry[] = Array.from({ length: 50 }, (_, i) => flujoRunToRecord(fakeRun(i)));
    await appendEntries(ledger, entries, 2048);
    const l = await readLedger(ledger);
    assert.equal(l.runs.length, 50);
    assert.deepEqual(
      l.corrupt.map((c) => c.line),
      [1],
    );
  });

  it('4 processes appending 1,000 entries each in small batches at once: 4,000 whole lines, none torn, none blank', async () => {
    const ledger = path.join(tmp(), 'runs.jsonl');
    const ledgerModule = JSON.stringify(path.join(ROOT, 'out', 'src', 'core', 'history', 'ledger.js'));
    const writer = (w: number) =>
      new Promise<number>((resolve, reject) => {
        const code = `const { appendEntries } = require(${ledgerModule});
          const entries = Array.from({ length: 1000 }, (_, i) => ({ v: 1, type: 'run', id: 'w${w}-' + i, time: new Date(0).toISOString(), source: 'cli', status: 'ok', pipeline: 'x'.repeat(i % 300) }));
          (async () => { for (let k = 0; k < entries.length; k += 100) await appendEntries(${JSON.stringify(ledger)}, entries.slice(k, k + 100), 8192); })();`;
        const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('error', reject);
        child.on('close', (c) => resolve(c ?? 1));
      });
    const codes = await Promise.all([0, 1, 2, 3].map(writer));
    assert.deepEqual(codes, [0, 0, 0, 0]);
    const text = fs.readFileSync(ledger, 'utf8');
    assert.ok(text.endsWith('\n'));
    const lines = text.slice(0, -1).split('\n');
    assert.equal(lines.length, 4000);
    assert.equal(lines.filter((l) => !l.trim()).length, 0, 'no blank lines');
    const l = await readLedger(ledger);
    assert.equal(l.runs.length, 4000);
    assert.deepEqual(l.corrupt, []);
  });
});
