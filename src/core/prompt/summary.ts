// Token summary of a parsed prompt: per message, chat overhead, total, unfilled placeholders.
// The token counter is passed in (the tokenizer lives in src/core/tokenize), so this stays pure
// and tests can pass a fake.

import type { PromptDocument, ToolDefinition } from './document';
import type { OffsetRange, Placeholder, PromptRole } from './types';

export type CountFn = (text: string) => number;

export interface ChatMessageLike {
  role: string;
  content: string;
  name?: string;
}

export interface SummaryOptions {
  /**
   * Exact chat total from the tokenizer (`chatTokens(messages, encoding)` from src/core/tokenize).
   * When given, `totalTokens` is its result, so the numbers are identical to the core; the
   * per-message figures still come from `count` + `openAiMessageOverhead`.
   */
  chatTokens?: (messages: ChatMessageLike[]) => number;
  /**
   * The conversation as an open model's chat template frames it (`frameFamilyChat` from
   * src/core/tokenize): `tokens` is the total and each message's figure is what it adds to the
   * rendered conversation (the first carries BOS, default system text and the generation prompt),
   * so the message figures sum to the total; `overheadTokens` is that figure minus the content's
   * own tokens and `replyPrimingTokens` is 0. Wins over `chatTokens`; not used with `overhead: 'none'`.
   */
  framedChat?: (messages: ChatMessageLike[]) => {
    tokens: number;
    messageTokens: readonly number[];
    templateError?: string;
    templateErrorMessage?: number;
  };
  /**
   * `openai` (default): 3 tokens per message + the role's tokens (+ name's tokens + 1) + 3 to prime
   * the reply, as in OpenAI's cookbook. `none`: content tokens only (completion prompts, Prompty
   * `api: completion`, or providers without a known rule — the caller marks those approximate).
   */
  overhead?: 'openai' | 'none';
}

export interface MessageSummary {
  index: number;
  role: PromptRole;
  name?: string;
  /** Tokens of the content as written (placeholders unfilled). */
  contentTokens: number;
  /** Chat framing tokens for this message (0 with `overhead: 'none'`). */
  overheadTokens: number;
  totalTokens: number;
  headerLine: number;
  range: OffsetRange;
  sectionRange: OffsetRange;
  placeholders: Placeholder[];
  implicit: boolean;
  /** No content: still sent (Prompty spec §6.6), so its framing counts. */
  empty: boolean;
}

export interface PromptSummary {
  messages: MessageSummary[];
  /** Tokens of the tool / function definitions sent with the request (included in `totalTokens`). */
  toolTokens: number;
  contentTokens: number;
  overheadTokens: number;
  /** The chat template refused the conversation (its own raise_exception): contents only were counted. */
  templateError?: string;
  /** With templateError: the index of the message the template refuses (see tokenize/framing.ts refusedMessage). */
  templateErrorMessage?: number;
  /** Input tokens of the whole prompt, chat overhead included. */
  totalTokens: number;
  /** 3 (reply priming) with OpenAI overhead and at least one message, else 0. */
  replyPrimingTokens: number;
  placeholders: Placeholder[];
  /** Distinct names of variables/interpolations left unfilled, in first-seen order. */
  unfilled: string[];
  model?: string;
  /** Expected output tokens from the front matter, if any. */
  maxTokens?: number;
}

/** APIs that send the text without chat framing: completions, embeddings, and a string found in code (`fragment`). */
const NO_FRAMING: ReadonlySet<string> = new Set(['completion', 'embedding', 'fragment']);

export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;

/** OpenAI chat framing for one message: 3 + tokens(role) (+ tokens(name) + 1). Content excluded. */
export function openAiMessageOverhead(message: { role: string; name?: string }, count: CountFn): number {
  let n = TOKENS_PER_MESSAGE + count(message.role);
  if (message.name) n += count(message.name) + TOKENS_PER_NAME;
  return n;
}

/** Whole-conversation count with the OpenAI rule (for callers without the tokenizer's `chatTokens`). */
export function openAiChatTokens(messages: readonly ChatMessageLike[], count: CountFn): number {
  if (messages.length === 0) return 0;
  let n = REPLY_PRIMING_TOKENS;
  for (const m of messages) n += openAiMessageOverhead(m, count) + count(m.content);
  return n;
}

