// Template placeholder scanner: one left-to-right pass, no backtracking regexes, linear time.
//
// Heuristics (documented in the README paragraph too):
// - `{{ x }}`, `{{{ x }}}`, `{% ... %}`, `{# ... #}` (Jinja2 / Mustache / Handlebars): a tag must close
//   within MAX_TAG_LENGTH characters, otherwise the opener is plain text (an unclosed `{{` while typing
//   must not swallow the rest of the file).
// - `{name}` (Python str.format / LangChain f-string templates): only `{identifier}` with optional
//   `.attr`, `[index]`, `!r|!s|!a` conversion and a `:spec` of non-space characters, or a positional
//   `{0}`. `{"a": 1}`, `{ a: 1 }`, `{}` and any `{` directly after `$` are NOT placeholders.
//   `{{` is consumed as one unit (Mustache tag or format escape), so `{{name}}` is never also `{name}`.
// - `${name}` (VS Code `.prompt.md` variables such as `${input:topic}`, `${selection}`): a `$`, `{`,
//   then up to MAX_TAG_LENGTH characters without a newline or brace up to `}`.
// - `{% raw %}...{% endraw %}`: the raw contents are plain text.

import type { OffsetRange, Placeholder, PlaceholderKind, PlaceholderSyntax } from './types';

export interface PlaceholderStyles {
  /** `{{ }}`, `{{{ }}}`, `{% %}`, `{# #}` */
  mustache: boolean;
  /** `{name}` */
  format: boolean;
  /** `${name}` */
  dollar: boolean;
}

export const MAX_TAG_LENGTH = 1000;

