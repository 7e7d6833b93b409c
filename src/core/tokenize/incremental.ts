// Incremental counting: the text is cut into chunks at positions where tiktoken's split regex
// always starts a new piece, so count(text) === Σ count(chunk). Chunk counts are cached by
// chunk text; an edit re-splits and recounts only the chunks around it.
//
// A position p (0 < p < length) is a safe cut ("chunk boundary") when either
//  (A) text[p-1] is '\n' or '\r' and text[p] is not whitespace, and additionally
//      - o200k_base / o200k_harmony: text[p] is not '/' (their punctuation piece
//        ` ?[^\s\p{L}\p{N}]+[\r\n/]*` may run "!\n/" across the line break);
//      - r50k_base / p50k_base: p === 1 or text[p-2] is not whitespace (without a
//        `\s*[\r\n]+` alternative, "  \n" + "x" splits as "  ", "\n" but "  \n" at the end of a
//        chunk would be one piece);
//      - llama3, qwen3, deepseek_v3: as cl100k_base (their patterns end with the same whitespace
//        alternatives, and no alternative continues a piece across a line break into non-whitespace);
//      - gemma3: only after the last '\n' of a run (its newline runs are added tokens, no other
//        token contains a newline; elsewhere merges may cross any character);
//  (B) text[p-1] is not whitespace and text[p] is whitespace other than '\r' / '\n' (no
//      alternative of any of the five patterns can continue a piece that has consumed a
//      non-whitespace character with a space or tab, and none looks behind).
// "Whitespace" is Unicode White_Space, the `\s` of tiktoken's Rust regex.
// Both rules are checked by property tests against full counts for every encoding.
import { EncodingName, isWhiteSpaceCode } from './encodings';
import { ShouldStop, TokenCounter, getEncoder } from './bpe';
import { lastAtOrBefore } from '../sorted';

export const DEFAULT_CHUNK_SIZE = 2048;
const CACHE_MAX_CHUNKS = 8192;

/** True if cutting `text` before index p leaves the token count unchanged (rules above). */
export function isChunkBoundary(text: string, p: number, encoding: EncodingName): boolean {
  if (p <= 0 || p >= text.length) return false;
  // Gemma: no pre-tokenizer, but newline runs are added tokens (no other token contains a newline):
  // the end of a newline run is a safe cut, nothing else is
  if (encoding === 'gemma3') return text.charCodeAt(p - 1) === 0x0a && text.charCodeAt(p) !== 0x0a;
  const before = text.charCodeAt(p - 1);
  const at = text.charCodeAt(p);
  const atWs = isWhiteSpaceCode(at);
  if (before === 0x0a || before === 0x0d) {
    if (atWs) return false;
    if (encoding === 'o200k_base' || encoding === 'o200k_harmony' || encoding === 'tekken') return at !== 0x2f;
    if (encoding === 'r50k_base' || encoding === 'p50k_base' || encoding === 'claude')
      return p === 1 || !isWhiteSpaceCode(text.charCodeAt(p - 2));
    return true;
  }
  return atWs && at !== 0x0a && at !== 0x0d && !isWhiteSpaceCode(before);
}

/** Offsets where `text` is cut into chunks of at least `target` UTF-16 units (last may be shorter). */
export function chunkStarts(text: string, encoding: EncodingName, target = DEFAULT_CHUNK_SIZE): number[] {
  const starts = [0];
  const n = text.length;
  let p = target;
  while (p < n) {
    // prefer a cut after a line break within the next target/2 units, else the first safe cut
    const windowEnd = Math.min(n, p + (target >> 1));
    let any = -1;
    let cut = -1;
    for (let q = p; q < n; q++) {
      if (!isChunkBoundary(text, q, encoding)) {
        if (q >= windowEnd && any >= 0) break;
        continue;
      }
      const prev = text.charCodeAt(q - 1);
      if (prev === 0x0a || prev === 0x0d) {
        cut = q;
        break;
      }
      if (any < 0) any = q;
      if (q >= windowEnd) break;
    }
    if (cut < 0) cut = any;
    if (cut < 0) break;
    starts.push(cut);
    p = cut + target;
  }
  return starts;
}

/** The chunks of `text` (see chunkStarts). */
export function splitChunks(text: string, encoding: EncodingName, target = DEFAULT_CHUNK_SIZE): string[] {
  const starts = chunkStarts(text, encoding, target);
  return starts.map((s, i) => text.slice(s, i + 1 < starts.length ? starts[i + 1] : text.length));
}

/**
 * Keeps a document's token count up to date under edits. After a one-character edit only
 * the (about three) chunks around it are re-split and recounted, so a 1 MB document updates
 * in well under a millisecond on typical text.
 */
export class IncrementalCounter {
  readonly encoding: EncodingName;
  private readonly encoder: TokenCounter;
  private readonly chunkSize: number;
  private chunks: string[] = [''];
  private counts: number[] = [0];
  private starts: number[] = [0];
  private length = 0;
  private sum = 0;
  private cache = new Map<string, number>();
  /** The text of the last `update` (compared by reference first). */
  private lastText: string | undefined;

