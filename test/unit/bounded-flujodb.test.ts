// Bounded resources for the Flujo run import: every crafted state database or WAL below finishes in
// seconds under a 256 MB heap, in its own child process (test/support/bounded.ts), and either imports
// what can be read (with a warning) or fails with a located FlujoImportError — never a crash, hang or
// multi-GB allocation. Page layouts are from https://www.sqlite.org/fileformat2.html (§1.3 header,
// §1.6 b-tree pages, §1.7 cell payload and overflow pages, §4 WAL); the databases are written by the
// real SQLite (Python's sqlite3, test/support/flujoFixture.ts) and then damaged byte by byte.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BoundedResult, compiled, runCliBounded, runCodeBounded } from '../support/bounded';
import { FLUJO_SCHEMA, insertFlujoRun, openFlujoWal, openSqliteDb } from '../support/flujoFixture';
import { craftWal } from '../support/walCraft';
import { tempDir } from '../support/tempDir';

const dirs: string[] = [];
function tmp(): string {
  const d = tempDir('pcl-bounded-flujo-');
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const HEAP_MB = 256;
/** Generous: the work is a few hundred ms; a regression to the old behaviour takes minutes or dies. */
const TIMEOUT_MS = 30_000;
/** Node + sql.js (WASM) alone take ~60–90 MB RSS; the old import of the 1,000,000-page claim took 4–8 GB. */
const MAX_RSS_MB = 400;

interface Outcome {
  ok: boolean;
  name?: string;
  message?: string;
  runs?: number;
  warnings?: string[];
  wal?: { framesApplied: number; framesIgnored: number; commitsIgnored: number };
}

/** readFlujoRuns + importFlujoRunsToLedger in a bounded child; prints what happened as JSON. */
function importBounded(db: string): { r: BoundedResult; out: Outcome } {
  const ledger = path.join(path.dirname(db), 'ledger', 'runs.jsonl');
  const r = runCodeBounded(
    `const f = require(${compiled('core/history/flujo/index')});
     try {
       const read = await f.readFlujoRuns(${JSON.stringify(db)});
       await f.importFlujoRunsToLedger(${JSON.stringify(ledger)}, read.runs);
       console.log(JSON.stringify({ ok: true, runs: read.runs.length, warnings: read.warnings, wal: read.wal }));
     } catch (e) {
       if (!(e instanceof f.FlujoImportError)) throw e;
       console.log(JSON.stringify({ ok: false, name: e.name, message: e.message }));
     }`,
    { timeoutMs: TIMEOUT_MS, heapMb: HEAP_MB },
  );
  assertBounded(r);
  return { r, out: JSON.parse(r.stdout.trim().split('\n').pop()!) as Outcome };
}

function assertBounded(r: BoundedResult): void {
  assert.equal(r.timedOut, false, `timed out after ${r.ms} ms`);
  assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ''}: ${r.stderr.slice(0, 2000)}`);
  assert.ok(r.peakRssMb !== undefined && r.peakRssMb < MAX_RSS_MB, `peak RSS ${r.peakRssMb} MB`);
}

/** A Flujo state DB with `n` runs, checkpointed into the main file (no -wal left). */
function flujoDb(dir: string, n: number, stepHistoryChars = 200): string {
  const file = path.join(dir, 'flujo_ops.db');
  const db = openSqliteDb(file);
  db.exec(FLUJO_SCHEMA);
  const history = `'[{"name":"s","cost_usd":0.25,"token_counts":10,"output":"' || substr(hex(zeroblob(${stepHistoryChars})), 1, ${stepHistoryChars}) || '"}]'`;
  db.exec(`BEGIN; WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${n})
    INSERT INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at)
    SELECT 'run-' || i, 'pid', 'pipe', '1', 1, ${history}, 'completed', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z' FROM c;
    INSERT INTO runs (run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at)
    SELECT run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at FROM workflow_state; COMMIT;`);
  db.close();
  return file;
}

function pageSizeOf(bytes: Buffer): number {
  const v = bytes.readUInt16BE(16); // §1.3: offset 16, 1 means 65536
  return v === 1 ? 65536 : v;
}

/** Pages of a table by kind, from SQLite's own dbstat (pagetype internal | leaf | overflow). */
function pagesOf(file: string, table: string, kind: string): number[] {
  const db = openSqliteDb(file);
  const rows = db.query('SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno', table, kind);
  return rows.map((r) => Number(r[0]));
}

function rootPage(file: string, table: string): number {
  return Number(openSqliteDb(file).query('SELECT rootpage FROM sqlite_master WHERE name = ?', table)[0][0]);
}

describe('Flujo import: crafted databases and WALs finish in seconds under a 256 MB heap', () => {
  let baseDir: string;
  let base: string;
  before(() => {
    baseDir = tmp();
    base = flujoDb(baseDir, 3);
  });

  function copyBase(): string {
    const d = tmp();
    const f = path.join(d, 'flujo_ops.db');
    fs.copyFileSync(base, f);
    return f;
  }

  it('a 4 KB -wal whose commit frame claims a 1,000,000-page database (the issue): CLI imports the real runs and warns', () => {
    const db = copyBase();
    const main = fs.readFileSync(db);
    const pageSize = pageSizeOf(main);
    // Page 1 as the WAL would carry it, with the in-header database size (§1.3, offset 28) also claiming
    // 1,000,000 pages and made "valid" (offset 92 = change counter at 24), so SQLite would trust it.
    const page1 = Buffer.from(main.subarray(0, pageSize));
    page1.writeUInt32BE(1_000_000, 28);
    page1.writeUInt32BE(page1.readUInt32BE(24), 92);
    const wal = craftWal({ pageSize }, [{ pgno: 1, commitSize: 1_000_000, page: page1 }]);
    assert.ok(wal.length <= 32 + 24 + 4096 || pageSize > 4096);
    fs.writeFileSync(`${db}-wal`, wal);
    const before = fs.readFileSync(db);
    const r = runCliBounded(['history', 'import', db, '--json', '--ledger', path.join(path.dirname(db), 'l.jsonl')], {
      timeoutMs: TIMEOUT_MS,
      heapMb: HEAP_MB,
    });
    assertBounded(r);
    const out = JSON.parse(r.stdout) as { found: number; warnings: string[]; wal: { framesApplied: number } };
    assert.equal(out.found, 3);
    assert.equal(out.wal.framesApplied, 1);
    assert.match(out.warnings.join('\n'), /claims a database of 1,000,000 pages, but the database and WAL hold \d+ pages/);
    assert.deepEqual(fs.readFileSync(db), before, 'the source database is never modified');
    assert.deepEqual(fs.readFileSync(`${db}-wal`), wal, 'the -wal is never modified');
  });

  it('a frame for page 4,294,967,295 committing a 4,294,967,295-page database (§4.2 fields at their maximum)', () => {
    const db = copyBase();
    const pageSize = pageSizeOf(fs.readFileSync(db));
    fs.writeFileSync(`${db}-wal`, craftWal({ pageSize }, [{ pgno: 0xffffffff, commitSize: 0xffffffff, page: Buffer.alloc(pageSize, 7) }]));
    const { out } = importBounded(db);
    assert.ok(out.ok, out.message);
    assert.equal(out.runs, 3);
    assert.match(out.warnings!.join('\n'), /page 4,294,967,295 far beyond the others/);
  });

  it('256 committed frames, each for a random huge page number (1 MB of WAL claiming terabytes)', () => {
    const db = copyBase();
    const pageSize = pageSizeOf(fs.readFileSync(db));
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const frames = Array.from({ length: 256 }, () => ({ pgno: (rnd() | 1) >>> 0, commitSize: rnd() >>> 0 || 1 }));
    fs.writeFileSync(`${db}-wal`, craftWal({ pageSize }, frames));
    const { out } = importBounded(db);
    assert.ok(out.ok ? out.runs! <= 3 : out.name === 'FlujoImportError', JSON.stringify(out));
  });

  it('a main database whose header claims 2^31 pages of 65536 bytes in an 8 KB file (no WAL)', () => {
    const db = copyBase();
    const bytes = fs.readFileSync(db);
    bytes.writeUInt32BE(0x7fffffff, 28); // §1.3 in-header database size
    bytes.writeUInt32BE(bytes.readUInt32BE(24), 92); // … "valid"
    bytes.writeUInt32BE(0x7fffffff, 36); // total free-list pages
    bytes.writeUInt32BE(0x7ffffff0, 32); // first free-list trunk page
    fs.writeFileSync(db, bytes);
    const { out } = importBounded(db);
    assert.ok(out.ok || out.name === 'FlujoImportError', JSON.stringify(out));
  });

  it('a cyclic b-tree: the runs table root page is its own right child (§1.6, offset 8 of an interior page)', () => {
    const dir = tmp();
    const db = flujoDb(dir, 3000);
    const root = rootPage(db, 'runs');
    const bytes = fs.readFileSync(db);
    const pageSize = pageSizeOf(bytes);
    const at = (root - 1) * pageSize + (root === 1 ? 100 : 0);
    assert.equal(bytes[at], 0x05, 'runs has an interior root page');
    bytes.writeUInt32BE(root, at + 8);
    // …and its first child pointer too (cell pointer array at offset 12; a cell starts with the 4-byte child page).
    const cell = (root - 1) * pageSize + bytes.readUInt16BE(at + 12);
    bytes.writeUInt32BE(root, cell);
    fs.writeFileSync(db, bytes);
    const { out } = importBounded(db);
    assert.ok(out.ok, out.message);
    // workflow_state is intact: every run is still found; the damaged table is reported, not fatal.
    assert.equal(out.runs, 3000);
    assert.match(out.warnings!.join('\n'), /table runs: SQLite stopped reading after \d+ row\(s\)/);
  });

  it('an overflow chain that loops back to itself (§1.7: the first 4 bytes of an overflow page are the next page)', () => {
    const dir = tmp();
    const db = flujoDb(dir, 4, 200_000); // step_history of ~200 KB: overflow chains of ~50 pages
    const overflow = pagesOf(db, 'workflow_state', 'overflow');
    assert.ok(overflow.length > 10);
    const bytes = fs.readFileSync(db);
    const pageSize = pageSizeOf(bytes);
    for (const p of overflow.filter((_, i) => i % 7 === 3)) bytes.writeUInt32BE(p, (p - 1) * pageSize);
    fs.writeFileSync(db, bytes);
    const { out } = importBounded(db);
    assert.ok(out.ok || out.name === 'FlujoImportError', JSON.stringify(out));
    if (out.ok) assert.ok(out.warnings!.length > 0, 'the damage is reported');
  });

  it('a cell whose payload-size varint claims 2^64-1 bytes (§1.7 varint of 9 bytes) and record serial types of 2^62', () => {
    const dir = tmp();
    const db = flujoDb(dir, 20);
    const bytes = fs.readFileSync(db);
    const pageSize = pageSizeOf(bytes);
    const leaves = pagesOf(db, 'workflow_state', 'leaf');
    const leaf = leaves[0] ?? rootPage(db, 'workflow_state');
    const at = (leaf - 1) * pageSize + (leaf === 1 ? 100 : 0);
    assert.equal(bytes[at], 0x0d, 'a table leaf page');
    const cells = bytes.readUInt16BE(at + 3);
    for (let i = 0; i < cells; i += 2) {
      const cell = (leaf - 1) * pageSize + bytes.readUInt16BE(at + 8 + 2 * i);
      bytes.fill(0xff, cell, cell + 9); // payload size: 9-byte varint, all bits set
    }
    // Another cell keeps its payload size but its record header's first serial type becomes huge text.
    const cell = (leaf - 1) * pageSize + bytes.readUInt16BE(at + 8 + 2);
    bytes.fill(0xff, cell + 4, cell + 12);
    fs.writeFileSync(db, bytes);
    const { out } = importBounded(db);
    assert.ok(out.ok || out.name === 'FlujoImportError', JSON.stringify(out));
  });

  it('a FIFO as the database, or as its -wal, is refused at once (no wait for a writer)', { skip: process.platform === 'win32' }, () => {
    const dir = tmp();
    const fifo = path.join(dir, 'flujo_ops.db');
    execFileSync('mkfifo', [fifo]);
    let { out } = importBounded(fifo);
    assert.deepEqual([out.ok, out.name], [false, 'FlujoImportError']);
    assert.match(out.message!, /flujo_ops\.db: not a regular file/);
    const db = copyBase();
    execFileSync('mkfifo', [`${db}-wal`]);
    ({ out } = importBounded(db));
    assert.deepEqual([out.ok, out.name], [false, 'FlujoImportError']);
    assert.match(out.message!, /flujo_ops\.db-wal: not a regular file/);
  });

  it('a database or -wal grown to 1.1 GB (sparse) is read only as far as SQLite would; over the cap it is refused with its size', () => {
    // A valid in-header database size (fileformat2 §1.3.7; SQLite's btree.c lockBtree uses it instead of the
    // file size): the pages after it are not read, so the CLI imports the runs (core/history/dbFile.ts).
    const db = copyBase();
    fs.truncateSync(db, 1100 * 1024 * 1024);
    const r = runCliBounded(['history', 'import', db, '--json', '--ledger', path.join(path.dirname(db), 'l.jsonl')], {
      timeoutMs: TIMEOUT_MS,
      heapMb: HEAP_MB,
    });
    assertBounded(r);
    assert.equal((JSON.parse(r.stdout) as { found: number }).found, 3);
    // The same file with the in-header size made stale (offset 24 ≠ offset 92): the file size counts, 1.1 GB > 512 MB.
    const stale = copyBase();
    const bytes = fs.readFileSync(stale);
    bytes.writeUInt32BE(bytes.readUInt32BE(92) + 1, 24);
    fs.writeFileSync(stale, bytes);
    fs.truncateSync(stale, 1100 * 1024 * 1024);
    const refused = importBounded(stale).out;
    assert.deepEqual([refused.ok, refused.name], [false, 'FlujoImportError']);
    assert.match(
      refused.message!,
      /flujo_ops\.db: the file is 1\.1 GB, more than the 512 MB a state database may have to be read in memory/,
    );
    // A -wal of 1.1 GB of zeros has no WAL magic: read no further than its header, ignored as SQLite would.
    const db2 = copyBase();
    fs.writeFileSync(`${db2}-wal`, '');
    fs.truncateSync(`${db2}-wal`, 1100 * 1024 * 1024);
    const { out } = importBounded(db2);
    assert.ok(out.ok, out.message);
    assert.equal(out.runs, 3);
  });

  it('a WAL of 40 MB of uncommitted frames is walked once (replay is linear in the file)', () => {
    const dir = tmp();
    const db = path.join(dir, 'flujo_ops.db');
    const w = openFlujoWal(db);
    insertFlujoRun(w, 'r1', 'p', 'completed', '2025-01-01T00:00:00Z', [{ name: 's', cost: 0.1, tokens: 1 }]);
    const pageSize = pageSizeOf(fs.readFileSync(db));
    const frames = Array.from({ length: Math.floor((40 * 1024 * 1024) / (pageSize + 24)) }, (_, i) => ({ pgno: (i % 50) + 2 }));
    const wal = fs.readFileSync(`${db}-wal`);
    // Append frames signed with the salts of the real WAL but chained from a fresh checksum: they are invalid.
    fs.writeFileSync(
      `${db}-wal`,
      Buffer.concat([wal, craftWal({ pageSize, salts: [wal.readUInt32BE(16), wal.readUInt32BE(20)] }, frames).subarray(32)]),
    );
    const { out } = importBounded(db);
    assert.ok(out.ok, out.message);
    assert.equal(out.runs, 1);
    assert.match(out.warnings!.join('\n'), /WAL replay stops there as in SQLite/);
  });
});
