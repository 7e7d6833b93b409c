// What Flujo itself records for a call, as Flujo v0.6.11 computes it:
//   flujo/cost.py            CostCalculator.calculate, _infer_provider_from_model, extract_usage_metrics
//   flujo/infra/config.py    get_cost_config, get_provider_pricing, DEFAULT_PRICING_CONFIG
//   flujo/utils/model_utils.py extract_provider_and_model
// Our estimates price with the provider's bill; this says what Flujo's own ledger will hold.
import { Decimal } from './decimal';
import type { FlujoModelPrice, FlujoPricing } from './catalog';

/**
 * Flujo's hardcoded fallback prices (DEFAULT_PRICING_CONFIG in flujo/infra/config.py, USD per 1K),
 * used when strict mode is off, with a "CRITICAL WARNING: Using INACCURATE hardcoded default price".
 */
export const FLUJO_BUILTIN_DEFAULTS: Readonly<Record<string, { prompt: string; completion: string }>> = {
  'openai:gpt-4o': { prompt: '0.005', completion: '0.015' },
  'openai:gpt-4o-mini': { prompt: '0.00015', completion: '0.0006' },
  'openai:gpt-4': { prompt: '0.03', completion: '0.06' },
  'openai:gpt-3.5-turbo': { prompt: '0.0015', completion: '0.002' },
  'openai:text-embedding-3-large': { prompt: '0.00013', completion: '0.00013' },
  'openai:text-embedding-3-small': { prompt: '0.00002', completion: '0.00002' },
  'openai:text-embedding-ada-002': { prompt: '0.0001', completion: '0.0001' },
  // dall-e-3: "Token fields unused for images; keep zeros to satisfy schema".
  'openai:dall-e-3': { prompt: '0.0', completion: '0.0' },
  'anthropic:claude-3-opus': { prompt: '0.015', completion: '0.075' },
  'anthropic:claude-3-sonnet': { prompt: '0.003', completion: '0.015' },
  'anthropic:claude-3-haiku': { prompt: '0.00025', completion: '0.00125' },
  'google:gemini-1.5-pro': { prompt: '0.001', completion: '0.002' },
};

/** Flujo's dall-e-3 image defaults (USD per image), keyed `<quality>_<size>`. */
export const FLUJO_BUILTIN_IMAGE_DEFAULTS: Readonly<Record<string, Record<string, string>>> = {
  'openai:dall-e-3': {
    standard_1024x1024: '0.040',
    hd_1024x1024: '0.080',
    standard_1792x1024: '0.080',
    hd_1792x1024: '0.120',
    standard_1024x1792: '0.080',
    hd_1024x1792: '0.120',
  },
};

/** Providers of DEFAULT_PRICING_CONFIG: a model of these without a price makes Flujo raise. */
const DEFAULT_PROVIDERS = new Set(Object.keys(FLUJO_BUILTIN_DEFAULTS).map((id) => id.slice(0, id.indexOf(':'))));

/** CostCalculator._infer_provider_from_model, in its order (google is checked before openai: `text-bison`). */
export function flujoInferProvider(model: string): string | undefined {
  if (!model) return undefined;
  if (/^(gemini-|text-bison|chat-bison)/.test(model)) return 'google';
  if (/^(gpt-|dall-e|text-|embedding-)/.test(model)) return 'openai';
  if (/^(claude-|haiku|sonnet)/.test(model)) return 'anthropic';
  if (model.startsWith('cohere-')) return 'cohere';
  if (model === 'llama-2') return 'meta'; // only the base name is unambiguous
  return undefined;
}

/** extract_provider_and_model (split at the first ':', both sides stripped), then inference for bare names. */
export function flujoModelRef(id: string): { provider: string | undefined; model: string; inferred: boolean } {
  const colon = id.indexOf(':');
  if (colon >= 0) {
    const provider = id.slice(0, colon).trim();
    return { provider: provider || undefined, model: id.slice(colon + 1).trim(), inferred: false };
  }
  const model = id.trim();
  return { provider: flujoInferProvider(model), model, inferred: true };
}

