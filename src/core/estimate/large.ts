// Large prompt documents are parsed and counted in a worker (worker.ts); this is what travels back.
import type { Placeholder, PlaceholderKind, PlaceholderSyntax, PromptDocument, PromptMessage, PromptRole } from '../prompt';
import type { TextEdit } from '../prompt/incremental';
import type { EncodingName } from '../tokenize/encodings';
import type { ChatFormatName } from '../tokenize/chatFormats';
import { frameFamilyChat } from '../tokenize/framing';
import type { Counters, FamilyFraming } from './index';

export interface LargePromptRequest {
  fileName: string;
  /** Models to count for; the document's own `model` is added by the worker once it has parsed it. */
  models: string[];
  /** The document version this request brings the worker's copy to. */
  version: number;
  /** The whole text (the first request, or after the worker lost track) … */
  text?: string;
  /** … or the edits since `baseVersion` (VS Code's change events, in order), which the worker's copy must be at. */
  baseVersion?: number;
  edits?: TextEdit[];
  /** The text's length after the edits, and a piece of it: the worker checks its copy against both. */
  length: number;
  probe?: { offset: number; text: string };
}

/** What the worker answers: the counts, or that its copy of the text is not the host's (send the whole text). */
export type LargePromptReply = { needText: true } | PackedPromptCounts;

export interface LargePromptCounts {
  document: PromptDocument;
  /** Content tokens per message index, per encoding counted. */
  contentTokens: Partial<Record<EncodingName, number[]>>;
  /** The conversation framed by each exact open-model family's chat template (see SummaryKey), counted in the worker too. */
  framed?: Partial<
    Record<ChatFormatName, { tokens: number; messageTokens: number[]; templateError?: string; templateErrorMessage?: number }>
  >;
}

/** Placeholders kept per message (and for the document): enough for the hover, cheap to send. */
export const MAX_PLACEHOLDERS = 200;

/** The document without its long placeholder lists, for the trip between threads. */
export function slimDocument(doc: PromptDocument): PromptDocument {
  return {
    ...doc,
    placeholders: doc.placeholders.slice(0, MAX_PLACEHOLDERS),
    messages: doc.messages.map((m) => ({ ...m, placeholders: m.placeholders.slice(0, MAX_PLACEHOLDERS) })),
  };
}

/**
 * Count functions that answer message contents from the worker's counts and count anything else
 * (role names, a few tokens) directly.
 */
export function countersFromWorker(result: LargePromptCounts, count: (text: string, encoding: EncodingName) => number): Counters {
  const messages = result.document.messages;
  return (encoding) => {
    const counts = result.contentTokens[encoding];
    // Summaries ask for the contents in message order: the next message's content is recognised by
    // reference; a map by text (hashing megabytes of content) is built only for other callers.
    let next = 0;
    let known: Map<string, number> | undefined;
    return (text) => {
      if (!counts) return count(text, encoding);
      while (next < messages.length && messages[next].content.length === 0) next++;
      if (next < messages.length && messages[next].content === text) return counts[next++];
      if (text.length < 64 && !known) return count(text, encoding); // a role or name
      known ??= new Map(messages.map((m, i) => [m.content, counts[i]]));
      return known.get(text) ?? count(text, encoding);
    };
  };
}

/** The worker's chat-framed counts; a family it did not frame (a model added later) is framed here. */
export function framingFromWorker(result: LargePromptCounts): FamilyFraming {
  return (format, messages) => result.framed?.[format] ?? frameFamilyChat(format, messages);
}

/**
 * LargePromptCounts for the trip back to the host, with the messages and their placeholders in flat
 * arrays: structured-cloning 15k message objects cost the host thread ~50–80 ms per edit, these arrays
 * a few; `unpackCounts` rebuilds the objects (deep-equal to the worker's).
 */
export interface PackedPromptCounts {
  head: Omit<PromptDocument, 'messages'>;
  /** Message contents, concatenated. */
  contents: string;
  roles: string[];
  /** Per message: MESSAGE_FIELDS numbers (-1: absent). */
  messages: Float64Array;
  names: Record<number, string>;
  placeholderNames: string[];
  /** Per placeholder: kind, syntax (indexes into KINDS, SYNTAXES), start, end. */
  placeholders: Float64Array;
  contentTokens: LargePromptCounts['contentTokens'];
  framed?: LargePromptCounts['framed'];
}

