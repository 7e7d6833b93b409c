// `--provider-count` (count, estimate): exact counts from the provider's free count endpoint for
// models no offline tokenizer counts exactly (Claude, Gemini). Keys and base URLs come from the
// environment only: ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL, GEMINI_API_KEY / GEMINI_BASE_URL.
// Counts are cached by content hash in .prompt-cost/provider-counts.json (the folder of the run
// ledger), so an unchanged prompt is never sent twice.
import * as path from 'node:path';
import { CliIO, UsageError } from './io';
import {
  COUNT_SOURCES,
  CountMessage,
  ProviderCountCache,
  ProviderCountError,
  countCacheKey,
  countProviderFor,
  providerCount,
} from '../core/providers/countTokens';
import { CountSigner, userConfigDir } from '../core/providers/countTrust';

export const PROVIDER_COUNT_CACHE = path.join('.prompt-cost', 'provider-counts.json');

/**
 * The run folder's count cache, trusted only where this user's machine key signed it (the key lives in
 * the user's config folder, `PROMPT_COST_CONFIG_DIR` or the platform's): a cloned repository's
 * committed counts are not shown as exact. Says once on stderr how many entries it left out.
 */
export function openCountCache(io: CliIO, note = true): ProviderCountCache {
  const cache = new ProviderCountCache(path.join(io.cwd, PROVIDER_COUNT_CACHE), undefined, new CountSigner(userConfigDir(io.env)));
  if (note && cache.untrusted)
    io.stderr(
      `note: ${cache.untrusted} cached provider count(s) in ${PROVIDER_COUNT_CACHE} were not written on this machine (no valid signature); not used\n`,
    );
  return cache;
}

export interface ProviderCounter {
  /** Exact count of `messages`, from the cache or the endpoint; `estimate` is stored for calibration. */
  count(messages: CountMessage[], estimate: number): Promise<{ tokens: number; source: string; cached: boolean }>;
}

/** A counter for `modelId`, or undefined when no count endpoint serves it. Throws UsageError without a key. */
export function providerCounter(modelId: string, io: CliIO): ProviderCounter | undefined {
  const target = countProviderFor(modelId);
  if (!target) return undefined;
  const keyVar = target.provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'GEMINI_API_KEY';
  const apiKey = io.env[keyVar]?.trim();
  if (!apiKey)
    throw new UsageError(`--provider-count: ${keyVar} is not set (needed to ask the ${COUNT_SOURCES[target.provider]} for ${modelId})`);
  const baseUrl = (target.provider === 'anthropic' ? io.env.ANTHROPIC_BASE_URL : io.env.GEMINI_BASE_URL)?.trim() || undefined;
  const cache = openCountCache(io);
  return {
    async count(messages, estimate) {
      const key = countCacheKey(target.provider, target.model, messages);
      const hit = cache.get(key);
      if (hit) return { tokens: hit.tokens, source: hit.source, cached: true };
      try {
        const r = await providerCount({ ...target, messages, apiKey, baseUrl });
        cache.set(key, { ...r, estimate, at: new Date().toISOString() });
        return { tokens: r.tokens, source: r.source, cached: false };
      } catch (err) {
        if (err instanceof ProviderCountError) throw new UsageError(err.message);
        throw err;
      }
    },
  };
}
