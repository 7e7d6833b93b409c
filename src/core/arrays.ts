// Array helpers safe for any length. Spreading an array into push or Math.max passes every element as a
// function argument: past ~100k elements (200k junk ledger lines) that throws "Maximum call stack size
// exceeded". A test (test/security/editor-inputs.test.ts) keeps such spreads out of src/.

/** Appends every item of `items` to `target` (in place); returns `target`. */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The largest of `values` (and `floor`); `floor` when there are none. */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  return max;
}
