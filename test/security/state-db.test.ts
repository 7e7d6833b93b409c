// Issue 24, item 9 (Flujo state): a state database from a cloned repository is read by the editor on its
// own (the default `flujo_ops.db` / `.flujo/state.db`, trusted or not) and by `history import`.
//  - A 1 GB file of zeros (git compresses it to ~1 MB) was read whole, copied by the WAL replay and copied
//    again into sql.js: 3.2 GB and ~20 s, to learn it is no database. A real database followed by 1 GB of
//    zeros: the same 3.2 GB. The header is now checked first (https://www.sqlite.org/fileformat2.html §1.3:
//    the magic string, the page size at offset 16, the "in-header database size" at offset 28, valid when
//    non-zero and the change counter at offset 24 equals the version-valid-for number at offset 92 — SQLite's
//    src/btree.c lockBtree uses it instead of the file size then), and only what SQLite would use is read.
//  - A 10.8 MB step_history of 240,000 steps was parsed whole (every StepResult object at once): 266 MB.
//    It is now read one step at a time, 1,000 steps kept, the rest summed.
// Before/after figures: docs/dev/benchmarks.md ("Flujo state database memory"); PCL_OUT/PCL_CLI measure another build.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compiled } from '../support/bounded';
import { openSqliteDb } from '../support/flujoFixture';
import { tempDir } from '../support/tempDir';
import { assertNoStack, flujoDb, runCliAsync, runCodeAsync, withinBounds } from './support';

const GB = 1024 * 1024 * 1024;

interface Outcome {
  ok: boolean;
  name?: string;
  message?: string;
  runs?: { id: string; steps: number; cost: string | null; tokens: number | null }[];
  warnings?: string[];
  wal?: { ignoredReason?: string };
  ledgerBytes?: number;
}

/** The editor's path (core readFlujoRuns, then the ledger import) in a bounded child. */
async function importInChild(db: string, name: string, limits: { rssMb?: number } = {}): Promise<Outcome> {
  const ledger = path.join(path.dirname(db), 'ledger', 'runs.jsonl');
  const r = await runCodeAsync(
    `const f = require(${compiled('core/history/flujo/index')});
     try {
       const read = await f.readFlujoRuns(${JSON.stringify(db)});
       await f.importFlujoRunsToLedger(${JSON.stringify(ledger)}, read.runs);
       const runs = read.runs.map((r) => ({ id: r.runId, steps: r.steps.length, cost: r.costUsd === undefined ? null : r.costUsd.toString(), tokens: r.totalTokens ?? null }));
       console.log(JSON.stringify({ ok: true, runs, warnings: read.warnings, wal: read.wal, ledgerBytes: require('fs').statSync(${JSON.stringify(ledger)}).size }));
     } catch (e) {
       if (!(e instanceof f.FlujoImportError)) throw e;
       console.log(JSON.stringify({ ok: false, name: e.name, message: e.message }));
     }`,
  );
  withinBounds(name, r, limits);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Outcome;
}

/** A sparse file of `bytes` (zeros cost no disk), optionally starting with `head`. */
function sparse(file: string, bytes: number, head?: Buffer): string {
  if (head) fs.writeFileSync(file, head);
  else fs.writeFileSync(file, '');
  fs.truncateSync(file, bytes);
  return file;
}

