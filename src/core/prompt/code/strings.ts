// The value of a string expression in code, as the program builds it: literals (adjacent, `+`-joined,
// parenthesised), `textwrap.dedent`/`inspect.cleandoc`, `.strip()`/`.trim()`, `.replace("a", "b")`,
// Python `.format(...)` and `%` with their arguments, JS tagged templates. A part that is not a
// literal (a variable, a call) stays visible as an unfilled `{expr}` — counted as written, as an
// f-string's `{x}` is — so a message built from variables is still a message of the call.
import type { CodeLanguage, CodeToken } from '../lexer';
import type { OffsetRange, Placeholder } from '../types';
import { Group, Item, calleeBefore, isGroup, isIdent, isStr, isTok, itemsRange, splitTop } from './tree';
import { pushAll } from '../../arrays';

export interface StrValue {
  text: string;
  range: OffsetRange;
  placeholders: Placeholder[];
  /** Some part is not a literal: its expression is kept as `{expr}`. */
  unfilled?: boolean;
}

export function dedent(s: string): string {
  const lines = s.split('\n');
  let min = Infinity;
  for (const l of lines) {
    if (l.trim() === '') continue;
    const m = /^[ \t]*/.exec(l)![0].length;
    if (m < min) min = m;
  }
  if (!Number.isFinite(min) || min === 0) return lines.map((l) => (l.trim() === '' ? '' : l)).join('\n');
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(min))).join('\n');
}

/** inspect.cleandoc: strip leading blank lines, dedent all lines but the first, strip trailing blank lines. */
export function cleandoc(s: string): string {
  const lines = s.replace(/\t/g, '        ').split('\n');
  let min = Infinity;
  for (const l of lines.slice(1)) {
    const content = l.trimStart();
    if (content) min = Math.min(min, l.length - content.length);
  }
  const out = [lines[0].trimStart(), ...lines.slice(1).map((l) => (Number.isFinite(min) ? l.slice(min) : l))];
  while (out.length && out[0].trim() === '') out.shift();
  while (out.length && out[out.length - 1].trim() === '') out.pop();
  return out.join('\n');
}

const STRIP_METHODS: Record<string, (s: string) => string> = {
  strip: (s) => s.replace(/^\s+|\s+$/g, ''),
  lstrip: (s) => s.replace(/^\s+/, ''),
  rstrip: (s) => s.replace(/\s+$/, ''),
  trim: (s) => s.trim(),
  trimStart: (s) => s.trimStart(),
  trimEnd: (s) => s.trimEnd(),
};

const MAX_DEPTH = 8;
/** An unfilled expression longer than this is shown shortened. */
const MAX_EXPR = 60;

