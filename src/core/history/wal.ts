// SQLite write-ahead log → a plain database image that sql.js (WASM) can open.
//
// Flujo keeps its state DB in WAL mode: committed transactions live in `<db>-wal` until a
// checkpoint copies them into the main file, so recent runs are often ONLY in the -wal file.
// sql.js opens a byte array in an in-memory file system; it cannot use the -wal file (no shared
// memory index, no second file). So we replay the WAL ourselves, like SQLite's recovery does:
//   1. Validate the 32-byte WAL header: magic 0x377f0682/0x377f0683 (the low bit selects
//      big-endian checksums), format version 3007000, page size, and the header checksum.
//   2. Walk the frames (24-byte header + one page). A frame is valid only if its salts equal the
//      header's salts (frames left over from before a WAL reset have old salts) and its checksum,
//      chained from the previous frame, matches. Stop at the first invalid frame: everything
//      after it is a torn or stale tail.
//   3. Only frames up to the LAST COMMIT frame (non-zero "db size after commit") count; frames of a
//      transaction still being written are ignored. Later frames for a page win.
//   4. Write those pages over a copy of the main file, sized to the last commit's page count, and
//      set header bytes 18/19 (read/write format version) from 2 (WAL) to 1 (rollback journal) so
//      SQLite in sql.js treats the image as a self-contained database.
// The files on disk are only read, never written; Flujo keeps writing undisturbed.
import * as fs from 'node:fs';

const WAL_MAGIC_LE = 0x377f0682;
const WAL_MAGIC_BE = 0x377f0683;
const WAL_VERSION = 3007000;
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

export interface WalReplay {
  /** Database image with all committed WAL frames applied. */
  image: Uint8Array;
  walPresent: boolean;
  /** Valid committed frames applied. */
  framesApplied: number;
  commits: number;
  /** Frames after the last commit or after the first invalid frame (ignored). */
  framesIgnored: number;
  /** Why the WAL was not used at all (bad magic, page-size mismatch …). */
  ignoredReason?: string;
}

function checksum(buf: Uint8Array, start: number, end: number, s0: number, s1: number, bigEndian: boolean): [number, number] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = start; i < end; i += 8) {
    s0 = (s0 + dv.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + dv.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

/** Page size from the main database header (offset 16, big-endian u16; 1 means 65536). */
function dbPageSize(db: Uint8Array): number | undefined {
  if (db.length < 100) return undefined;
  const v = (db[16] << 8) | db[17];
  return v === 1 ? 65536 : v;
}

function markRollbackJournal(image: Uint8Array): Uint8Array {
  if (image.length >= 20 && (image[18] === 2 || image[19] === 2)) {
    image[18] = 1;
    image[19] = 1;
  }
  return image;
}

/** Applies the committed frames of `wal` to a copy of `db`. Never throws on a bad WAL: it is ignored with a reason. */
export function replayWal(db: Uint8Array, wal: Uint8Array | undefined): WalReplay {
  const base = (): WalReplay => ({
    image: markRollbackJournal(new Uint8Array(db)),
    walPresent: !!wal,
    framesApplied: 0,
    commits: 0,
    framesIgnored: 0,
  });
  if (!wal || wal.length < WAL_HEADER) return base();
  const dv = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const magic = dv.getUint32(0, false);
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) return { ...base(), ignoredReason: 'bad WAL magic' };
  const bigEndian = (magic & 1) === 1;
  if (dv.getUint32(4, false) !== WAL_VERSION) return { ...base(), ignoredReason: 'unsupported WAL version' };
  const pageSize = dv.getUint32(8, false);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return { ...base(), ignoredReason: 'bad WAL page size' };
  const salt1 = dv.getUint32(16, false);
  const salt2 = dv.getUint32(20, false);
  let [s0, s1] = checksum(wal, 0, 24, 0, 0, bigEndian);
  if (s0 !== dv.getUint32(24, false) || s1 !== dv.getUint32(28, false)) return { ...base(), ignoredReason: 'WAL header checksum mismatch' };
  const mainPageSize = dbPageSize(db);
  if (mainPageSize !== undefined && mainPageSize !== pageSize)
    return { ...base(), ignoredReason: 'WAL page size differs from the database' };

  const committed = new Map<number, number>(); // page number → offset of its page data in wal
  let pending = new Map<number, number>();
  let dbPages = 0;
  let commits = 0;
  let framesApplied = 0;
  let pendingCount = 0;
  const frameSize = FRAME_HEADER + pageSize;
  for (let off = WAL_HEADER; off + frameSize <= wal.length; off += frameSize) {
    const pgno = dv.getUint32(off, false);
    const commitSize = dv.getUint32(off + 4, false);
    if (pgno === 0 || dv.getUint32(off + 8, false) !== salt1 || dv.getUint32(off + 12, false) !== salt2) break;
    let [c0, c1] = checksum(wal, off, off + 8, s0, s1, bigEndian);
    [c0, c1] = checksum(wal, off + FRAME_HEADER, off + frameSize, c0, c1, bigEndian);
    if (c0 !== dv.getUint32(off + 16, false) || c1 !== dv.getUint32(off + 20, false)) break;
    s0 = c0;
    s1 = c1;
    pending.set(pgno, off + FRAME_HEADER);
    pendingCount++;
    if (commitSize !== 0) {
      for (const [p, o] of pending) committed.set(p, o);
      framesApplied += pendingCount;
      pending = new Map();
      pendingCount = 0;
      dbPages = commitSize;
      commits++;
    }
  }
  const framesInFile = Math.floor((wal.length - WAL_HEADER) / frameSize);
  const framesIgnored = framesInFile - framesApplied;
  if (commits === 0) return { ...base(), framesIgnored };

  const image = new Uint8Array(dbPages * pageSize);
  image.set(db.subarray(0, Math.min(db.length, image.length)));
  for (const [pgno, dataOff] of committed) {
    if (pgno <= dbPages) image.set(wal.subarray(dataOff, dataOff + pageSize), (pgno - 1) * pageSize);
  }
  return { image: markRollbackJournal(image), walPresent: true, framesApplied, commits, framesIgnored };
}

function readHeader(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const b = Buffer.alloc(WAL_HEADER);
    const n = fs.readSync(fd, b, 0, WAL_HEADER, 0);
    return b.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Reads `db` and `db-wal` as one consistent snapshot while another process may be writing and
 * checkpointing: the WAL header is read before the main file and compared with the WAL read
 * after it. If the header (salts, checkpoint sequence) is unchanged, no WAL reset happened in
 * between, so every page a concurrent checkpoint copied into the main file is also in the WAL we
 * hold (same or newer), and replaying it over the main file gives the committed state. If it
 * changed, read again.
 */
export function readDatabaseSnapshot(dbPath: string, attempts = 5): WalReplay {
  let last: WalReplay | undefined;
  for (let i = 0; i < attempts; i++) {
    const before = readHeader(`${dbPath}-wal`);
    const db = fs.readFileSync(dbPath);
    const wal = readIfExists(`${dbPath}-wal`);
    last = replayWal(db, wal);
    const after = wal?.subarray(0, WAL_HEADER);
    const same =
      (!before && !after) ||
      (before && after && before.length === after.length && Buffer.compare(before, after) === 0) ||
      (!before?.length && !after?.length);
    if (same) return last;
  }
  return last!;
}
