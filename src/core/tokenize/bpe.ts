// Exact token counting: tiktoken's encode_ordinary, counted rather than materialised.
//
// 1. The text is made well-formed (lone surrogates → U+FFFD, exactly what tiktoken's WASM
//    binding does when it converts a JS string to UTF-8).
// 2. It is split into pieces with the encoding's regex (see encodings.ts).
// 3. Each piece is counted: cached count, else 1 if the whole piece is a token, else a
//    byte-pair merge. Short pieces use tiktoken's own O(n²) loop; long pieces (one giant word,
//    a base64 blob, a run of whitespace) use a binary heap plus a linked list of parts, O(n log n),
//    with the same merge order (lowest rank first, leftmost on ties), hence identical output.
import { EncodingName, RankEncodingName, SPLIT_PATTERNS, splitRegex, tableFor } from './encodings';
import { isFamilyName, isVersionEncoding } from './families';
import { getFamilyEncoder, getVersionEncoder } from './hfbpe';
import { RankTable, loadRankTable } from './ranks';
import { CancellationError } from '../cancellation';
import { MergeHeap, NO_MERGE as NONE, positionOf, rankOf } from './mergeHeap';

/** Pieces up to this many bytes use the simple quadratic merge (faster for short pieces). */
const HEAP_THRESHOLD = 128;
/** Pieces up to this many UTF-16 units are cached. */
const CACHE_MAX_PIECE = 64;
const CACHE_MAX_ENTRIES = 200_000;

/** Returns true to abandon a count in progress (checked every few thousand pieces). */
export type ShouldStop = () => boolean;

/**
 * Encodes `s` (well-formed: no lone surrogates) as UTF-8 into `out`, which must hold
 * `3 × s.length` bytes; returns the byte length. One loop for the rank BPE here and hfbpe.ts.
 */
export function encodeUtf8(s: string, out: Uint8Array): number {
  const n = s.length;
  let j = 0;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[j++] = c;
    } else if (c < 0x800) {
      out[j++] = 0xc0 | (c >> 6);
      out[j++] = 0x80 | (c & 63);
    } else if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      out[j++] = 0xf0 | (c >> 18);
      out[j++] = 0x80 | ((c >> 12) & 63);
      out[j++] = 0x80 | ((c >> 6) & 63);
      out[j++] = 0x80 | (c & 63);
    } else {
      out[j++] = 0xe0 | (c >> 12);
      out[j++] = 0x80 | ((c >> 6) & 63);
      out[j++] = 0x80 | (c & 63);
    }
  }
  return j;
}

/** What every exact tokenizer offers: a count of ordinary text, cancellable. */
export interface TokenCounter {
  readonly name: EncodingName;
  count(text: string, shouldStop?: ShouldStop): number;
}

export class Encoder implements TokenCounter {
  readonly name: RankEncodingName;
  readonly ranks: RankTable;
  private readonly regex: RegExp;
  private cache = new Map<string, number>();
  private buf = new Uint8Array(1024);
  private parts = new Int32Array(1024);
  private pairRanks = new Int32Array(1024);
  private readonly heapThreshold: number;
  private stop: ShouldStop | undefined;

  /** `heapThreshold` (tests only) lowers the piece length from which the heap merge is used. */
  constructor(name: RankEncodingName, ranks: RankTable, options: { heapThreshold?: number } = {}) {
    this.name = name;
    this.ranks = ranks;
    this.heapThreshold = options.heapThreshold ?? HEAP_THRESHOLD;
    this.regex = splitRegex(SPLIT_PATTERNS[name]);
  }