/** `%s`, `%d`, `%-10s`, `%.2f`, `%r` … (printf-style conversions of Python's `%`); `%%` is a percent sign. */
const PERCENT = /%(%|\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdirfgexXoc]|[-#0 +]*\d*(?:\.\d+)?[sdirfgexXoc])/g;

export class StringReader {
  constructor(
    readonly lang: CodeLanguage,
    readonly source: string,
    /** Follows an identifier to what it is bound to (one file, first binding). */
    readonly resolve: (items: Item[]) => Item[],
  ) {}

  /** String value of an expression made only of literals; undefined otherwise. */
  literal(items: Item[], depth = 0): StrValue | undefined {
    const v = this.expr(items, depth, false);
    return v && !v.unfilled ? v : undefined;
  }

  /**
   * A message's content as the program builds it: literals where it can read them, `{expr}` for the
   * rest. Undefined for something that is not a string at all (a list, a dict, bytes).
   */
  partial(items: Item[]): StrValue | undefined {
    return this.expr(this.resolve(items), 0, true) ?? this.unfilledPart(items);
  }

  /** An expression it cannot read, kept as `{expr}` (an interpolation placeholder over its source). */
  unfilledPart(items: Item[]): StrValue | undefined {
    if (items.length === 0) return undefined;
    const first = items[0];
    if (isStr(first) && first.str!.bytes) return undefined;
    if (items.length === 1 && (isGroup(first, '[') || isGroup(first, '{'))) return undefined;
    const range = itemsRange(items);
    let name = this.source.slice(range.start, range.end).replace(/\s+/g, ' ').trim();
    if (name.length > MAX_EXPR) name = `${name.slice(0, MAX_EXPR - 1)}…`;
    const syntax = this.lang === 'python' ? 'fstring' : 'template-literal';
    return { text: `{${name}}`, range, placeholders: [{ name, kind: 'interpolation', syntax, range }], unfilled: true };
  }

  private expr(items: Item[], depth: number, partial: boolean): StrValue | undefined {
    if (depth > MAX_DEPTH || items.length === 0) return undefined;
    // (expr) — but not a Python tuple
    if (items.length === 1 && isGroup(items[0], '(')) {
      const g = items[0];
      if (!g.closed || splitTop(g.children).length !== 1 || g.children.some((c) => isTok(c, ','))) return undefined;
      return this.expr(g.children, depth + 1, partial);
    }
    return (
      this.method(items, depth, partial) ??
      this.wrapped(items, depth, partial) ??
      this.tagged(items) ??
      this.percent(items, depth, partial) ??
      this.joined(items, depth, partial)
    );
  }

  /** `.strip()` / `.trim()`, `.replace(a, b)`, `.format(...)` at the end of an expression. */
  private method(items: Item[], depth: number, partial: boolean): StrValue | undefined {
    const n = items.length;
    if (n < 4 || !isTok(items[n - 3], '.') || !isIdent(items[n - 2]) || !isGroup(items[n - 1], '(')) return undefined;
    const name = (items[n - 2] as CodeToken).text;
    const args = splitTop((items[n - 1] as Group).children);
    const inner = () => this.expr(items.slice(0, n - 3), depth + 1, partial);
    const strip = STRIP_METHODS[name];
    if (strip && args.length === 0) {
      const v = inner();
      return v && { ...v, text: strip(v.text) };
    }
    if ((name === 'replace' || name === 'replaceAll') && args.length === 2) {
      const from = this.literal(args[0], depth + 1);
      const to = this.literal(args[1], depth + 1);
      const v = from && to && from.text !== '' ? inner() : undefined;
      if (!v || !from || !to) return undefined;
      const all = this.lang === 'python' || name === 'replaceAll';
      return { ...v, text: all ? v.text.split(from.text).join(to.text) : v.text.replace(from.text, () => to.text) };
    }
    if (name === 'format' && this.lang === 'python') return this.format(inner(), args, depth);
    return undefined;
  }

  /**
   * Python `str.format`: `{name}` / `{0}` / `{}` filled from literal arguments; a field whose argument
   * is not a literal stays `{field}` (a placeholder, as in the template); `{{`/`}}` become braces.
   */
  private format(v: StrValue | undefined, args: Item[][], depth: number): StrValue | undefined {
    if (!v) return undefined;
    const named = new Map<string, string>();
    const positional: (string | undefined)[] = [];
    for (const a of args) {
      // `*args` / `**kwargs` may fill the rest at run time: those fields stay placeholders.
      const head = a[0];
      if (isTok(head, '*') || isTok(head, '**')) continue;
      if (isIdent(head) && isTok(a[1], '=')) {
        const lit = this.literal(this.resolve(a.slice(2)), depth + 1);
        if (lit) named.set((head as CodeToken).text, lit.text);
      } else positional.push(this.literal(this.resolve(a), depth + 1)?.text);
    }
    let auto = 0;
    const filled = new Set<string>();
    const text = v.text.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field: string | undefined) => {
      if (field === undefined) return m[0];
      const key = /^[^.[!:]*/.exec(field)![0];
      const value = key === '' ? positional[auto++] : /^\d+$/.test(key) ? positional[Number(key)] : named.get(key);
      if (value === undefined || field !== key) return m;
      filled.add(key === '' ? String(auto - 1) : key);
      return value;
    });
    return { ...v, text, placeholders: v.placeholders.filter((p) => !filled.has(p.name)) };
  }

  /** Python `"…%s…" % value` / `% (a, b)`: literal arguments filled in, the others kept as `{expr}`. */
  private percent(items: Item[], depth: number, partial: boolean): StrValue | undefined {
    if (this.lang !== 'python') return undefined;
    const at = items.findIndex((it) => isTok(it, '%') && it.kind === 'op');
    if (at <= 0 || at === items.length - 1) return undefined;
    const left = this.expr(items.slice(0, at), depth + 1, partial);
    if (!left) return undefined;
    const right = items.slice(at + 1);
    const tuple = right.length === 1 && isGroup(right[0], '(') ? splitTop(right[0].children) : [right];
    const args = tuple.map((a) => this.literal(this.resolve(a), depth + 1) ?? (partial ? this.unfilledPart(a) : undefined));
    if (args.some((a) => a === undefined)) return undefined;
    let i = 0;
    const placeholders = [...left.placeholders];
    let unfilled = left.unfilled;
    const text = left.text.replace(PERCENT, (m, spec: string) => {
      if (spec === '%') return '%';
      if (spec.startsWith('(')) return m;
      const a = args[i++];
      if (!a) return m;
      if (a.unfilled) {
        unfilled = true;
        pushAll(placeholders, a.placeholders);
      }
      return a.text;
    });
    return { text, range: itemsRange(items), placeholders, ...(unfilled ? { unfilled } : {}) };
  }

  /** `dedent(...)` / `textwrap.dedent(...)` / `inspect.cleandoc(...)` of a string. */
  private wrapped(items: Item[], depth: number, partial: boolean): StrValue | undefined {
    const n = items.length;
    if (!(isGroup(items[n - 1], '(') && n >= 2 && isIdent(items[n - 2]))) return undefined;
    const fnName = (items[n - 2] as CodeToken).text;
    const callee = calleeBefore(items, n - 1);
    if (!(fnName === 'dedent' || fnName === 'cleandoc') || !callee || callee.start !== items[0].start) return undefined;
    const args = splitTop((items[n - 1] as Group).children);
    if (args.length !== 1) return undefined;
    const inner = this.expr(args[0], depth + 1, partial);
    return inner && { ...inner, text: fnName === 'dedent' ? dedent(inner.text) : cleandoc(inner.text) };
  }

  /** JS tagged templates: String.raw`...` (lexed raw), dedent`...` (npm dedent: dedent + trim). */
  private tagged(items: Item[]): StrValue | undefined {
    const n = items.length;
    const lastTok = items[n - 1];
    if (!(this.lang === 'js' && n >= 2 && isStr(lastTok) && lastTok.str!.prefix === '`' && !lastTok.str!.unterminated)) return undefined;
    const tag = items
      .slice(0, n - 1)
      .map((t) => (isTok(t) ? t.text : '?'))
      .join('');
    const v: StrValue = {
      text: lastTok.str!.value,
      range: { start: items[0].start, end: lastTok.end },
      placeholders: lastTok.str!.placeholders,
    };
    if (tag === 'String.raw') return v;
    if (tag === 'dedent' || tag === 'outdent' || tag === 'stripIndent' || tag === 'ts.stripIndent')
      return {
        ...v,
        text: dedent(v.text)
          .replace(/^[ \t]*\n/, '')
          .replace(/\n[ \t]*$/, ''),
      };
    return undefined;
  }

  /** `"a" "b"` (Python) / `"a" + "b"`; with `partial`, `"a" + name + "b"` keeps `{name}`. */
  private joined(items: Item[], depth: number, partial: boolean): StrValue | undefined {
    const terms = plusTerms(items, this.lang);
    if (!terms) return undefined;
    const single = (term: Item[]) => term.length === 1 && isStr(term[0]);
    if (terms.length === 1 && !single(terms[0])) return undefined;
    if (!terms.some(single)) return undefined; // `a + b`: nothing says it is a string
    const parts: StrValue[] = [];
    for (const term of terms) {
      if (single(term)) {
        const s = (term[0] as CodeToken).str!;
        if (s.unterminated || s.bytes) return undefined;
        parts.push({ text: s.value, range: { start: term[0].start, end: term[0].end }, placeholders: s.placeholders });
        continue;
      }
      const v = this.expr(this.resolve(term), depth + 1, partial) ?? (partial ? this.unfilledPart(term) : undefined);
      if (!v) return undefined;
      parts.push({ ...v, range: itemsRange(term) });
    }
    return {
      text: parts.map((p) => p.text).join(''),
      range: { start: parts[0].range.start, end: parts[parts.length - 1].range.end },
      placeholders: parts.flatMap((p) => p.placeholders),
      ...(parts.some((p) => p.unfilled) ? { unfilled: true } : {}),
    };
  }
}

/**
 * Terms of a `+` join at top level: `"a" + x + "b"` → [["a"], [x], ["b"]]; in Python adjacent literals
 * are an implicit join (`"a" "b"` → [["a"], ["b"]]). Undefined for an empty term (`+ x`, `x +`).
 */
function plusTerms(items: Item[], lang: CodeLanguage): Item[][] | undefined {
  const terms: Item[][] = [];
  let cur: Item[] = [];
  for (const it of items) {
    if (isTok(it, '+') && it.kind !== 'string') {
      if (!cur.length) return undefined;
      terms.push(cur);
      cur = [];
    } else if (lang === 'python' && isStr(it) && cur.length === 1 && isStr(cur[0])) {
      terms.push(cur);
      cur = [it];
    } else cur.push(it);
  }
  if (!cur.length) return undefined;
  terms.push(cur);
  return terms;
}
