// The Handlebars template as dotprompt renders it (dotprompt compiles the body with Handlebars 4:
// google/dotprompt js/src/dotprompt.ts), reduced to what decides the messages: which text is output
// and which tags there are. Written from handlebars-lang/handlebars.js src/handlebars.l (the lexer)
// and lib/handlebars/compiler/whitespace-control.js:
// - `\{{…` is text up to the next `{{` (the backslash dropped); `\\{{` is one backslash and a tag;
// - `{{!-- … --}}` ends at `--}}` (it may hold `}}`), `{{! … }}` at the first `}}`;
// - `{{{{raw}}}}…{{{{/raw}}}}` is a raw block (dotprompt has no `raw` helper: it renders nothing);
// - `~` on either side of a tag strips all whitespace of the neighbouring text;
// - a block tag (`{{#…}}`, `{{/…}}`, `{{else}}`, `{{^…}}`), comment or partial alone on its line is
//   "standalone": its line's indentation and line break are removed.
// Linear time: each character is looked at a bounded number of times; an unclosed tag makes the rest
// of the template text (Handlebars would refuse to compile it).
import type { OffsetRange, Placeholder } from './types';

export type HandlebarsTagType = 'mustache' | 'triple' | 'comment' | 'open' | 'close' | 'else' | 'partial' | 'raw';

export interface HandlebarsTag {
  kind: 'tag';
  type: HandlebarsTagType;
  /** The expression without braces, `~` and the leading sigil (`role "system"`, `if x`, `greeting`). */
  name: string;
  range: OffsetRange;
  stripLeft: boolean;
  stripRight: boolean;
}

/** Output text: `range` is what is left after whitespace control; `original` what the template holds. */
export interface HandlebarsText {
  kind: 'text';
  range: OffsetRange;
  original: OffsetRange;
  /** Already stripped on that side (Handlebars' `leftStripped` / `rightStripped`). */
  endStripped?: boolean;
  startStripped?: boolean;
}

export type HandlebarsToken = HandlebarsTag | HandlebarsText;

function textNode(start: number, end: number): HandlebarsText {
  return { kind: 'text', range: { start, end }, original: { start, end } };
}

/** The end of a `{{ … }}` tag body starting at `from`: the offset of its closing `}}`, skipping quoted strings; -1 if none. */
function tagClose(text: string, from: number, end: number): number {
  for (let i = from; i < end - 1; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const q = text.indexOf(String.fromCharCode(c), i + 1);
      if (q < 0 || q >= end) return -1;
      i = q;
    } else if (c === 125 /* } */ && text.charCodeAt(i + 1) === 125) return i;
  }
  return -1;
}

/** Where escaped text (`\{{…`) ends: before the next `{{`, `\{{` or `\\{{` at least 2 characters on (handlebars.l `<emu>`). */
function escapedEnd(text: string, from: number, end: number): number {
  const k = text.indexOf('{{', from + 2);
  if (k < 0 || k >= end) return end;
  let j = k;
  if (j - 1 >= from + 2 && text.charCodeAt(j - 1) === 92) j--;
  if (j - 1 >= from + 2 && text.charCodeAt(j - 1) === 92) j--;
  return j;
}

