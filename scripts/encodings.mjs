// Generates the compact binary rank tables that src/core/tokenize loads at run time.
//
// Source: the rank files shipped with the `tiktoken` npm package (the WASM build of OpenAI's
// tiktoken, which is also our test oracle): node_modules/tiktoken/encoders/<name>.json.
// o200k_harmony has no file of its own: its mergeable ranks and split regex are o200k_base's
// (only the special tokens differ, and `count` never encodes special tokens), so it reads
// o200k_base.bin at run time.
//
// File format (`<name>.bin`, little endian, every section 4-byte aligned):
//   u32 magic 'PCT3' (0x33544350), u32 nTokens, u32 maxTokenLen, u32 tableSize (power of 2),
//   u32 bytesLen, u32 flags (bit 0: ranks stored; bit 1: lengths are u16)
//   u32 ranks[nTokens]          rank of token i — only when not simply i (p50k_base has gaps)
//   u8  lens[nTokens]           byte length of token i, u16 with flag bit 1 (padded to 4 bytes)
//   u8  bytes[bytesLen]         token bytes in order
// The open-addressing hash table (tableSize slots of token indexes, slot = fnv1a(bytes) &
// (tableSize - 1), linear probing) is not stored: it is random-looking and would not compress in
// the VSIX; src/core/tokenize/ranks.ts rebuilds it at load in a few milliseconds.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const MAGIC = 0x33544350;
const HEADER_WORDS = 6;
export const TABLE_ENCODINGS = ['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base'];

function parseRanks(json) {
  const tokens = [];
  for (const line of json.bpe_ranks.split('\n')) {
    if (!line) continue;
    const [, offsetStr, ...b64] = line.split(' ');
    const offset = Number.parseInt(offsetStr, 10);
    b64.forEach((t, i) => tokens.push({ bytes: Buffer.from(t, 'base64'), rank: offset + i }));
  }
  return tokens;
}

export function encodeTable(json) {
  return { ...encodeTokens(parseRanks(json)), pat_str: json.pat_str };
}

/** The `.bin` table of a list of { bytes, rank } in rank order. */
export function encodeTokens(tokens) {
  const n = tokens.length;
  let bytesLen = 0;
  let maxLen = 0;
  for (const t of tokens) {
    bytesLen += t.bytes.length;
    maxLen = Math.max(maxLen, t.bytes.length);
  }
  let tableSize = 1;
  while (tableSize < n * 2) tableSize <<= 1;
  const wideLens = maxLen > 255;
  if (maxLen > 0xffff) throw new Error('a token longer than 65535 bytes');
  const storeRanks = tokens.some((t, i) => t.rank !== i);
  const ranksWords = storeRanks ? n : 0;
  const lensPadded = ((wideLens ? 2 : 1) * n + 3) & ~3;
  const paddedBytes = (bytesLen + 3) & ~3;
  const total = 4 * (HEADER_WORDS + ranksWords) + lensPadded + paddedBytes;
  const buf = new ArrayBuffer(total);
  const u32 = new Uint32Array(buf);
  u32.set([MAGIC, n, maxLen, tableSize, bytesLen, (storeRanks ? 1 : 0) | (wideLens ? 2 : 0)], 0);
  const ranks = new Uint32Array(buf, 4 * HEADER_WORDS, ranksWords);
  const lens = wideLens
    ? new Uint16Array(buf, 4 * (HEADER_WORDS + ranksWords), n)
    : new Uint8Array(buf, 4 * (HEADER_WORDS + ranksWords), n);
  const bytes = new Uint8Array(buf, 4 * (HEADER_WORDS + ranksWords) + lensPadded, bytesLen);
  let pos = 0;
  tokens.forEach((t, i) => {
    if (storeRanks) ranks[i] = t.rank;
    lens[i] = t.bytes.length;
    bytes.set(t.bytes, pos);
    pos += t.bytes.length;
  });
  return { buffer: Buffer.from(buf), nTokens: n, maxTokenLen: maxLen };
}

/**
 * Writes `<outDir>/<encoding>.bin` for every table encoding, skipping files that are newer
 * than both their source rank file and this script.
 */
export async function buildEncodings(outDir, { force = false, log = false } = {}) {
  const require = createRequire(import.meta.url);
  const self = fileURLToPath(import.meta.url);
  const selfTime = fs.statSync(self).mtimeMs;
  fs.mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const name of TABLE_ENCODINGS) {
    const src = require.resolve(`tiktoken/encoders/${name}.json`);
    const out = path.join(outDir, `${name}.bin`);
    if (!force && fs.existsSync(out)) {
      const outTime = fs.statSync(out).mtimeMs;
      if (outTime >= selfTime && outTime >= fs.statSync(src).mtimeMs) continue;
    }
    const json = JSON.parse(fs.readFileSync(src, 'utf8'));
    const { buffer } = encodeTable(json);
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, buffer);
    fs.renameSync(tmp, out);
    written.push(name);
  }
  if (log && written.length) console.log(`encodings: wrote ${written.join(', ')} to ${outDir}`);
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  await buildEncodings(path.join(root, 'dist', 'encodings'), { force: process.argv.includes('--force'), log: true });
}
