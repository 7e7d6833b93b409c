// A small glob matcher (VS Code `files.exclude`-style syntax) and the "is this a prompt file" rule.
//
// Syntax: `**` (any number of path segments, including none), `*` (any characters within a
// segment), `?` (one character within a segment), `{a,b}` (alternatives, nestable),
// `[abc]` / `[a-z]` / `[!a]` (character classes). `\` in paths and patterns is read as `/`
// (Windows separators tolerated; there are no escapes). Matching is case-sensitive unless
// `caseInsensitive` is set. Segment matching is a greedy two-pointer algorithm and `**` a DP over
// segments: no regex, no exponential backtracking.

import { TEXT_FILE_SUFFIXES, TEXT_LANGUAGE_IDS, isPromptFileName } from './formats';

export interface GlobOptions {
  caseInsensitive?: boolean;
}

const MAX_EXPANSIONS = 256;

/** Expands `{a,b}` alternatives (nested allowed). Unbalanced braces are literal text. */
export function expandBraces(pattern: string): string[] {
  const open = findTopBrace(pattern);
  if (!open) return [pattern];
  const { start, end, parts } = open;
  const head = pattern.slice(0, start);
  const tails = expandBraces(pattern.slice(end + 1));
  const out: string[] = [];
  for (const p of parts) {
    for (const alt of expandBraces(p)) {
      for (const t of tails) {
        out.push(head + alt + t);
        if (out.length >= MAX_EXPANSIONS) return out;
      }
    }
  }
  return out;
}

function findTopBrace(p: string): { start: number; end: number; parts: string[] } | undefined {
  for (let i = 0; i < p.length; i++) {
    if (p[i] !== '{') continue;
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
    return undefined; // unbalanced: treat the rest as literal
  }
  return undefined;
}

function normalizePath(p: string): string {
  return p.replace(/\\/g, '/');
}

function splitSegments(p: string): string[] {
  return p.split('/').filter((s, i, a) => s !== '' || i === 0 || i === a.length - 1);
}

/** Matches one path segment against one pattern segment (`*`, `?`, `[...]`). */
export function matchSegment(pat: string, s: string): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    if (p < pat.length) {
      const c = pat[p];
      if (c === '*') {
        starP = p++;
        starI = i;
        continue;
      }
      if (c === '?') {
        p++;
        i++;
        continue;
      }
      if (c === '[') {
        const cls = matchClass(pat, p, s[i]);
        if (cls.end > 0) {
          if (cls.ok) {
            p = cls.end;
            i++;
            continue;
          }
        } else if (s[i] === '[') {
          p++;
          i++;
          continue;
        }
      } else if (c === s[i]) {
        p++;
        i++;
        continue;
      }
    }
    if (starP >= 0) {
      p = starP + 1;
      i = ++starI;
      continue;
    }
    return false;
  }
  while (p < pat.length && pat[p] === '*') p++;
  return p === pat.length;
}

/** `[...]` at `p`: end index after `]` (0 if not a class) and whether `ch` is in it. */
function matchClass(pat: string, p: number, ch: string): { end: number; ok: boolean } {
  let k = p + 1;
  let negate = false;
  if (pat[k] === '!' || pat[k] === '^') {
    negate = true;
    k++;
  }
  let ok = false;
  const first = k;
  while (k < pat.length && (pat[k] !== ']' || k === first)) {
    const lo = pat[k];
    if (pat[k + 1] === '-' && k + 2 < pat.length && pat[k + 2] !== ']') {
      if (ch >= lo && ch <= pat[k + 2]) ok = true;
      k += 3;
    } else {
      if (ch === lo) ok = true;
      k++;
    }
  }
  if (k >= pat.length) return { end: 0, ok: false };
  return { end: k + 1, ok: ok !== negate };
}

function matchSegments(pat: string[], path: string[]): boolean {
  // dp[j] = pattern prefix consumed so far matches path prefix of length j
  let dp: boolean[] = new Array(path.length + 1).fill(false);
  dp[0] = true;
  for (const ps of pat) {
    const next: boolean[] = new Array(path.length + 1).fill(false);
    if (ps === '**') {
      let any = false;
      for (let j = 0; j <= path.length; j++) {
        any = any || dp[j];
        next[j] = any;
      }
    } else {
      for (let j = 0; j < path.length; j++) if (dp[j] && matchSegment(ps, path[j])) next[j + 1] = true;
    }
    dp = next;
  }
  return dp[path.length];
}

/** Compiles a glob into a predicate over paths. */
export function compileGlob(glob: string, options: GlobOptions = {}): (path: string) => boolean {
  const ci = options.caseInsensitive === true;
  const g = normalizePath(ci ? glob.toLowerCase() : glob);
  const alternatives = expandBraces(g).map((a) => {
    const segs = splitSegments(a).map((s) => (/^\*\*+$/.test(s) ? '**' : s));
    return segs;
  });
  return (path: string) => {
    const p = splitSegments(normalizePath(ci ? path.toLowerCase() : path));
    return alternatives.some((segs) => matchSegments(segs, p));
  };
}

/**
 * Does `path` match `glob`? Absolute globs and globs starting with `**` match the whole path.
 * A relative glob (`prompts/*.md`) matches relative to `baseDir` when given, else any trailing
 * part of the path that starts at a segment boundary (as workspace-relative patterns do in any
 * workspace folder).
 */
export function matchGlob(glob: string, path: string, options: GlobOptions & { baseDir?: string } = {}): boolean {
  const match = compileGlob(glob, options);
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
