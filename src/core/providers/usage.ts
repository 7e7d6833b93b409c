// Provider usage objects → normalised buckets, and buckets × prices → exact cost.
import { Decimal } from '../pricing/decimal';
import { UsageBuckets } from './types';

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * OpenAI chat-completions `usage`: `prompt_tokens` INCLUDES the cached tokens
 * (`prompt_tokens_details.cached_tokens`), so the uncached part is the difference.
 * `completion_tokens` includes `completion_tokens_details.reasoning_tokens`.
 * Returns undefined when `usage` is absent or not an object.
 */
export function normalizeOpenAIUsage(usage: unknown): UsageBuckets | undefined {
  if (!isObject(usage)) return undefined;
  const prompt = count(usage.prompt_tokens);
  const details = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  // Never let a misbehaving server make the uncached count negative.
  const cached = Math.min(count(details.cached_tokens), prompt);
  const completionDetails = isObject(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  const out: UsageBuckets = {
    inputTokens: prompt - cached,
    cachedInputTokens: cached,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: count(usage.completion_tokens),
  };
  if (typeof completionDetails.reasoning_tokens === 'number') out.reasoningTokens = count(completionDetails.reasoning_tokens);
  return out;
}

/**
 * Anthropic messages `usage`: `input_tokens` EXCLUDES `cache_read_input_tokens` and
 * `cache_creation_input_tokens`; each is its own bucket. Cache writes are split into 5-minute
 * and 1-hour TTLs by `cache_creation.ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens`
 * when present; otherwise (older API versions) all writes are 5-minute, the default TTL.
 */
export function normalizeAnthropicUsage(usage: unknown): UsageBuckets | undefined {
  if (!isObject(usage)) return undefined;
  const creationTotal = count(usage.cache_creation_input_tokens);
  let w5 = creationTotal;
  let w1h = 0;
  if (isObject(usage.cache_creation)) {
    const c5 = count(usage.cache_creation.ephemeral_5m_input_tokens);
    const c1h = count(usage.cache_creation.ephemeral_1h_input_tokens);
    w1h = c1h;
    // The breakdown is authoritative; if the total says more, the rest is 5-minute writes.
    w5 = Math.max(c5, creationTotal - c1h);
  }
  return {
    inputTokens: count(usage.input_tokens),
    cachedInputTokens: count(usage.cache_read_input_tokens),
    cacheWrite5mTokens: w5,
    cacheWrite1hTokens: w1h,
    outputTokens: count(usage.output_tokens),
  };
}

/**
 * Anthropic streams usage twice: `message_start.message.usage` (input side, output so far) and
 * `message_delta.usage` (cumulative; carries the final `output_tokens` and, on newer API
 * versions, the input-side fields again). Fields present in the delta win.
 */
export function mergeAnthropicStreamUsage(start: unknown, delta: unknown): UsageBuckets | undefined {
  if (!isObject(start) && !isObject(delta)) return undefined;
  const merged: Record<string, unknown> = { ...(isObject(start) ? start : {}) };
  if (isObject(delta)) {
    for (const [k, v] of Object.entries(delta)) if (v !== null && v !== undefined) merged[k] = v;
  }
  return normalizeAnthropicUsage(merged);
}

/** Prices in USD per 1,000,000 tokens for each bucket. */
export interface BucketPrices {
  inputPerMTok: Decimal;
  outputPerMTok: Decimal;
  /** Default: inputPerMTok (no cache discount known: never under-charge). */
  cachedInputPerMTok?: Decimal;
  /** Default: inputPerMTok. Anthropic: 1.25 × input. */
  cacheWrite5mPerMTok?: Decimal;
  /** Default: inputPerMTok. Anthropic: 2 × input. */
  cacheWrite1hPerMTok?: Decimal;
}

export interface UsageCost {
  totalUsd: Decimal;
  inputUsd: Decimal;
  cachedInputUsd: Decimal;
  cacheWrite5mUsd: Decimal;
  cacheWrite1hUsd: Decimal;
  outputUsd: Decimal;
}

/** Exact cost of a usage: Σ tokens × price-per-1M / 10^6, no rounding anywhere. */
export function costOfUsage(usage: UsageBuckets, prices: BucketPrices): UsageCost {
  const perTok = (p: Decimal | undefined, n: number) => (p ?? prices.inputPerMTok).times(n).shiftLeft(6);
  const inputUsd = perTok(prices.inputPerMTok, usage.inputTokens);
  const cachedInputUsd = perTok(prices.cachedInputPerMTok, usage.cachedInputTokens);
  const cacheWrite5mUsd = perTok(prices.cacheWrite5mPerMTok, usage.cacheWrite5mTokens);
  const cacheWrite1hUsd = perTok(prices.cacheWrite1hPerMTok, usage.cacheWrite1hTokens);
  const outputUsd = perTok(prices.outputPerMTok, usage.outputTokens);
  return {
    totalUsd: Decimal.sum([inputUsd, cachedInputUsd, cacheWrite5mUsd, cacheWrite1hUsd, outputUsd]),
    inputUsd,
    cachedInputUsd,
    cacheWrite5mUsd,
    cacheWrite1hUsd,
    outputUsd,
  };
}
