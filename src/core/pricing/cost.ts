// Cost of one request from token counts and a resolved price: exact Decimal USD, never a float.
import { Decimal } from './decimal';
import { ResolvedPrice, rateAt } from './catalog';
import { Rate } from './reference';

export type ImageQuality = 'standard' | 'hd';
export const IMAGE_QUALITIES: readonly ImageQuality[] = ['standard', 'hd'];
export const IMAGE_SIZES = ['1024x1024', '1792x1024', '1024x1792'] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];

export interface Usage {
  /** All prompt tokens of the request, including cache reads and cache writes (as providers report them). */
  inputTokens: number;
  outputTokens?: number;
  /** Part of inputTokens read from the prompt cache. */
  cacheReadTokens?: number;
  /** Part of inputTokens written to the cache with the 5-minute TTL (Anthropic). */
  cacheWrite5mTokens?: number;
  /** Part of inputTokens written to the cache with the 1-hour TTL (Anthropic). */
  cacheWrite1hTokens?: number;
  images?: readonly { quality: ImageQuality; size: ImageSize; count: number }[];
  /** Price the request through the provider's Batch API (50 % where offered). */
  batch?: boolean;
}

export interface CostBreakdown {
  /** Uncached input. */
  inputUsd: Decimal;
  outputUsd: Decimal;
  cacheReadUsd: Decimal;
  cacheWriteUsd: Decimal;
  imagesUsd: Decimal;
  totalUsd: Decimal;
  /** The input-token tier threshold that applied (long context), if any. */
  tierStart?: number;
  /** Components with tokens but no price (priced at 0 and listed, never silently). */
  missing: string[];
  batch: boolean;
}

function checkCount(name: string, n: number | undefined): number {
  const v = n ?? 0;
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
  return v;
}

/** tokens × (USD per 1M) / 1e6, exact. */
export function tokenCost(tokens: number, perMtok: Decimal): Decimal {
  return perMtok.times(tokens).shiftLeft(6);
}

function component(name: string, tokens: number, rate: Rate | undefined, inputTokens: number, missing: string[]): Decimal {
  if (tokens === 0) return Decimal.ZERO;
  if (!rate) {
    missing.push(name);
    return Decimal.ZERO;
  }
  return tokenCost(tokens, rateAt(rate, inputTokens));
}

export function computeCost(price: ResolvedPrice, usage: Usage): CostBreakdown {
  const input = checkCount('inputTokens', usage.inputTokens);
  const output = price.embedding ? 0 : checkCount('outputTokens', usage.outputTokens);
  const read = checkCount('cacheReadTokens', usage.cacheReadTokens);
  const w5 = checkCount('cacheWrite5mTokens', usage.cacheWrite5mTokens);
  const w1 = checkCount('cacheWrite1hTokens', usage.cacheWrite1hTokens);
  if (read + w5 + w1 > input) throw new RangeError('cache read/write tokens are part of inputTokens and cannot exceed it');
  const missing: string[] = [];
  const uncached = input - read - w5 - w1;

  let inputUsd = component('input', uncached, price.input, input, missing);
  let outputUsd = component('output', output, price.output, input, missing);
  let cacheReadUsd = component('cache read', read, price.cacheRead, input, missing);
  let cacheWriteUsd = component('cache write (5 min)', w5, price.cacheWrite5m ?? price.input, input, missing).plus(
    component('cache write (1 h)', w1, price.cacheWrite1h, input, missing),
  );
  let imagesUsd = Decimal.ZERO;
  for (const img of usage.images ?? []) {
    const count = checkCount('image count', img.count);
    const p = price.images?.[`${img.quality}_${img.size}`];
    if (!p) {
      if (count > 0) missing.push(`image ${img.quality} ${img.size}`);
      continue;
    }
    imagesUsd = imagesUsd.plus(p.times(count));
  }
  const batch = usage.batch === true && price.batchMultiplier !== undefined;
  if (usage.batch && !price.batchMultiplier) missing.push('batch');
  if (batch) {
    const m = price.batchMultiplier!;
    inputUsd = inputUsd.times(m);
    outputUsd = outputUsd.times(m);
    cacheReadUsd = cacheReadUsd.times(m);
    cacheWriteUsd = cacheWriteUsd.times(m);
  }
  let tierStart: number | undefined;
  for (const t of price.input?.tiers ?? []) if (input > t.start) tierStart = t.start;
  return {
    inputUsd,
    outputUsd,
    cacheReadUsd,
    cacheWriteUsd,
    imagesUsd,
    totalUsd: Decimal.sum([inputUsd, outputUsd, cacheReadUsd, cacheWriteUsd, imagesUsd]),
    tierStart,
    missing,
    batch,
  };
}

/** Monthly projection = per request × requests/day × 30 (FastroAI's rule). requestsPerDay may be fractional. */
export function monthlyCost(perRequest: Decimal, requestsPerDay: number): Decimal {
  if (!Number.isFinite(requestsPerDay) || requestsPerDay < 0) throw new RangeError(`requestsPerDay must be >= 0, got ${requestsPerDay}`);
  return perRequest.times(Decimal.fromNumber(requestsPerDay)).times(30);
}

/** Share of the context window used, in percent (display only), or undefined without a known window. */
export function contextUsedPct(tokens: number, contextWindow: number | undefined): number | undefined {
  if (!contextWindow) return undefined;
  return Math.round((tokens / contextWindow) * 10000) / 100;
}

/** "$0.00000015" style display: exact when short, otherwise rounded to `significant` digits after leading zeros. */
export function formatUsd(value: Decimal, maxDecimals = 10): string {
  const s = value.toString();
  const frac = s.split('.')[1] ?? '';
  return `$${frac.length > maxDecimals ? value.toFixed(maxDecimals) : s}`;
}
