// A small, error-tolerant lexer for Python and JavaScript/TypeScript: just enough to find string
// literals (with decoded values and interpolations), identifiers, brackets and operators.
// Linear time; never throws; incomplete code (unterminated strings, missing brackets) is fine:
// a single-line string stops at the end of its line, a triple-quoted/template string at EOF.

import { findPlaceholders } from './placeholders';
import type { Placeholder } from './types';

export type CodeLanguage = 'python' | 'js';

export interface StringLiteral {
  /** The decoded value (escapes decoded; interpolations kept as written, e.g. `{name}` / `${name}`). */
  value: string;
  placeholders: Placeholder[];
  unterminated: boolean;
  /** Python prefix letters, lowercased (`f`, `rb`, ...); `` ` `` for JS templates. */
  prefix: string;
  /** Contains code interpolations (f-string fields, `${}`): the value is not a constant. */
  interpolated: boolean;
  bytes: boolean;
}

export interface CodeToken {
  kind: 'ident' | 'string' | 'number' | 'punct' | 'op';
  start: number;
  end: number;
  /** Identifier name, punctuation/operator text; for strings the source text is not copied. */
  text: string;
  /** A line break separates this token from the previous one (line continuations excluded). */
  nl: boolean;
  str?: StringLiteral;
}

const PY_PREFIXES = new Set(['r', 'u', 'b', 'f', 't', 'br', 'rb', 'fr', 'rf', 'tr', 'rt']);
const OPS3 = new Set(['...', '===', '!==', '**=', '//=', '>>=', '<<=', '>>>', '??=', '&&=', '||=']);
const OPS2 = new Set([
  '==',
  '!=',
  '<=',
  '>=',
  ':=',
  '->',
  '=>',
  '**',
  '//',
  '?.',
  '??',
  '&&',
  '||',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '|=',
  '&=',
  '^=',
  '<<',
  '>>',
  '++',
  '--',
  '@=',
]);
const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', ';', '.']);
const REGEX_KEYWORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isHex(s: string): boolean {
  return s.length > 0 && /^[0-9a-fA-F]+$/.test(s);
}

/** Source code → lexical tokens (`CodeToken`; not to be confused with the BPE tokens of src/core/tokenize). */
export function lexCode(text: string, lang: CodeLanguage): CodeToken[] {
  const toks: CodeToken[] = [];
  const len = text.length;
  let i = 0;
  let nl = false;
  const push = (kind: CodeToken['kind'], start: number, end: number, t: string, str?: StringLiteral): void => {
    toks.push({ kind, start, end, text: t, nl, str });
    nl = false;
  };
  while (i < len) {
    const c = text.charCodeAt(i);
    // whitespace
    if (c === 10) {
      nl = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11 || c === 0xfeff || c === 0xa0) {
      i++;
      continue;
    }
    if (c === 92 /* \ */ && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3; // line continuation
      continue;
    }
    // comments
    if (lang === 'python' && c === 35 /* # */) {
      const e = text.indexOf('\n', i);
      i = e < 0 ? len : e;
      continue;
    }
    if (lang === 'js' && c === 47 /* / */) {
      const d = text[i + 1];
      if (d === '/') {
        const e = text.indexOf('\n', i);
        i = e < 0 ? len : e;
        continue;
      }
      if (d === '*') {
        const e = text.indexOf('*/', i + 2);
        const end = e < 0 ? len : e + 2;
        if (text.slice(i, end).includes('\n')) nl = true;
        i = end;
        continue;
      }
      if (regexAllowed(toks)) {
        const e = skipRegex(text, i);
        push('op', i, e, 'regex');
        i = e;
        continue;
      }
    }
    // strings
    if (c === 34 || c === 39 || (c === 96 && lang === 'js')) {
      const r = lang === 'python' ? scanPyString(text, i, '') : c === 96 ? scanTemplate(text, i, isStringRaw(toks)) : scanJsString(text, i);
      push('string', i, r.end, '', r.lit);
      i = r.end;
      continue;
    }
    if (isIdentStart(c) || (lang === 'js' && c === 35) /* #private */) {
      let k = i + 1;
      while (k < len && isIdentPart(text.charCodeAt(k))) k++;
      const word = text.slice(i, k);
      if (lang === 'python' && k < len && (text[k] === '"' || text[k] === "'") && word.length <= 2 && PY_PREFIXES.has(word.toLowerCase())) {
        const r = scanPyString(text, k, word.toLowerCase());
        push('string', i, r.end, '', r.lit);
        i = r.end;
        continue;
      }
      push('ident', i, k, word);
      i = k;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let k = i + 1;
      while (k < len && (isIdentPart(text.charCodeAt(k)) || text[k] === '.')) k++;
      push('number', i, k, text.slice(i, k));
      i = k;
      continue;
    }
    const ch = text[i];
    if (ch === '.' && /[0-9]/.test(text[i + 1] ?? '')) {
      let k = i + 1;
      while (k < len && isIdentPart(text.charCodeAt(k))) k++;
      push('number', i, k, text.slice(i, k));
      i = k;
      continue;
    }
    const three = text.substr(i, 3);
    if (OPS3.has(three)) {
      push('op', i, i + 3, three);
      i += 3;
      continue;
    }
    const two = text.substr(i, 2);
    if (OPS2.has(two)) {
      push('op', i, i + 2, two);
      i += 2;
      continue;
    }
    push(PUNCT.has(ch) ? 'punct' : 'op', i, i + 1, ch);
    i++;
  }
  return toks;
}

