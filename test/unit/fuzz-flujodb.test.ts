// Fuzzing the Flujo run import (fast-check): a real state database and -wal written by SQLite (Python's
// sqlite3, test/support/flujoFixture.ts) are mutated byte by byte and field by field, truncated, and their
// checksums and salts flipped; rows get arbitrary values. The import must never throw anything but
// FlujoImportError (the documented "cannot read this file as a database at all"), never hang, and every
// record it produces must be one the ledger accepts. Expectations about where replay stops follow
// https://www.sqlite.org/fileformat2.html §4.3 ("a frame is valid if … the salt values … match … and the
// checksum … match"; "the WAL is read up to the last valid commit frame") and SQLite's wal.c
// (walIndexRecover stops at the first frame walDecodeFrame rejects).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { FlujoImportError, flujoRunToRecord, readFlujoRunsFromDb, readFlujoRunsFromSnapshot } from '../../src/core/history/flujo';
import type { FlujoReadResult } from '../../src/core/history/flujo';
import { validateEntry } from '../../src/core/history/record';
import { loadSqlJs } from '../../src/core/history/sqlite';
import { replayWal } from '../../src/core/history/wal';
import { FLUJO_SCHEMA, insertFlujoRun, openFlujoWal } from '../support/flujoFixture';
import { resignWal, walFrames } from '../support/walCraft';
import { tempDir } from '../support/tempDir';

let DB: Buffer;
let WAL: Buffer;
const RUNS = 4; // 2 in the main file, 2 only in the -wal

