// Loads an open-model family's vocabulary (`<family>.vocab`, written by scripts/vocabularies.mjs,
// format documented there) and answers the two questions the BPE merge asks:
//   id(bytes)               which token these bytes are (-1: none)
//   mergeRank(start, mid, end)  priority of merging parts [start, mid) and [mid, end), i.e. the
//                           index of that merge in tokenizer.json's `merges` (-1: not a merge)
// The hash table and the per-token merge lists are rebuilt at load, so the file holds only
// token bytes and a few bytes per merge.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildByteIndex, encodingDataDir, findInByteIndex } from './ranks';

const MAGIC = 0x31564350;
const HEADER_BYTES = 28;

export type VocabularyKind = 'byte-level' | 'sentencepiece';

/** An added token from tokenizer.json: [id, content, special (1) or not (0)]. */
export type AddedToken = [number, string, number];

export interface VocabularyMeta {
  family: string;
  source: string;
  kind: VocabularyKind;
  addedTokens: AddedToken[];
  bosToken: string | null;
  eosToken: string | null;
  chatTemplate: string | null;
}

export class Vocabulary {
  readonly kind: VocabularyKind;
  readonly nTokens: number;
  readonly nMerges: number;
  /** tokenizer.json `model.ignore_merges`: a pre-token that is a whole token is that token. */
  readonly ignoreMerges: boolean;
  readonly maxTokenLen: number;
  private readonly offsets: Uint32Array;
  private readonly bytes: Uint8Array;
  private readonly table: Int32Array;
  /** Merges of token t: mergeSplit/mergeRankOf[mergeStart[t] .. mergeStart[t+1]). */
  private readonly mergeStart: Uint32Array;
  private readonly mergeSplit: Uint16Array;
  private readonly mergeRankOf: Int32Array;

  constructor(data: Uint8Array) {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const u32 = (i: number) => view.getUint32(4 * i, true);
    if (data.byteLength < HEADER_BYTES || u32(0) !== MAGIC) throw new Error('not a prompt-cost vocabulary (bad magic)');
    this.kind = u32(1) === 0 ? 'byte-level' : 'sentencepiece';
    const n = (this.nTokens = u32(2));
    const nMerges = (this.nMerges = u32(3));
    this.ignoreMerges = (u32(4) & 1) !== 0;
    const bytesLen = u32(5);
    const mergesLen = u32(6);
    const lensAt = HEADER_BYTES;
    const bytesAt = lensAt + ((n + 3) & ~3);
    const mergesAt = bytesAt + ((bytesLen + 3) & ~3);
    if (mergesAt + mergesLen > data.byteLength) throw new Error('truncated prompt-cost vocabulary');
    this.bytes = data.subarray(bytesAt, bytesAt + bytesLen);
    const offsets = (this.offsets = new Uint32Array(n + 1));
    let pos = 0;
    let maxLen = 0;
    for (let i = 0; i < n; i++) {
      offsets[i] = pos;
      const len = data[lensAt + i];
      pos += len;
      if (len > maxLen) maxLen = len;
    }
    offsets[n] = pos;
    this.maxTokenLen = maxLen;
    let size = 1;
    while (size < n * 2) size <<= 1;
    // no two ids share bytes (scripts/vocabularies.mjs refuses such a vocabulary)
    this.table = buildByteIndex(this.bytes, offsets, n, size);
    // merges: decode (token, split) in rank order, then bucket them by token
    const tokenOf = new Int32Array(nMerges);
    const splitOf = new Uint16Array(nMerges);
    const counts = new Uint32Array(n + 1);
    let p = mergesAt;
    const end = mergesAt + mergesLen;
    let t = 0;
    for (let r = 0; r < nMerges; r++) {
      // two varints: zigzag delta of the merged token, byte length of the left part
      let z = 0;
      for (let mul = 1; ; mul *= 128) {
        const b = data[p++];
        z += (b & 0x7f) * mul;
        if (b < 0x80) break;
      }
      let split = 0;
      for (let mul = 1; ; mul *= 128) {
        const b = data[p++];
        split += (b & 0x7f) * mul;
        if (b < 0x80) break;
      }
      t += z & 1 ? -(z + 1) / 2 : z / 2;
      if (p > end || t < 0 || t >= n) throw new Error('corrupt prompt-cost vocabulary merges');
      tokenOf[r] = t;
      splitOf[r] = split;
      counts[t + 1]++;
    }
    const start = (this.mergeStart = new Uint32Array(n + 1));
    for (let i = 0; i < n; i++) start[i + 1] = start[i] + counts[i + 1];
    const fill = start.slice(0, n);
    this.mergeSplit = new Uint16Array(nMerges);
    this.mergeRankOf = new Int32Array(nMerges);
    for (let r = 0; r < nMerges; r++) {
      const k = fill[tokenOf[r]]++;
      this.mergeSplit[k] = splitOf[r];
      this.mergeRankOf[k] = r;
    }
  }

  /** Token id of buf[start, end), or -1. */
  id(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len > this.maxTokenLen || len <= 0) return -1;
    return findInByteIndex(this.table, this.bytes, this.offsets, buf, start, end);
  }

  /** Rank of the merge of parts buf[start, mid) and buf[mid, end), or -1 when there is none. */
  mergeRank(buf: Uint8Array, start: number, mid: number, end: number): number {
    const t = this.id(buf, start, end);
    if (t < 0) return -1;
    const split = mid - start;
    for (let k = this.mergeStart[t], e = this.mergeStart[t + 1]; k < e; k++) {
      if (this.mergeSplit[k] === split) return this.mergeRankOf[k];
    }
    return -1;
  }

  /** The bytes of token `id` (a view; do not modify). */
  tokenBytes(id: number): Uint8Array {
    return this.bytes.subarray(this.offsets[id], this.offsets[id + 1]);
  }
}

const vocabularies = new Map<string, { vocab: Vocabulary; meta: VocabularyMeta }>();

/** Loads (once) `<family>.vocab` and `<family>.json` from the encodings directory. */
export function loadVocabulary(family: string): { vocab: Vocabulary; meta: VocabularyMeta } {
  let v = vocabularies.get(family);
  if (!v) {
    const dir = encodingDataDir();
    const file = path.join(dir, `${family}.vocab`);
    if (!fs.existsSync(file))
      throw new Error(`prompt-cost: vocabulary ${family}.vocab not found in ${dir}; run \`node scripts/build.mjs\``);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, `${family}.json`), 'utf8')) as VocabularyMeta;
    v = { vocab: new Vocabulary(fs.readFileSync(file)), meta };
    vocabularies.set(family, v);
  }
  return v;
}

/** Families whose vocabulary is loaded in this process (for memory reporting and tests). */
export function loadedVocabularies(): string[] {
  return [...vocabularies.keys()];
}
