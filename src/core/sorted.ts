// The one binary search over ascending offsets (line starts, chunk starts).

/** Index of the last element of `sorted` (ascending, non-empty) that is ≤ `value`; 0 when none is. */
export function lastAtOrBefore(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