before(async () => {
  const dir = tempDir('pcl-fuzz-flujo-');
  const file = path.join(dir, 'flujo_ops.db');
  const db = openFlujoWal(file);
  insertFlujoRun(db, 'main-1', 'p', 'completed', '2025-01-01T00:00:00Z', [{ name: 'a', cost: 0.1, tokens: 10 }], { context: null });
  insertFlujoRun(db, 'main-2', 'p', 'failed', '2025-01-02T00:00:00Z', [{ name: 'b', cost: 0.2, tokens: 20 }], { context: null });
  db.pragma('wal_checkpoint(TRUNCATE)');
  insertFlujoRun(db, 'wal-1', 'q', 'completed', '2025-01-03T00:00:00Z', [{ name: 'c', cost: 0.3, tokens: 30 }], { context: null });
  insertFlujoRun(db, 'wal-2', 'q', 'running', '2025-01-04T00:00:00Z', [{ name: 'd', cost: 0.4, tokens: 40 }], { context: null });
  DB = fs.readFileSync(file);
  WAL = fs.readFileSync(`${file}-wal`);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The import of these bytes: its result, or the FlujoImportError it rejected with; anything else fails the test. */
async function importBytes(db: Uint8Array, wal: Uint8Array | undefined): Promise<FlujoReadResult | FlujoImportError> {
  const snap = replayWal(db, wal, 'flujo_ops.db-wal');
  // Memory is bounded by the files: the image never exceeds them plus the allowed zero-filled gap.
  assert.ok(snap.image.length <= db.length + (wal?.length ?? 0) + 16 * 1024 * 1024 + 65536, `image of ${snap.image.length} bytes`);
  try {
    const r = await readFlujoRunsFromSnapshot('flujo_ops.db', snap);
    for (const run of r.runs) {
      const reason = validateEntry(flujoRunToRecord(run));
      assert.equal(reason, undefined, `run ${run.runId} gives a record the ledger rejects: ${reason}`);
    }
    return r;
  } catch (err) {
    if (err instanceof FlujoImportError) return err;
    throw err;
  }
}

const FAST = { numRuns: 100 };

describe('fuzz: Flujo state database and WAL bytes', () => {
  it('the unmutated files: 4 runs, 2 of them only in the -wal', async () => {
    const r = await importBytes(DB, WAL);
    assert.ok(!(r instanceof Error));
    assert.deepEqual(r.runs.map((x) => x.runId).sort(), ['main-1', 'main-2', 'wal-1', 'wal-2']);
    assert.deepEqual(r.warnings, []);
  });

  it('random bytes of the -wal changed: no throw but FlujoImportError, never more runs than exist', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: WAL.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 20 }),
        async (edits) => {
          const wal = Buffer.from(WAL);
          for (const [at, v] of edits) wal[at] = v;
          const r = await importBytes(DB, wal);
          if (!(r instanceof Error)) assert.ok(r.runs.length <= RUNS);
        },
      ),
      FAST,
    );
  });

  it('random bytes of the main database changed (b-tree pages, cells, varints, header fields)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: DB.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        async (edits, withWal) => {
          const db = Buffer.from(DB);
          for (const [at, v] of edits) db[at] = v;
          await importBytes(db, withWal ? WAL : undefined);
        },
      ),
      FAST,
    );
  });

  it('either file truncated anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: DB.length }), fc.nat({ max: WAL.length }), async (dbLen, walLen) => {
        const r = await importBytes(DB.subarray(0, dbLen), WAL.subarray(0, walLen));
        if (!(r instanceof Error)) assert.ok(r.runs.length <= RUNS);
      }),
      FAST,
    );
  });

  it('frame header fields set to any 32-bit value WITH valid checksums (§4.2 page number, commit size): bounded image, no throw', async () => {
    const { offsets } = walFrames(WAL);
    const u32 = fc.oneof(
      fc.constantFrom(0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff, 1_000_000),
      fc.nat({ max: 0xffffffff }),
      fc.integer({ min: 1, max: 64 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: offsets.length - 1 }), fc.boolean(), u32), { minLength: 1, maxLength: 6 }),
        async (edits) => {
          const wal = Buffer.from(WAL);
          for (const [frame, commitField, v] of edits) wal.writeUInt32BE(v >>> 0, offsets[frame] + (commitField ? 4 : 0));
          await importBytes(DB, resignWal(wal));
        },
      ),
      FAST,
    );
  });

  it('WAL header fields (page size, version, magic, checkpoint sequence) set to any value, re-signed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 4, 8, 12), fc.nat({ max: 0xffffffff }), async (field, v) => {
        const wal = Buffer.from(WAL);
        wal.writeUInt32BE(v >>> 0, field);
        const r = await importBytes(DB, resignWal(wal));
        if (!(r instanceof Error)) assert.ok(r.runs.length <= RUNS);
      }),
      FAST,
    );
  });

  it('a flipped frame checksum ends replay exactly at that frame (§4.3), and lost commits are a warning', async () => {
    const { offsets } = walFrames(WAL);
    const commitsAtOrAfter = (k: number) => offsets.slice(k).filter((o) => WAL.readUInt32BE(o + 4) !== 0).length;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: offsets.length - 1 }), fc.boolean(), async (k, second) => {
        const wal = Buffer.from(WAL);
        const at = offsets[k] + (second ? 20 : 16);
        wal.writeUInt32BE((wal.readUInt32BE(at) ^ 0x00010000) >>> 0, at);
        const snap = replayWal(DB, wal, 'flujo_ops.db-wal');
        assert.equal(snap.stoppedAt?.frame, k + 1);
        assert.equal(snap.stoppedAt?.reason, 'a bad checksum');
        assert.ok(snap.framesApplied <= k);
        const lost = commitsAtOrAfter(k);
        assert.equal(snap.commitsIgnored, lost);
        if (lost > 0)
          assert.match(
            snap.warnings.join('\n'),
            new RegExp(
              `frame ${k + 1} of ${offsets.length} .*bad checksum; WAL replay stops there as in SQLite, so ${offsets.length - k} frames? after it \\(${lost} commits?\\)`,
            ),
          );
        const r = await importBytes(DB, wal);
        assert.ok(!(r instanceof Error));
        // Runs committed before the flipped frame are still there; the main file's always are.
        assert.ok(r.runs.some((x) => x.runId === 'main-1') && r.runs.some((x) => x.runId === 'main-2'));
        if (lost > 0) assert.ok(r.runs.length < RUNS, 'the lost commits held runs');
      }),
      { numRuns: 60 },
    );
  });

  it('a changed frame salt ends replay at that frame (§4.3: salts must match the header) with a warning when commits are lost', async () => {
    const { offsets } = walFrames(WAL);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: offsets.length - 1 }), fc.boolean(), fc.nat({ max: 0xffffffff }), async (k, first, v) => {
        const wal = Buffer.from(WAL);
        const at = offsets[k] + (first ? 8 : 12);
        fc.pre(wal.readUInt32BE(at) !== v >>> 0);
        wal.writeUInt32BE(v >>> 0, at);
        const snap = replayWal(DB, wal, 'flujo_ops.db-wal');
        assert.equal(snap.stoppedAt?.frame, k + 1);
        const lostCommits = offsets.slice(k).filter((o) => WAL.readUInt32BE(o + 4) !== 0).length;
        if (lostCommits > 0) assert.ok(snap.warnings.length > 0, 'a salt change that drops commits is reported');
        await importBytes(DB, wal);
      }),
      { numRuns: 60 },
    );
  });
});

