// Token counts of a prompt's messages in one encoding, kept across edits (the estimate worker): a
// message whose content did not change is not recounted, a long one that changed recounts only the
// chunks around the change (IncrementalCounter), a short one is looked up by its text — so inserting
// a section, which shifts every message after it, recounts nothing else. Memory stays proportional to
// the document: the lookup is pruned to the current contents, and only long messages have counters.
import type { EncodingName } from '../tokenize/encodings';
import { IncrementalCounter } from '../tokenize/incremental';
import { DEFAULT_CHUNK_SIZE } from '../tokenize/incremental';
import { getEncoder, type ShouldStop } from '../tokenize/bpe';

/** Contents at least this long get an IncrementalCounter (by message index); shorter ones are counted whole. */
const LONG = 4 * DEFAULT_CHUNK_SIZE;

export class MessageTokenCounts {
  private byText = new Map<string, number>();
  private long = new Map<number, IncrementalCounter>();
  private previous: readonly string[] = [];
  private previousCounts: number[] = [];

  constructor(readonly encoding: EncodingName) {}

  /** Counts of `contents` (empty → 0); a CancellationError from `shouldStop` leaves the state usable. */
  count(contents: readonly string[], shouldStop?: ShouldStop): number[] {
    const encoder = getEncoder(this.encoding);
    const byText = this.byText;
    const out = contents.map((c, i) => {
      if (c.length === 0) return 0;
      // the same string object at the same index (the incremental parse keeps unchanged contents)
      if (this.previous[i] === c) return this.previousCounts[i];
      if (c.length >= LONG) {
        let counter = this.long.get(i);
        if (!counter) this.long.set(i, (counter = new IncrementalCounter(this.encoding)));
        return counter.update(c, shouldStop);
      }
      let n = byText.get(c);
      if (n === undefined) byText.set(c, (n = encoder.count(c, shouldStop)));
      return n;
    });
    // Texts no message has any more are dropped once they are as many as the current ones.
    if (byText.size > 2 * contents.length + 64) {
      const live = new Map<string, number>();
      contents.forEach((c, i) => c.length > 0 && c.length < LONG && live.set(c, out[i]));
      this.byText = live;
    }
    for (const i of this.long.keys()) if (i >= contents.length || contents[i].length < LONG) this.long.delete(i);
    this.previous = contents;
    this.previousCounts = out;
    return out;
  }
}
