// Reading a SQLite state database and its -wal into memory, no more of them than SQLite itself would use.
//
// sql.js opens a whole image, so what we read is what we hold (three times, before issue 24 item 9: the read,
// the replay copy and sql.js's own copy — a 1 GB file of zeros, ~1 MB in git, took 3.2 GB). The file's own
// header is checked first (https://www.sqlite.org/fileformat2.html §1.3):
//   - offset 0, 16 bytes: "SQLite format 3\0" — anything else is refused before a byte more is read;
//   - offset 16: the page size (a power of two from 512 to 32768, or 1 for 65536);
//   - offset 28: the "in-header database size" in pages, valid when non-zero and the change counter at
//     offset 24 equals the version-valid-for number at offset 92 (§1.3.7). SQLite then uses it and ignores
//     the rest of the file (src/btree.c lockBtree: `nPage = get4byte(28+…); if( nPage==0 || memcmp(24+…,
//     92+…,4)!=0 ) nPage = nPageFile;`), so we read only those pages; otherwise the file size counts.
// The WAL's 32-byte header is checked the same way (§4.1 magic 0x377f0682/3): a WAL without it is never read
// further (replayWal ignores it for its bad magic either way).
import * as fs from 'node:fs';
import { errorText } from '../errors';
import { formatBytes } from '../format';

export const SQLITE_MAGIC = 'SQLite format 3\u0000';
const DB_HEADER = 100;
const WAL_HEADER = 32;

/** The database or WAL cannot be read at all (too large, not a regular file, not SQLite …). */
export class WalSnapshotError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'WalSnapshotError';
  }
}

/** What the 100-byte header says: the page size and, when valid, the database size in pages. */
export interface SqliteHeader {
  pageSize: number;
  /** The in-header database size (§1.3.7) when valid, else undefined (the file size counts). */
  headerPages?: number;
}

/** Checks a main database header; a string says why the file is not a SQLite database. */
export function parseSqliteHeader(head: Uint8Array): SqliteHeader | string {
  if (head.length < DB_HEADER) return `${head.length} bytes is too short for a SQLite database header (100 bytes)`;
  const magic = Buffer.from(head.buffer, head.byteOffset, 16).toString('latin1');
  if (magic !== SQLITE_MAGIC)
    return head.subarray(0, 16).every((b) => b === 0)
      ? 'it starts with zero bytes, not the SQLite header "SQLite format 3\\0"'
      : 'it does not start with the SQLite header "SQLite format 3\\0"';
  const dv = new DataView(head.buffer, head.byteOffset, DB_HEADER);
  const v = dv.getUint16(16, false);
  const pageSize = v === 1 ? 65536 : v;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
    return `its header gives a page size of ${v}, not a power of two from 512 to 65536`;
  const pages = dv.getUint32(28, false);
  const valid = pages !== 0 && dv.getUint32(24, false) === dv.getUint32(92, false);
  return valid ? { pageSize, headerPages: pages } : { pageSize };
}

// O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused as not a regular file).
const OPEN_READ = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** Opens `file` for reading; undefined when it does not exist. */
function openRegular(file: string): { fd: number; size: number } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_READ);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WalSnapshotError(file, `cannot open (${errorText(err, 'code')})`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new WalSnapshotError(file, 'not a regular file');
    return { fd, size: st.size };
  } catch (err) {
    fs.closeSync(fd);
    if (err instanceof WalSnapshotError) throw err;
    throw new WalSnapshotError(file, `cannot read (${errorText(err, 'code')})`);
  }
}

/** Up to `length` bytes from the start of an open file (fewer when it shrank while we read). */
function readPrefix(file: string, fd: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  try {
    while (got < length) {
      const n = fs.readSync(fd, buf, got, length - got, got);
      if (n === 0) break; // shrank while we read (a checkpoint truncated it): use what is there
      got += n;
    }
  } catch (err) {
    throw new WalSnapshotError(file, `cannot read (${errorText(err, 'code')})`);
  }
  return got === length ? buf : buf.subarray(0, got);
}

function tooLarge(what: string, bytes: number, limit: number): string {
  return `${what} ${formatBytes(bytes)}, more than the ${formatBytes(limit)} a state database may have to be read in memory; not read`;
}

/**
 * The main database file: its header checked, then at most the pages SQLite would use (the in-header size
 * when valid), refused when that is more than `limit`. An empty file is an empty database (a WAL-mode
 * database not yet checkpointed holds everything in its -wal). Undefined when the file does not exist.
 */
export function readMainDatabase(file: string, limit: number): Buffer | undefined {
  const open = openRegular(file);
  if (!open) return undefined;
  try {
    if (open.size === 0) return Buffer.alloc(0);
    const header = parseSqliteHeader(readPrefix(file, open.fd, Math.min(open.size, DB_HEADER)));
    if (typeof header === 'string') throw new WalSnapshotError(file, `not a SQLite database: ${header}; not read`);
    const claimed = header.headerPages === undefined ? Infinity : header.headerPages * header.pageSize;
    const bytes = Math.min(open.size, claimed);
    if (bytes > limit) {
      const what =
        bytes === claimed
          ? `its header gives ${header.headerPages!.toLocaleString('en-US')} pages of ${formatBytes(header.pageSize)}:`
          : 'the file is';
      throw new WalSnapshotError(file, tooLarge(what, bytes, limit));
    }
    return readPrefix(file, open.fd, bytes);
  } finally {
    fs.closeSync(open.fd);
  }
}

const WAL_MAGICS = new Set([0x377f0682, 0x377f0683]);

/**
 * The -wal file, refused when it and the `dbBytes` read from the main file are more than `limit`; a file that
 * does not start with a WAL magic number is read no further than its first 32 bytes (replay ignores it:
 * "bad WAL magic").
 */
export function readWalFile(file: string, dbBytes: number, limit: number): Buffer | undefined {
  const open = openRegular(file);
  if (!open) return undefined;
  try {
    const head = readPrefix(file, open.fd, Math.min(open.size, WAL_HEADER));
    if (head.length < WAL_HEADER || !WAL_MAGICS.has(head.readUInt32BE(0))) return head;
    if (dbBytes + open.size > limit)
      throw new WalSnapshotError(
        file,
        tooLarge(`${formatBytes(open.size)} of WAL with ${formatBytes(dbBytes)} of database make`, dbBytes + open.size, limit),
      );
    return readPrefix(file, open.fd, open.size);
  } finally {
    fs.closeSync(open.fd);
  }
}

/** The first 32 bytes of a WAL (its salts and checkpoint sequence), to tell whether it was reset meanwhile. */
export function readWalHeaderBytes(file: string): Buffer | undefined {
  let open;
  try {
    open = openRegular(file);
  } catch {
    return undefined;
  }
  if (!open) return undefined;
  try {
    return readPrefix(file, open.fd, WAL_HEADER);
  } catch {
    return undefined;
  } finally {
    fs.closeSync(open.fd);
  }
}
