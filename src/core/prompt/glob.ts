// The one glob matcher: VS Code `files.exclude`-style globs (prompt-cost.json, `promptCost.promptFiles`)
// and Python `fnmatch` patterns (flujo.toml `[budgets.pipeline."<glob>"]`, compileFnmatch).
//
// Syntax: `**` (any number of path segments, including none), `*` (any characters within a
// segment), `?` (one character within a segment), `{a,b}` (alternatives, nestable),
// `[abc]` / `[a-z]` / `[!a]` (character classes). `\` in paths and patterns is read as `/`
// (Windows separators tolerated; there are no escapes). Matching is case-sensitive unless
// `caseInsensitive` is set.
//
// Bounded on hostile patterns (a cloned repository writes them): a pattern is parsed ONCE into tokens
// (a `[` class is read once, not per character tried), segments are matched by the two-pointer star
// algorithm (O(pattern × text), never exponential: no RegExp, no backtracking beyond the last `*`),
// `**` by a DP over segments; patterns longer than MAX_GLOB_LENGTH or with more than
// MAX_BRACE_ALTERNATIVES expansions are refused (GlobError), and compiled patterns are cached.

import { TEXT_FILE_SUFFIXES, TEXT_LANGUAGE_IDS, isPromptFileName } from './formats';

export interface GlobOptions {
  caseInsensitive?: boolean;
}

/** Longer patterns are refused: a real one is a few dozen characters. */
export const MAX_GLOB_LENGTH = 1024;
/** `{a,b}` alternatives are expanded up to this many; more is an error, not a silent cut. */
export const MAX_BRACE_ALTERNATIVES = 256;
const MAX_BRACE_DEPTH = 16;

/** A pattern we refuse to compile (too long, too many alternatives); the message says which limit. */
export class GlobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GlobError';
  }
}

function checkLength(pattern: string): void {
  if (pattern.length > MAX_GLOB_LENGTH)
    throw new GlobError(`a glob of ${pattern.length} characters is longer than the ${MAX_GLOB_LENGTH}-character limit`);
}

/** Expands `{a,b}` alternatives (nested allowed). Unbalanced braces are literal text. Throws GlobError past the caps. */
export function expandBraces(pattern: string): string[] {
  checkLength(pattern);
  return expand(pattern, 0);
}

function expand(pattern: string, depth: number): string[] {
  const open = findTopBrace(pattern);
  if (!open) return [pattern];
  if (depth >= MAX_BRACE_DEPTH) throw new GlobError(`braces nested more than ${MAX_BRACE_DEPTH} deep`);
  const { start, end, parts } = open;
  const head = pattern.slice(0, start);
  const tails = expand(pattern.slice(end + 1), depth + 1);
  const out: string[] = [];
  for (const p of parts) {
    for (const alt of expand(p, depth + 1)) {
      for (const t of tails) {
        if (out.length >= MAX_BRACE_ALTERNATIVES)
          throw new GlobError(`more than ${MAX_BRACE_ALTERNATIVES} alternatives after expanding {…}`);
        out.push(head + alt + t);
      }
    }
  }
  return out;
}

/** The first `{…}` group: one linear scan; an unbalanced `{` makes the rest literal. */
function findTopBrace(p: string): { start: number; end: number; parts: string[] } | undefined {
  const i = p.indexOf('{');
  if (i < 0) return undefined;
  let depth = 0;
  const parts: string[] = [];
  let partStart = i + 1;
  for (let k = i; k < p.length; k++) {
    const c = p[k];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) {
        parts.push(p.slice(partStart, k));
        return { start: i, end: k, parts };
      }
    } else if (c === ',' && depth === 1) {
      parts.push(p.slice(partStart, k));
      partStart = k + 1;
    }
  }
  return undefined; // unbalanced: the rest is literal
}

function normalizePath(p: string): string {
  return p.replace(/\\/g, '/');
}

function splitSegments(p: string): string[] {
  return p.split('/').filter((s, i, a) => s !== '' || i === 0 || i === a.length - 1);
}

/** One element of a compiled segment. */
type Token =
  | { kind: 'char'; ch: string }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'class'; negate: boolean; chars: string; ranges: [string, string][] };