const KINDS: readonly PlaceholderKind[] = ['variable', 'interpolation', 'block', 'section', 'comment', 'partial'];
const SYNTAXES: readonly PlaceholderSyntax[] = ['mustache', 'jinja', 'format', 'dollar', 'fstring', 'template-literal'];
// role, content length, range, sectionRange, headerRange, headerLine, startLine, implicit, placeholders
const MESSAGE_FIELDS = 12;

/** Packs the counts; like slimDocument, keeps MAX_PLACEHOLDERS placeholders per message and for the document. */
export function packCounts(result: LargePromptCounts): PackedPromptCounts {
  const { messages: list, ...whole } = result.document;
  const head = { ...whole, placeholders: whole.placeholders.slice(0, MAX_PLACEHOLDERS) };
  const roles: string[] = [];
  const names: Record<number, string> = {};
  const placeholderNames: string[] = [];
  const ph: number[] = [];
  const nums = new Float64Array(list.length * MESSAGE_FIELDS);
  list.forEach((m, i) => {
    let role = roles.indexOf(m.role);
    if (role < 0) role = roles.push(m.role) - 1;
    if (m.name !== undefined) names[i] = m.name;
    const kept = Math.min(m.placeholders.length, MAX_PLACEHOLDERS);
    for (let k = 0; k < kept; k++) {
      const p = m.placeholders[k];
      placeholderNames.push(p.name);
      ph.push(KINDS.indexOf(p.kind), SYNTAXES.indexOf(p.syntax), p.range.start, p.range.end);
    }
    let k = i * MESSAGE_FIELDS;
    nums[k++] = role;
    nums[k++] = m.content.length;
    nums[k++] = m.range.start;
    nums[k++] = m.range.end;
    nums[k++] = m.sectionRange.start;
    nums[k++] = m.sectionRange.end;
    nums[k++] = m.headerRange ? m.headerRange.start : -1;
    nums[k++] = m.headerRange ? m.headerRange.end : -1;
    nums[k++] = m.headerLine;
    nums[k++] = m.startLine;
    nums[k++] = m.implicit ? 1 : 0;
    nums[k] = kept;
  });
  return {
    head,
    contents: list.map((m) => m.content).join(''),
    roles,
    messages: nums,
    names,
    placeholderNames,
    placeholders: Float64Array.from(ph),
    contentTokens: result.contentTokens,
    framed: result.framed,
  };
}

export function unpackCounts(packed: PackedPromptCounts): LargePromptCounts {
  const n = packed.messages.length / MESSAGE_FIELDS;
  const messages: PromptMessage[] = new Array(n);
  let at = 0;
  let p = 0;
  const f = packed.messages;
  const q = packed.placeholders;
  for (let i = 0; i < n; i++) {
    const b = i * MESSAGE_FIELDS;
    const count = f[b + 11];
    const placeholders: Placeholder[] = new Array(count);
    for (let k = 0; k < count; k++, p++) {
      placeholders[k] = {
        name: packed.placeholderNames[p],
        kind: KINDS[q[p * 4]],
        syntax: SYNTAXES[q[p * 4 + 1]],
        range: { start: q[p * 4 + 2], end: q[p * 4 + 3] },
      };
    }
    const m: PromptMessage = {
      role: packed.roles[f[b]] as PromptRole,
      content: packed.contents.slice(at, (at += f[b + 1])),
      range: { start: f[b + 2], end: f[b + 3] },
      sectionRange: { start: f[b + 4], end: f[b + 5] },
      headerLine: f[b + 8],
      startLine: f[b + 9],
      implicit: f[b + 10] === 1,
      placeholders,
    };
    if (f[b + 6] >= 0) m.headerRange = { start: f[b + 6], end: f[b + 7] };
    if (packed.names[i] !== undefined) m.name = packed.names[i];
    messages[i] = m;
  }
  const result: LargePromptCounts = { document: { ...packed.head, messages }, contentTokens: packed.contentTokens };
  if (packed.framed) result.framed = packed.framed;
  return result;
}
