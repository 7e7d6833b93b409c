// Model ids as Flujo writes them: `provider:model`, or a bare model name with the provider inferred.
import { parseModelSpelling } from '../modelSpelling';

export interface ModelRef {
  /** undefined when a bare name's provider cannot be inferred (Flujo then reports provider=None). */
  readonly provider: string | undefined;
  readonly model: string;
  /** `provider:model`, or the bare model when no provider. */
  readonly id: string;
}

const INFERENCE: readonly [RegExp, string][] = [
  [/^(gpt-|chatgpt-|dall-e|text-|embedding-|davinci|babbage|whisper-|tts-|o1|o3|o4|omni-moderation)/, 'openai'],
  [/^claude-/, 'anthropic'],
  [/^gemini-/, 'google'],
];

/** Flujo's provider inference for bare model names (gpt-/dall-e/text-/embedding-/o1/o3… → openai, claude- → anthropic, gemini- → google). */
export function inferProvider(model: string): string | undefined {
  for (const [re, provider] of INFERENCE) if (re.test(model)) return provider;
  return undefined;
}

/** Parses `openai:gpt-4o` or `gpt-4o`. Exact and case-sensitive: nothing is normalised. */
export function parseModelId(text: string): ModelRef {
  const s = text.trim();
  const spelling = parseModelSpelling(s);
  // A LiteLLM route (`openrouter/openai/gpt-4o`, `vertex_ai/claude-…@20241022`, `bedrock/us.anthropic.…`): its host.
  const route = /^([A-Za-z][\w.-]*)\//.exec(s);
  if (route && spelling.host) {
    const model = s.slice(route[0].length);
    return { provider: spelling.host, model, id: `${spelling.host}:${model}` };
  }
  // A bare Bedrock id (`anthropic.claude-…-v2:0`, cross-region `us.anthropic.…`) has a `:` of its own:
  // it is one Bedrock model, not provider `us.anthropic.claude-…-v2` + model `0` (modelSpelling.ts).
  if (spelling.host === 'bedrock' && !/^[\w.-]+:/.test(s.replace(/-v?\d+:\d+(?::\w+)?$/, ''))) {
    return { provider: 'bedrock', model: s, id: `bedrock:${s}` };
  }
  const colon = s.indexOf(':');
  if (colon > 0) {
    const provider = s.slice(0, colon);
    const model = s.slice(colon + 1);
    return { provider, model, id: `${provider}:${model}` };
  }
  const provider = inferProvider(s);
  return { provider, model: s, id: provider ? `${provider}:${s}` : s };
}

/** Flujo's exact PricingNotConfiguredError text. */
export function strictPricingMessage(provider: string | undefined, model: string): string {
  const p = provider ? `'${provider}'` : 'None';
  return `Strict pricing is enabled, but no configuration was found for provider=${p}, model='${model}' in flujo.toml.`;
}
