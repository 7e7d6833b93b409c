// Provider usage objects → normalised buckets, and buckets × prices → exact cost.
import { Decimal } from '../pricing/decimal';
import { UsageBuckets } from './types';
import { shownValue } from '../untrustedText';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Usage as the server reported it, checked: `usage` undefined means tokens (and so cost) unknown. */
export interface ParsedUsage {
  usage?: UsageBuckets;
  /** One per unusable field: where it is and what came, e.g. `usage.prompt_tokens: expected a whole number ≥ 0, got "12"`. */
  warnings: string[];
}

/** Reads token counts out of one usage object; every count must be a non-negative safe integer. */
class UsageReader {
  readonly warnings: string[] = [];
  constructor(private readonly where: string) {}

  /** A count at `path` (e.g. ['prompt_tokens_details', 'cached_tokens']); absent/null optional → 0. */
  count(obj: Record<string, unknown>, path: string[], required: boolean): number {
    let v: unknown = obj;
    for (const k of path) v = isObject(v) ? v[k] : undefined;
    const at = `${this.where}.${path.join('.')}`;
    if (v === undefined || v === null) {
      if (required) this.warnings.push(`${at}: missing`);
      return 0;
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      this.warnings.push(`${at}: expected a whole number ≥ 0, got ${shownValue(v)}`);
      return 0;
    }
    return v;
  }

  /** A nested object that may be absent or null, but not something else. */
  object(obj: Record<string, unknown>, key: string): Record<string, unknown> {
    const v = obj[key];
    if (v !== undefined && v !== null && !isObject(v)) this.warnings.push(`${this.where}.${key}: expected an object, got ${shownValue(v)}`);
    return isObject(v) ? v : {};
  }

  done(usage: UsageBuckets): ParsedUsage {
    const sum = usage.inputTokens + usage.cachedInputTokens + usage.cacheWrite5mTokens + usage.cacheWrite1hTokens + usage.outputTokens;
    if (!this.warnings.length && !Number.isSafeInteger(sum))
      this.warnings.push(`${this.where}: the token counts add up to more than ${Number.MAX_SAFE_INTEGER}`);
    return this.warnings.length ? { warnings: this.warnings } : { usage, warnings: [] };
  }
}

function notAnObject(where: string, usage: unknown): ParsedUsage {
  if (usage === undefined || usage === null) return { warnings: [] };
  return { warnings: [`${where}: expected an object, got ${shownValue(usage)}`] };
}

/**
 * OpenAI chat-completions `usage`: `prompt_tokens` INCLUDES the cached tokens
 * (`prompt_tokens_details.cached_tokens`), so the uncached part is the difference.
 * `completion_tokens` includes `completion_tokens_details.reasoning_tokens`.
 * A count that is not a whole number ≥ 0 (a string, negative, 1e300), a missing
 * `prompt_tokens`/`completion_tokens`, or more cached than prompt tokens makes the whole usage
 * unknown, with a warning naming the field and the value: a wrong count is never billed.
 */
export function parseOpenAIUsage(usage: unknown, where = 'usage'): ParsedUsage {
  if (!isObject(usage)) return notAnObject(where, usage);
  const r = new UsageReader(where);
  const prompt = r.count(usage, ['prompt_tokens'], true);
  const completion = r.count(usage, ['completion_tokens'], true);
  const details = r.object(usage, 'prompt_tokens_details');
  const cached = r.count(details, ['cached_tokens'], false);
  const completionDetails = r.object(usage, 'completion_tokens_details');
  const reasoning = completionDetails.reasoning_tokens;
  const reasoningTokens =
    reasoning === undefined || reasoning === null ? undefined : r.count(completionDetails, ['reasoning_tokens'], false);
  if (cached > prompt)
    r.warnings.push(`${where}.prompt_tokens_details.cached_tokens: ${cached} is more than prompt_tokens (${prompt}), which includes it`);
  const out: UsageBuckets = {
    inputTokens: prompt - cached,
    cachedInputTokens: cached,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: completion,
  };
  if (reasoningTokens !== undefined) out.reasoningTokens = reasoningTokens;
  return r.done(out);
}

/**
 * Anthropic messages `usage`: `input_tokens` EXCLUDES `cache_read_input_tokens` and
 * `cache_creation_input_tokens`; each is its own bucket. Cache writes are split into 5-minute
 * and 1-hour TTLs by `cache_creation.ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens`
 * when present; otherwise (older API versions) all writes are 5-minute, the default TTL.
 * Counts are checked as for OpenAI (`input_tokens` and `output_tokens` required).
 */
export function parseAnthropicUsage(usage: unknown, where = 'usage'): ParsedUsage {
  if (!isObject(usage)) return notAnObject(where, usage);
  const r = new UsageReader(where);
  const creationTotal = r.count(usage, ['cache_creation_input_tokens'], false);
  let w5 = creationTotal;
  let w1h = 0;
  const creation = r.object(usage, 'cache_creation');
  if (isObject(usage.cache_creation)) {
    const c5 = r.count(creation, ['ephemeral_5m_input_tokens'], false);
    const c1h = r.count(creation, ['ephemeral_1h_input_tokens'], false);
    w1h = c1h;
    // The breakdown is authoritative; if the total says more, the rest is 5-minute writes.
    w5 = Math.max(c5, creationTotal - c1h);
  }
  return r.done({
    inputTokens: r.count(usage, ['input_tokens'], true),
    cachedInputTokens: r.count(usage, ['cache_read_input_tokens'], false),
    cacheWrite5mTokens: w5,
    cacheWrite1hTokens: w1h,
    outputTokens: r.count(usage, ['output_tokens'], true),
  });
}

/**
 * Anthropic streams usage twice: `message_start.message.usage` (input side, output so far) and
 * `message_delta.usage` (cumulative; carries the final `output_tokens` and, on newer API
 * versions, the input-side fields again). Fields present in the delta win.
 */
export function parseAnthropicStreamUsage(start: unknown, delta: unknown): ParsedUsage {
  if (!isObject(start) && !isObject(delta)) return { warnings: [] };
  const merged: Record<string, unknown> = { ...(isObject(start) ? start : {}) };
  if (isObject(delta)) {
    for (const [k, v] of Object.entries(delta)) if (v !== null && v !== undefined) merged[k] = v;
  }
  return parseAnthropicUsage(merged);
}

/** The usage buckets, or undefined when absent or not usable (see parseOpenAIUsage). */
export function normalizeOpenAIUsage(usage: unknown): UsageBuckets | undefined {
  return parseOpenAIUsage(usage).usage;
}

/** The usage buckets, or undefined when absent or not usable (see parseAnthropicUsage). */
export function normalizeAnthropicUsage(usage: unknown): UsageBuckets | undefined {
  return parseAnthropicUsage(usage).usage;
}

export function mergeAnthropicStreamUsage(start: unknown, delta: unknown): UsageBuckets | undefined {
  return parseAnthropicStreamUsage(start, delta).usage;
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
