// Exact token counts for the open-model families (families.ts), identical to Hugging Face
// tokenizers' BPE model (tokenizers/src/models/bpe/word.rs, `merge_all`) on the same tokenizer.json:
//
// 1. The text is made well-formed (lone surrogates → U+FFFD) and normalized (NFC for Qwen,
//    " " → "▁" for Gemma).
// 2. It is cut into pieces by the family's Split patterns (behaviour Isolated: the matches and
//    the unmatched gaps between them are pieces); Gemma has none, so the whole text is one piece.
// 3. Each piece starts as its bytes (byte-level vocabularies) or its characters (SentencePiece;
//    a character not in the vocabulary becomes one byte-fallback token per UTF-8 byte and never
//    merges). Then, repeatedly, the adjacent pair whose merge comes first in `merges` is merged,
//    leftmost on ties — a quadratic loop for short pieces, a heap + linked list for long ones
//    (O(n log n), cancellable), as in bpe.ts.
// 4. With `ignore_merges` (Llama 3), a piece that is itself a token is one token.
//
// Added tokens: those tokenizer.json marks `special` (BOS, <|eot_id|>, <start_of_turn>…) are
// NOT recognised here — their strings are ordinary text, like tiktoken's encode_ordinary; chat
// framing (framing.ts) splits them out first. The other added tokens are ordinary vocabulary the
// tokenizer always matches before BPE (Gemma's newline and space runs and HTML tags, Qwen's
// <think>/<tool_call>, DeepSeek's <｜User｜>): they are matched here as Hugging Face does
// (leftmost, longest first), one token each.
import { ShouldStop, encodeUtf8, toWellFormed } from './bpe';
import { CancellationError } from '../cancellation';
import { MergeHeap, NO_MERGE as NONE, positionOf, rankOf } from './mergeHeap';
import { FamilyName, FamilySpec, FAMILIES, VERSION_ENCODINGS, splitRegex } from './families';
import type { VersionEncodingName } from './encodings';
import { AddedToken, Vocabulary, loadVocabulary } from './vocab';

const HEAP_THRESHOLD = 128;
const CACHE_MAX_PIECE = 64;
const CACHE_MAX_ENTRIES = 200_000;

export class FamilyEncoder {
  readonly name: FamilyName;
  readonly spec: FamilySpec;
  readonly vocab: Vocabulary;
  private readonly regexes: RegExp[];
  /** The non-special added tokens, longest first, as one alternation (undefined: none). */
  private readonly added: RegExp | undefined;
  private readonly heapThreshold: number;
  private cache = new Map<string, number>();
  private buf = new Uint8Array(1024);
  private bounds = new Int32Array(1025);
  private pr = new Int32Array(1025);
  private stop: ShouldStop | undefined;
  private pieces = 0;

  constructor(spec: FamilySpec, vocab: Vocabulary, options: { heapThreshold?: number; addedTokens?: readonly AddedToken[] } = {}) {
    this.name = spec.name;
    this.spec = spec;
    this.vocab = vocab;
    this.heapThreshold = options.heapThreshold ?? HEAP_THRESHOLD;
    this.regexes = spec.splits.map(splitRegex);
    this.added = addedTokenRegex((options.addedTokens ?? []).filter(([, , special]) => !special).map(([, content]) => content));
  }

