// Chat framing of the open-model families: a conversation counted the way a hosted open model
// receives it. The family's own `chat_template` (tokenizer_config.json) is rendered with
// @huggingface/jinja (the renderer made for these templates, as transformers' apply_chat_template
// and vLLM / TGI do) with add_generation_prompt: true, so the BOS token and the reply header are
// included as the template writes them. The rendered text is then tokenized as Hugging Face
// tokenizers does with add_special_tokens=False: every added token (special or not) that occurs
// is one token (leftmost, longest first), the text between them is counted as ordinary text.
import { Template } from '@huggingface/jinja';
import type { ChatMessage } from './chat';
import { CHAT_FORMATS, ChatFormatName, ChatVocabulary, formatFamily, loadChatFormat } from './chatFormats';
import { getEncoder } from './bpe';
import { MistralRequestError, frameMistralV3, renderMistralV3 } from './mistralInstruct';
import { FamilyEncoder, addedTokenRegex, getFamilyEncoder, getVersionEncoder } from './hfbpe';
import { tokenizerForModel } from './models';
import { chatFormatFor } from './registry';
import { errorText } from '../errors';

export interface ChatCount {
  /** Prompt tokens of the whole conversation as the model receives it. */
  tokens: number;
  /** The vocabulary that counted. */
  family: ChatVocabulary;
  /** Set when the template refused the conversation (e.g. Gemma's strict user/model alternation): contents only were counted. */
  templateError?: string;
  /** With templateError: the index of the first message the template refuses (the shortest refused prefix ends there). */
  templateErrorMessage?: number;
}

/**
 * The message a refusing template objects to: the last message of the shortest prefix of the conversation
 * it refuses (binary search: a template that refuses a prefix refuses its extensions, as Gemma's alternation
 * and Llama's one-tool-call checks do). Undefined when every prefix renders (the refusal needs the whole
 * conversation, e.g. a check of the last message).
 */
export function refusedMessage(format: ChatFormatName, messages: readonly ChatMessage[], now: Date = new Date()): number | undefined {
  if (CHAT_FORMATS[format].coded) {
    try {
      renderMistralV3(messages);
    } catch (err) {
      if (err instanceof MistralRequestError) return err.at; // the validator names the message (not prefix-monotone: the last role matters)
      throw err;
    }
    return undefined;
  }
  const refuses = (n: number) => {
    try {
      renderChat(format, messages.slice(0, n), now);
      return false;
    } catch {
      return true;
    }
  };
  let lo = 1; // prefixes shorter than lo render
  let hi = messages.length; // the prefix of length hi is refused
  if (hi === 0 || !refuses(hi)) return undefined;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (refuses(mid)) hi = mid;
    else lo = mid + 1;
  }
  return hi - 1;
}

/** A refused conversation counted by its contents, with the template's reason and the message it refuses. */
function refused(format: ChatFormatName, messages: readonly ChatMessage[], err: unknown, now: Date): FramedChat {
  const enc = formatEncoder(format);
  const messageTokens = messages.map((m) => enc.count(m.content));
  const out: FramedChat = {
    tokens: messageTokens.reduce((a, b) => a + b, 0),
    family: formatFamily(format),
    templateError: errorText(err),
    messageTokens,
  };
  const at = refusedMessage(format, messages, now);
  if (at !== undefined) out.templateErrorMessage = at;
  return out;
}

interface FormatTemplate {
  template: Template | undefined;
  /** Counts the text between added tokens: the family's encoder, or one with the version's own added tokens (Qwen2.5 has no `<think>`). */
  encoder: FamilyEncoder;
  bos: string | null;
  eos: string | null;
  /** Added tokens, longest first, as one alternation. */
  added: RegExp | undefined;
}

const templates = new Map<ChatFormatName, FormatTemplate>();

/** Counts ordinary text the way the format's vocabulary does (with the version's own added tokens). */
function formatEncoder(format: ChatFormatName): { count(text: string): number } {
  const vocabulary = formatFamily(format);
  return vocabulary === 'tekken' ? getEncoder('tekken') : formatTemplate(format).encoder;
}

/** A coded format (Mistral's, mistralInstruct.ts): its own pieces, no template; a refused request counts contents only. */
function frameCoded(format: ChatFormatName, messages: readonly ChatMessage[]): FramedChat {
  const enc = formatEncoder(format);
  const family = formatFamily(format);
  try {
    return { ...frameMistralV3(messages, (t) => enc.count(t)), family };
  } catch (err) {
    if (!(err instanceof MistralRequestError)) throw err;
    const messageTokens = messages.map((m) => enc.count(m.content));
    return {
      tokens: messageTokens.reduce((a, b) => a + b, 0),
      family,
      templateError: errorText(err),
      templateErrorMessage: err.at,
      messageTokens,
    };
  }
}