/**
 * Parses a segment once. `[` starts a class when a `]` closes it (a `]` right after `[` or `[!` is a
 * member); otherwise it is a literal `[`. `fnmatch`: only `!` negates (Python); glob: `!` or `^`.
 */
function tokenize(pat: string, flavor: 'glob' | 'fnmatch'): Token[] {
  const tokens: Token[] = [];
  for (let p = 0; p < pat.length; p++) {
    const c = pat[p];
    if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '[') {
      const cls = parseClass(pat, p, flavor);
      if (cls) {
        tokens.push(cls.token);
        p = cls.end - 1;
      } else tokens.push({ kind: 'char', ch: '[' });
    } else tokens.push({ kind: 'char', ch: c });
  }
  return tokens;
}

function parseClass(pat: string, p: number, flavor: 'glob' | 'fnmatch'): { token: Token; end: number } | undefined {
  let k = p + 1;
  let negate = false;
  if (pat[k] === '!' || (flavor === 'glob' && pat[k] === '^')) {
    negate = true;
    k++;
  }
  const first = k;
  let chars = '';
  const ranges: [string, string][] = [];
  while (k < pat.length && (pat[k] !== ']' || k === first)) {
    if (pat[k + 1] === '-' && k + 2 < pat.length && pat[k + 2] !== ']') {
      ranges.push([pat[k], pat[k + 2]]);
      k += 3;
    } else chars += pat[k++];
  }
  if (k >= pat.length) return undefined;
  return { token: { kind: 'class', negate, chars, ranges }, end: k + 1 };
}

function tokenMatches(t: Token, ch: string): boolean {
  if (t.kind === 'char') return t.ch === ch;
  if (t.kind === 'any') return true;
  if (t.kind !== 'class') return false;
  const inside = t.chars.includes(ch) || t.ranges.some(([lo, hi]) => ch >= lo && ch <= hi);
  return inside !== t.negate;
}

/**
 * Two-pointer match with star backtracking to the LAST star only: O(tokens × text) worst case, no
 * recursion. Correct for `*`/`?`/classes because a later star can absorb whatever an earlier one would.
 */
function matchTokens(tokens: readonly Token[], s: string): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const t = tokens[p];
    if (t !== undefined && t.kind === 'star') {
      starP = p++;
      starI = i;
      continue;
    }
    if (t !== undefined && tokenMatches(t, s[i])) {
      p++;
      i++;
      continue;
    }
    if (starP >= 0) {
      p = starP + 1;
      i = ++starI;
      continue;
    }
    return false;
  }
  while (p < tokens.length && tokens[p].kind === 'star') p++;
  return p === tokens.length;
}

/** Matches one path segment against one pattern segment (`*`, `?`, `[...]`). */
export function matchSegment(pat: string, s: string): boolean {
  return matchTokens(tokenize(pat, 'glob'), s);
}

type CompiledSegment = '**' | Token[];

function matchSegments(pat: readonly CompiledSegment[], path: readonly string[]): boolean {
  // dp[j] = the pattern prefix consumed so far matches the path prefix of length j (two scratch rows,
  // reused across calls: a rule list is matched against every file)
  const n = path.length + 1;
  if (scratchA.length < n) {
    scratchA = new Uint8Array(n * 2);
    scratchB = new Uint8Array(n * 2);
  }
  let dp = scratchA;
  let next = scratchB;
  dp.fill(0, 0, n);
  dp[0] = 1;
  for (const ps of pat) {
    next.fill(0, 0, n);
    let alive = false;
    if (ps === '**') {
      let any = 0;
      for (let j = 0; j <= path.length; j++) {
        any |= dp[j];
        next[j] = any;
      }
      alive = any === 1;
    } else {
      for (let j = 0; j < path.length; j++)
        if (dp[j] && matchTokens(ps, path[j])) {
          next[j + 1] = 1;
          alive = true;
        }
    }
    if (!alive) return false;
    [dp, next] = [next, dp];
  }
  return dp[path.length] === 1;
}

let scratchA = new Uint8Array(64);
let scratchB = new Uint8Array(64);

/** The last path split (rules are tried one after another against the same path). */
let lastPath: string | undefined;
let lastSegments: string[] = [];

