// Mistral's instruct format as its reference implementation encodes a chat request: mistral-common
// (github.com/mistralai/mistral-common, v1.11.7) InstructTokenizerV3 over the Tekkenizer — the format of
// Mistral NeMo (and Ministral 8B: `MODEL_NAME_TO_TOKENIZER_CLS` in tokens/tokenizers/mistral.py maps
// "open-mistral-nemo-2407" and "ministral-8b-2410" to `MistralTokenizer.v3(is_tekken=True)`, tekken_240718.json).
// Mistral's own API and vLLM's `--tokenizer-mode mistral` encode with it. Not a Jinja template, so it is
// written out here, step by step as mistral-common runs it:
//  1. validation (protocol/instruct/validator.py, serving mode): at least one message; a lone message is
//     user or system; after that the last one is a user (or tool) message; role order
//     system→{user,assistant,system}, user→{assistant,system,user}, assistant→{assistant,user,tool},
//     tool→{assistant,tool,user}; an assistant message needs content (or tool calls); a tool message must
//     answer an assistant's tool call (with its `tool_call_id`), which a prompt's messages cannot carry, so
//     a tool message is refused ("Not the same number of function calls and responses").
//  2. normalisation (protocol/instruct/normalize.py InstructRequestNormalizer): the non-empty system
//     contents joined with "\n\n" become the system prompt; consecutive messages of one role are merged,
//     their non-empty contents joined with "\n\n" (system messages are dropped but still separate runs);
//     an empty user message is put first when the conversation does not start with one.
//  3. encoding (tokens/tokenizers/instruct.py): BOS, then per message — user: [INST] text [/INST] where the
//     LAST user message's text is `system_prompt + "\n\n" + content`; assistant: content with trailing
//     spaces stripped (`rstrip(" ")`), then EOS. Every text is encoded as ordinary text (Tekkenizer.encode:
//     tiktoken with no special tokens, so a literal "[INST]" in a message is text), the control tokens are
//     one token each. No generation prompt: the reply follows [/INST].
import type { ChatMessage } from './chat';

/** A refused conversation: the validator's message and the index of the message it objects to. */
export class MistralRequestError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
    this.name = 'InvalidMessageStructureException';
  }
}

const NEXT_ROLES: Record<string, readonly string[]> = {
  system: ['user', 'assistant', 'system'],
  user: ['assistant', 'system', 'user'],
  assistant: ['assistant', 'user', 'tool'],
  tool: ['assistant', 'tool', 'user'],
};

/** mistral-common's validator (serving mode) for the messages a prompt can hold; throws MistralRequestError. */
export function validateMistralRequest(messages: readonly ChatMessage[]): void {
  if (messages.length === 0) throw new MistralRequestError('Conversation must have at least one message', 0);
  messages.forEach((m, i) => {
    if (!Object.prototype.hasOwnProperty.call(NEXT_ROLES, m.role))
      throw new MistralRequestError(`Unsupported message role '${m.role}' (Mistral's roles: system, user, assistant, tool)`, i);
  });
  const last = messages.length - 1;
  if (messages.length === 1 && messages[0].role !== 'user' && messages[0].role !== 'system')
    throw new MistralRequestError('Conversation must start with a user message or system message', 0);
  if (messages.length > 1 && messages[last].role === 'assistant')
    throw new MistralRequestError(
      'Expected last role User or Tool (or Assistant with prefix or continue_final_message set to True) for serving but got assistant',
      last,
    );
  for (let i = 1; i < messages.length; i++)
    if (!NEXT_ROLES[messages[i - 1].role].includes(messages[i].role))
      throw new MistralRequestError(`Unexpected role '${messages[i].role}' after role '${messages[i - 1].role}'`, i);
  // a prompt's messages carry no tool calls: a tool result answers none (_validate_tool_calls_followed_by_tool_messages)
  const tool = messages.findIndex((m) => m.role === 'tool');
  if (tool >= 0) throw new MistralRequestError('Not the same number of function calls and responses', tool);
  messages.forEach((m, i) => {
    if (m.role === 'assistant' && m.content === '')
      throw new MistralRequestError('Assistant message must have either content or tool_calls, but not both.', i);
  });
}

/** A run of ordinary text (counted as one piece) and the messages whose contents it holds. */
interface TextPiece {
  kind: 'text';
  /** Each part's text and the message it comes from; the piece's text is their concatenation. */
  parts: { text: string; owner: number }[];
}
/** A control token (BOS, EOS, [INST], [/INST]): one token, owned by a message. */
interface ControlPiece {
  kind: 'control';
  token: '<s>' | '</s>' | '[INST]' | '[/INST]';
  owner: number;
}
export type MistralPiece = TextPiece | ControlPiece;