/** Caches the next index of a needle so repeated searches from increasing positions stay linear. */
class NextIndex {
  private at = -2;
  private from = -1;
  constructor(
    private readonly text: string,
    private readonly needle: string,
    private readonly limit: number,
  ) {}
  find(from: number): number {
    if (this.at === -1 && from >= this.from) return -1;
    if (this.at >= from && from >= this.from) return this.at;
    this.from = from;
    const i = this.text.indexOf(this.needle, from);
    this.at = i < 0 || i + this.needle.length > this.limit ? -1 : i;
    return this.at;
  }
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Scans `text[start, end)` and appends placeholders (ranges are offsets into `text`).
 * Never throws; runs in O(end - start).
 */
export function findPlaceholders(
  text: string,
  styles: PlaceholderStyles,
  start = 0,
  end = text.length,
  out: Placeholder[] = [],
  /** Called after each placeholder found with its end offset; returning true stops the scan there (incremental re-scans). */
  stopAfter?: (end: number) => boolean,
): Placeholder[] {
  const closeMustache = new NextIndex(text, '}}', end);
  const closeBlock = new NextIndex(text, '%}', end);
  const closeComment = new NextIndex(text, '#}', end);
  const closeBrace = new NextIndex(text, '}', end);
  const nextNewline = new NextIndex(text, '\n', end);
  const nextOpen = new NextIndex(text, '{', end);
  let stop = false;
  let noEndRawFrom = Infinity;
  const push = (s: number, e: number, inner: string, kind: PlaceholderKind, syntax: PlaceholderSyntax): void => {
    out.push({ name: inner.trim(), kind, syntax, range: { start: s, end: e } });
    if (stopAfter?.(e)) stop = true;
  };
  let i = start;
  while (i < end && !stop) {
    const next = text.indexOf('{', i);
    if (next < 0 || next >= end) break;
    i = next;
    const c1 = i + 1 < end ? text.charCodeAt(i + 1) : -1;
    if (styles.dollar && i > start && text.charCodeAt(i - 1) === 36 /* $ */) {
      const close = closeBrace.find(i + 1);
      const nl = nextNewline.find(i + 1);
      const op = nextOpen.find(i + 1);
      if (close >= 0 && close - i <= MAX_TAG_LENGTH && (nl < 0 || nl > close) && (op < 0 || op > close)) {
        push(i - 1, close + 1, text.slice(i + 1, close), 'variable', 'dollar');
        i = close + 1;
        continue;
      }
      i++;
      continue;
    }
    if (styles.mustache && c1 === 123 /* { */) {
      const triple = i + 2 < end && text.charCodeAt(i + 2) === 123;
      const close = closeMustache.find(i + 2);
      if (close >= 0 && close - i <= MAX_TAG_LENGTH) {
        let e = close + 2;
        let innerStart = i + 2;
        const innerEnd = close;
        if (triple && e < end && text.charCodeAt(e) === 125) {
          innerStart = i + 3;
          e++;
        }
        let inner = text.slice(innerStart, innerEnd);
        // Jinja whitespace control: {{- x -}}
        if (inner.startsWith('-') || inner.startsWith('~')) inner = inner.slice(1);
        if (inner.endsWith('-') || inner.endsWith('~')) inner = inner.slice(0, -1);
        const t = inner.trim();
        let kind: PlaceholderKind = 'variable';
        let name = t;
        const lead = t.charCodeAt(0);
        if (lead === 35 /* # */ || lead === 47 /* / */ || lead === 94 /* ^ */) {
          kind = 'section';
        } else if (lead === 33 /* ! */) {
          kind = 'comment';
          name = t.slice(1);
        } else if (lead === 62 /* > */) {
          kind = 'partial';
          name = t.slice(1);
        } else if (lead === 38 /* & */) {
          name = t.slice(1);
        }
        push(i, e, name, kind, 'mustache');
        i = e;
        continue;
      }
      // Unclosed `{{`: a format-string escape or text being typed. Skip both braces.
      i += 2;
      continue;
    }
    if (styles.mustache && (c1 === 37 /* % */ || c1 === 35) /* # */) {
      const finder = c1 === 37 ? closeBlock : closeComment;
      const close = finder.find(i + 2);
      if (close >= 0 && close - i <= MAX_TAG_LENGTH) {
        let inner = text.slice(i + 2, close);
        if (inner.startsWith('-') || inner.startsWith('+') || inner.startsWith('~')) inner = inner.slice(1);
        if (inner.endsWith('-') || inner.endsWith('+') || inner.endsWith('~')) inner = inner.slice(0, -1);
        const e = close + 2;
        push(i, e, inner, c1 === 37 ? 'block' : 'comment', 'jinja');
        i = e;
        if (c1 === 37 && /^\s*raw\s*$/.test(inner)) {
          // Skip to the matching {% endraw %}: its contents are literal text.
          // (no `{% endraw %}` after an earlier unclosed raw means none after this one: linear time)
          const endRaw = i < noEndRawFrom ? findEndRaw(text, i, end) : undefined;
          if (!endRaw) noEndRawFrom = Math.min(noEndRawFrom, i);
          if (endRaw) {
            push(endRaw.start, endRaw.end, 'endraw', 'block', 'jinja');
            i = endRaw.end;
          }
        }
        continue;
      }
      i += 1;
      continue;
    }
    if (styles.format && c1 === 123) {
      i += 2; // `{{` escape in a format string
      continue;
    }
    if (styles.format) {
      const e = matchFormatField(text, i, end);
      if (e > 0) {
        push(i, e, text.slice(i + 1, e - 1), 'variable', 'format');
        i = e;
        continue;
      }
    }
    i++;
  }
  return out;
}

function findEndRaw(text: string, from: number, end: number): OffsetRange | undefined {
  let k = from;
  while (k < end) {
    const o = text.indexOf('{%', k);
    if (o < 0 || o >= end) return undefined;
    const c = text.indexOf('%}', o + 2);
    if (c < 0 || c + 2 > end) return undefined;
    const inner = text.slice(o + 2, Math.min(c, o + 2 + 40));
    if (/^[-+~]?\s*endraw\s*[-+~]?$/.test(inner)) return { start: o, end: c + 2 };
    k = o + 2;
  }
  return undefined;
}

/**
 * `{` at `i` starts a Python format field? Returns the end offset (after `}`) or -1.
 * Grammar accepted: `{` (identifier | digits) ( `.` identifier | `[` [^\]{}\n]* `]` )* (`!` [rsa])? (`:` spec)? `}`
 * where spec is 1..60 characters from a conservative set without whitespace or braces.
 */
export function matchFormatField(text: string, i: number, end: number): number {
  let k = i + 1;
  const limit = Math.min(end, i + 200);
  if (k >= limit) return -1;
  const c = text.charCodeAt(k);
  if (isIdentStart(c)) {
    while (k < limit && isIdentPart(text.charCodeAt(k))) k++;
  } else if (isDigit(c)) {
    while (k < limit && isDigit(text.charCodeAt(k))) k++;
  } else return -1;
  for (;;) {
    if (k >= limit) return -1;
    const d = text.charCodeAt(k);
    if (d === 46 /* . */) {
      k++;
      if (k >= limit || !isIdentStart(text.charCodeAt(k))) return -1;
      while (k < limit && isIdentPart(text.charCodeAt(k))) k++;
    } else if (d === 91 /* [ */) {
      k++;
      while (k < limit && !'[]{}\n"\' '.includes(text[k])) k++;
      if (k >= limit || text[k] !== ']') return -1;
      k++;
    } else break;
  }
  if (text.charCodeAt(k) === 33 /* ! */) {
    if (k + 1 < limit && 'rsa'.includes(text[k + 1])) k += 2;
    else return -1;
  }
  if (k < limit && text.charCodeAt(k) === 58 /* : */) {
    k++;
    const specStart = k;
    while (k < limit && /[<>=^+\-#0-9,_.a-zA-Z%]/.test(text[k])) k++;
    if (k === specStart || k - specStart > 60) return -1;
  }
  if (k < limit && text.charCodeAt(k) === 125 /* } */) return k + 1;
  return -1;
}
