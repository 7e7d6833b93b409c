// Prices for the names people deploy under. When the reference has no price for `provider:model`
// as written, another model's price may stand in — always said out loud:
// 1. the price data's own provider fallbacks (genai-prices `fallback_model_providers`: Azure serves
//    OpenAI, Anthropic, DeepSeek, xAI and Moonshot models at their makers' prices; Vertex serves Claude);
// 2. a hosted name spelled the host's way: Azure's `gpt-35-turbo`, Bedrock's `anthropic.claude-…-v1:0`,
//    Vertex's `claude-…@20241022`, OpenRouter's / Together's `vendor/model` → the maker's model;
// 3. a model of a known family under a provider the reference does not know (`litellm:gpt-4o`).
// (1) is done by the reference catalog's `find`; (2) and (3) here.
import { inferProvider } from './model-id';
import { parseModelSpelling } from '../modelSpelling';
import type { ReferenceCatalog, ReferenceModel } from './reference';
import { referenceProviderId } from './reference';

/** `vendor/` prefixes of OpenRouter, Together, Groq, Fireworks and Hugging Face ids → reference provider. */
const VENDORS: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  'meta-llama': 'meta',
  meta: 'meta',
  mistralai: 'mistral',
  mistral: 'mistral',
  deepseek: 'deepseek',
  'deepseek-ai': 'deepseek',
  'x-ai': 'x-ai',
  xai: 'x-ai',
  cohere: 'cohere',
  moonshotai: 'moonshotai',
  qwen: 'qwen',
};

/** Providers that resell other makers' models: their own price, if listed, is what they charge. */
const HOSTS = new Set(['azure', 'aws', 'google', 'openrouter', 'together', 'groq', 'fireworks', 'github-copilot', 'litellm', 'github']);

export interface StandIn {
  model: ReferenceModel;
  /** Why this price is used, e.g. "openai:gpt-3.5-turbo's price stands in for azure:gpt-35-turbo". */
  note: string;
}

/** Model-name spellings of hosts, mapped to the maker's spelling; each candidate is `[provider, model]`. */
function candidates(provider: string, model: string): [string, string][] {
  const out: [string, string][] = [];
  // OpenRouter / Together / Fireworks `vendor/model`, Bedrock `[region.]anthropic.claude-…-v1:0`, Vertex
  // `claude-…@20241022`, Cloudflare `@cf/meta/…`: the one id reader says who made it and its own name.
  const spelling = parseModelSpelling(model);
  let m = spelling.model;
  const vendor = spelling.vendor ? VENDORS[spelling.vendor] : undefined;
  if (vendor) out.push([vendor, m]);
  // Azure: `gpt-35-turbo`, `gpt-35-turbo-16k`.
  m = m.replace(/^gpt-35(?=-|$)/i, 'gpt-3.5');
  const family =
    inferProvider(m.toLowerCase()) ??
    (/^grok/i.test(m)
      ? 'x-ai'
      : /^(mistral|mixtral|codestral|ministral|pixtral)/i.test(m)
        ? 'mistral'
        : /^deepseek/i.test(m)
          ? 'deepseek'
          : undefined);
  out.push([provider, m]);
  if (family) out.push([family, m]);
  return out;
}

/**
 * The reference model whose price stands in for `provider:model`, or undefined. `found` is what the
 * catalog's own lookup gave (with genai-prices fallbacks); a model from another provider than the one
 * asked for is a stand-in too.
 */
export function findStandIn(
  reference: ReferenceCatalog,
  provider: string | undefined,
  model: string,
  found: ReferenceModel | undefined,
): StandIn | undefined {
  const asked = provider ? referenceProviderId(provider) : undefined;
  const label = provider ? `${provider}:${model}` : model;
  if (found) {
    if (!asked || found.provider === asked) return undefined;
    return {
      model: found,
      note: `${found.provider}:${found.id}'s price stands in for ${label} (genai-prices lists ${found.provider} as a fallback for ${asked}).`,
    };
  }
  if (!provider) return undefined;
  for (const [p, m] of candidates(asked!, model)) {
    const hit = reference.find(p, m);
    if (!hit) continue;
    const host = HOSTS.has(asked!) || !reference.providers.some((x) => x.id === asked);
    return {
      model: hit,
      note: `${hit.provider}:${hit.id}'s price stands in for ${label}${host ? ` (${provider} may charge differently)` : ''}.`,
    };
  }
  return undefined;
}
