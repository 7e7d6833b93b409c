// The `regex` match rules of downloaded price data, matched without a backtracking regex engine.
//
// genai-prices matches a model id with `regex.search(text)` (Python, packages/python/genai_prices/types.py
// ClauseRegex) or `new RegExp(regex).test(text)` (its JS package): case-sensitive, unanchored unless the
// pattern says `^`/`$`. A pattern from a downloaded file compiled into a backtracking RegExp can take
// exponential time ("(a+)+$"), so patterns are parsed here into the small subset the real data uses
// (literals and escapes, `.`, `\d \w \s` and their negations, classes, groups, `|`, `? * + {n,m}`, `^ $`,
// lookahead `(?! )`/`(?= )`) and run as a Thompson NFA (Pike VM): time O(pattern × text), never
// exponential. Anything else (back-references, lookbehind, flags, `\b`, `\p{…}`) is rejected when the
// data is validated, with a message naming the construct.

import { errorText } from '../errors';

/** Longest pattern accepted; the real ones are under 60 characters. */
export const MAX_PATTERN_LENGTH = 300;
/** Longest text a pattern is run on (model ids are far shorter); longer text never matches. */
export const MAX_MATCH_TEXT_LENGTH = 1000;
/** Largest compiled program (after expanding `{n,m}`). */
const MAX_PROGRAM = 4000;
const MAX_REPEAT = 100;

type CharTest = (c: number) => boolean;

type Node =
  | { t: 'char'; test: CharTest }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'repeat'; node: Node; min: number; max: number }
  | { t: 'start' }
  | { t: 'end' }
  | { t: 'look'; negate: boolean; node: Node };

type Inst =
  | { op: 'char'; test: CharTest }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'start' }
  | { op: 'end' }
  | { op: 'look'; negate: boolean; prog: Program }
  | { op: 'match' };

interface Program {
  insts: Inst[];
}

export class PatternError extends Error {}