  /** Number of tokens of `text` as ordinary text. */
  count(text: string, shouldStop?: ShouldStop): number {
    if (text.length === 0) return 0;
    text = toWellFormed(text);
    const re = this.regex;
    const cache = this.cache;
    re.lastIndex = 0;
    this.stop = shouldStop;
    let total = 0;
    let n = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const piece = m[0];
      let c = cache.get(piece);
      if (c === undefined) {
        c = this.countPiece(piece);
        if (piece.length <= CACHE_MAX_PIECE) {
          if (cache.size >= CACHE_MAX_ENTRIES) cache.clear();
          cache.set(piece, c);
        }
      }
      total += c;
      if (shouldStop !== undefined && (++n & 4095) === 0 && shouldStop()) throw new CancellationError('token count cancelled');
    }
    this.stop = undefined;
    return total;
  }

  /** The regex pieces of `text` (for tests and diagnostics). */
  split(text: string): string[] {
    return toWellFormed(text).match(splitRegex(SPLIT_PATTERNS[this.name])) ?? [];
  }

  /** Token count of one regex piece. */
  countPiece(piece: string): number {
    const len = this.utf8(piece);
    if (len === 1) return 1;
    if (this.ranks.rank(this.buf, 0, len) >= 0) return 1;
    return len <= this.heapThreshold ? this.mergeSmall(len) : this.mergeHeap(len);
  }

  /** Encodes `s` (well-formed) as UTF-8 into this.buf; returns the byte length. */
  private utf8(s: string): number {
    if (this.buf.length < s.length * 3) this.buf = new Uint8Array(s.length * 3 + 16);
    return encodeUtf8(s, this.buf);
  }

  /** tiktoken's _byte_pair_merge, counting parts. */
  private mergeSmall(len: number): number {
    const ranks = this.ranks;
    const buf = this.buf;
    if (this.parts.length < len + 2) {
      this.parts = new Int32Array(len + 2);
      this.pairRanks = new Int32Array(len + 2);
    }
    const parts = this.parts; // start offsets, parts[m-1] === len (end sentinel)
    const pr = this.pairRanks; // pr[i]: rank of parts i + i+1 merged
    let m = len + 1;
    for (let i = 0; i <= len; i++) parts[i] = i;
    for (let i = 0; i < len - 1; i++) {
      const r = ranks.rank(buf, i, i + 2);
      pr[i] = r < 0 ? NONE : r;
    }
    pr[len - 1] = NONE;
    pr[len] = NONE;
    for (;;) {
      let min = NONE;
      let at = -1;
      for (let i = 0; i < m - 2; i++) {
        if (pr[i] < min) {
          min = pr[i];
          at = i;
        }
      }
      if (at < 0) break;
      // merge part at and at+1: drop parts[at+1]
      for (let i = at + 1; i < m - 1; i++) {
        parts[i] = parts[i + 1];
        pr[i] = pr[i + 1];
      }
      m--;
      if (at + 2 < m) {
        const r = ranks.rank(buf, parts[at], parts[at + 2]);
        pr[at] = r < 0 ? NONE : r;
      } else pr[at] = NONE;
      if (at > 0) {
        const r = ranks.rank(buf, parts[at - 1], parts[at + 1]);
        pr[at - 1] = r < 0 ? NONE : r;
      }
    }
    return m - 1;
  }

  /** Same merge order as mergeSmall, O(n log n): a min-heap of (rank, start) with lazy deletion. */
  private mergeHeap(len: number): number {
    const ranks = this.ranks;
    const buf = this.buf;
    const next = new Int32Array(len + 1);
    const prev = new Int32Array(len + 1);
    const pr = new Int32Array(len + 1); // rank of part starting at i merged with its successor; -2 = dead
    const heap = new MergeHeap(len);
    for (let i = 0; i <= len; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    for (let i = 0; i < len - 1; i++) {
      const r = ranks.rank(buf, i, i + 2);
      pr[i] = r < 0 ? NONE : r;
      if (r >= 0) heap.add(r, i);
    }
    pr[len - 1] = NONE;
    heap.heapify();
    let parts = len;
    const stop = this.stop;
    let steps = 0;
    while (!heap.isEmpty) {
      if (stop !== undefined && (++steps & 0xffff) === 0 && stop()) {
        this.stop = undefined;
        throw new CancellationError('token count cancelled');
      }
      const key = heap.pop();
      const r = rankOf(key);
      const i = positionOf(key, r);
      if (pr[i] !== r) continue; // stale entry
      const j = next[i];
      const k = next[j];
      next[i] = k;
      if (k <= len) prev[k] = i;
      pr[j] = -2;
      parts--;
      if (k < len) {
        const r2 = ranks.rank(buf, i, next[k]);
        pr[i] = r2 < 0 ? NONE : r2;
        if (r2 >= 0) heap.push(r2, i);
      } else pr[i] = NONE;
      if (i > 0) {
        const h = prev[i];
        const r3 = ranks.rank(buf, h, k);
        pr[h] = r3 < 0 ? NONE : r3;
        if (r3 >= 0) heap.push(r3, h);
      }
    }
    return parts;
  }
}

const wellFormed = (String.prototype as unknown as { toWellFormed?: () => string }).toWellFormed;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Replaces lone surrogates with U+FFFD (as TextEncoder and tiktoken's WASM binding do). */
export function toWellFormed(text: string): string {
  return wellFormed ? wellFormed.call(text) : text.replace(LONE_SURROGATE, '\ufffd');
}

const encoders = new Map<RankEncodingName, Encoder>();

/** The (lazily created) encoder for a tokenizer; loads only that encoding's table or family's vocabulary. */
export function getEncoder(encoding: RankEncodingName): Encoder;
export function getEncoder(encoding: EncodingName): TokenCounter;
export function getEncoder(encoding: EncodingName): TokenCounter {
  if (isFamilyName(encoding)) return getFamilyEncoder(encoding);
  if (isVersionEncoding(encoding)) return getVersionEncoder(encoding);
  if (!Object.prototype.hasOwnProperty.call(SPLIT_PATTERNS, encoding)) throw new Error(`unknown encoding '${encoding as string}'`);
  let e = encoders.get(encoding);
  if (!e) {
    e = new Encoder(encoding, loadRankTable(tableFor(encoding)));
    encoders.set(encoding, e);
  }
  return e;
}
