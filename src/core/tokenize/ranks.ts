// Loads the binary rank tables written by scripts/encodings.mjs (format documented there).
// Loading is a single readFileSync, typed-array views over the file and one pass that rebuilds
// the hash table (not stored: it would not compress in the VSIX).
import * as fs from 'node:fs';
import * as path from 'node:path';

const MAGIC = 0x33544350;
const HEADER_WORDS = 6;
const DATA_DIR_ENV = 'PROMPT_COST_ENCODINGS_DIR';

/** FNV-1a of `bytes[start, end)`: the hash of every rank and vocabulary table. */
function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/**
 * Open-addressing index (FNV-1a, linear probing) of the byte strings bytes[offsets[i], offsets[i+1])
 * for i < n, in a power-of-two table of `size` slots; empty strings are left out. Rank tables and
 * vocabularies (vocab.ts) share it: the index is rebuilt at load, never shipped.
 */
export function buildByteIndex(bytes: Uint8Array, offsets: Uint32Array, n: number, size: number): Int32Array {
  const table = new Int32Array(size).fill(-1);
  const mask = size - 1;
  for (let i = 0; i < n; i++) {
    const s = offsets[i];
    const e = offsets[i + 1];
    if (s === e) continue;
    let slot = fnv1a(bytes, s, e) & mask;
    while (table[slot] >= 0) slot = (slot + 1) & mask;
    table[slot] = i;
  }
  return table;
}

/** The i whose bytes equal buf[start, end) in an index from buildByteIndex, or -1. */
export function findInByteIndex(
  table: Int32Array,
  bytes: Uint8Array,
  offsets: Uint32Array,
  buf: Uint8Array,
  start: number,
  end: number,
): number {
  const len = end - start;
  const mask = table.length - 1;
  let slot = fnv1a(buf, start, end) & mask;
  for (;;) {
    const idx = table[slot];
    if (idx < 0) return -1;
    const o = offsets[idx];
    if (offsets[idx + 1] - o === len) {
      let i = 0;
      while (i < len && bytes[o + i] === buf[start + i]) i++;
      if (i === len) return idx;
    }
    slot = (slot + 1) & mask;
  }
}

/** Byte-sequence → rank lookup over one encoding's mergeable ranks. */
export class RankTable {
  readonly nTokens: number;
  readonly maxTokenLen: number;
  private readonly ranks: Uint32Array;
  private readonly offsets: Uint32Array;
  private readonly table: Int32Array;
  private readonly bytes: Uint8Array;
  /** rank of each single byte (every byte is a token in all tiktoken encodings). */
  readonly byteRanks: Int32Array;
  /** Size of the loaded file in bytes. */
  readonly byteLength: number;

  constructor(data: Uint8Array) {
    if (data.byteOffset % 4 !== 0) data = new Uint8Array(data); // copy to align
    const buf = data.buffer;
    const base = data.byteOffset;
    const head = new Uint32Array(buf, base, HEADER_WORDS);
    if (head[0] !== MAGIC) throw new Error('not a prompt-cost rank table (bad magic)');
    const n = head[1];
    this.nTokens = n;
    this.maxTokenLen = head[2];
    const tableSize = head[3];
    const bytesLen = head[4];
    const ranksWords = head[5] & 1 ? n : 0;
    if (ranksWords) this.ranks = new Uint32Array(buf, base + 4 * HEADER_WORDS, n);
    else {
      this.ranks = new Uint32Array(n);
      for (let i = 0; i < n; i++) this.ranks[i] = i;
    }
    const wide = (head[5] & 2) !== 0;
    const lens = wide
      ? new Uint16Array(buf, base + 4 * (HEADER_WORDS + ranksWords), n)
      : new Uint8Array(buf, base + 4 * (HEADER_WORDS + ranksWords), n);
    const offsets = (this.offsets = new Uint32Array(n + 1));
    for (let i = 0, pos = 0; i <= n; i++) {
      offsets[i] = pos;
      if (i < n) pos += lens[i];
    }
    this.bytes = new Uint8Array(buf, base + 4 * (HEADER_WORDS + ranksWords) + (((wide ? 2 : 1) * n + 3) & ~3), bytesLen);
    this.table = buildByteIndex(this.bytes, offsets, n, tableSize);
    this.byteLength = data.byteLength;
    this.byteRanks = new Int32Array(256);
    const one = new Uint8Array(1);
    for (let b = 0; b < 256; b++) {
      one[0] = b;
      this.byteRanks[b] = this.rank(one, 0, 1);
    }
  }

  /** Rank of bytes buf[start, end), or -1 when that byte sequence is not a token. */
  rank(buf: Uint8Array, start: number, end: number): number {
    if (end - start > this.maxTokenLen) return -1;
    const idx = findInByteIndex(this.table, this.bytes, this.offsets, buf, start, end);
    return idx < 0 ? -1 : this.ranks[idx];
  }
}

let explicitDir: string | undefined;
let resolvedDir: string | undefined;
const tables = new Map<string, RankTable>();

/** Points the loader at a directory holding `<encoding>.bin` files (e.g. `<extension>/dist/encodings`). */
export function setEncodingDataDir(dir: string | undefined): void {
  explicitDir = dir;
  resolvedDir = undefined;
}

/**
 * Where the tables are: setEncodingDataDir(), else $PROMPT_COST_ENCODINGS_DIR, else
 * `encodings/` next to this bundle (dist/cli.js → dist/encodings), else the first
 * `dist/encodings` found walking up from this file (out/src/core/tokenize → repo root).
 */
export function encodingDataDir(): string {
  if (explicitDir) return explicitDir;
  if (resolvedDir) return resolvedDir;
  const candidates: string[] = [];
  const env = process.env[DATA_DIR_ENV];
  if (env) candidates.push(env);
  candidates.push(path.join(__dirname, 'encodings'));
  for (let dir = __dirname; ;) {
    candidates.push(path.join(dir, 'dist', 'encodings'));
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, 'o200k_base.bin'))) return (resolvedDir = c);
  }
  throw new Error(`prompt-cost: encoding tables not found (looked for dist/encodings from ${__dirname}); run \`node scripts/build.mjs\``);
}

/** Loads (once) and returns the rank table stored as `<name>.bin`. */
export function loadRankTable(name: string): RankTable {
  let t = tables.get(name);
  if (!t) {
    const file = path.join(encodingDataDir(), `${name}.bin`);
    t = new RankTable(fs.readFileSync(file));
    tables.set(name, t);
  }
  return t;
}

/** Names of the tables loaded so far in this process (for memory reporting and tests). */
export function loadedRankTables(): string[] {
  return [...tables.keys()];
}