function isStringRaw(toks: CodeToken[]): boolean {
  const n = toks.length;
  return n >= 3 && toks[n - 1].text === 'raw' && toks[n - 2].text === '.' && toks[n - 3].text === 'String';
}

function regexAllowed(toks: CodeToken[]): boolean {
  const prev = toks[toks.length - 1];
  if (!prev) return true;
  if (prev.kind === 'ident') return REGEX_KEYWORDS.has(prev.text);
  if (prev.kind === 'string' || prev.kind === 'number') return false;
  if (prev.kind === 'punct') return prev.text !== ')' && prev.text !== ']' && prev.text !== '}';
  return prev.text !== 'regex' && prev.text !== '++' && prev.text !== '--';
}

function skipRegex(text: string, i: number): number {
  let k = i + 1;
  let inClass = false;
  while (k < text.length) {
    const c = text[k];
    if (c === '\n') return k;
    if (c === '\\') k += 2;
    else if (c === '[' || c === ']') {
      inClass = c === '[';
      k++;
    } else if (c === '/' && !inClass) {
      k++;
      while (k < text.length && isIdentPart(text.charCodeAt(k))) k++;
      return k;
    } else k++;
  }
  // a trailing backslash steps past the end
  return Math.min(k, text.length);
}

interface ScanResult {
  end: number;
  lit: StringLiteral;
}

/** Builds a decoded string from slices and decoded pieces without quadratic concatenation. */
class Builder {
  private parts: string[] = [];
  add(s: string): void {
    if (s) this.parts.push(s);
  }
  done(): string {
    return this.parts.join('');
  }
}

function decodePyEscape(text: string, k: number, bytes: boolean): { value: string; next: number } {
  const c = text[k + 1];
  if (c === undefined) return { value: '\\', next: k + 1 };
  const simple: Record<string, string> = {
    '\\': '\\',
    "'": "'",
    '"': '"',
    a: '\x07',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
  };
  if (c in simple) return { value: simple[c], next: k + 2 };
  if (c === '\n') return { value: '', next: k + 2 };
  if (c === '\r') return { value: '', next: text[k + 2] === '\n' ? k + 3 : k + 2 };
  if (c >= '0' && c <= '7') {
    let e = k + 1;
    while (e < k + 4 && text[e] >= '0' && text[e] <= '7') e++;
    return { value: String.fromCharCode(parseInt(text.slice(k + 1, e), 8)), next: e };
  }
  const hexLen = c === 'x' ? 2 : !bytes && c === 'u' ? 4 : !bytes && c === 'U' ? 8 : 0;
  if (hexLen) {
    const h = text.substr(k + 2, hexLen);
    if (h.length === hexLen && isHex(h)) {
      const cp = parseInt(h, 16);
      if (cp <= 0x10ffff) return { value: String.fromCodePoint(cp), next: k + 2 + hexLen };
    }
  }
  return { value: '\\' + c, next: k + 2 }; // unknown escape (incl. \N{...}): kept as written
}