/** Arbitrary SQLite values: what a hand-edited or newer-Flujo database may hold in any column. */
const sqlValue = fc.oneof(
  fc.constant(null),
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e300, -1e300, 1e15, -1, 0, 253402300800, 1e12, 2 ** 53, -(2 ** 63)),
  fc.string(),
  fc.constantFrom(
    '1e300000000',
    '1e-999999999',
    'NaN',
    'Infinity',
    '-0.5',
    '9'.repeat(500),
    '2025-13-45T99:99:99',
    '+275760-09-13T00:00:00Z',
    '',
  ),
  fc.uint8Array({ maxLength: 16 }),
);

const jsonStep = fc.dictionary(
  fc.constantFrom('name', 'cost_usd', 'token_counts', 'latency_s', 'attempts', 'success', 'output'),
  fc.oneof(fc.jsonValue(), fc.constantFrom(1e300, -1, '1e300000000', 'zz', 1e20)),
);

describe('fuzz: Flujo rows with arbitrary values', () => {
  let db: import('sql.js').Database;
  before(async () => {
    db = new (await loadSqlJs()).Database();
    // The schema without NOT NULL (a hand-made or foreign database may hold anything).
    db.exec(FLUJO_SCHEMA.replace(/ NOT NULL/g, ''));
  });
  after(() => db.close());

  it('one row with arbitrary values never fails the import nor hides the good row; its problems are located', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          created_at: sqlValue,
          updated_at: sqlValue,
          execution_time_ms: sqlValue,
          status: sqlValue,
          pipeline_name: sqlValue,
          error_message: sqlValue,
          step_history: fc.oneof(
            sqlValue,
            fc.array(jsonStep, { maxLength: 4 }).map((a) => JSON.stringify(a)),
          ),
          cost_usd: sqlValue,
          token_counts: sqlValue,
        }),
        async (bad) => {
          db.exec('DELETE FROM workflow_state; DELETE FROM runs; DELETE FROM steps;');
          const ws = db.prepare(
            'INSERT INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at, execution_time_ms, error_message) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
          );
          ws.run([
            'good',
            'p',
            'good-pipe',
            '1',
            1,
            '[{"name":"s","cost_usd":0.25,"token_counts":7}]',
            'completed',
            '2025-01-01T00:00:00Z',
            '2025-01-01T00:00:00Z',
            5,
            null,
          ]);
          ws.run([
            'bad',
            'p',
            bad.pipeline_name,
            '1',
            1,
            bad.step_history,
            bad.status,
            bad.created_at,
            bad.updated_at,
            bad.execution_time_ms,
            bad.error_message,
          ]);
          ws.free();
          db.run(
            'INSERT INTO runs (run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?)',
            ['steps-only', 'p', 'x', '1', 'completed', bad.created_at, bad.updated_at],
          );
          db.run('INSERT INTO steps (run_id, step_name, step_index, status, cost_usd, token_counts, created_at) VALUES (?,?,?,?,?,?,?)', [
            'steps-only',
            's',
            0,
            'completed',
            bad.cost_usd,
            bad.token_counts,
            '2025-01-01',
          ]);
          const warnings: string[] = [];
          const runs = readFlujoRunsFromDb(db, warnings);
          const good = runs.find((r) => r.runId === 'good');
          assert.ok(good, 'the good run is imported');
          assert.equal(good.costUsd?.toString(), '0.25');
          assert.equal(good.totalTokens, 7);
          assert.ok(
            runs.some((r) => r.runId === 'bad'),
            'the bad run is kept (bad values are left unknown)',
          );
          for (const r of runs) assert.equal(validateEntry(flujoRunToRecord(r)), undefined);
          for (const w of warnings.filter((x) => / is .*; left unknown$/.test(x)))
            assert.match(
              w,
              /^(workflow_state|runs|steps) rowid \d+ \(run "[^"]+"\), [a-z_]+(\[\d+\]\.[a-z_]+)?: /,
              'located: table, rowid, run, column',
            );
        },
      ),
      { numRuns: Number(process.env.PCL_FUZZ_RUNS ?? 200) },
    );
  });
});