/** One tag at `i` (text[i..] starts with `{{`): its token and end, or undefined when it never closes. */
function readTag(text: string, i: number, end: number): HandlebarsTag | undefined {
  if (text.startsWith('{{{{', i)) {
    const open = text.indexOf('}}}}', i + 4);
    if (open < 0 || open >= end) return undefined;
    const name = text.slice(i + 4, open).trim();
    const closeTag = `{{{{/${name.split(/\s/)[0]}}}}}`;
    const close = text.indexOf(closeTag, open + 4);
    if (close < 0 || close + closeTag.length > end) return undefined;
    return { kind: 'tag', type: 'raw', name, range: { start: i, end: close + closeTag.length }, stripLeft: false, stripRight: false };
  }
  let j = i + 2;
  const stripLeft = text.charCodeAt(j) === 126; /* ~ */
  if (stripLeft) j++;
  if (text.startsWith('!--', j)) {
    const re = /--(~?)\}\}/g;
    re.lastIndex = j + 3;
    const m = re.exec(text);
    if (!m || m.index + m[0].length > end) return undefined;
    const e = m.index + m[0].length;
    return {
      kind: 'tag',
      type: 'comment',
      name: text.slice(j + 3, m.index).trim(),
      range: { start: i, end: e },
      stripLeft,
      stripRight: m[1] === '~',
    };
  }
  if (text.charCodeAt(j) === 33 /* ! */) {
    const c = text.indexOf('}}', j + 1);
    if (c < 0 || c + 2 > end) return undefined;
    const stripRight = text.charCodeAt(c - 1) === 126 && c - 1 > j;
    return {
      kind: 'tag',
      type: 'comment',
      name: text.slice(j + 1, stripRight ? c - 1 : c).trim(),
      range: { start: i, end: c + 2 },
      stripLeft,
      stripRight,
    };
  }
  const triple = text.charCodeAt(j) === 123; /* { */
  const close = tagClose(text, triple ? j + 1 : j, end);
  if (close < 0) return undefined;
  let e = close + 2;
  let innerEnd = close;
  if (triple) {
    // `{{{x}}}` / `{{{x}~}}`: the body closes with `}` before `}}`
    if (text.charCodeAt(close - 1) === 126 && text.charCodeAt(close - 2) === 125) innerEnd = close - 2;
    else if (text.charCodeAt(e) === 125) e++;
  }
  const stripRight = text.charCodeAt(innerEnd - 1) === 126 && innerEnd - 1 >= j;
  const body = text.slice(triple ? j + 1 : j, stripRight ? innerEnd - 1 : innerEnd).trim();
  const sigil = body[0];
  let type: HandlebarsTagType = triple ? 'triple' : 'mustache';
  let name = body;
  if (!triple && (sigil === '#' || sigil === '^')) {
    type = body === '^' ? 'else' : 'open';
    name = body.slice(1).trim();
  } else if (!triple && sigil === '/') {
    type = 'close';
    name = body.slice(1).trim();
  } else if (!triple && sigil === '>') {
    type = 'partial';
    name = body.slice(1).trim();
  } else if (!triple && sigil === '&') name = body.slice(1).trim();
  else if (!triple && /^else(\s|$)/.test(body)) type = 'else';
  return { kind: 'tag', type, name, range: { start: i, end: e }, stripLeft, stripRight };
}

/** The tokens of `text[start, end)`, before whitespace control. */
function lex(text: string, start: number, end: number): HandlebarsToken[] {
  const out: HandlebarsToken[] = [];
  let from = start;
  for (;;) {
    const i = text.indexOf('{{', from);
    if (i < 0 || i + 2 > end) break;
    if (text.charCodeAt(i - 1) === 92 && i - 1 >= from) {
      if (text.charCodeAt(i - 2) === 92 && i - 2 >= from) {
        // `\\{{`: one backslash stays, then a real tag
        out.push(textNode(from, i - 1));
      } else {
        if (i - 1 > from) out.push(textNode(from, i - 1));
        const e = escapedEnd(text, i, end);
        out.push(textNode(i, e));
        from = e;
        continue;
      }
    } else if (i > from) out.push(textNode(from, i));
    const tag = readTag(text, i, end);
    if (!tag) {
      out.push(textNode(i, end));
      return out;
    }
    out.push(tag);
    from = tag.range.end;
  }
  if (end > from) out.push(textNode(from, end));
  return out;
}