function formatTemplate(format: ChatFormatName): FormatTemplate {
  let t = templates.get(format);
  if (!t) {
    const loaded = loadChatFormat(format);
    const family = formatFamily(format);
    if (family === 'tekken') throw new Error(`${format}: a coded format has no template`);
    const version = CHAT_FORMATS[format].encoding;
    const encoder = version ? getVersionEncoder(version) : getFamilyEncoder(family);
    t = {
      template: loaded.template ? new Template(loaded.template) : undefined,
      encoder,
      bos: loaded.bos,
      eos: loaded.eos,
      added: addedTokenRegex(loaded.addedTokens.map(([, content]) => content)),
    };
    templates.set(format, t);
  }
  return t;
}

/**
 * The conversation rendered with the format's chat template (generation prompt included), with the
 * variables a serving stack gives it at `now` (Llama 3.2's date).
 */
export function renderChat(format: ChatFormatName, messages: readonly ChatMessage[], now: Date = new Date()): string {
  if (CHAT_FORMATS[format].coded) return renderMistralV3(messages);
  const t = formatTemplate(format);
  if (!t.template) throw new Error(`${format}: the published tokenizer_config.json has no chat_template`);
  return t.template.render({
    ...CHAT_FORMATS[format].variables?.(now),
    messages: messages.map((m) => ({ ...m })),
    bos_token: t.bos ?? '',
    eos_token: t.eos ?? '',
    add_generation_prompt: true,
  });
}

/** Tokens of `text` with the format's added tokens recognised (HF `encode(text, add_special_tokens=False)`). */
export function countWithSpecialTokens(format: ChatFormatName, text: string, memo?: Map<string, number>): number {
  const { added, encoder: enc } = formatTemplate(format);
  // The text between two added tokens is tokenized on its own, so its count can be reused.
  const count = (piece: string) => {
    if (!memo) return enc.count(piece);
    let n = memo.get(piece);
    if (n === undefined) memo.set(piece, (n = enc.count(piece)));
    return n;
  };
  if (!added) return count(text);
  let total = 0;
  let last = 0;
  added.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = added.exec(text)) !== null) {
    if (m.index > last) total += count(text.slice(last, m.index));
    total += 1;
    last = added.lastIndex;
  }
  if (last < text.length) total += count(text.slice(last));
  return total;
}

/** Prompt tokens of a conversation framed by a chat format (a family name: that vocabulary's own template). */
export function countFamilyChat(format: ChatFormatName, messages: readonly ChatMessage[]): ChatCount {
  if (CHAT_FORMATS[format].coded) {
    const { tokens, family, templateError, templateErrorMessage } = frameCoded(format, messages);
    return templateError === undefined ? { tokens, family } : { tokens, family, templateError, templateErrorMessage };
  }
  const now = new Date();
  try {
    return { tokens: countWithSpecialTokens(format, renderChat(format, messages, now)), family: formatFamily(format) };
  } catch (err) {
    const { tokens, family, templateError, templateErrorMessage } = refused(format, messages, err, now);
    return templateErrorMessage === undefined ? { tokens, family, templateError } : { tokens, family, templateError, templateErrorMessage };
  }
}

export interface FramedChat extends ChatCount {
  /**
   * Per message: its share of the conversation's tokens, from ONE render (linear in the messages).
   * Message i owns the rendered text from the end of message i−1's content to the end of its own
   * (the previous turn's closing token, its own header, its content); the first message also owns the
   * template's prefix (BOS, default system text such as Llama 3.1's date lines) and the generation
   * prompt after the last message. Every piece of the rendered text between added tokens is counted
   * once and given to the message its start lies in, so the figures sum to `tokens` exactly.
   * A content the template rewrote (not found verbatim) gets its content tokens; the first message
   * takes the difference. After a templateError: contents only.
   */
  messageTokens: number[];
}

/**
 * Where each message's content ends in the rendered text, from a second render with a marker for each
 * content: exact when putting the contents (as written, or trimmed as Llama 3 / Gemma do) back into
 * that skeleton gives the real render. Undefined when the template's output depends on the contents
 * (Qwen 3's `<think>` handling) or drops or repeats a message.
 */
function markedContentEnds(format: ChatFormatName, messages: readonly ChatMessage[], rendered: string, now: Date): number[] | undefined {
  let skeleton: string;
  try {
    skeleton = renderChat(
      format,
      messages.map((m, i) => ({ ...m, content: `\uE000${i}\uE001` })),
      now,
    );
  } catch {
    return undefined;
  }
  for (const trim of [false, true]) {
    const ends: number[] = [];
    const marker = /\uE000(\d+)\uE001/g;
    let text = '';
    let pos = 0;
    let m: RegExpExecArray | null;
    while ((m = marker.exec(skeleton)) !== null && Number(m[1]) === ends.length) {
      const content = messages[ends.length].content;
      text += skeleton.slice(pos, m.index) + (trim ? content.trim() : content);
      ends.push(text.length);
      pos = marker.lastIndex;
    }
    if (
      ends.length === messages.length &&
      text.length + skeleton.length - pos === rendered.length &&
      text + skeleton.slice(pos) === rendered
    )
      return ends;
  }
  return undefined;
}

