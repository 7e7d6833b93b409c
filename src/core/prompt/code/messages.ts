// The messages a value in code stands for: a string, a `{role, content}` dict (content a string or a
// list of parts), a Gemini `{role, parts}` content, a LangChain `SystemMessage(...)` or `("system", …)`
// tuple, or a list of those — in the order written. A message list held in a variable is followed one
// step; a spread (`*history`, `...history`) or a list it cannot see is named as unread.
import type { CodeLanguage, CodeToken } from '../lexer';
import type { OffsetRange, Placeholder, PromptRole } from '../types';
import { MESSAGE_CLASSES, ROLE_NAMES } from './calls';
import { StrValue, StringReader } from './strings';
import { Group, Item, calleeBefore, isGroup, isIdent, isTok, itemsRange, splitTop } from './tree';
import { pushAll } from '../../arrays';

export interface CodeMessage {
  role: PromptRole;
  /** The content as the program builds it; parts it cannot read are `{expr}` (see placeholders). */
  text: string;
  /** Offsets of the content (from its first to its last part). */
  range: OffsetRange;
  placeholders: Placeholder[];
  /** Keyword / property the content was passed as (`system`, `content`, `instructions`, …). */
  key?: string;
  /** Nothing of the content is a literal (a variable or call): counted as its `{expr}`. */
  unread?: boolean;
}

export interface MessageList {
  messages: CodeMessage[];
  /** Message lists (or spreads) whose contents are decided at run time: `history`, `*messages`. */
  unread: string[];
}

const MAX_DEPTH = 6;

export class MessageReader {
  constructor(
    readonly lang: CodeLanguage,
    readonly strings: StringReader,
    readonly resolve: (items: Item[]) => Item[],
  ) {}

  /** `key: value` entries of a dict / object literal. */
  entries(g: Group): { key: string; keyTok: CodeToken; value: Item[] }[] {
    const out: { key: string; keyTok: CodeToken; value: Item[] }[] = [];
    for (const e of splitTop(g.children)) {
      const k = e[0];
      if (isTok(k) && (k.kind === 'string' || (this.lang === 'js' && k.kind === 'ident')) && isTok(e[1], ':')) {
        out.push({ key: k.kind === 'string' ? k.str!.value : k.text, keyTok: k, value: e.slice(2) });
      } else if (this.lang === 'js' && e.length === 1 && isIdent(k)) {
        out.push({ key: k.text, keyTok: k, value: [k] }); // shorthand { system }
      }
    }
    return out;
  }

  /**
   * The messages of a value passed for a prompt key. `list`: the key holds a message list (`messages`),
   * so a name it cannot follow is unread rather than one unfilled message.
   */
  read(items: Item[], role: PromptRole, key: string | undefined, list: boolean, out: MessageList, depth = 0): void {
    if (depth > MAX_DEPTH || items.length === 0) return;
    const v = this.resolve(items);
    if (v.length === 1 && isGroup(v[0], '[')) {
      for (const el of splitTop(v[0].children)) this.element(el, role, key, out, depth + 1);
      return;
    }
    if (v.length === 1 && isGroup(v[0], '{')) {
      this.dict(v[0], role, out, depth + 1);
      return;
    }
    const cls = this.messageClass(v);
    if (cls) {
      this.classMessage(cls, out);
      return;
    }
    if (list && !this.strings.literal(v)) {
      if (isIdent(v[v.length - 1]) || isGroup(v[v.length - 1], '(')) out.unread.push(this.source(items));
      return;
    }
    const s = this.strings.partial(items);
    if (s) out.messages.push(message(role, s, key));
  }

  /** One element of a message list. */
  private element(el: Item[], role: PromptRole, key: string | undefined, out: MessageList, depth: number): void {
    if (isTok(el[0], '*') || isTok(el[0], '**') || isTok(el[0], '...')) {
      out.unread.push(this.source(el.slice(1)) || '…');
      return;
    }
    const tuple = this.roleTuple(el);
    if (tuple) {
      out.messages.push(message(tuple.role, tuple.content, key));
      return;
    }
    const v = this.resolve(el);
    if (v.length === 1 && (isGroup(v[0], '{') || isGroup(v[0], '['))) return this.read(v, role, key, true, out, depth);
    const cls = this.messageClass(v);
    if (cls) return this.classMessage(cls, out);
    const s = this.strings.literal(v) ?? (isIdent(v[0]) && v.length === 1 ? undefined : this.strings.partial(el));
    if (s) out.messages.push(message(role, s, key));
    else out.unread.push(this.source(el));
  }

