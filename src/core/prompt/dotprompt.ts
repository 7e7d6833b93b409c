// Dotprompt (Genkit `.prompt`) bodies as dotprompt renders them into messages (google/dotprompt
// js/src/parse.ts `toMessages` / `toParts`, spec/helpers/*.yaml):
// - `{{role "system"}}` starts a message of that role, or re-labels the current one while it holds
//   no text yet; the first message is `user`; `model` is the assistant role.
// - `{{history}}` is where the conversation history goes (supplied at run time, not counted here);
//   text after it belongs to a `model` message until the next role.
// - `{{media url=…}}` is a media part and `{{section "…"}}` a metadata part: neither is text.
// - Pieces between role/history markers that are only whitespace are dropped; text parts that are
//   only whitespace are dropped; the rest is sent as written (no trimming), so "…\n" counts.
// - Handlebars: comments and block tags (`{{#if}}`, `{{/if}}`, `{{else}}`) do not render; a line
//   holding only such a tag is removed with its line break (Handlebars "standalone" lines); escapes,
//   raw blocks and `~` whitespace control as Handlebars lexes them (handlebars.ts).
// - Variables and partials are counted as written (their values come at run time).
// - The template is the body after valid front matter, trimmed; with front matter that is not valid
//   YAML, or empty, dotprompt renders the whole file (js/src/parse.ts parseDocument): so do we.
import type { OffsetRange, PromptRole } from './types';
import type { HandlebarsTag, HandlebarsToken } from './handlebars';
import { pushAll } from '../arrays';

export interface DotpromptMessage {
  role: PromptRole;
  content: string;
  /** Offsets of the kept text segments, in order. */
  segments: OffsetRange[];
  /** The role marker that opened it, if any. */
  marker?: OffsetRange;
}

export interface DotpromptBody {
  messages: DotpromptMessage[];
  history: boolean;
  media: number;
  partials: string[];
}

type Item =
  | { kind: 'text'; range: OffsetRange }
  | { kind: 'role'; role: PromptRole; range: OffsetRange }
  | { kind: 'history'; range: OffsetRange }
  | { kind: 'media' | 'section'; range: OffsetRange };

const ROLE_HELPER = /^role\s+(?:"([a-z]+)"|'([a-z]+)')\s*$/;

function roleOf(name: string): PromptRole | undefined {
  if (name === 'model') return 'assistant';
  if (name === 'system' || name === 'user' || name === 'tool') return name;
  return undefined;
}

/** What a tag renders to: a marker, text as written (a variable, a partial: counted as written), or nothing. */
function tagItem(t: HandlebarsTag): Item | 'text' | undefined {
  if (t.type === 'comment' || t.type === 'open' || t.type === 'close' || t.type === 'else' || t.type === 'raw') return undefined;
  if (t.type !== 'mustache') return 'text';
  const role = ROLE_HELPER.exec(t.name);
  const r = role ? roleOf(role[1] ?? role[2]) : undefined;
  if (r) return { kind: 'role', role: r, range: t.range };
  if (t.name === 'history') return { kind: 'history', range: t.range };
  if (/^media\s/.test(t.name)) return { kind: 'media', range: t.range };
  if (/^section\s/.test(t.name)) return { kind: 'section', range: t.range };
  return 'text';
}

/**
 * Splits a dotprompt template into messages; `tokens` are its Handlebars tokens (`handlebarsTokens`),
 * whitespace control applied.
 */