/** Where each message's content ends in the rendered text, found by search (−1: the template rewrote it). */
function searchedContentEnds(rendered: string, messages: readonly ChatMessage[]): number[] {
  const ends: number[] = [];
  let from = 0;
  for (const m of messages) {
    let at = rendered.indexOf(m.content, from);
    let len = m.content.length;
    if (at < 0) {
      const trimmed = m.content.trim(); // Llama 3 and Gemma templates trim contents
      at = rendered.indexOf(trimmed, from);
      len = trimmed.length;
    }
    if (at < 0) ends.push(-1);
    else ends.push((from = at + len));
  }
  return ends;
}

/** The conversation's count in a chat format and each message's share of it (see FramedChat). */
export function frameFamilyChat(format: ChatFormatName, messages: readonly ChatMessage[]): FramedChat {
  if (CHAT_FORMATS[format].coded) return frameCoded(format, messages);
  const family = formatFamily(format);
  const enc = formatTemplate(format).encoder;
  const now = new Date(); // one date for both renders
  let rendered: string;
  try {
    rendered = renderChat(format, messages, now);
  } catch (err) {
    return refused(format, messages, err, now);
  }
  const messageTokens = messages.map(() => 0);
  if (messages.length === 0) return { tokens: countWithSpecialTokens(format, rendered), family, messageTokens };
  const ends = markedContentEnds(format, messages, rendered, now) ?? searchedContentEnds(rendered, messages);
  const located = ends.map((e, i) => ({ end: e, i })).filter((x) => x.end >= 0);
  // owner of an offset: the first located message whose content ends after it; the tail → message 0
  let k = 0;
  const ownerAt = (offset: number): number => {
    while (k < located.length && located[k].end <= offset) k++;
    return k < located.length ? located[k].i : 0;
  };
  let tokens = 0;
  for (const piece of addedTokenPieces(format, rendered)) {
    const n = piece.added ? 1 : enc.count(rendered.slice(piece.start, piece.end));
    tokens += n;
    // Text that runs across a content end (Gemma folds the system text into the first user turn): each
    // message gets its part's count; the rounding of the cut goes to the part where the piece starts.
    let start = piece.start;
    let rest = n;
    const first = ownerAt(start);
    for (let j = k; !piece.added && j < located.length && located[j].end < piece.end; j++) {
      if (located[j].end <= start) continue;
      const part = enc.count(rendered.slice(start, located[j].end));
      messageTokens[located[j].i] += part;
      rest -= part;
      start = located[j].end;
    }
    if (start > piece.start) {
      const tail = Math.max(0, Math.min(rest, enc.count(rendered.slice(start, piece.end))));
      messageTokens[ownerAt(start)] += tail;
      rest -= tail;
    }
    messageTokens[first] += rest;
  }
  // A rewritten content: its content tokens, taken from the first message's share (the sum stays exact).
  for (let i = 0; i < messages.length; i++) {
    if (ends[i] >= 0 || i === 0) continue;
    const n = Math.min(enc.count(messages[i].content), messageTokens[0]);
    messageTokens[i] += n;
    messageTokens[0] -= n;
  }
  return { tokens, family, messageTokens };
}

/** The rendered text cut at the family's added tokens: each added token is one piece, the text between another. */
function* addedTokenPieces(format: ChatFormatName, text: string): Generator<{ start: number; end: number; added: boolean }> {
  const { added } = formatTemplate(format);
  let last = 0;
  if (added) {
    const re = new RegExp(added.source, added.flags.includes('g') ? added.flags : added.flags + 'g');
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) yield { start: last, end: m.index, added: false };
      yield { start: m.index, end: re.lastIndex, added: true };
      last = re.lastIndex;
    }
  }
  if (last < text.length) yield { start: last, end: text.length, added: false };
}

/**
 * Prompt tokens of a conversation for a model id whose family we count exactly (or count with
 * the nearest family: then the result is approximate like the model's plain counts). Returns
 * undefined for models without an open-model family (OpenAI: use chatTokens; others: estimates).
 */
export function countChat(model: string, messages: readonly ChatMessage[]): ChatCount | undefined {
  const format = chatFormatFor(model) ?? tokenizerForModel(model).family;
  return format ? countFamilyChat(format, messages) : undefined;
}