  /** `("system", "…")` (Python tuple) / `["system", "…"]` (JS array), as LangChain accepts. */
  private roleTuple(el: Item[]): { role: PromptRole; content: StrValue } | undefined {
    if (el.length !== 1 || !(isGroup(el[0], '(') || (this.lang === 'js' && isGroup(el[0], '[')))) return undefined;
    const parts = splitTop((el[0] as Group).children);
    if (parts.length !== 2) return undefined;
    const r = this.strings.literal(parts[0]);
    const role = r && ROLE_NAMES[r.text];
    const content = role && this.strings.partial(parts[1]);
    return role && content ? { role, content } : undefined;
  }

  /** A message dict `{role, content}`, a Gemini content `{role, parts}` or a content part `{type: "text", text}`. */
  dict(g: Group, defaultRole: PromptRole, out: MessageList, depth: number): void {
    const es = this.entries(g);
    let role = defaultRole;
    const roleEntry = es.find((e) => e.key === 'role');
    if (roleEntry) {
      const r = this.strings.literal(this.resolve(roleEntry.value));
      const mapped = r && ROLE_NAMES[r.text];
      if (r && !mapped) return; // a role no API sends (`admin`): not a message
      if (mapped) role = mapped;
    }
    const content = es.find((e) => e.key === 'content' || e.key === 'parts' || (e.key === 'text' && !roleEntry));
    if (!content) return;
    const inner: MessageList = { messages: [], unread: [] };
    this.read(content.value, role, content.key, false, inner, depth + 1);
    pushAll(out.unread, inner.unread);
    if (!inner.messages.length) return;
    if (!roleEntry && content.key === 'text') {
      pushAll(out.messages, inner.messages);
      return;
    }
    out.messages.push(joinParts(role, inner.messages, content.key));
  }

  /** `SystemMessage(content="…")` / `HumanMessage("…")` → its role and arguments. */
  messageClass(v: Item[]): { role: PromptRole; args: Item[][] } | undefined {
    const last = v[v.length - 1];
    if (v.length < 2 || !isGroup(last, '(')) return undefined;
    const callee = calleeBefore(v, v.length - 1);
    if (!callee || callee.start !== v[0].start) return undefined;
    const role = MESSAGE_CLASSES[callee.segs[callee.segs.length - 1]];
    return role ? { role, args: splitTop(last.children) } : undefined;
  }

  private classMessage(cls: { role: PromptRole; args: Item[][] }, out: MessageList): void {
    for (const a of cls.args) {
      const named = isIdent(a[0]) && isTok(a[1], '=');
      if (named && (a[0] as CodeToken).text !== 'content') continue;
      if (this.lang === 'js' && a.length === 1 && isGroup(a[0], '{')) {
        const c = this.entries(a[0]).find((e) => e.key === 'content');
        if (c) this.read(c.value, cls.role, 'content', false, out);
        return;
      }
      this.read(named ? a.slice(2) : a, cls.role, 'content', false, out);
      return;
    }
  }

  /** The source text of an expression (for an unread list's name). */
  source(items: Item[]): string {
    if (!items.length) return '';
    const r = itemsRange(items);
    const s = this.strings.source.slice(r.start, r.end).replace(/\s+/g, ' ').trim();
    return s.length > 60 ? `${s.slice(0, 59)}…` : s;
  }
}

function message(role: PromptRole, s: StrValue, key: string | undefined): CodeMessage {
  const m: CodeMessage = { role, text: s.text, range: s.range, placeholders: s.placeholders };
  if (key) m.key = key;
  if (s.unfilled && s.placeholders.length === 1 && s.text === `{${s.placeholders[0].name}}`) m.unread = true;
  return m;
}

/** Content parts of one message (`[{type: "text", text}, …]`) are one message: their texts in order. */
function joinParts(role: PromptRole, parts: CodeMessage[], key: string): CodeMessage {
  if (parts.length === 1) return { ...parts[0], role, key: parts[0].key ?? key };
  return {
    role,
    text: parts.map((p) => p.text).join('\n'),
    range: { start: parts[0].range.start, end: parts[parts.length - 1].range.end },
    placeholders: parts.flatMap((p) => p.placeholders),
    key: parts[0].key ?? key,
    ...(parts.every((p) => p.unread) ? { unread: true } : {}),
  };
}
