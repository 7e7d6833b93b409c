// Where a JSON text stops being valid JSON (RFC 8259), for a located "not valid JSON" error. V8's
// JSON.parse messages in Node 20 name no position ("Unexpected token 'x', …"), and asking the YAML parser
// instead cost 954 MB for 1 MB of invalid prompt-cost.json (issue 24 item 5). This scanner is one pass
// with an explicit stack: linear time, memory proportional to the nesting only.

/** The offset of the first character that cannot continue a JSON text; src.length if it ends too early; -1 if valid. */
export function jsonErrorOffset(src: string): number {
  const stack: ('{' | '[')[] = [];
  let i = skipWs(src, 0);
  // expecting: a value; after a value: `,` or the closer; in an object, a key then `:`
  for (;;) {
    // ---- a value (or, right after an opener, its closer) ----
    const c = src[i];
    if (c === '{' || c === '[') {
      stack.push(c);
      i = skipWs(src, i + 1);
      if (src[i] === (c === '{' ? '}' : ']')) {
        stack.pop();
        i++;
      } else if (c === '{') {
        i = keyColon(src, i);
        if (i < 0) return -i - 1;
        continue;
      } else continue;
    } else {
      const end = scalarEnd(src, i);
      if (end < 0) return -end - 1;
      i = end;
    }
    // ---- after a value ----
    for (;;) {
      i = skipWs(src, i);
      const top = stack[stack.length - 1];
      if (top === undefined) return i === src.length ? -1 : i;
      if (src[i] === ',') {
        i = skipWs(src, i + 1);
        if (top === '{') {
          i = keyColon(src, i);
          if (i < 0) return -i - 1;
        }
        break;
      }
      if (src[i] === (top === '{' ? '}' : ']')) {
        stack.pop();
        i++;
        continue;
      }
      return i;
    }
  }
}

function skipWs(src: string, i: number): number {
  while (i < src.length && (src[i] === ' ' || src[i] === '\t' || src[i] === '\n' || src[i] === '\r')) i++;
  return i;
}

/** After `"key"` and `:`, the offset of the value (whitespace skipped); -(error offset)-1 on an error. */
function keyColon(src: string, i: number): number {
  if (src[i] !== '"') return -i - 1;
  const end = stringEnd(src, i);
  if (end < 0) return end;
  const colon = skipWs(src, end);
  if (src[colon] !== ':') return -colon - 1;
  return skipWs(src, colon + 1);
}

/** The end of a string, number or literal starting at i; -(error offset)-1 on an error. */
function scalarEnd(src: string, i: number): number {
  const c = src[i];
  if (c === '"') return stringEnd(src, i);
  for (const lit of ['true', 'false', 'null'])
    if (c === lit[0]) {
      for (let k = 0; k < lit.length; k++) if (src[i + k] !== lit[k]) return -(i + k) - 1;
      return i + lit.length;
    }
  return numberEnd(src, i);
}

/** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, the error at the first character that breaks it. */
function numberEnd(src: string, i: number): number {
  const digit = (k: number) => src.charCodeAt(k) >= 48 && src.charCodeAt(k) <= 57;
  const digits = (k: number) => {
    while (digit(k)) k++;
    return k;
  };
  let k = i;
  if (src[k] === '-') k++;
  if (!digit(k)) return -k - 1;
  k = src[k] === '0' ? k + 1 : digits(k);
  if (src[k] === '.') {
    if (!digit(k + 1)) return -(k + 1) - 1;
    k = digits(k + 1);
  }
  if (src[k] === 'e' || src[k] === 'E') {
    k++;
    if (src[k] === '+' || src[k] === '-') k++;
    if (!digit(k)) return -k - 1;
    k = digits(k);
  }
  return k;
}

function stringEnd(src: string, i: number): number {
  for (let k = i + 1; k < src.length; k++) {
    const c = src.charCodeAt(k);
    if (c === 34) return k + 1;
    if (c < 0x20) return -k - 1;
    if (c === 92) {
      const e = src[k + 1];
      if (e === 'u') {
        // The error is at the first of the four that is not a hex digit (as V8 names it), not at the `u`.
        for (let h = k + 2; h < k + 6; h++) if (h >= src.length || !/[0-9a-fA-F]/.test(src[h])) return -Math.min(h, src.length) - 1;
        k += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) k++;
      else return -(k + 1) - 1;
    }
  }
  return -src.length - 1;
}
