// Running a chat prompt against a provider and getting the real usage back.
// Plain `fetch` (Node 20's undici) rather than the official SDKs: see README "Running prompts"
// for the measured bundle cost; the wire shapes used here are the documented public ones.
import { runAnthropic } from './anthropic';
import { runOpenAI } from './openai';
import { ProviderError, RunPromptRequest, RunPromptResult } from './types';

export * from './types';
export {
  costOfUsage,
  normalizeAnthropicUsage,
  normalizeOpenAIUsage,
  mergeAnthropicStreamUsage,
  parseAnthropicStreamUsage,
  parseAnthropicUsage,
  parseOpenAIUsage,
} from './usage';
export type { BucketPrices, ParsedUsage, UsageCost } from './usage';
export { redact, displayUrl, ResponseLimitError } from './http';
export { SseParser } from './sse';
export { sendRequest, RequestRefusedError, MAX_SAME_ORIGIN_REDIRECTS } from './request';

/**
 * Sends `messages` to the endpoint, streams answer text through `onText`, and resolves with the
 * answer and normalised usage. Rejects only with a ProviderError (kind: auth, not_found,
 * bad_request, rate_limit, server, timeout, network, bad_response, cancelled) whose message
 * never contains the API key. Never retries: on `rate_limit` the caller may wait `retryAfterMs`.
 */
export async function runPrompt(req: RunPromptRequest): Promise<RunPromptResult> {
  const ep = req.endpoint;
  if (ep.provider === 'openai') return runOpenAI(req, ep);
  if (ep.provider === 'anthropic') return runAnthropic(req, ep);
  throw new ProviderError('bad_request', `Unknown provider '${(ep as { provider: string }).provider}'.`, { provider: 'openai' });
}