function decodeJsEscape(text: string, k: number): { value: string; next: number } {
  const c = text[k + 1];
  if (c === undefined) return { value: '', next: k + 1 };
  const simple: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  if (c in simple) return { value: simple[c], next: k + 2 };
  if (c === '0' && !/[0-9]/.test(text[k + 2] ?? '')) return { value: '\0', next: k + 2 };
  if (c === '\n' || c === '\u2028' || c === '\u2029') return { value: '', next: k + 2 };
  if (c === '\r') return { value: '', next: text[k + 2] === '\n' ? k + 3 : k + 2 };
  if (c === 'x') {
    const h = text.substr(k + 2, 2);
    if (h.length === 2 && isHex(h)) return { value: String.fromCharCode(parseInt(h, 16)), next: k + 4 };
  }
  if (c === 'u') {
    if (text[k + 2] === '{') {
      const close = text.indexOf('}', k + 3);
      const h = close > 0 && close - k < 12 ? text.slice(k + 3, close) : '';
      if (isHex(h) && parseInt(h, 16) <= 0x10ffff) return { value: String.fromCodePoint(parseInt(h, 16)), next: close + 1 };
    } else {
      const h = text.substr(k + 2, 4);
      if (h.length === 4 && isHex(h)) return { value: String.fromCharCode(parseInt(h, 16)), next: k + 6 };
    }
  }
  // Unknown escapes drop the backslash in JS; a following surrogate pair stays intact.
  const cp = text.codePointAt(k + 1)!;
  const ch = String.fromCodePoint(cp);
  return { value: ch, next: k + 1 + ch.length };
}

/** Python string whose opening quote is at `q` (prefix letters, lowercased, before it). */
export function scanPyString(text: string, q: number, prefix: string): ScanResult {
  const quote = text[q];
  const triple = text[q + 1] === quote && text[q + 2] === quote;
  const raw = prefix.includes('r');
  const fstr = prefix.includes('f') || prefix.includes('t');
  const bytes = prefix.includes('b');
  const len = text.length;
  const b = new Builder();
  const placeholders: Placeholder[] = [];
  let k = q + (triple ? 3 : 1);
  let chunk = k;
  const bodyStart = k;
  let unterminated = true;
  let end = len;
  while (k < len) {
    const c = text[k];
    if (c === quote && (!triple || (text[k + 1] === quote && text[k + 2] === quote))) {
      b.add(text.slice(chunk, k));
      end = k + (triple ? 3 : 1);
      unterminated = false;
      break;
    }
    if (c === '\n' && !triple) {
      b.add(text.slice(chunk, k));
      end = k;
      break;
    }
    if (c === '\\') {
      b.add(text.slice(chunk, k));
      if (raw) {
        b.add(text.slice(k, Math.min(len, k + 2)));
        k += 2;
      } else {
        const d = decodePyEscape(text, k, bytes);
        b.add(d.value);
        k = d.next;
      }
      chunk = k;
      continue;
    }
    if (fstr && (c === '{' || c === '}')) {
      b.add(text.slice(chunk, k));
      if (text[k + 1] === c) {
        b.add(c);
        k += 2;
      } else if (c === '{') {
        const close = skipPyExpr(text, k + 1, triple);
        const e = close < len && text[close] === '}' ? close + 1 : close;
        b.add(text.slice(k, e));
        placeholders.push({
          name: fieldExpression(text.slice(k + 1, Math.max(k + 1, e - 1))),
          kind: 'interpolation',
          syntax: 'fstring',
          range: { start: k, end: e },
        });
        k = e;
      } else {
        b.add(c);
        k++;
      }
      chunk = k;
      continue;
    }
    k++;
  }
  if (k >= len && unterminated) b.add(text.slice(chunk, len));
  if (!fstr && !bytes) {
    const bodyEnd = unterminated ? end : end - (triple ? 3 : 1);
    findPlaceholders(text, { mustache: true, format: true, dollar: false }, bodyStart, bodyEnd, placeholders);
  }
  return { end, lit: { value: b.done(), placeholders, unterminated, prefix, interpolated: fstr && placeholders.length > 0, bytes } };
}

/** `x!r:>10` → `x`; `x=` (self-documenting) → `x`; brackets and strings are respected. */
function fieldExpression(field: string): string {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < field.length; i++) {
    const c = field[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && (c === ':' || (c === '!' && field[i + 1] !== '='))) return trimSelfDoc(field.slice(0, i));
  }
  return trimSelfDoc(field);
}

function trimSelfDoc(s: string): string {
  const t = s.trim();
  return t.endsWith('=') && !/[=!<>]=$/.test(t) ? t.slice(0, -1).trim() : t;
}

