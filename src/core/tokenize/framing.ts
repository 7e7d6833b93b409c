// Chat framing of the open-model families: a conversation counted the way a hosted open model
// receives it. The family's own `chat_template` (tokenizer_config.json) is rendered with
// @huggingface/jinja (the renderer made for these templates, as transformers' apply_chat_template
// and vLLM / TGI do) with add_generation_prompt: true, so the BOS token and the reply header are
// included as the template writes them. The rendered text is then tokenized as Hugging Face
// tokenizers does with add_special_tokens=False: every added token (special or not) that occurs
// is one token (leftmost, longest first), the text between them is counted as ordinary text.
import { Template } from '@huggingface/jinja';
import type { ChatMessage } from './chat';
import { FamilyName } from './families';
import { addedTokenRegex, getFamilyEncoder } from './hfbpe';
import { familyForModel, tokenizerForModel } from './models';
import { loadVocabulary } from './vocab';
import { errorText } from '../errors';

export interface ChatCount {
  /** Prompt tokens of the whole conversation as the model receives it. */
  tokens: number;
  family: FamilyName;
  /** Set when the template refused the conversation (e.g. Gemma's strict user/model alternation): contents only were counted. */
  templateError?: string;
}

interface FamilyTemplate {
  template: Template | undefined;
  bos: string | null;
  eos: string | null;
  /** Added tokens, longest first, as one alternation. */
  added: RegExp | undefined;
}

const templates = new Map<FamilyName, FamilyTemplate>();

function familyTemplate(family: FamilyName): FamilyTemplate {
  let t = templates.get(family);
  if (!t) {
    const { meta } = loadVocabulary(family);
    const contents = meta.addedTokens.map(([, content]) => content);
    t = {
      template: meta.chatTemplate ? new Template(meta.chatTemplate) : undefined,
      bos: meta.bosToken,
      eos: meta.eosToken,
      added: addedTokenRegex(contents),
    };
    templates.set(family, t);
  }
  return t;
}

/** The conversation rendered with the family's chat template (generation prompt included). */
export function renderChat(family: FamilyName, messages: readonly ChatMessage[]): string {
  const t = familyTemplate(family);
  if (!t.template) throw new Error(`${family}: the published tokenizer_config.json has no chat_template`);
  return t.template.render({
    messages: messages.map((m) => ({ ...m })),
    bos_token: t.bos ?? '',
    eos_token: t.eos ?? '',
    add_generation_prompt: true,
  });
}

/** Tokens of `text` with the family's added tokens recognised (HF `encode(text, add_special_tokens=False)`). */
export function countWithSpecialTokens(family: FamilyName, text: string, memo?: Map<string, number>): number {
  const { added } = familyTemplate(family);
  const enc = getFamilyEncoder(family);
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

/** Prompt tokens of a conversation for a family, framed by its chat template. */
export function countFamilyChat(family: FamilyName, messages: readonly ChatMessage[]): ChatCount {
  try {
    return { tokens: countWithSpecialTokens(family, renderChat(family, messages)), family };
  } catch (err) {
    const enc = getFamilyEncoder(family);
    const tokens = messages.reduce((sum, m) => sum + enc.count(m.content), 0);
    return { tokens, family, templateError: errorText(err) };
  }
}

export interface FramedChat extends ChatCount {
  /**
   * Per message: the tokens the message adds to the conversation, i.e. count(render(messages[0..i]))
   * − count(render(messages[0..i−1])). So the first message also carries BOS, the generation prompt
   * and any default system text the template adds (Llama 3.1's date lines), and the figures sum to
   * `tokens` exactly. A prefix the template refuses (Qwen 3 without a user turn yet) gets its
   * content tokens; the next accepted prefix takes the rest. After a templateError: contents only.
   */
  messageTokens: number[];
}

/** The conversation's count for a family and each message's share of it (see FramedChat). */
export function frameFamilyChat(family: FamilyName, messages: readonly ChatMessage[]): FramedChat {
  const enc = getFamilyEncoder(family);
  const memo = new Map<string, number>();
  let whole: ChatCount;
  try {
    whole = { tokens: countWithSpecialTokens(family, renderChat(family, messages), memo), family };
  } catch (err) {
    const messageTokens = messages.map((m) => enc.count(m.content));
    const templateError = errorText(err);
    return { tokens: messageTokens.reduce((a, b) => a + b, 0), family, templateError, messageTokens };
  }
  const messageTokens: number[] = [];
  let sum = 0;
  for (let i = 0; i < messages.length; i++) {
    let prefix: number | undefined;
    if (i === messages.length - 1) prefix = whole.tokens;
    else {
      try {
        prefix = countWithSpecialTokens(family, renderChat(family, messages.slice(0, i + 1)), memo);
      } catch {
        prefix = undefined;
      }
    }
    const n = prefix === undefined ? enc.count(messages[i].content) : prefix - sum;
    messageTokens.push(n);
    sum += n;
  }
  return { ...whole, messageTokens };
}

/**
 * Prompt tokens of a conversation for a model id whose family we count exactly (or count with
 * the nearest family: then the result is approximate like the model's plain counts). Returns
 * undefined for models without an open-model family (OpenAI: use chatTokens; others: estimates).
 */
export function countChat(model: string, messages: readonly ChatMessage[]): ChatCount | undefined {
  const family = familyForModel(model) ?? tokenizerForModel(model).family;
  return family ? countFamilyChat(family, messages) : undefined;
}