interface MergedMessage {
  role: 'user' | 'assistant';
  /** The contents merged into this message ("\n\n" between non-empty ones), with their messages. */
  parts: { text: string; owner: number }[];
  /** The message that owns its control tokens. */
  owner: number;
}

/** normalize.py: system prompt and role runs merged; an empty user message first when needed. */
function normalize(messages: readonly ChatMessage[]): { system: { text: string; owner: number }[]; merged: MergedMessage[] } {
  const system: { text: string; owner: number }[] = [];
  for (let i = 0; i < messages.length; i++)
    if (messages[i].role === 'system' && messages[i].content)
      system.push({ text: (system.length ? '\n\n' : '') + messages[i].content, owner: i });
  const merged: MergedMessage[] = [];
  let run: MergedMessage | undefined;
  let runRole: string | undefined;
  for (let i = 0; i < messages.length; i++) {
    const { role, content } = messages[i];
    if (role !== runRole) {
      runRole = role;
      run = role === 'user' || role === 'assistant' ? { role, parts: [], owner: i } : undefined;
      if (run) merged.push(run);
    }
    if (run && content) run.parts.push({ text: (run.parts.length ? '\n\n' : '') + content, owner: i });
  }
  if (merged.length === 0 || merged[0].role !== 'user') merged.unshift({ role: 'user', parts: [], owner: 0 });
  return { system, merged };
}

/**
 * The request as mistral-common encodes it (V3, tekken): control tokens and runs of ordinary text, each
 * with the message it belongs to. Throws MistralRequestError for a conversation mistral-common refuses.
 */
export function mistralV3Pieces(messages: readonly ChatMessage[]): MistralPiece[] {
  validateMistralRequest(messages);
  const { system, merged } = normalize(messages);
  let lastUser = -1;
  merged.forEach((m, i) => {
    if (m.role === 'user') lastUser = i;
  });
  const pieces: MistralPiece[] = [{ kind: 'control', token: '<s>', owner: 0 }];
  merged.forEach((m, i) => {
    if (m.role === 'user') {
      pieces.push({ kind: 'control', token: '[INST]', owner: m.owner });
      // V1 encode_user_content: `system_prompt + "\n\n" + content` for the last user message
      const parts = i === lastUser && system.length ? [...system, { text: '\n\n', owner: system[0].owner }, ...m.parts] : m.parts;
      pieces.push({ kind: 'text', parts });
      pieces.push({ kind: 'control', token: '[/INST]', owner: m.owner });
    } else {
      const parts = m.parts.map((p) => ({ ...p }));
      // _encode_normal_content_assistant_message: content.rstrip(" ") of the merged content
      for (let k = parts.length - 1; k >= 0; k--) {
        parts[k].text = parts[k].text.replace(/ +$/, '');
        if (parts[k].text !== '') break;
      }
      pieces.push({ kind: 'text', parts });
      pieces.push({ kind: 'control', token: '</s>', owner: m.owner });
    }
  });
  return pieces;
}

/** The encoded request as text (control tokens written as their strings, as mistral-common's `decode` with KEEP shows it). */
export function renderMistralV3(messages: readonly ChatMessage[]): string {
  return mistralV3Pieces(messages)
    .map((p) => (p.kind === 'control' ? p.token : p.parts.map((x) => x.text).join('')))
    .join('');
}

/**
 * Prompt tokens of the request and each message's share: control tokens go to their message; a text run
 * is counted whole (as encoded) and shared by its parts' own counts, the rounding going to its largest part.
 */
export function frameMistralV3(
  messages: readonly ChatMessage[],
  count: (text: string) => number,
): { tokens: number; messageTokens: number[] } {
  const messageTokens = messages.map(() => 0);
  let tokens = 0;
  for (const p of mistralV3Pieces(messages)) {
    if (p.kind === 'control') {
      tokens += 1;
      messageTokens[p.owner] += 1;
      continue;
    }
    const text = p.parts.map((x) => x.text).join('');
    if (text === '') continue;
    const whole = count(text);
    tokens += whole;
    if (p.parts.length === 1) {
      messageTokens[p.parts[0].owner] += whole;
      continue;
    }
    const shares = p.parts.map((x) => (x.text === '' ? 0 : count(x.text)));
    let largest = 0;
    shares.forEach((s, k) => {
      if (s > shares[largest]) largest = k;
    });
    shares[largest] += whole - shares.reduce((a, b) => a + b, 0);
    // a share pushed below 0 (merging saved more than the largest part holds) is taken from the others
    for (let k = 0; shares[largest] < 0 && k < shares.length; k++) {
      if (k === largest) continue;
      const take = Math.min(shares[k], -shares[largest]);
      shares[k] -= take;
      shares[largest] += take;
    }
    p.parts.forEach((x, k) => (messageTokens[x.owner] += shares[k]));
  }
  return { tokens, messageTokens };
}
