// Cached provider counts in the estimate: what `.prompt-cost/provider-counts.json` (written by the
// "Count Tokens with Provider" command and `prompt-cost count --provider-count`) says about a prompt.
// - The exact count of this very request (same provider, model and messages: the cache key) replaces
//   the offline estimate and is shown as exact, with its source and date. No network: cache only.
// - Otherwise, once the workspace holds MIN_CALIBRATION_PAIRS (offline estimate, exact) pairs for the
//   provider, the offline estimate is scaled by calibrate()'s factor and shows the measured band.
import type { CachedCount, CountMessage, CountProvider } from '../providers/countTokens';
import { COUNT_SOURCES, calibrate, countCacheKey, countProviderFor } from '../providers/countTokens';
import type { PromptDocument } from '../prompt';
import type { ModelSummary } from './index';

/**
 * Pairs needed before a workspace's own band replaces the documented one. calibrate() fits one
 * factor, so one pair always shows 0 % error and two pairs say little more; from 3 on, the band
 * is the worst error of a fitted estimate over prompts it was not tailored to one by one.
 */
export const MIN_CALIBRATION_PAIRS = 3;

/** Read-only view of the cache, as the estimate needs it. */
export interface ProviderCounts {
  get(key: string): CachedCount | undefined;
  values(): readonly CachedCount[];
}

/** The messages a provider count is asked for (and keyed by): the prompt's non-empty messages, as the command sends them. */
export function countMessagesOf(doc: PromptDocument): CountMessage[] {
  return doc.messages.filter((m) => m.content.length > 0).map((m) => ({ role: m.role, content: m.content }));
}

export interface Calibration {
  factor: number;
  errorBand: number;
  n: number;
}

/** The workspace's calibration for a provider, from its cached pairs; undefined below MIN_CALIBRATION_PAIRS. */
export function providerCalibration(counts: ProviderCounts, provider: CountProvider): Calibration | undefined {
  const pairs = counts
    .values()
    .filter((c) => c.provider === provider && typeof c.estimate === 'number')
    .map((c) => ({ estimate: c.estimate!, exact: c.tokens }));
  const cal = calibrate(pairs);
  return cal && cal.n >= MIN_CALIBRATION_PAIRS ? cal : undefined;
}

/** `±2.4 %` — one decimal below 10 %, whole percents above. */
export function formatBand(band: number): string {
  const pct = band * 100;
  return `±${pct < 10 ? (Math.round(pct * 10) / 10).toFixed(1) : Math.round(pct)} %`;
}

/**
 * One model's summary with the cache applied: the cached exact count of this prompt, else the
 * calibrated estimate, else unchanged. Per-message figures stay estimates (the endpoints count
 * whole requests); only the total becomes exact.
 */
export function applyProviderCounts(summary: ModelSummary, doc: PromptDocument, counts: ProviderCounts | undefined): ModelSummary {
  if (!counts || !summary.tokenizer.approximate) return summary;
  const target = countProviderFor(summary.model);
  if (!target) return summary;
  const messages = countMessagesOf(doc);
  const hit = messages.length ? counts.get(countCacheKey(target.provider, target.model, messages)) : undefined;
  if (hit) {
    const source = `${hit.source || COUNT_SOURCES[target.provider]}, cached ${hit.at.slice(0, 10)}`;
    return {
      ...summary,
      inputTokens: hit.tokens,
      tokenizer: { ...summary.tokenizer, approximate: false, errorBand: undefined, method: `Exact: ${source}.` },
      providerCount: { source, at: hit.at },
    };
  }
  const cal = providerCalibration(counts, target.provider);
  if (!cal) return summary;
  const scale = (n: number) => Math.ceil(n * cal.factor);
  const band = `${formatBand(cal.errorBand)} (measured on ${cal.n} counts)`;
  return {
    ...summary,
    inputTokens: scale(summary.inputTokens),
    messageTokens: summary.messageTokens.map(scale),
    tokenizer: {
      ...summary.tokenizer,
      factor: (summary.tokenizer.factor ?? 1) * cal.factor,
      errorBand: cal.errorBand,
      method: `Approximate: offline estimate × ${cal.factor.toFixed(3)}, calibrated on this workspace's cached ${COUNT_SOURCES[target.provider]} counts, ${band}.`,
    },
    calibration: { ...cal, band },
  };
}
