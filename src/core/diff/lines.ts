// Line alignment between two versions of a file (Myers' O(ND) diff over whole lines), used to follow
// prompts inside code as they move: an unchanged line maps to its new line number.

/** Lines equal in both versions: `oldToNew[i]` is the new 0-based line of old line i, or -1 if it changed. */
export interface LineMap {
  oldToNew: Int32Array;
  newToOld: Int32Array;
}

/** Beyond this many edits the middle is treated as one replaced block (bounded time on rewrites). */
const MAX_EDITS = 1000;

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function alignLines(oldLines: readonly string[], newLines: readonly string[]): LineMap {
  const oldToNew = new Int32Array(oldLines.length).fill(-1);
  const newToOld = new Int32Array(newLines.length).fill(-1);
  const link = (i: number, j: number) => {
    oldToNew[i] = j;
    newToOld[j] = i;
  };
  // Common prefix and suffix first: most edits touch a small middle.
  let start = 0;
  while (start < oldLines.length && start < newLines.length && oldLines[start] === newLines[start]) link(start, start++);
  let endOld = oldLines.length;
  let endNew = newLines.length;
  while (endOld > start && endNew > start && oldLines[endOld - 1] === newLines[endNew - 1]) link(--endOld, --endNew);
  // Intern lines to integers so the inner loop compares numbers.
  const ids = new Map<string, number>();
  const intern = (l: string) => {
    let id = ids.get(l);
    if (id === undefined) ids.set(l, (id = ids.size));
    return id;
  };
  const a = Int32Array.from(oldLines.slice(start, endOld), intern);
  const b = Int32Array.from(newLines.slice(start, endNew), intern);
  for (const [i, j] of myersMatches(a, b)) link(start + i, start + j);
  return { oldToNew, newToOld };
}

/** Matched index pairs of a shortest edit script (Myers 1986), in increasing order. */
function myersMatches(a: Int32Array, b: Int32Array): [number, number][] {
  const n = a.length;
  const m = b.length;
  if (!n || !m) return [];
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return []; // too different: no alignment inside the changed block
  // Walk the trace back from (n, m), collecting diagonal (equal) steps.
  const pairs: [number, number][] = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    let prevK: number;
    if (d === 0) prevK = 0;
    else prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) pairs.push([--x, --y]);
    if (d > 0) {
      x = prevX;
      y = prevY;
    }
  }
  return pairs.reverse();
}
