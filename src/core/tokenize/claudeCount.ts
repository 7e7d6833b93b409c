// Offline Claude estimate, exactly as ai-tokenizer (coder/ai-tokenizer, MIT; npm `ai-tokenizer` 1.0.6) computes
// the figure whose accuracy it publishes (its README's accuracy table: 97.6–99.9 % of Anthropic's counts for
// Claude 3 to 4.5). Its `count` (src/sdk.ts) adds, for the Claude models of src/models.json:
//   baseOverhead 6 per request;
//   per message: perMessage 2 + the role's tokens (unscaled) + round(content tokens × contentMultiplier 1.1),
//   each text part rounded on its own (Math.round); a message's `name` is not counted (Anthropic has none).
// Tokens are the Claude vocabulary ai-tokenizer ships (`claude` in encodings.ts, checked against tiktoken).
// test/unit/tokenize-claude-pipeline.test.ts compares this with ai-tokenizer's own `count` on the same messages.
import type { ChatMessage } from './chat';

/** ai-tokenizer's models.json, every Claude 3 – 4.5 row. */
export const CLAUDE_BASE_OVERHEAD = 6;
export const CLAUDE_PER_MESSAGE = 2;
export const CLAUDE_CONTENT_MULTIPLIER = 1.1;

/** One text part's estimate: round(tokens × 1.1), as ai-tokenizer's countMessageContentTokensDetailed. */
export function claudeContentTokens(rawTokens: number): number {
  return Math.round(rawTokens * CLAUDE_CONTENT_MULTIPLIER);
}

/**
 * A Claude request's offline estimate from raw Claude-vocabulary counts: the total, and what each message adds
 * (the first also carries the request's base overhead, so the figures sum to the total).
 */
export function claudeChat(
  messages: readonly Pick<ChatMessage, 'role' | 'content'>[],
  count: (text: string) => number,
): { tokens: number; messageTokens: number[] } {
  const messageTokens = messages.map(
    (m, i) =>
      (i === 0 ? CLAUDE_BASE_OVERHEAD : 0) + CLAUDE_PER_MESSAGE + count(m.role) + (m.content ? claudeContentTokens(count(m.content)) : 0),
  );
  return { tokens: messages.length ? messageTokens.reduce((a, n) => a + n, 0) : CLAUDE_BASE_OVERHEAD, messageTokens };
}
