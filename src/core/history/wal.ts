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
import * as path from 'node:path';
import { readMainDatabase, readWalFile, readWalHeaderBytes, WalSnapshotError } from './dbFile';

export { WalSnapshotError };

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
  /** Where replay stopped at an invalid frame (1-based frame number), when it did. */
  stoppedAt?: { frame: number; offset: number; reason: string };
  /** Commits written after the invalid frame that stopped replay: their transactions are lost, as in SQLite. */
  commitsIgnored: number;
  /** Problems worth telling the user (committed frames ignored, an impossible page count), as sentences. */
  warnings: string[];
}

/**
 * Largest database + WAL read into memory. sql.js holds a copy of the whole image, and reading takes one
 * more while SQLite gets its copy, so the peak is about twice this (docs/dev/benchmarks.md); a Flujo state
 * database with 100k runs is about 60 MB.
 */
export const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;
/** Zero-filled pages allowed before a WAL page beyond the main file (at least; see replayWal). */
const MAX_GAP_BYTES = 16 * 1024 * 1024;

function checksum(dv: DataView, start: number, end: number, s0: number, s1: number, bigEndian: boolean): [number, number] {
  for (let i = start; i < end; i += 8) {
    s0 = (s0 + dv.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + dv.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

/** Page size from the main database header (offset 16, big-endian u16; 1 means 65536); undefined when no valid header. */
function dbPageSize(db: Uint8Array): number | undefined {
  if (db.length < 100) return undefined;
  const v = (db[16] << 8) | db[17];
  const size = v === 1 ? 65536 : v;
  return size >= 512 && (size & (size - 1)) === 0 ? size : undefined;
}

function markRollbackJournal(image: Uint8Array): Uint8Array {
  if (image.length >= 20 && (image[18] === 2 || image[19] === 2)) {
    image[18] = 1;
    image[19] = 1;
  }
  return image;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/**
 * Applies the committed frames of `wal` to a copy of `db`. Never throws on a bad WAL: a WAL that
 * cannot be used is ignored with a reason, a bad frame ends replay there (fileformat2 §4.3/§4.4,
 * SQLite's wal.c walIndexRecover/walDecodeFrame) with a warning when committed frames are lost, and
 * every size taken from the WAL is checked against what the files really hold before anything is
 * allocated: memory is at most one copy of the files. `owned`: `db` is the caller's to give away, so the
 * image is built in it (no copy) where it fits.
 */
export function replayWal(db: Uint8Array, wal: Uint8Array | undefined, walName = 'WAL', options: { owned?: boolean } = {}): WalReplay {
  const base = (extra: Partial<WalReplay> = {}): WalReplay => ({
    image: markRollbackJournal(options.owned ? db : new Uint8Array(db)),
    walPresent: !!wal,
    framesApplied: 0,
    commits: 0,
    framesIgnored: 0,
    commitsIgnored: 0,
    warnings: [],
    ...extra,
  });
  if (!wal || wal.length < WAL_HEADER) return base();
  const header = readWalHeader(wal, db);
  if ('ignoredReason' in header) return base(header);
  const frames = readFrames(wal, header);
  const framesIgnored = frames.framesInFile - frames.framesApplied;
  const { warnings, commitsIgnored } = frames.stop ? stopReport(wal, header, frames.stop, frames.framesInFile, walName) : NO_STOP;
  const stoppedAt = frames.stop ? { stoppedAt: { frame: frames.stop.index + 1, offset: frames.stop.off, reason: frames.stop.reason } } : {};
  if (frames.commits === 0) return base({ walPresent: true, framesIgnored, commitsIgnored, warnings, ...stoppedAt });
  const image = committedImage(db, wal, header.pageSize, frames, walName, options.owned === true);
  return {
    image: markRollbackJournal(image.image),
    walPresent: true,
    framesApplied: frames.framesApplied,
    commits: frames.commits,
    framesIgnored,
    commitsIgnored,
    warnings: [...warnings, ...image.warnings],
    ...stoppedAt,
  };
}

/** A WAL header that can be used: its page size, salts, checksum byte order and the header's checksum (the chain's start). */
interface WalHeader {
  pageSize: number;
  salt1: number;
  salt2: number;
  bigEndian: boolean;
  checksum: [number, number];
}

/** Step 1: the 32-byte header (magic, version, page size, checksum) and its page size against the database's. */
function readWalHeader(wal: Uint8Array, db: Uint8Array): WalHeader | { ignoredReason: string } {
  const dv = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const magic = dv.getUint32(0, false);
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) return { ignoredReason: 'bad WAL magic' };
  const bigEndian = (magic & 1) === 1;
  if (dv.getUint32(4, false) !== WAL_VERSION) return { ignoredReason: 'unsupported WAL version' };
  const pageSize = dv.getUint32(8, false);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return { ignoredReason: 'bad WAL page size' };
  const sum = checksum(dv, 0, 24, 0, 0, bigEndian);
  if (sum[0] !== dv.getUint32(24, false) || sum[1] !== dv.getUint32(28, false)) return { ignoredReason: 'WAL header checksum mismatch' };
  const mainPageSize = dbPageSize(db);
  if (mainPageSize !== undefined && mainPageSize !== pageSize) return { ignoredReason: 'WAL page size differs from the database' };
  return { pageSize, salt1: dv.getUint32(16, false), salt2: dv.getUint32(20, false), bigEndian, checksum: sum };
}

interface WalFrames {
  framesInFile: number;
  /** Page number → offset of its page data in the WAL, for the frames up to the last commit. */
  committed: Map<number, number>;
  /** The last commit's database size in pages (a claim, checked in committedImage). */
  dbPages: number;
  commits: number;
  framesApplied: number;
  /** The first invalid frame, where replay stopped. */
  stop?: { index: number; off: number; reason: string };
}

/** Steps 2–3: the frames in order, each checked (salts, page number, chained checksum), kept up to the last commit. */
function readFrames(wal: Uint8Array, h: WalHeader): WalFrames {
  const dv = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const frameSize = FRAME_HEADER + h.pageSize;
  const out: WalFrames = {
    framesInFile: Math.floor((wal.length - WAL_HEADER) / frameSize),
    committed: new Map(),
    dbPages: 0,
    commits: 0,
    framesApplied: 0,
  };
  let [s0, s1] = h.checksum;
  let pending = new Map<number, number>();
  let pendingCount = 0;
  for (let i = 0; i < out.framesInFile; i++) {
    const off = WAL_HEADER + i * frameSize;
    const pgno = dv.getUint32(off, false);
    const commitSize = dv.getUint32(off + 4, false);
    // walDecodeFrame: salts first, then page number 0, then the cumulative checksum.
    if (dv.getUint32(off + 8, false) !== h.salt1 || dv.getUint32(off + 12, false) !== h.salt2) {
      out.stop = { index: i, off, reason: 'a salt that differs from the WAL header' };
      break;
    }
    if (pgno === 0) {
      out.stop = { index: i, off, reason: 'page number 0' };
      break;
    }
    let [c0, c1] = checksum(dv, off, off + 8, s0, s1, h.bigEndian);
    [c0, c1] = checksum(dv, off + FRAME_HEADER, off + frameSize, c0, c1, h.bigEndian);
    if (c0 !== dv.getUint32(off + 16, false) || c1 !== dv.getUint32(off + 20, false)) {
      out.stop = { index: i, off, reason: 'a bad checksum' };
      break;
    }
    s0 = c0;
    s1 = c1;
    pending.set(pgno, off + FRAME_HEADER);
    pendingCount++;
    if (commitSize !== 0) {
      for (const [p, o] of pending) out.committed.set(p, o);
      out.framesApplied += pendingCount;
      pending = new Map();
      pendingCount = 0;
      out.dbPages = commitSize;
      out.commits++;
    }
  }
  return out;
}

const NO_STOP = { warnings: [] as string[], commitsIgnored: 0 };

/**
 * Frames from the stop on are not read, as in SQLite. That is normal for frames left from before a WAL
 * reset (both salts differ: §4.3) and for one half-written last frame; anything else that looks like
 * this WAL's frames, and above all a commit among them, means committed transactions are lost: a warning.
 */
function stopReport(
  wal: Uint8Array,
  h: WalHeader,
  stop: NonNullable<WalFrames['stop']>,
  framesInFile: number,
  walName: string,
): { warnings: string[]; commitsIgnored: number } {
  const dv = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const frameSize = FRAME_HEADER + h.pageSize;
  let current = 0;
  let commitsIgnored = 0;
  for (let i = stop.index; i < framesInFile; i++) {
    const off = WAL_HEADER + i * frameSize;
    const looksCurrent = dv.getUint32(off + 8, false) === h.salt1 || dv.getUint32(off + 12, false) === h.salt2;
    if (!looksCurrent) continue;
    current++;
    if (dv.getUint32(off + 4, false) !== 0) commitsIgnored++;
  }
  const tornLastFrame = current === 1 && commitsIgnored === 0 && stop.index === framesInFile - 1;
  if (current === 0 || tornLastFrame) return { warnings: [], commitsIgnored };
  const lost = framesInFile - stop.index;
  return {
    commitsIgnored,
    warnings: [
      `${walName}: frame ${stop.index + 1} of ${framesInFile} (byte ${stop.off.toLocaleString('en-US')}) has ${stop.reason}; ` +
        `WAL replay stops there as in SQLite, so ${plural(lost, 'frame')} after it` +
        (commitsIgnored ? ` (${plural(commitsIgnored, 'commit')})` : '') +
        ` ${lost === 1 ? 'is' : 'are'} ignored: runs written only there are not imported`,
    ],
  };
}

/**
 * Step 4: the committed pages over a copy of the main file. The commit frame's "database size in pages"
 * and the frames' page numbers are only claims. Pages the files do not hold read as zeros in SQLite; no
 * table or overflow page is ever all zeros, only free-list leaves SQLite allocated but never wrote (pager
 * "don't write"). So the image stops at the last page that exists, and zero-filled gaps before a WAL page
 * are allowed only up to as many pages as exist (at least 16 MB): a claim beyond that allocates nothing,
 * and the header says how many pages the image has.
 */
function committedImage(
  db: Uint8Array,
  wal: Uint8Array,
  pageSize: number,
  { committed, dbPages }: WalFrames,
  walName: string,
  owned: boolean,
): { image: Uint8Array; warnings: string[] } {
  const mainPages = Math.floor(db.length / pageSize);
  const walPages = [...committed.keys()].filter((p) => p > mainPages && p <= dbPages).sort((a, b) => a - b);
  const allowedGap = Math.max(Math.floor(MAX_GAP_BYTES / pageSize), mainPages + committed.size);
  let present = mainPages;
  let gap = 0;
  let cutAt: number | undefined;
  for (const p of walPages) {
    gap += p - present - 1;
    if (gap > allowedGap) {
      cutAt = p;
      break;
    }
    present = p;
  }
  const pages = Math.min(dbPages, present);
  let image: Uint8Array;
  if (owned && pages * pageSize <= db.length) image = db.subarray(0, pages * pageSize);
  else {
    image = new Uint8Array(pages * pageSize);
    image.set(db.subarray(0, Math.min(db.length, image.length)));
  }
  for (const [pgno, dataOff] of committed) {
    if (pgno <= pages) image.set(wal.subarray(dataOff, dataOff + pageSize), (pgno - 1) * pageSize);
  }
  const warnings: string[] = [];
  if (pages < dbPages && image.length >= 100) {
    // Free-list leaves never written are normal: only a gap larger than the free list is worth a warning.
    const header = new DataView(image.buffer, image.byteOffset, image.byteLength);
    const freePages = header.getUint32(36, false);
    if (cutAt !== undefined || dbPages - pages > freePages)
      warnings.push(
        `${walName}: its last commit claims a database of ${plural(dbPages, 'page')}` +
          (cutAt !== undefined ? ` with page ${cutAt.toLocaleString('en-US')} far beyond the others` : '') +
          `, but the database and WAL hold ${plural(pages, 'page')}; read as ${pages.toLocaleString('en-US')}`,
      );
    header.setUint32(28, pages, false); // in-header database size (fileformat2 §1.3.7)
  }
  return { image, warnings };
}

/**
 * Reads `db` and `db-wal` as one consistent snapshot while another process may be writing and
 * checkpointing: the WAL header is read before the main file and compared with the WAL read
 * after it. If the header (salts, checkpoint sequence) is unchanged, no WAL reset happened in
 * between, so every page a concurrent checkpoint copied into the main file is also in the WAL we
 * hold (same or newer), and replaying it over the main file gives the committed state. If it
 * changed, read again. Throws WalSnapshotError when a file is missing, not a regular file, not a SQLite
 * database, or together larger than `limit` (dbFile.ts: read no further than the header says).
 */
export function readDatabaseSnapshot(dbPath: string, attempts = 5, limit = MAX_SNAPSHOT_BYTES): WalReplay {
  let last: WalReplay | undefined;
  const walPath = `${dbPath}-wal`;
  for (let i = 0; i < attempts; i++) {
    const before = readWalHeaderBytes(walPath);
    const db = readMainDatabase(dbPath, limit);
    if (!db) throw new WalSnapshotError(dbPath, 'no such file');
    const wal = readWalFile(walPath, db.length, limit);
    last = replayWal(db, wal, path.basename(walPath), { owned: true });
    const after = wal?.subarray(0, WAL_HEADER);
    const same =
      (!before && !after) ||
      (before && after && before.length === after.length && Buffer.compare(before, after) === 0) ||
      (!before?.length && !after?.length);
    if (same) return last;
  }
  return last!;
}
