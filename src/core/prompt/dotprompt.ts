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
//   holding only such a tag is removed with its line break (Handlebars "standalone" lines).
import type { OffsetRange, Placeholder, PromptRole } from './types';
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

/** Is `[from, to)` only spaces/tabs? */
function blank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * Splits the template `text[start, end)` into dotprompt messages. `placeholders` are the mustache
 * tags found in that range (from `findPlaceholders`), in order.
 */
export function dotpromptMessages(text: string, start: number, end: number, placeholders: readonly Placeholder[]): DotpromptBody {
  const items: Item[] = [];
  const partials: string[] = [];
  let media = 0;
  let pos = start;
  const pushText = (to: number) => {
    if (to > pos) items.push({ kind: 'text', range: { start: pos, end: to } });
  };
  for (const p of placeholders) {
    if (p.range.start < pos || p.range.end > end) continue;
    // Dotprompt renders with Handlebars: Jinja's `{# #}` and `{% %}` are plain text there, not tags.
    if (p.syntax !== 'mustache') continue;
    const name = p.name.replace(/^~|~$/g, '').trim();
    const role = ROLE_HELPER.exec(name);
    let item: Item | undefined;
    let drop = false;
    if (p.kind === 'variable' && role) {
      const r = roleOf(role[1] ?? role[2]);
      if (r) item = { kind: 'role', role: r, range: p.range };
    } else if (p.kind === 'variable' && name === 'history') item = { kind: 'history', range: p.range };
    else if (p.kind === 'variable' && /^media\s/.test(name)) {
      item = { kind: 'media', range: p.range };
      media++;
    } else if (p.kind === 'variable' && /^section\s/.test(name)) item = { kind: 'section', range: p.range };
    else if (p.kind === 'comment' || p.kind === 'section' || (p.kind === 'variable' && /^else\b/.test(name))) drop = true;
    else if (p.kind === 'partial') partials.push(name.replace(/^>\s*/, ''));
    if (!item && !drop) continue;
    let from = p.range.start;
    let to = p.range.end;
    if (drop) {
      // Standalone: only whitespace around the tag on its line → the whole line goes.
      const lineStart = text.lastIndexOf('\n', from - 1) + 1;
      const nl = text.indexOf('\n', to);
      const lineEnd = nl < 0 || nl > end ? end : nl;
      const crEnd = lineEnd > to && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
      if (lineStart >= pos && blank(text, lineStart, from) && blank(text, to, crEnd)) {
        from = lineStart;
        to = nl < 0 || nl >= end ? end : nl + 1;
      }
    }
    pushText(from);
    if (item) items.push(item);
    pos = to;
  }
  pushText(end);

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