const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isWord: CharTest = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
// ECMAScript WhiteSpace and LineTerminator (what `\s` means in a JS RegExp).
const SPACE = new Set([9, 10, 11, 12, 13, 32, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]);
const isSpace: CharTest = (c) => SPACE.has(c) || (c >= 0x2000 && c <= 0x200a);
const isLineEnd = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
const not =
  (f: CharTest): CharTest =>
  (c) =>
    !f(c);

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) this.fail(`unexpected '${this.src[this.i]}'`);
    return node;
  }

  private fail(what: string): never {
    throw new PatternError(`${what} at position ${this.i}`);
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { t: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') items.push(this.quantified());
    return { t: 'seq', items };
  }

  /** An atom and at most one quantifier (`a**` is an error, as in JavaScript). */
  private quantified(): Node {
    const node = this.atom();
    const q = this.quantifier();
    if (!q) return node;
    if (node.t === 'start' || node.t === 'end' || node.t === 'look') this.fail('nothing to repeat');
    if (this.quantifier(true)) this.fail('nothing to repeat');
    return { t: 'repeat', node, min: q.min, max: q.max };
  }

  /** `* + ? {n} {n,} {n,m}` (a lazy `?` after it gives the same yes/no answer); `peek` does not consume. */
  private quantifier(peek = false): { min: number; max: number } | undefined {
    const c = this.src[this.i];
    let q: { min: number; max: number } | undefined;
    let length = 1;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return undefined; // a literal `{`
      q = { min: Number(m[1]), max: m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]) };
      length = m[0].length;
    }
    if (!q || peek) return q;
    if (q.min > MAX_REPEAT || (q.max !== Infinity && q.max > MAX_REPEAT)) this.fail(`repeat count over ${MAX_REPEAT}`);
    if (q.max < q.min) this.fail('repeat range out of order');
    this.i += length;
    if (this.src[this.i] === '?') this.i++;
    return q;
  }

  private atom(): Node {
    const c = this.src[this.i++];
    if (c === '^') return { t: 'start' };
    if (c === '$') return { t: 'end' };
    if (c === '.') return { t: 'char', test: not(isLineEnd) };
    if (c === '[') return { t: 'char', test: this.charClass() };
    if (c === '\\') return { t: 'char', test: this.escape(false).test };
    if (c === '(') {
      let look: boolean | undefined;
      if (this.src[this.i] === '?') {
        const kind = this.src[this.i + 1];
        if (kind === ':') look = undefined;
        else if (kind === '!' || kind === '=') look = kind === '!';
        else this.fail(`unsupported group '(?${kind ?? ''}'`);
        this.i += 2;
      }
      const node = this.alternation();
      if (this.src[this.i] !== ')') this.fail("missing ')'");
      this.i++;
      return look === undefined ? node : { t: 'look', negate: look, node };
    }
    if (c === ')' || c === '*' || c === '+' || c === '?') this.fail(`unexpected '${c}'`);
    if (c === '{' && /^\d/.test(this.src[this.i] ?? '')) this.fail('nothing to repeat');
    const code = c.charCodeAt(0);
    return { t: 'char', test: (x) => x === code };
  }

  /** After a backslash: a set (`\d`) or one character (`\.`, `\n`). */
  private escape(inClass: boolean): { test: CharTest; code?: number } {
    const c = this.src[this.i++];
    if (c === undefined) this.fail('pattern ends with a backslash');
    const sets: Record<string, CharTest> = { d: isDigit, D: not(isDigit), w: isWord, W: not(isWord), s: isSpace, S: not(isSpace) };
    if (sets[c]) return { test: sets[c] };
    const controls: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11 };
    // An escaped punctuation character stands for itself (`\.`, `\[`, `\-`, `\/` …).
    const code = controls[c] ?? (/[\^$\\.*+?()[\]{}|/\-:=!,<>#&~'"%@`;_ ]/.test(c) ? c.charCodeAt(0) : undefined);
    if (code === undefined) this.fail(`unsupported escape '\\${c}'${inClass ? ' in a class' : ''}`);
    return { test: (x) => x === code, code };
  }

  private charClass(): CharTest {
    const negate = this.src[this.i] === '^';
    if (negate) this.i++;
    const parts: CharTest[] = [];
    while (this.src[this.i] !== ']') {
      if (this.i >= this.src.length) this.fail("missing ']'");
      const lo = this.classAtom();
      if (this.src[this.i] === '-' && this.i + 1 < this.src.length && this.src[this.i + 1] !== ']') {
        this.i++;
        const hi = this.classAtom();
        if (lo.code === undefined || hi.code === undefined) this.fail('class range with a set');
        const [from, to] = [lo.code, hi.code];
        if (to < from) this.fail('class range out of order');
        parts.push((x) => x >= from && x <= to);
      } else parts.push(lo.test);
    }
    this.i++;
    const any: CharTest = (x) => parts.some((p) => p(x));
    return negate ? not(any) : any;
  }

  /** One class member: a code unit, or a set such as `\d`. */
  private classAtom(): { test: CharTest; code?: number } {
    const c = this.src[this.i++];
    if (c === '\\') return this.escape(true);
    const code = c.charCodeAt(0);
    return { test: (x) => x === code, code };
  }
}

function compile(node: Node, budget = { steps: 0 }): Program {
  const insts: Inst[] = [];
  const emit = (n: Node): void => {
    if (++budget.steps > MAX_PROGRAM) throw new PatternError(`pattern too complex (over ${MAX_PROGRAM} steps)`);
    switch (n.t) {
      case 'char':
        insts.push({ op: 'char', test: n.test });
        return;
      case 'start':
      case 'end':
        insts.push({ op: n.t });
        return;
      case 'look':
        insts.push({ op: 'look', negate: n.negate, prog: compile(n.node, budget) });
        return;
      case 'seq':
        for (const item of n.items) emit(item);
        return;
      case 'alt': {
        const jumps: { op: 'jmp'; x: number }[] = [];
        n.options.forEach((opt, k) => {
          if (k < n.options.length - 1) {
            const split = { op: 'split' as const, x: insts.length + 1, y: 0 };
            insts.push(split);
            emit(opt);
            const j = { op: 'jmp' as const, x: 0 };
            insts.push(j);
            jumps.push(j);
            split.y = insts.length;
          } else emit(opt);
        });
        for (const j of jumps) j.x = insts.length;
        return;
      }
      case 'repeat': {
        for (let k = 0; k < n.min; k++) emit(n.node);
        if (n.max === Infinity) {
          const split = { op: 'split' as const, x: insts.length + 1, y: 0 };
          insts.push(split);
          emit(n.node);
          insts.push({ op: 'jmp', x: insts.indexOf(split) });
          split.y = insts.length;
        } else {
          const splits: { op: 'split'; x: number; y: number }[] = [];
          for (let k = n.min; k < n.max; k++) {
            const split = { op: 'split' as const, x: insts.length + 1, y: 0 };
            insts.push(split);
            splits.push(split);
            emit(n.node);
          }
          for (const s of splits) s.y = insts.length;
        }
        return;
      }
    }
  };
  emit(node);
  insts.push({ op: 'match' });
  return { insts };
}