  /** Number of tokens of `text` as ordinary text (special tokens not recognised; see the header). */
  count(text: string, shouldStop?: ShouldStop): number {
    if (text.length === 0) return 0;
    text = toWellFormed(text);
    this.stop = shouldStop;
    this.pieces = 0;
    try {
      const added = this.added;
      if (!added) return this.countNormalized(text);
      let total = 0;
      let last = 0;
      added.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = added.exec(text)) !== null) {
        if (m.index > last) total += this.countNormalized(text.slice(last, m.index));
        total += 1;
        last = added.lastIndex;
      }
      if (last < text.length) total += this.countNormalized(last === 0 ? text : text.slice(last));
      return total;
    } finally {
      this.stop = undefined;
    }
  }

  private countNormalized(text: string): number {
    return this.countSplit(this.spec.normalize ? this.spec.normalize(text) : text, 0);
  }

  /** The pre-tokenizer's pieces of `text` (after normalization; for tests and diagnostics). */
  split(text: string): string[] {
    const out: string[] = [];
    let t = toWellFormed(text);
    if (this.spec.normalize) t = this.spec.normalize(t);
    this.forEachPiece(t, 0, (p) => out.push(p));
    return out;
  }

  private forEachPiece(text: string, level: number, emit: (piece: string) => void): void {
    if (level === this.regexes.length) {
      emit(text);
      return;
    }
    const re = this.regexes[level];
    re.lastIndex = 0;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const end = re.lastIndex;
      if (m.index > last) this.forEachPiece(text.slice(last, m.index), level + 1, emit);
      this.forEachPiece(m[0], level + 1, emit);
      last = end;
      re.lastIndex = end; // the recursion may have used another regex; this one keeps its place
    }
    if (last < text.length) this.forEachPiece(last === 0 ? text : text.slice(last), level + 1, emit);
  }

  private countSplit(text: string, level: number): number {
    if (level === this.regexes.length) return this.cachedPiece(text);
    const re = this.regexes[level];
    let total = 0;
    let last = 0;
    let m: RegExpExecArray | null;
    re.lastIndex = 0;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const end = re.lastIndex;
      if (m.index > last) total += this.countSplit(text.slice(last, m.index), level + 1);
      total += this.countSplit(m[0], level + 1);
      last = end;
      re.lastIndex = end;
    }
    if (last < text.length) total += this.countSplit(last === 0 ? text : text.slice(last), level + 1);
    return total;
  }

  private cachedPiece(piece: string): number {
    const stop = this.stop;
    if (stop !== undefined && (++this.pieces & 4095) === 0 && stop()) throw new CancellationError('token count cancelled');
    let c = this.cache.get(piece);
    if (c === undefined) {
      c = this.countPiece(piece);
      if (piece.length <= CACHE_MAX_PIECE) {
        if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
        this.cache.set(piece, c);
      }
    }
    return c;
  }

  /** Token count of one pre-tokenized piece (already normalized). */
  countPiece(piece: string): number {
    const len = this.utf8(piece);
    if (len === 0) return 0;
    const vocab = this.vocab;
    if (vocab.ignoreMerges && vocab.id(this.buf, 0, len) >= 0) return 1;
    if (vocab.kind === 'byte-level') {
      if (len === 1) return 1;
      const b = this.bounds;
      for (let i = 0; i <= len; i++) b[i] = i;
      return this.merge(0, len);
    }
    // SentencePiece: characters; an unknown character is byte fallback and splits the piece
    let total = 0;
    let m = 0; // parts in the current segment
    const b = this.bounds;
    let segStart = 0;
    const buf = this.buf;
    for (let i = 0; i < len;) {
      const c = buf[i];
      const n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
      if (vocab.id(buf, i, i + n) >= 0) {
        b[segStart + m++] = i;
      } else {
        if (m > 0) {
          b[segStart + m] = i;
          total += this.merge(segStart, m);
        }
        total += n; // byte fallback: <0xXX> per byte
        segStart = i + n;
        m = 0;
      }
      i += n;
    }
    if (m > 0) {
      b[segStart + m] = len;
      total += this.merge(segStart, m);
    }
    return total;
  }

  /**
   * Merges the m parts whose boundaries are bounds[at .. at+m] (byte offsets into buf) and
   * returns how many parts remain. `at` only says where in `bounds` they are stored.
   */
  private merge(at: number, m: number): number {
    if (m <= 1) return m;
    const copy = this.bounds.subarray(at, at + m + 1);
    const lenBytes = copy[m] - copy[0];
    return lenBytes <= this.heapThreshold ? this.mergeSmall(copy, m) : this.mergeHeap(copy, m);
  }

  private mergeSmall(bounds: Int32Array, parts: number): number {
    const vocab = this.vocab;
    const buf = this.buf;
    const p = Int32Array.from(bounds); // p[0..m]
    const pr = this.pr.length > parts ? this.pr : (this.pr = new Int32Array(parts + 16));
    let m = parts;
    for (let i = 0; i < m - 1; i++) {
      const r = vocab.mergeRank(buf, p[i], p[i + 1], p[i + 2]);
      pr[i] = r < 0 ? NONE : r;
    }
    for (;;) {
      let min = NONE;
      let at = -1;
      for (let i = 0; i < m - 1; i++) {
        if (pr[i] < min) {
          min = pr[i];
          at = i;
        }
      }
      if (at < 0) break;
      // merge parts at and at+1: drop boundary p[at+1]
      for (let i = at + 1; i < m; i++) p[i] = p[i + 1];
      for (let i = at + 1; i < m - 1; i++) pr[i] = pr[i + 1];
      m--;
      if (at < m - 1) {
        const r = vocab.mergeRank(buf, p[at], p[at + 1], p[at + 2]);
        pr[at] = r < 0 ? NONE : r;
      }
      if (at > 0) {
        const r = vocab.mergeRank(buf, p[at - 1], p[at], p[at + 1]);
        pr[at - 1] = r < 0 ? NONE : r;
      }
    }
    return m;
  }

  /** Same merge order as mergeSmall, O(n log n): min-heap of (rank, part index) with lazy deletion. */
  private mergeHeap(bounds: Int32Array, parts: number): number {
    const vocab = this.vocab;
    const buf = this.buf;
    // parts are numbered 0..parts-1; part i spans start[i] .. start[next[i]] (start[parts] = end)
    const start = Int32Array.from(bounds);
    const next = new Int32Array(parts + 1);
    const prev = new Int32Array(parts + 1);
    const pr = new Int32Array(parts + 1); // merge rank of part i with its successor; NONE if none; -2 dead
    const heap = new MergeHeap(parts);
    for (let i = 0; i <= parts; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    for (let i = 0; i < parts - 1; i++) {
      const r = vocab.mergeRank(buf, start[i], start[i + 1], start[i + 2]);
      pr[i] = r < 0 ? NONE : r;
      if (r >= 0) heap.add(r, i);
    }
    pr[parts - 1] = NONE;
    heap.heapify();
    let count = parts;
    const stop = this.stop;
    let steps = 0;
    while (!heap.isEmpty) {
      if (stop !== undefined && (++steps & 0xffff) === 0 && stop()) throw new CancellationError('token count cancelled');
      const key = heap.pop();
      const r = rankOf(key);
      const i = positionOf(key, r);
      if (pr[i] !== r) continue; // stale
      const j = next[i];
      const k = next[j];
      next[i] = k;
      if (k <= parts) prev[k] = i;
      pr[j] = -2;
      count--;
      if (k < parts) {
        const r2 = vocab.mergeRank(buf, start[i], start[k], start[next[k]]);
        pr[i] = r2 < 0 ? NONE : r2;
        if (r2 >= 0) heap.push(r2, i);
      } else pr[i] = NONE;
      if (i > 0) {
        const h = prev[i];
        const r3 = vocab.mergeRank(buf, start[h], start[i], start[k]);
        pr[h] = r3 < 0 ? NONE : r3;
        if (r3 >= 0) heap.push(r3, h);
      }
    }
    return count;
  }

  /** Encodes `s` (well-formed) as UTF-8 into this.buf; returns the byte length. */
  private utf8(s: string): number {
    const n = s.length;
    if (this.buf.length < n * 3) {
      this.buf = new Uint8Array(n * 3 + 16);
      this.bounds = new Int32Array(n * 3 + 17);
    }
    return encodeUtf8(s, this.buf);
  }
}