/** `omitLeft` (whitespace-control.js): strip the end of the text before a tag; all whitespace, or spaces/tabs only. */
function omitLeft(text: string, t: HandlebarsToken | undefined, multiple: boolean): boolean {
  if (!t || t.kind !== 'text' || (!multiple && t.endStripped)) return false;
  const r = t.range;
  let e = r.end;
  if (multiple) while (e > r.start && /\s/.test(text[e - 1])) e--;
  else while (e > r.start && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
  t.endStripped = e !== r.end;
  r.end = e;
  return t.endStripped;
}

/** `omitRight`: strip the start of the text after a tag; all whitespace, or `[ \t]*\r?\n?`. */
function omitRight(text: string, t: HandlebarsToken | undefined, multiple: boolean): void {
  if (!t || t.kind !== 'text' || (!multiple && t.startStripped)) return;
  const r = t.range;
  const re = multiple ? /\s*/y : /[ \t]*\r?\n?/y;
  re.lastIndex = r.start;
  const m = re.exec(text);
  const s = Math.min(r.end, r.start + (m ? m[0].length : 0));
  t.startStripped = s !== r.start;
  r.start = s;
}

/** `isPrevWhitespace` / `isNextWhitespace` (whitespace-control.js) on the template as one program. */
function prevIsWhitespace(text: string, tokens: HandlebarsToken[], k: number): boolean {
  const prev = tokens[k - 1];
  if (!prev) return true;
  if (prev.kind !== 'text') return false;
  const s = text.slice(prev.original.start, prev.original.end);
  return (k - 2 >= 0 ? /\r?\n\s*?$/ : /(^|\r?\n)\s*?$/).test(s);
}

function nextIsWhitespace(text: string, tokens: HandlebarsToken[], k: number): boolean {
  const next = tokens[k + 1];
  if (!next) return true;
  if (next.kind !== 'text') return false;
  const s = text.slice(next.original.start, next.original.end);
  return (k + 2 < tokens.length ? /^\s*?\r?\n/ : /^\s*?(\r?\n|$)/).test(s);
}

const STANDALONE: ReadonlySet<HandlebarsTagType> = new Set(['comment', 'open', 'close', 'else', 'partial']);

/**
 * A raw block is a block statement whose program is its text: its opening tag is standalone when the
 * line before ends it and its text starts with a line break; its closing tag likewise at the other end.
 */
function rawStandalone(text: string, tokens: HandlebarsToken[], k: number, t: HandlebarsTag): void {
  const innerStart = text.indexOf('}}}}', t.range.start) + 4;
  const innerEnd = text.lastIndexOf('{{{{', t.range.end - 1);
  const inner = text.slice(innerStart, Math.max(innerStart, innerEnd));
  if (prevIsWhitespace(text, tokens, k) && /^\s*?\r?\n/.test(inner)) omitLeft(text, tokens[k - 1], false);
  if (/\r?\n\s*?$/.test(inner) && nextIsWhitespace(text, tokens, k)) omitRight(text, tokens[k + 1], false);
}

/** The tokens of the template `text[start, end)` with Handlebars' whitespace control applied to the text. */
export function handlebarsTokens(text: string, start: number, end: number): HandlebarsToken[] {
  const tokens = lex(text, start, end);
  tokens.forEach((t, k) => {
    if (t.kind !== 'tag') return;
    if (t.type === 'raw') {
      rawStandalone(text, tokens, k, t);
      return;
    }
    const standalone = STANDALONE.has(t.type) && prevIsWhitespace(text, tokens, k) && nextIsWhitespace(text, tokens, k);
    if (t.stripRight) omitRight(text, tokens[k + 1], true);
    if (t.stripLeft) omitLeft(text, tokens[k - 1], true);
    if (standalone) {
      omitRight(text, tokens[k + 1], false);
      omitLeft(text, tokens[k - 1], false);
    }
  });
  return tokens;
}

/** Helpers dotprompt registers (js/src/helpers.ts) and the role/history/media/section markers: structure, not data. */
const HELPER = /^(role|history|media|section|json|ifEquals|unlessEquals)\b/;

/** The template's tags as placeholders (what the editor shows as unfilled parts): escaped `\{{…}}` text is not one. */
export function handlebarsPlaceholders(tokens: readonly HandlebarsToken[]): Placeholder[] {
  const out: Placeholder[] = [];
  for (const t of tokens) {
    if (t.kind !== 'tag') continue;
    const kind =
      t.type === 'comment'
        ? 'comment'
        : t.type === 'partial'
          ? 'partial'
          : t.type === 'open' || t.type === 'close' || t.type === 'else'
            ? 'section'
            : t.type === 'raw' || HELPER.test(t.name)
              ? 'block'
              : 'variable';
    out.push({ name: t.name, kind, syntax: 'mustache', range: { ...t.range } });
  }
  return out;
}