/** Pike VM: all threads advance together over the text, one list entry per instruction. */
function run(prog: Program, text: string, from: number, anchored: boolean, lookCache: Map<Inst, Map<number, boolean>>): boolean {
  const n = prog.insts.length;
  let current: number[] = [];
  let next: number[];
  const seen = new Int32Array(n).fill(-1);
  let generation = 0;
  const lookAt = (inst: Inst & { op: 'look' }, pos: number): boolean => {
    let cache = lookCache.get(inst);
    if (!cache) lookCache.set(inst, (cache = new Map()));
    let hit = cache.get(pos);
    if (hit === undefined) cache.set(pos, (hit = run(inst.prog, text, pos, true, lookCache)));
    return inst.negate ? !hit : hit;
  };
  // Follows jumps, splits and assertions from `pc` at `pos`; returns true on reaching `match`.
  const add = (list: number[], pc: number, pos: number): boolean => {
    const stack = [pc];
    while (stack.length) {
      const p = stack.pop()!;
      if (seen[p] === generation) continue;
      seen[p] = generation;
      const inst = prog.insts[p];
      switch (inst.op) {
        case 'match':
          return true;
        case 'jmp':
          stack.push(inst.x);
          break;
        case 'split':
          stack.push(inst.y, inst.x);
          break;
        case 'start':
          if (pos === 0) stack.push(p + 1);
          break;
        case 'end':
          if (pos === text.length) stack.push(p + 1);
          break;
        case 'look':
          if (lookAt(inst, pos)) stack.push(p + 1);
          break;
        case 'char':
          list.push(p);
          break;
      }
    }
    return false;
  };
  generation++;
  if (add(current, 0, from)) return true;
  for (let pos = from; pos < text.length; pos++) {
    generation++;
    next = [];
    const c = text.charCodeAt(pos);
    // Live threads first, then (unanchored search) a new one starting after this character.
    for (const p of current) if ((prog.insts[p] as Inst & { op: 'char' }).test(c) && add(next, p + 1, pos + 1)) return true;
    if (!anchored && add(next, 0, pos + 1)) return true;
    if (anchored && next.length === 0) return false;
    current = next;
  }
  return false;
}

export interface SafePattern {
  /** Same answer as `new RegExp(source).test(text)` for the supported subset. */
  test(text: string): boolean;
}

const compiled = new Map<string, SafePattern | PatternError>();

/** Parses and compiles a pattern; throws PatternError naming what is not supported. */
export function compileSafePattern(source: string): SafePattern {
  const hit = compiled.get(source);
  if (hit instanceof PatternError) throw hit;
  if (hit) return hit;
  try {
    if (source.length > MAX_PATTERN_LENGTH) throw new PatternError(`pattern longer than ${MAX_PATTERN_LENGTH} characters`);
    const prog = compile(new Parser(source).parse());
    const pattern: SafePattern = {
      test: (text) => text.length <= MAX_MATCH_TEXT_LENGTH && run(prog, text, 0, false, new Map()),
    };
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(source, pattern);
    return pattern;
  } catch (err) {
    const e = err instanceof PatternError ? err : new PatternError(String(err));
    compiled.set(source, e);
    throw e;
  }
}

/** Why a pattern is not accepted, or undefined when it is. */
export function patternProblem(source: string): string | undefined {
  try {
    compileSafePattern(source);
    return undefined;
  } catch (err) {
    return errorText(err);
  }
}