/** One regex matching any of `contents`, longest first (Hugging Face matches added tokens leftmost-longest). */
export function addedTokenRegex(contents: readonly string[]): RegExp | undefined {
  if (contents.length === 0) return undefined;
  const sorted = [...contents].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'g');
}

const encoders = new Map<FamilyName, FamilyEncoder>();

/** The (lazily created) encoder of a family; loads only that family's vocabulary. */
export function getFamilyEncoder(family: FamilyName): FamilyEncoder {
  let e = encoders.get(family);
  if (!e) {
    const spec = FAMILIES[family];
    if (!spec) throw new Error(`unknown tokenizer family '${family}'`);
    const { vocab, meta } = loadVocabulary(family);
    e = new FamilyEncoder(spec, vocab, { addedTokens: meta.addedTokens });
    encoders.set(family, e);
  }
  return e;
}

const versionEncoders = new Map<VersionEncodingName, FamilyEncoder>();

/** The encoder of a model version (families.ts VERSION_ENCODINGS): its family's vocabulary, its own added tokens. */
export function getVersionEncoder(name: VersionEncodingName): FamilyEncoder {
  let e = versionEncoders.get(name);
  if (!e) {
    const { family, lastAddedId } = VERSION_ENCODINGS[name];
    const { vocab, meta } = loadVocabulary(family);
    e = new FamilyEncoder(FAMILIES[family], vocab, { addedTokens: meta.addedTokens.filter(([id]) => id <= lastAddedId) });
    versionEncoders.set(name, e);
  }
  return e;
}
