// Bounds checked before any YAML from a file reaches the `yaml` library (front matter, prompt-cost.json's
// error locator, Semantic Kernel prompt files). The library's time and memory are not linear in what a
// cloned repository can write (issue 24 item 5): its duplicate-key check compares every key of a mapping
// with every earlier one (30k keys in 290 KB: 29 s), and its memory grows with nesting (`x: - - - …`
// on one line, 200 KB: 3 s and 136 MB; 100k `[` in 200 KB: > 256 MB). So: a size cap, a conservative
// nesting bound that also counts indicators after a key, and duplicate keys found here in one pass
// (parse with `uniqueKeys: false`, then duplicateKeys()).
import { isMap, isScalar, visit, type Document } from 'yaml';

/** Larger YAML is not parsed (real front matter is a few hundred bytes). */
export const MAX_YAML_CHARS = 256 * 1024;
/** Deeper YAML is not parsed (real front matter nests a few levels). */
export const MAX_YAML_DEPTH = 1000;

/** Why `src` must not be parsed (a sentence fragment: "is larger than …"), or undefined when it may. */
export function yamlRefusal(src: string, maxChars = MAX_YAML_CHARS, maxDepth = MAX_YAML_DEPTH): string | undefined {
  if (src.length > maxChars) return `is larger than ${maxChars} characters`;
  if (yamlNestingExceeds(src, maxDepth)) return `nests deeper than ${maxDepth} levels`;
  return undefined;
}

/**
 * An upper bound on the YAML's nesting above `max`: open flow brackets, or on one line its indentation
 * plus every block indicator (`- `, `? `, `: `) on it, each of which can open a collection — also after
 * a key (`x: - - - …`). Conservative (brackets and `: ` in quoted strings count too).
 */
export function yamlNestingExceeds(src: string, max: number): boolean {
  let flow = 0;
  let line = 0; // indentation + indicators on this line
  let indent = true;
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      line = 0;
      indent = true;
      continue;
    }
    if (c === 32 && indent) line++;
    else indent = false;
    if ((c === 45 || c === 63 || c === 58) && isBlank(src.charCodeAt(i + 1))) line++;
    if (line > max) return true;
    if (c === 91 || c === 123) {
      if (++flow > max) return true;
    } else if ((c === 93 || c === 125) && flow > 0) flow--;
  }
  return false;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || Number.isNaN(c);
}

/**
 * Scalar keys repeated within one mapping (what `uniqueKeys: true` reports as "Map keys must be
 * unique"), in one pass with a set per mapping; each with the source offset of the repeated key.
 */
export function duplicateKeys(doc: Document.Parsed): { key: string; offset: number }[] {
  const out: { key: string; offset: number }[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const v = pair.key.value;
        if (seen.has(v)) out.push({ key: String(v), offset: pair.key.range?.[0] ?? 0 });
        else seen.add(v);
      }
    },
  });
  return out;
}