/** Skips a Python f-string replacement field; returns the index of its closing `}` (or where it stopped). */
function skipPyExpr(text: string, k: number, tripleOuter: boolean): number {
  let depth = 0;
  const len = text.length;
  while (k < len) {
    const c = text[k];
    if (c === '\n' && !tripleOuter) return k;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']') depth = Math.max(0, depth - 1);
    else if (c === '}') {
      if (depth === 0) return k;
      depth--;
    } else if (c === '"' || c === "'") {
      const r = scanPyString(text, k, '');
      if (r.lit.unterminated) return r.end;
      k = r.end;
      continue;
    }
    k++;
  }
  return len;
}

export function scanJsString(text: string, start: number): ScanResult {
  const quote = text[start];
  const len = text.length;
  const b = new Builder();
  let k = start + 1;
  let chunk = k;
  let end = len;
  let unterminated = true;
  while (k < len) {
    const c = text[k];
    if (c === quote) {
      b.add(text.slice(chunk, k));
      end = k + 1;
      unterminated = false;
      break;
    }
    if (c === '\n') {
      b.add(text.slice(chunk, k));
      end = k;
      break;
    }
    if (c === '\\') {
      b.add(text.slice(chunk, k));
      const d = decodeJsEscape(text, k);
      b.add(d.value);
      k = d.next;
      chunk = k;
      continue;
    }
    k++;
  }
  if (k >= len && unterminated) b.add(text.slice(chunk, len));
  const placeholders = findPlaceholders(text, { mustache: true, format: true, dollar: false }, start + 1, unterminated ? end : end - 1);
  return { end, lit: { value: b.done(), placeholders, unterminated, prefix: '', interpolated: false, bytes: false } };
}

/** Template literals nested deeper than this (`${`${`…) are not followed: the rest is unterminated (no stack overflow). */
const MAX_TEMPLATE_NESTING = 200;

export function scanTemplate(text: string, start: number, raw: boolean, nesting = 0): ScanResult {
  const len = text.length;
  const b = new Builder();
  const placeholders: Placeholder[] = [];
  let k = start + 1;
  let chunk = k;
  let end = len;
  let unterminated = true;
  let staticStart = k;
  const scanStatic = (to: number): void => {
    findPlaceholders(text, { mustache: true, format: true, dollar: false }, staticStart, to, placeholders);
  };
  while (k < len) {
    const c = text[k];
    if (c === '`') {
      b.add(text.slice(chunk, k));
      scanStatic(k);
      end = k + 1;
      unterminated = false;
      break;
    }
    if (c === '\\') {
      b.add(text.slice(chunk, k));
      if (raw) {
        b.add(text.slice(k, Math.min(len, k + 2)));
        k += 2;
      } else {
        const d = decodeJsEscape(text, k);
        b.add(d.value);
        k = d.next;
      }
      chunk = k;
      continue;
    }
    if (c === '$' && text[k + 1] === '{') {
      b.add(text.slice(chunk, k));
      scanStatic(k);
      const close = nesting >= MAX_TEMPLATE_NESTING ? len : skipJsExpr(text, k + 2, nesting + 1);
      const e = close < len ? close + 1 : len;
      b.add(text.slice(k, e));
      placeholders.push({
        name: text.slice(k + 2, Math.max(k + 2, e - 1)).trim(),
        kind: 'interpolation',
        syntax: 'template-literal',
        range: { start: k, end: e },
      });
      k = e;
      chunk = k;
      staticStart = k;
      continue;
    }
    k++;
  }
  if (unterminated) {
    b.add(text.slice(chunk, len));
    scanStatic(len);
  }
  const interpolated = placeholders.some((p) => p.syntax === 'template-literal');
  return { end, lit: { value: b.done(), placeholders, unterminated, prefix: '`', interpolated, bytes: false } };
}

/** Skips a `${...}` expression; returns the index of the closing `}` or text.length. */
function skipJsExpr(text: string, k: number, nesting: number): number {
  let depth = 0;
  const len = text.length;
  while (k < len) {
    const c = text[k];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth = Math.max(0, depth - 1);
    else if (c === '}') {
      if (depth === 0) return k;
      depth--;
    } else if (c === '"' || c === "'") {
      k = scanJsString(text, k).end;
      continue;
    } else if (c === '`') {
      k = scanTemplate(text, k, false, nesting).end;
      continue;
    } else if (c === '/' && text[k + 1] === '/') {
      const e = text.indexOf('\n', k);
      k = e < 0 ? len : e;
      continue;
    } else if (c === '/' && text[k + 1] === '*') {
      const e = text.indexOf('*/', k + 2);
      k = e < 0 ? len : e + 2;
      continue;
    }
    k++;
  }
  return len;
}