  constructor(encoding: EncodingName, options: { chunkSize?: number } = {}) {
    this.encoding = encoding;
    this.encoder = getEncoder(encoding);
    this.chunkSize = Math.max(16, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  }

  /** Current token count. */
  get total(): number {
    return this.sum;
  }

  /** Current text (joins the chunks; for tests and diagnostics). */
  get text(): string {
    return this.chunks.join('');
  }

  /** Number of chunks the document is cut into. */
  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Replaces the whole text; unchanged chunks are found in the cache. Returns the new total. */
  setText(text: string, shouldStop?: ShouldStop): number {
    const chunks = splitChunks(text, this.encoding, this.chunkSize);
    const counts = chunks.map((c) => this.countChunk(c, shouldStop));
    this.lastText = text;
    this.chunks = chunks;
    this.counts = counts;
    this.length = text.length;
    this.rebuildStarts(0);
    this.sum = counts.reduce((a, b) => a + b, 0);
    return this.sum;
  }

  /**
   * Applies one edit (VS Code's contentChanges shape: rangeOffset, rangeLength, text) and
   * returns the new total. Offsets are UTF-16 code units.
   */
  applyEdit(offset: number, deleteLength: number, insertText: string): number {
    if (offset < 0 || deleteLength < 0 || offset + deleteLength > this.length) {
      throw new RangeError(`edit ${offset}+${deleteLength} outside document of length ${this.length}`);
    }
    this.lastText = undefined;
    const n = this.chunks.length;
    const i = this.chunkAt(offset);
    const j = this.chunkAt(offset + deleteLength);
    const lo = Math.max(0, i - 1);
    const hi = Math.min(n - 1, j + 1);
    const regionStart = this.starts[lo];
    let region = '';
    for (let k = lo; k <= hi; k++) region += this.chunks[k];
    const rel = offset - regionStart;
    region = region.slice(0, rel) + insertText + region.slice(rel + deleteLength);
    return this.replaceChunks(lo, hi, region, insertText.length - deleteLength);
  }

  /**
   * Replaces the text with `text` when the caller does not know the edit (a re-parsed message): the
   * chunks equal at the start and at the end are kept (compared in place, no character loop), the
   * rest re-split and recounted as `applyEdit` does. Returns the new total.
   */
  update(text: string, shouldStop?: ShouldStop): number {
    // the same string as last time (a message the edit did not touch): nothing to compare
    if (text === this.lastText) return this.sum;
    const total = this.updateChunks(text, shouldStop);
    this.lastText = text;
    return total;
  }

  private updateChunks(text: string, shouldStop?: ShouldStop): number {
    const { chunks, starts } = this;
    const n = chunks.length;
    const oldLen = this.length;
    if (n === 1 && oldLen === 0) return this.setText(text, shouldStop);
    // first chunk that differs, from the start
    let i = 0;
    // (a slice compared with === is a memory compare; startsWith walks characters)
    while (i < n && text.slice(starts[i], starts[i] + chunks[i].length) === chunks[i]) i++;
    if (i === n && text.length === oldLen) return this.sum;
    const prefixEnd = i < n ? starts[i] : oldLen;
    // last chunk that differs, from the end (never overlapping the kept prefix)
    const delta = text.length - oldLen;
    let j = n - 1;
    while (j >= i && starts[j] + delta >= prefixEnd && text.slice(starts[j] + delta, starts[j] + delta + chunks[j].length) === chunks[j])
      j--;
    // Re-split one chunk more on each side: the cut before the first changed chunk and after the
    // last one may no longer be safe (the rule looks at up to two characters before a cut).
    const lo = Math.max(0, i - 1);
    let hi = Math.min(n - 1, j + 1);
    while (hi < n - 1 && starts[hi + 1] - starts[Math.max(j + 1, 0)] < 2) hi++;
    if (hi < lo) hi = lo;
    const regionStart = starts[lo];
    const regionEnd = starts[hi] + chunks[hi].length + delta;
    return this.replaceChunks(lo, hi, text.slice(regionStart, regionEnd), delta, shouldStop);
  }

  private replaceChunks(lo: number, hi: number, region: string, delta: number, shouldStop?: ShouldStop): number {
    const newChunks = region.length === 0 ? [] : splitChunks(region, this.encoding, this.chunkSize);
    const newCounts = newChunks.map((c) => this.countChunk(c, shouldStop));
    let removed = 0;
    for (let k = lo; k <= hi; k++) removed += this.counts[k];
    const added = newCounts.reduce((a, b) => a + b, 0);
    this.chunks.splice(lo, hi - lo + 1, ...newChunks);
    this.counts.splice(lo, hi - lo + 1, ...newCounts);
    if (this.chunks.length === 0) {
      this.chunks = [''];
      this.counts = [0];
    }
    this.length += delta;
    this.sum += added - removed;
    this.rebuildStarts(lo);
    return this.sum;
  }

  /** Index of the chunk containing offset (the last chunk for offset === length). */
  private chunkAt(offset: number): number {
    return lastAtOrBefore(this.starts, offset);
  }

  private rebuildStarts(from: number): void {
    const s = this.starts;
    s.length = this.chunks.length;
    let pos = from === 0 ? 0 : s[from - 1] + this.chunks[from - 1].length;
    for (let k = from; k < this.chunks.length; k++) {
      s[k] = pos;
      pos += this.chunks[k].length;
    }
  }

  private countChunk(chunk: string, shouldStop?: ShouldStop): number {
    let c = this.cache.get(chunk);
    if (c === undefined) {
      c = this.encoder.count(chunk, shouldStop);
      if (this.cache.size >= CACHE_MAX_CHUNKS) this.cache.clear();
      this.cache.set(chunk, c);
    }
    return c;
  }
}
