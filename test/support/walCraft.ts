// Hand-made SQLite write-ahead logs for the hostile-input tests, written from the file format spec
// (https://www.sqlite.org/fileformat2.html §4.1 WAL header, §4.2 frame header, §4.3 checksum algorithm),
// not from the code under test: a crafted frame carries a VALID checksum, so it reaches the size checks
// instead of being stopped at the checksum.

export const WAL_MAGIC_LE = 0x377f0682; // checksums over little-endian words (§4.1: the low bit of the magic)
export const WAL_MAGIC_BE = 0x377f0683;

export interface CraftFrame {
  pgno: number;
  /** "For commit records, the size of the database file in pages after the commit. For all other records, zero." */
  commitSize?: number;
  /** The page (zero-padded to the page size). */
  page?: Uint8Array;
  /** Salts of this frame (default: the header's). */
  salts?: [number, number];
  /** Store a wrong checksum. */
  badChecksum?: boolean;
}

export interface CraftWalOptions {
  pageSize: number;
  salts?: [number, number];
  bigEndian?: boolean;
  checkpointSeq?: number;
}

/** §4.3: s0 += x[i] + s1; s1 += x[i+1] + s0, over 32-bit words, mod 2^32. */
export function walChecksum(buf: Uint8Array, start: number, end: number, s0: number, s1: number, bigEndian: boolean): [number, number] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = start; i < end; i += 8) {
    s0 = (s0 + dv.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + dv.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

/** A whole WAL file: 32-byte header, then one 24-byte frame header + page per frame, checksums chained. */
export function craftWal(opts: CraftWalOptions, frames: CraftFrame[]): Buffer {
  const { pageSize } = opts;
  const bigEndian = opts.bigEndian ?? true;
  const [salt1, salt2] = opts.salts ?? [0x01020304, 0x0a0b0c0d];
  const out = Buffer.alloc(32 + frames.length * (24 + pageSize));
  out.writeUInt32BE(bigEndian ? WAL_MAGIC_BE : WAL_MAGIC_LE, 0);
  out.writeUInt32BE(3007000, 4);
  out.writeUInt32BE(pageSize, 8);
  out.writeUInt32BE(opts.checkpointSeq ?? 0, 12);
  out.writeUInt32BE(salt1, 16);
  out.writeUInt32BE(salt2, 20);
  let [s0, s1] = walChecksum(out, 0, 24, 0, 0, bigEndian);
  out.writeUInt32BE(s0, 24);
  out.writeUInt32BE(s1, 28);
  frames.forEach((f, i) => {
    const off = 32 + i * (24 + pageSize);
    out.writeUInt32BE(f.pgno >>> 0, off);
    out.writeUInt32BE((f.commitSize ?? 0) >>> 0, off + 4);
    const [a, b] = f.salts ?? [salt1, salt2];
    out.writeUInt32BE(a >>> 0, off + 8);
    out.writeUInt32BE(b >>> 0, off + 12);
    if (f.page) out.set(f.page.subarray(0, pageSize), off + 24);
    [s0, s1] = walChecksum(out, off, off + 8, s0, s1, bigEndian);
    [s0, s1] = walChecksum(out, off + 24, off + 24 + pageSize, s0, s1, bigEndian);
    out.writeUInt32BE(f.badChecksum ? (s0 ^ 1) >>> 0 : s0, off + 16);
    out.writeUInt32BE(s1, off + 20);
  });
  return out;
}

/**
 * Re-signs every frame of an existing WAL (after a test changed a frame header field), so only the
 * field's meaning is under test, not the checksum. Stops at `frames` frames.
 */
export function resignWal(wal: Buffer, frames = Infinity): Buffer {
  const out = Buffer.from(wal);
  const bigEndian = (out.readUInt32BE(0) & 1) === 1;
  const pageSize = out.readUInt32BE(8);
  let [s0, s1] = walChecksum(out, 0, 24, 0, 0, bigEndian);
  out.writeUInt32BE(s0, 24);
  out.writeUInt32BE(s1, 28);
  for (let i = 0, off = 32; off + 24 + pageSize <= out.length && i < frames; i++, off += 24 + pageSize) {
    [s0, s1] = walChecksum(out, off, off + 8, s0, s1, bigEndian);
    [s0, s1] = walChecksum(out, off + 24, off + 24 + pageSize, s0, s1, bigEndian);
    out.writeUInt32BE(s0, off + 16);
    out.writeUInt32BE(s1, off + 20);
  }
  return out;
}

/** Frame count and the offsets of each frame header of a WAL. */
export function walFrames(wal: Buffer): { pageSize: number; offsets: number[] } {
  const pageSize = wal.readUInt32BE(8);
  const offsets: number[] = [];
  for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) offsets.push(off);
  return { pageSize, offsets };
}
