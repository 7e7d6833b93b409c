// The priority queue of both BPE engines' long-piece merge (bpe.ts for rank tables, hfbpe.ts for
// merge lists): a binary min-heap of float keys rank * 2^32 + position, so the lowest rank wins and
// ties go to the leftmost pair, as in tiktoken and Hugging Face tokenizers. Entries are never removed
// when a merge makes them stale: the engines skip a popped key whose rank no longer matches (lazy deletion).

/** Rank of "no merge possible" (above every real rank). */
export const NO_MERGE = 0x7fffffff;

const POS_SCALE = 4294967296; // 2^32: positions stay below it, ranks below 2^21, so keys are exact doubles

export class MergeHeap {
  private heap: Float64Array;
  private size = 0;

  constructor(capacity: number) {
    this.heap = new Float64Array(capacity + 16);
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** Adds a candidate without ordering: bulk loading, followed by one heapify(). */
  add(rank: number, position: number): void {
    this.heap[this.size++] = rank * POS_SCALE + position;
  }

  heapify(): void {
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  push(rank: number, position: number): void {
    const key = rank * POS_SCALE + position;
    if (this.size === this.heap.length) {
      const grown = new Float64Array(this.heap.length * 2);
      grown.set(this.heap);
      this.heap = grown;
    }
    const heap = this.heap;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= key) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = key;
  }

  /** Removes the smallest key (the heap must not be empty); read it with rankOf/positionOf. */
  pop(): number {
    const heap = this.heap;
    const key = heap[0];
    this.size--;
    if (this.size > 0) {
      heap[0] = heap[this.size];
      this.siftDown(0);
    }
    return key;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const size = this.size;
    const key = heap[i];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && heap[c + 1] < heap[c]) c++;
      if (heap[c] >= key) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = key;
  }
}

export function rankOf(key: number): number {
  return Math.floor(key / POS_SCALE);
}

/** The position of a key whose rank is known (saves a second division on the hot path). */
export function positionOf(key: number, rank: number): number {
  return key - rank * POS_SCALE;
}