export function dotpromptMessages(text: string, tokens: readonly HandlebarsToken[]): DotpromptBody {
  const items: Item[] = [];
  const partials: string[] = [];
  let media = 0;
  for (const t of tokens) {
    if (t.kind === 'text') {
      if (t.range.end > t.range.start) items.push({ kind: 'text', range: { ...t.range } });
      continue;
    }
    if (t.type === 'partial') partials.push(t.name);
    const item = tagItem(t);
    if (item === 'text') items.push({ kind: 'text', range: { ...t.range } });
    else if (item) {
      if (item.kind === 'media') media++;
      items.push(item);
    }
  }

  // Pieces between role/history markers (toMessages), whitespace-only pieces dropped.
  const messages: DotpromptMessage[] = [];
  let current: DotpromptMessage & { hasSource: boolean } = { role: 'user', content: '', segments: [], hasSource: false };
  const all = [current];
  let history = false;
  let piece: Item[] = [];
  const isWhitespace = (s: string) => s.trim() === '';
  const flushPiece = () => {
    const meaningful = piece.some((i) => i.kind !== 'text' || !isWhitespace(text.slice(i.range.start, i.range.end)));
    if (meaningful) {
      current.hasSource = true;
      // toParts: split at media/section markers; whitespace-only text parts are dropped.
      let part: OffsetRange[] = [];
      const flushPart = () => {
        const s = part.map((r) => text.slice(r.start, r.end)).join('');
        if (!isWhitespace(s)) {
          current.content += s;
          pushAll(current.segments, part);
        }
        part = [];
      };
      for (const i of piece) {
        if (i.kind === 'text') part.push(i.range);
        else flushPart();
      }
      flushPart();
    }
    piece = [];
  };
  for (const i of items) {
    if (i.kind === 'role' || i.kind === 'history') {
      flushPiece();
      if (i.kind === 'history') history = true;
      const role: PromptRole = i.kind === 'role' ? i.role : 'assistant';
      if (i.kind === 'role' && !current.hasSource) {
        current.role = role;
        current.marker = i.range;
      } else {
        current = { role, content: '', segments: [], hasSource: false, ...(i.kind === 'role' ? { marker: i.range } : {}) };
        all.push(current);
      }
    } else piece.push(i);
  }
  flushPiece();
  for (const m of all) {
    if (!m.hasSource) continue;
    messages.push({ role: m.role, content: m.content, segments: m.segments, ...(m.marker ? { marker: m.marker } : {}) });
  }
  return { messages, history, media, partials };
}

/** Why dotprompt renders the whole file, front matter included (js/src/parse.ts parseDocument), or undefined. */
export type WholeFileReason = 'invalid-yaml' | 'empty-front-matter' | 'no-line-break';

/**
 * The template dotprompt renders: after front matter it parsed, the body trimmed; with no front
 * matter, the file as written; when the front matter fails its YAML parse (`parse` throws on any
 * error), is empty (`if (frontmatter)` is false) or its closing `---` has no line break after it
 * (FRONTMATTER_AND_BODY_REGEX does not match), the whole file — trimmed only in the first case.
 */
export function dotpromptTemplate(
  text: string,
  bodyStart: number,
  frontMatter: { range: OffsetRange; contentRange: OffsetRange } | undefined,
  yamlFailed: boolean,
): { range: OffsetRange; whole?: WholeFileReason } {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const trimmed = (from: number): OffsetRange => {
    let s = from;
    let e = text.length;
    while (s < e && /\s/.test(text[s])) s++;
    while (e > s && /\s/.test(text[e - 1])) e--;
    return { start: s, end: e };
  };
  if (!frontMatter) return { range: { start: bodyStart, end: text.length } };
  const fenceEnd = frontMatter.range.end;
  const c = text.charCodeAt(fenceEnd - 1);
  if (c !== 10 && c !== 13) return { range: { start, end: text.length }, whole: 'no-line-break' };
  if (frontMatter.contentRange.end <= frontMatter.contentRange.start)
    return { range: { start, end: text.length }, whole: 'empty-front-matter' };
  if (yamlFailed) return { range: trimmed(start), whole: 'invalid-yaml' };
  return { range: trimmed(bodyStart) };
}

export const WHOLE_FILE_NOTES: Readonly<Record<WholeFileReason, string>> = {
  'invalid-yaml':
    'The front matter is not valid YAML: dotprompt then renders the whole file, front matter included, with no model or settings — counted so.',
  'empty-front-matter': 'The front matter is empty: dotprompt then renders the whole file, the `---` lines included — counted so.',
  'no-line-break':
    'The closing `---` has no line break after it: dotprompt does not see front matter and renders the whole file — counted so.',
};