function pathSegments(path: string): string[] {
  if (path !== lastPath) {
    lastSegments = splitSegments(normalizePath(path));
    lastPath = path;
  }
  return lastSegments;
}

/** Compiled patterns, so a glob used for every file of a walk is parsed once (bounded: a hostile list cannot grow it forever). */
const cache = new Map<string, (path: string) => boolean>();
const MAX_CACHED = 2048;

/** Compiles a glob into a predicate over paths. Throws GlobError for a pattern past the caps. */
export function compileGlob(glob: string, options: GlobOptions = {}): (path: string) => boolean {
  const ci = options.caseInsensitive === true;
  const key = `${ci ? 'i' : 's'}${glob}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const g = normalizePath(ci ? glob.toLowerCase() : glob);
  const alternatives = expandBraces(g).map((a) =>
    splitSegments(a).map((s): CompiledSegment => (/^\*\*+$/.test(s) ? '**' : tokenize(s, 'glob'))),
  );
  const match = (path: string) => {
    const p = pathSegments(ci ? path.toLowerCase() : path);
    return alternatives.some((segs) => matchSegments(segs, p));
  };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, match);
  return match;
}

/**
 * Python's `fnmatch.fnmatchcase` (Lib/fnmatch.py `translate`): `*` any characters including `/`, `?`
 * one character, `[seq]` / `[!seq]` classes, an unclosed `[` literal; no braces, no escapes. Same
 * tokens and two-pointer matcher as the globs (never a backtracking RegExp). Throws GlobError past
 * MAX_GLOB_LENGTH.
 */
export function compileFnmatch(pattern: string): (name: string) => boolean {
  checkLength(pattern);
  const tokens = tokenize(pattern, 'fnmatch');
  return (name) => matchTokens(tokens, name);
}

/**
 * Does `path` match `glob`? Absolute globs and globs starting with `**` match the whole path.
 * A relative glob (`prompts/*.md`) matches relative to `baseDir` when given, else any trailing
 * part of the path that starts at a segment boundary (as workspace-relative patterns do in any
 * workspace folder). A glob past the caps (GlobError) matches nothing.
 */
export function matchGlob(glob: string, path: string, options: GlobOptions & { baseDir?: string } = {}): boolean {
  let match: (path: string) => boolean;
  try {
    match = compileGlob(glob, options);
  } catch (err) {
    if (err instanceof GlobError) return false;
    throw err;
  }
  const p = normalizePath(path);
  if (match(p)) return true;
  const g = normalizePath(glob);
  if (g.startsWith('/') || g.startsWith('**') || /^[A-Za-z]:\//.test(g)) return false;
  if (options.baseDir !== undefined) {
    let base = normalizePath(options.baseDir);
    if (!base.endsWith('/')) base += '/';
    const cmp = options.caseInsensitive
      ? (a: string, b: string) => a.toLowerCase().startsWith(b.toLowerCase())
      : (a: string, b: string) => a.startsWith(b);
    return cmp(p, base) && match(p.slice(base.length));
  }
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
    if (match(p.slice(i + 1))) return true;
  }
  return false;
}

export const DEFAULT_PROMPT_GLOBS: readonly string[] = ['**/prompts/**'];

/**
 * Is this a prompt file? Always for `*.prompt`, `*.prompt.md`, `*.prompty`, `*.jinja`, `*.jinja2`,
 * `*.j2`; otherwise a text or markdown file (by extension, no extension, or VS Code `languageId`
 * `markdown`/`plaintext`) that matches one of `globs` (default `**\/prompts/**`).
 */
export function isPromptFile(
  path: string,
  globs: readonly string[] = DEFAULT_PROMPT_GLOBS,
  options: GlobOptions & { baseDir?: string; languageId?: string } = {},
): boolean {
  const p = normalizePath(path);
  const name = p.slice(p.lastIndexOf('/') + 1).toLowerCase();
  if (isPromptFileName(name)) return true;
  const dot = name.lastIndexOf('.');
  const isText =
    (options.languageId !== undefined && TEXT_LANGUAGE_IDS.has(options.languageId)) ||
    dot <= 0 ||
    TEXT_FILE_SUFFIXES.some((s) => name.endsWith(s));
  if (!isText) return false;
  return globs.some((g) => matchGlob(g, p, options));
}