describe('security 9: a huge or zero-filled Flujo state database is refused or read only as far as SQLite would', () => {
  it('1 GB of zeros: refused from its first 100 bytes, saying why (editor path)', async () => {
    const db = sparse(path.join(tempDir('pcl-sec-state-'), 'flujo_ops.db'), GB);
    const out = await importInChild(db, '9 state DB: 1 GB of zeros');
    assert.equal(out.ok, false);
    assert.equal(out.name, 'FlujoImportError');
    assert.match(
      out.message!,
      /flujo_ops\.db: not a SQLite database: it starts with zero bytes, not the SQLite header "SQLite format 3\\0"; not read/,
    );
  });

  it('1 GB of zeros: `history import` exits 2 with that one line, no stack', async () => {
    const dir = tempDir('pcl-sec-state-');
    const db = sparse(path.join(dir, 'flujo_ops.db'), GB);
    const r = await runCliAsync(['history', 'import', db, '--ledger', path.join(dir, 'l.jsonl')], { cwd: dir });
    withinBounds('9 state DB: history import of 1 GB of zeros', r);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /not a SQLite database: it starts with zero bytes/);
    assertNoStack(r.stderr);
    assert.equal(fs.existsSync(path.join(dir, 'l.jsonl')), false, 'nothing written');
  });

  it('a real database followed by 1 GB of zeros: its runs are imported, the zeros never read (§1.3.7 in-header size)', async () => {
    const dir = tempDir('pcl-sec-state-');
    const db = flujoDb(dir, 'tail', 3);
    const head = fs.readFileSync(db);
    // The file as SQLite wrote it says how many pages it has, and says it validly (offset 24 = offset 92).
    assert.equal(head.readUInt32BE(24), head.readUInt32BE(92));
    assert.equal(head.readUInt32BE(28) * (head.readUInt16BE(16) === 1 ? 65536 : head.readUInt16BE(16)), head.length);
    sparse(db, GB, head);
    const out = await importInChild(db, '9 state DB: 3 runs then 1 GB of zeros');
    assert.ok(out.ok, out.message);
    assert.deepEqual(
      out.runs!.map((r) => [r.id, r.cost]),
      [
        ['w0', '0.0012'],
        ['w1', '0.0012'],
        ['w2', '0.0012'],
      ],
    );
  });

  it('a database whose size is over the 512 MB in-memory cap: refused with its size and the cap, before reading it', async () => {
    const dir = tempDir('pcl-sec-state-');
    const head = fs.readFileSync(flujoDb(dir, 'big', 1));
    const pageSize = head.readUInt16BE(16);
    // (a) the header's page count made invalid (change counter ≠ version-valid-for): the file size counts, as in SQLite
    const stale = Buffer.from(head);
    stale.writeUInt32BE(stale.readUInt32BE(92) + 1, 24);
    const a = sparse(path.join(dir, 'a.db'), 600 * 1024 * 1024, stale);
    // (b) a valid header claiming 600 MB of pages, in a file that long
    const claim = Buffer.from(head);
    claim.writeUInt32BE((600 * 1024 * 1024) / pageSize, 28);
    const b = sparse(path.join(dir, 'b.db'), 600 * 1024 * 1024, claim);
    const outA = await importInChild(a, '9 state DB: 600 MB, header size not valid');
    assert.equal(outA.ok, false);
    assert.match(outA.message!, /a\.db: the file is 600 MB, more than the 512 MB a state database may have to be read in memory; not read/);
    const outB = await importInChild(b, '9 state DB: header claims 600 MB');
    assert.equal(outB.ok, false);
    assert.match(
      outB.message!,
      new RegExp(
        `b\\.db: its header gives ${((600 * 1024 * 1024) / pageSize).toLocaleString('en-US')} pages of \\d+ KB: 600 MB, more than the 512 MB`,
      ),
    );
  });

  it('a -wal of 1 GB of zeros is read no further than its 32-byte header (bad magic: ignored, as SQLite would)', async () => {
    const dir = tempDir('pcl-sec-state-');
    const db = flujoDb(dir, 'walz', 2);
    sparse(`${db}-wal`, GB);
    const out = await importInChild(db, '9 state DB: 1 GB -wal of zeros');
    assert.ok(out.ok, out.message);
    assert.equal(out.runs!.length, 2);
    assert.equal(out.wal!.ignoredReason, 'bad WAL magic');
  });
});

/** Flujo's StepResult fields we read (flujo/domain/models.py), small: ~45 bytes a step, as in the issue. */
function stepJson(i: number): string {
  const cost = ['0.0001', '0.00025', '0.003'][i % 3];
  return `{"name":"s${i % 100}","token_counts":${i % 17},"cost_usd":${cost}}`;
}

describe('security 9: a 10.8 MB step_history of 240,000 steps is read one step at a time', () => {
  it('bounded memory; 1,000 steps kept and the rest summed, so cost and tokens equal what SQLite sums from the same JSON', async () => {
    const dir = tempDir('pcl-sec-steps-');
    const file = path.join(dir, 'flujo_ops.db');
    const history = `[${Array.from({ length: 240_000 }, (_, i) => stepJson(i)).join(',')}]`;
    assert.ok(history.length > 10 * 1024 * 1024 && history.length < 12 * 1024 * 1024);
    const sql = openSqliteDb(file);
    sql.exec(`CREATE TABLE runs (run_id TEXT PRIMARY KEY, pipeline_name TEXT, status TEXT, created_at TEXT);
              CREATE TABLE workflow_state (run_id TEXT PRIMARY KEY, step_history TEXT, status TEXT);
              INSERT INTO runs VALUES ('big', 'p', 'completed', '2025-02-01T00:00:00+00:00');`);
    sql.prepare('INSERT INTO workflow_state VALUES (?, ?, ?)').run('big', history, 'completed');
    // The oracle: SQLite's own JSON functions over the stored text (exact: costs are whole multiples of 1e-5).
    const [[n, tokens, cost1e5]] = sql.query(
      `SELECT count(*), sum(json_extract(value, '$.token_counts')), sum(CAST(round(json_extract(value, '$.cost_usd') * 100000) AS INTEGER))
         FROM workflow_state, json_each(workflow_state.step_history) WHERE run_id = 'big'`,
    ) as number[][];
    sql.close();
    assert.equal(n, 240_000);
    const expectedCost = (Number(cost1e5) / 1e5).toString(); // 240,000 × 1e-5 multiples: exact in a double up to 2^53
    const out = await importInChild(file, '9 step_history: 10.8 MB, 240,000 steps', { rssMb: 200 });
    assert.ok(out.ok, out.message);
    assert.deepEqual(out.runs, [{ id: 'big', steps: 1001, cost: expectedCost, tokens: Number(tokens) }]);
    assert.ok(
      out.warnings!.includes(
        `workflow_state rowid 1 (run "big"), step_history: 240,000 steps; the first 1,000 are kept one by one and the other 239,000 summed into one step (the run's cost and tokens are unchanged)`,
      ),
      out.warnings!.join('\n'),
    );
    assert.ok(out.ledgerBytes! < 200 * 1024, `ledger line of ${out.ledgerBytes} bytes`);
  });
});