export function flujoDefaultPrice(provider: string, model: string): FlujoModelPrice | undefined {
  const d = FLUJO_BUILTIN_DEFAULTS[`${provider}:${model}`];
  if (!d) return undefined;
  const images = FLUJO_BUILTIN_IMAGE_DEFAULTS[`${provider}:${model}`];
  return {
    promptPer1k: Decimal.parse(d.prompt),
    completionPer1k: Decimal.parse(d.completion),
    ...(images ? { images: Object.fromEntries(Object.entries(images).map(([k, v]) => [k, Decimal.parse(v)])) } : {}),
  };
}

/** PricingNotConfiguredError's message (flujo/exceptions.py). */
export function pricingNotConfiguredMessage(provider: string | undefined, model: string): string {
  const p = provider ? `'${provider}'` : 'None';
  return `Strict pricing is enabled, but no configuration was found for provider=${p}, model='${model}' in flujo.toml.`;
}

/**
 * A bare model id (no `provider:`) on Flujo's agent path: make_agent_async agents return FlujoAgentResult, and
 * extract_usage_metrics (flujo/cost.py:152-200) takes the provider from extract_provider_and_model
 * (flujo/utils/model_utils.py:200-203), which infers nothing — provider None, cost stays 0.0, nothing raises,
 * strict or not. Only the older direct-usage path (cost.py:252-275, 321-345) infers the provider, which is
 * what the rest of a FlujoRecording describes.
 */
export interface FlujoAgentPathZero {
  inferredProvider: string;
}

type FlujoAgentPath = { agentPath?: FlujoAgentPathZero };

export type FlujoRecording = FlujoAgentPath &
  /** Priced from flujo.toml. */
  (
    | { kind: 'configured'; provider: string; model: string; price: FlujoModelPrice }
    /** Priced from Flujo's hardcoded defaults (non-strict), with a critical warning in Flujo's log. */
    | { kind: 'default'; provider: string; model: string; price: FlujoModelPrice }
    /** Flujo raises PricingNotConfiguredError when it prices the call. */
    | { kind: 'raises'; provider: string | undefined; model: string; why: string; message: string }
    /** Flujo records cost 0.0 (with a warning in its log). */
    | { kind: 'zero'; provider: string | undefined; model: string; why: string }
  );

/** What Flujo does when it prices a call to `modelId` under this flujo.toml (undefined pricing: no flujo.toml). */
export function flujoRecording(pricing: FlujoPricing | undefined, modelId: string): FlujoRecording {
  const ref = flujoModelRef(modelId);
  const direct = flujoDirectRecording(pricing, ref.provider, ref.model);
  return ref.inferred && ref.provider !== undefined ? { ...direct, agentPath: { inferredProvider: ref.provider } } : direct;
}

/** CostCalculator.calculate / get_provider_pricing once the provider is known or inferred. */
function flujoDirectRecording(pricing: FlujoPricing | undefined, provider: string | undefined, model: string): FlujoRecording {
  // CostCalculator.calculate: a bare name whose provider cannot be inferred costs 0.0 before any lookup.
  if (provider === undefined)
    return { kind: 'zero', provider, model, why: `Flujo cannot infer the provider of '${model}' (write provider:model)` };
  // get_cost_config raises (ConfigurationError / ValidationError); extract_usage_metrics catches it and records 0.0.
  if (pricing?.loadError) return { kind: 'zero', provider, model, why: `flujo.toml does not load (${pricing.loadError})` };
  if (pricing?.costInvalid)
    return { kind: 'zero', provider, model, why: `the [cost] section fails Flujo's validation (${pricing.costInvalid})` };
  const configured = pricing?.providers.get(provider)?.get(model);
  if (configured) return { kind: 'configured', provider, model, price: configured };
  const raises = (why: string): FlujoRecording => ({
    kind: 'raises',
    provider,
    model,
    why,
    message: pricingNotConfiguredMessage(provider, model),
  });
  if (pricing?.strict) return raises('strict mode is on and flujo.toml has no price for it');
  const def = flujoDefaultPrice(provider, model);
  if (def) return { kind: 'default', provider, model, price: def };
  if (DEFAULT_PROVIDERS.has(provider)) return raises(`'${model}' is neither in flujo.toml nor in Flujo's built-in defaults`);
  if (!pricing?.providers.has(provider)) return raises(`provider '${provider}' is neither in flujo.toml nor in Flujo's built-in defaults`);
  return { kind: 'zero', provider, model, why: `flujo.toml prices other '${provider}' models but not '${model}'` };
}

