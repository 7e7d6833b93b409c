// Shared types of the provider clients: what a caller sends, what comes back, how it fails.

/** One chat message as the prompt file yields it. `developer` is sent as-is to OpenAI and folded into `system` for Anthropic. */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string;
  name?: string;
}

/**
 * Normalised, non-overlapping usage buckets: each token is counted in exactly one of
 * inputTokens / cachedInputTokens / cacheWrite5mTokens / cacheWrite1hTokens / outputTokens,
 * so cost = Σ bucket × its price, with no double counting.
 * - OpenAI: `prompt_tokens` INCLUDES `prompt_tokens_details.cached_tokens`, so
 *   inputTokens = prompt_tokens − cached_tokens and cachedInputTokens = cached_tokens.
 * - Anthropic: `input_tokens` EXCLUDES cache reads and cache writes, so it maps to
 *   inputTokens directly; `cache_read_input_tokens` → cachedInputTokens;
 *   `cache_creation_input_tokens` → cacheWrite5m/1h (split by `cache_creation.ephemeral_*`).
 * reasoningTokens is informational: it is already part of outputTokens (billed as output).
 */
export interface UsageBuckets {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
  reasoningTokens?: number;
}

export type ProviderKind = 'openai' | 'anthropic';

/**
 * Any OpenAI-compatible chat-completions endpoint: OpenAI (`https://api.openai.com/v1`),
 * OpenRouter (`https://openrouter.ai/api/v1`), Ollama (`http://localhost:11434/v1`),
 * vLLM (`http://localhost:8000/v1`), LM Studio (`http://localhost:1234/v1`), and Azure OpenAI
 * (`flavor: 'azure'`, base URL `https://RES.openai.azure.com/openai/deployments/DEPLOYMENT`
 * with `apiVersion`, or `https://RES.openai.azure.com/openai/v1`). The request goes to
 * `${baseUrl}/chat/completions`.
 */
export interface OpenAIEndpoint {
  provider: 'openai';
  baseUrl: string;
  /** Optional: local servers (Ollama, LM Studio, vLLM) usually need none. */
  apiKey?: string;
  flavor?: 'openai' | 'azure';
  /** Azure `api-version` query parameter (e.g. `2024-10-21`); omitted when undefined. */
  apiVersion?: string;
  /** Which request field carries the output-token limit. Default: `max_completion_tokens` for api.openai.com and Azure, `max_tokens` elsewhere. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Extra request headers (e.g. OpenRouter's `HTTP-Referer`, `X-Title`). Never logged. */
  headers?: Record<string, string>;
}

export interface AnthropicEndpoint {
  provider: 'anthropic';
  /** Default `https://api.anthropic.com`; the request goes to `${baseUrl}/v1/messages`. */
  baseUrl?: string;
  apiKey: string;
  /** `anthropic-version` header, default `2023-06-01`. */
  anthropicVersion?: string;
  /** Extra request headers (e.g. `anthropic-beta`). Never logged. */
  headers?: Record<string, string>;
}

export type Endpoint = OpenAIEndpoint | AnthropicEndpoint;

export interface RunPromptRequest {
  endpoint: Endpoint;
  model: string;
  messages: ChatMessage[];
  /** Output-token limit. Anthropic requires one: default 4096 there; OpenAI: not sent unless set. */
  maxOutputTokens?: number;
  temperature?: number;
  /** Default true: stream and call onText per delta. */
  stream?: boolean;
  /** Called with each piece of answer text as it arrives (also once with the whole text when not streaming). */
  onText?: (delta: string) => void;
  /** Cancels the request; the promise rejects with a ProviderError of kind `cancelled`. */
  signal?: AbortSignal;
  /** Idle timeout: no response headers or no new bytes for this long → kind `timeout`. Default 60 000 ms. */
  timeoutMs?: number;
  /** Hard cap on the whole request, including a stream that trickles forever. Default 600 000 ms (10 min). */
  totalTimeoutMs?: number;
  /** Cap on the response body or the whole stream, in bytes (default 64 MB): over it → `bad_response`. */
  maxResponseBytes?: number;
  /** Cap on one stream line or event, in bytes (default 4 MB). */
  maxEventBytes?: number;
  /** Injectable fetch (tests, proxies). Default: global fetch (Node 20 undici). */
  fetch?: typeof fetch;
}

export interface RunPromptResult {
  text: string;
  /** Undefined when the server reported no usage (e.g. an OpenAI-compatible server without `stream_options` support). */
  usage?: UsageBuckets;
  /** The model the server says answered (may differ from the requested alias). */
  responseModel?: string;
  finishReason?: string;
  /** From send to the end of the answer. */
  latencyMs: number;
  /** From send to the first answer text (streaming only). */
  timeToFirstTokenMs?: number;
  /** Provider request id (`x-request-id` / `request-id`), for support tickets. */
  requestId?: string;
  /**
   * What the server sent that could not be used, e.g. `usage.prompt_tokens: expected a whole number
   * ≥ 0, got "12"` (then `usage` is undefined: tokens and cost unknown, never a guessed $0).
   */
  warnings?: string[];
}

export type ProviderErrorKind =
  | 'auth' // 401/403: missing or wrong API key, no access
  | 'not_found' // 404: unknown model or wrong base URL
  | 'bad_request' // other 4xx (400, 413, 422 …)
  | 'rate_limit' // 429 (retryAfterMs when the server said)
  | 'server' // 5xx, Anthropic `overloaded_error`, an error event inside a stream
  | 'timeout'
  | 'network' // connection refused, DNS, reset
  | 'bad_response' // malformed JSON / SSE, stream ended early
  | 'cancelled';

/** The one error type the clients throw. Its message never contains the API key. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: {
      provider: ProviderKind;
      status?: number;
      retryAfterMs?: number;
      requestId?: string;
      /** Answer text received before the failure (streaming). */
      partialText?: string;
      /** Usage received before the failure, if any. */
      partialUsage?: UsageBuckets;
      /** For `timeout`: nothing arrived for the idle timeout, or the whole run went past its overall limit. */
      timeout?: 'idle' | 'total';
      /** Server data that could not be used (see RunPromptResult.warnings). */
      warnings?: string[];
    },
  ) {
    super(message);
  }
  get provider(): ProviderKind {
    return this.details.provider;
  }
  get status(): number | undefined {
    return this.details.status;
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
}

/** Every token the request consumed or produced (all buckets). */
export function totalTokens(u: UsageBuckets): number {
  return u.inputTokens + u.cachedInputTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens + u.outputTokens;
}

/** Prompt-side tokens (uncached + cache read + cache writes), what "tokens in" means in the tree. */
export function promptTokens(u: UsageBuckets): number {
  return u.inputTokens + u.cachedInputTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens;
}
