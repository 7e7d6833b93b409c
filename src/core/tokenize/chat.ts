// OpenAI chat-format overhead (the documented rule for gpt-3.5-turbo-0613 / gpt-4 / gpt-4o
// family chat completions): every message costs 3 tokens (<|start|>role<|message|>…<|end|>
// framing) plus its content and role tokens, +1 when it carries a `name`, and every reply is
// primed with 3 tokens (<|start|>assistant<|message|>).
import { EncodingName } from './encodings';
import { getEncoder } from './bpe';

export interface ChatMessage {
  role: string;
  content: string;
  name?: string;
}

export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;

/**
 * Prompt tokens of a chat request: 3 per message + the tokens of each message's role,
 * content and name (+1 per name), + 3 for the primed reply
 * (OpenAI cookbook `num_tokens_from_messages`; an empty list is just the 3 priming tokens).
 */
export function chatTokens(messages: ChatMessage[], encoding: EncodingName): number {
  const enc = getEncoder(encoding);
  let total = REPLY_PRIMING_TOKENS;
  for (const m of messages) {
    total += TOKENS_PER_MESSAGE + enc.count(m.role) + enc.count(m.content);
    if (m.name !== undefined) total += TOKENS_PER_NAME + enc.count(m.name);
  }
  return total;
}