/** One sentence for messages: "Flujo itself …". */
export function describeFlujoRecording(r: FlujoRecording): string {
  const direct = describeDirectRecording(r);
  if (!r.agentPath) return direct;
  return `${direct} That is Flujo's direct-usage path; on its agent path (make_agent_async) an id without 'provider:' has no provider, so Flujo records $0 and never raises, strict or not — write ${r.agentPath.inferredProvider}:${r.model}.`;
}

function describeDirectRecording(r: FlujoRecording): string {
  const id = r.provider ? `${r.provider}:${r.model}` : r.model;
  switch (r.kind) {
    case 'configured':
      return `Flujo prices ${id} from flujo.toml.`;
    case 'default':
      return `Flujo itself would use its built-in default price for ${id} ($${r.price.promptPer1k}/1K prompt, $${r.price.completionPer1k}/1K completion) and log a critical warning.`;
    case 'raises':
      return `Flujo itself raises PricingNotConfiguredError for ${id}: ${r.why}.`;
    case 'zero':
      return `Flujo itself would record $0 for ${id}: ${r.why}.`;
  }
}

export interface FlujoRecordedCost {
  /** prompt/1000 × price + completion/1000 × price, exact. */
  exact: Decimal;
  /** The same in IEEE doubles, step by step as Python computes it: what Flujo stores. */
  float: number;
  /** True when Flujo's float differs from the exact value (float rounding). */
  floatDiffers: boolean;
}

/** The cost Flujo records for token usage at a price (CostCalculator.calculate). Images are priced per image elsewhere. */
export function flujoRecordedCost(price: FlujoModelPrice, promptTokens: number, completionTokens: number): FlujoRecordedCost {
  const p = price.promptPer1k ?? Decimal.ZERO;
  const c = price.completionPer1k ?? Decimal.ZERO;
  const exact = p.times(promptTokens).shiftLeft(3).plus(c.times(completionTokens).shiftLeft(3));
  // Python: float(TOML text) is the correctly rounded double, as Number(text) is in JS.
  const float = (promptTokens / 1000.0) * Number(p.toString()) + (completionTokens / 1000.0) * Number(c.toString());
  return { exact, float, floatDiffers: Decimal.fromNumber(float).compare(exact) !== 0 };
}

export interface FlujoRecordNote {
  /** What Flujo records, exact decimal USD; undefined when Flujo raises instead. */
  usd?: string;
  /** Flujo's float when it differs from the exact value in the last digits. */
  float?: number;
  text: string;
}

/** "Flujo would record …" for a call with these token counts (for `estimate` and the editor). */
export function flujoRecordNote(r: FlujoRecording, promptTokens: number, completionTokens: number): FlujoRecordNote {
  if (r.kind === 'raises') return { text: `Flujo would raise PricingNotConfiguredError: ${r.why}` };
  if (r.kind === 'zero') return { usd: '0', text: `Flujo would record $0: ${r.why}` };
  if (r.price.nonFinite) {
    // Python floats: tokens/1000 × inf is inf (nan for 0 tokens); anything + nan is nan.
    const side = (v: 'inf' | '-inf' | 'nan' | undefined, price: Decimal | undefined, tokens: number): number =>
      (tokens / 1000.0) *
      (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : Number((price ?? Decimal.ZERO).toString()));
    const float =
      side(r.price.nonFinite.promptPer1k, r.price.promptPer1k, promptTokens) +
      side(r.price.nonFinite.completionPer1k, r.price.completionPer1k, completionTokens);
    const py = Number.isNaN(float) ? 'nan' : float === Infinity ? 'inf' : float === -Infinity ? '-inf' : String(float);
    return {
      text: `Flujo would record ${py} USD: flujo.toml prices ${r.provider}:${r.model} with a value beyond a float's range (see prompt-cost lint)`,
    };
  }
  const cost = flujoRecordedCost(r.price, promptTokens, completionTokens);
  const from = r.kind === 'default' ? ' (its built-in default price)' : '';
  const float = cost.floatDiffers ? `; its float sum may differ in the last digits: ${cost.float}` : '';
  return {
    usd: cost.exact.toString(),
    ...(cost.floatDiffers ? { float: cost.float } : {}),
    text: `Flujo would record $${cost.exact}${from}${float}`,
  };
}