export function summarizePrompt(doc: PromptDocument, count: CountFn, options: SummaryOptions = {}): PromptSummary {
  const overhead = options.overhead ?? (NO_FRAMING.has(doc.api ?? '') ? 'none' : 'openai');
  const chatMessages = () =>
    doc.messages.map((m) => (m.name ? { role: m.role, content: m.content, name: m.name } : { role: m.role, content: m.content }));
  const framed = options.framedChat && overhead === 'openai' && doc.messages.length > 0 ? options.framedChat(chatMessages()) : undefined;
  const messages: MessageSummary[] = doc.messages.map((m, index) => {
    const empty = m.content.length === 0;
    const contentTokens = empty ? 0 : count(m.content);
    const overheadTokens = framed ? framed.messageTokens[index] - contentTokens : overhead === 'none' ? 0 : openAiMessageOverhead(m, count);
    const s: MessageSummary = {
      index,
      role: m.role,
      contentTokens,
      overheadTokens,
      totalTokens: contentTokens + overheadTokens,
      headerLine: m.headerLine,
      range: m.range,
      sectionRange: m.sectionRange,
      placeholders: m.placeholders,
      implicit: m.implicit,
      empty,
    };
    if (m.name) s.name = m.name;
    return s;
  });
  const counted = messages;
  const contentTokens = counted.reduce((a, m) => a + m.contentTokens, 0);
  const replyPrimingTokens = !framed && overhead === 'openai' && counted.length > 0 ? REPLY_PRIMING_TOKENS : 0;
  let totalTokens = contentTokens + counted.reduce((a, m) => a + m.overheadTokens, 0) + replyPrimingTokens;
  if (framed) totalTokens = framed.tokens;
  else if (options.chatTokens && overhead === 'openai' && counted.length > 0) totalTokens = options.chatTokens(chatMessages());
  const toolTokens = doc.tools?.length ? functionDefinitionTokens(doc.tools, count) : 0;
  totalTokens += toolTokens;
  const unfilled: string[] = [];
  const seen = new Set<string>();
  for (const p of doc.placeholders) {
    if (p.kind !== 'variable' && p.kind !== 'interpolation') continue;
    if (!seen.has(p.name)) {
      seen.add(p.name);
      unfilled.push(p.name);
    }
  }
  const out: PromptSummary = {
    messages,
    toolTokens,
    contentTokens,
    overheadTokens: totalTokens - contentTokens - toolTokens,
    totalTokens,
    replyPrimingTokens,
    placeholders: doc.placeholders,
    unfilled,
  };
  if (doc.model) out.model = doc.model;
  if (doc.maxTokens !== undefined) out.maxTokens = doc.maxTokens;
  if (framed?.templateError !== undefined) out.templateError = framed.templateError;
  if (framed?.templateErrorMessage !== undefined) out.templateErrorMessage = framed.templateErrorMessage;
  return out;
}

/**
 * Tokens of function definitions as OpenAI bills them, by the rule in OpenAI's cookbook
 * (examples/How_to_count_tokens_with_tiktoken.ipynb, `num_tokens_for_tools`, gpt-4o constants):
 * per function 7 + tokens("name:description"); with parameters 3, then per property
 * 3 + tokens("name:type:description") (enums: -3 + per item 3 + its tokens); 12 at the end. An
 * approximation OpenAI publishes, not an exact count; other providers are approximate anyway.
 */
export function functionDefinitionTokens(tools: readonly ToolDefinition[], count: CountFn): number {
  if (!tools.length) return 0;
  const strip = (s: unknown) => (typeof s === 'string' ? s.replace(/\.$/, '') : '');
  let n = 0;
  for (const t of tools) {
    n += 7 + count(`${t.name}:${strip(t.description)}`);
    const params = t.parameters;
    const props =
      params && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>).properties : undefined;
    if (!props || typeof props !== 'object' || Array.isArray(props) || Object.keys(props).length === 0) continue;
    n += 3;
    for (const [key, raw] of Object.entries(props as Record<string, unknown>)) {
      const p = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
      n += 3;
      if (Array.isArray(p.enum)) {
        n -= 3;
        for (const item of p.enum) n += 3 + count(String(item));
      }
      const type = Array.isArray(p.type) ? p.type.join(',') : typeof p.type === 'string' ? p.type : 'object';
      n += count(`${key}:${type}:${strip(p.description)}`);
    }
  }
  return n + 12;
}
