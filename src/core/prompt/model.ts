// Model-id helpers shared by the prompt-file parser and the code scanner.

import type { ModelRef, OffsetRange } from './types';

/** Providers we recognise in `provider:model` strings (pydantic-ai / Flujo / LiteLLM spellings). */
export const KNOWN_PROVIDERS: ReadonlySet<string> = new Set([
  'openai',
  'anthropic',
  'google',
  'google-gla',
  'google-vertex',
  'gemini',
  'vertex',
  'vertexai',
  'vertex_ai',
  'azure',
  'azure_openai',
  'bedrock',
  'groq',
  'mistral',
  'cohere',
  'deepseek',
  'xai',
  'grok',
  'ollama',
  'openrouter',
  'together',
  'fireworks',
  'huggingface',
  'cerebras',
  'perplexity',
  'meta',
  'heroku',
  'github',
  'moonshotai',
  'litellm',
]);

/** Model-name prefixes that make an unknown `x:name` string still look like a model id. */
const MODEL_FAMILY =
  /^(gpt-|o[1-9](?:$|-)|chatgpt-|claude-|gemini-|gemma|llama|mistral|mixtral|codestral|command|deepseek|grok|qwen|phi-|dall-e|text-|embedding-|whisper|tts-)/i;

/**
 * Does a string literal's value look like a `provider:model` id? Conservative, because the
 * result drives a strict-pricing error: a known provider, or any lowercase provider with a
 * model part from a known family. No spaces, no `//` (URLs), nothing after a second `:` except
 * for Bedrock-style version suffixes (`bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0`).
 */
export function looksLikeModelId(value: string): boolean {
  if (value.length < 3 || value.length > 200) return false;
  const colon = value.indexOf(':');
  if (colon <= 0) return false;
  const provider = value.slice(0, colon);
  const model = value.slice(colon + 1);
  if (!/^[a-z][a-z0-9_-]*$/.test(provider)) return false;
  if (!/^[A-Za-z0-9][A-Za-z0-9._\-/@:]*$/.test(model) || model.startsWith('/')) return false;
  if (KNOWN_PROVIDERS.has(provider)) return true;
  return MODEL_FAMILY.test(model);
}

/** Prompty `configuration.type` / `provider` → provider prefix. */
const CONFIG_TYPE_PROVIDER: Record<string, string> = {
  openai: 'openai',
  azure_openai: 'azure',
  azure: 'azure',
  azureopenai: 'azure',
  anthropic: 'anthropic',
  google: 'google',
  gemini: 'google',
  mistral: 'mistral',
  groq: 'groq',
  ollama: 'ollama',
  bedrock: 'bedrock',
};

export function providerForConfigType(type: string | undefined): string | undefined {
  if (!type) return undefined;
  return CONFIG_TYPE_PROVIDER[type.trim().toLowerCase()];
}

/**
 * Builds a ModelRef from a name as written and an optional provider hint. A name that already
 * is `provider:model` keeps its own provider. Bare names are NOT guessed here (pricing applies
 * Flujo's inference rule): `id` is then the bare name.
 */
export function makeModelRef(name: string, providerHint?: string, range?: OffsetRange): ModelRef | undefined {
  const n = name.trim();
  if (!n || n.startsWith('${')) return undefined;
  if (looksLikeModelId(n)) {
    const colon = n.indexOf(':');
    return { id: n, name: n.slice(colon + 1), provider: n.slice(0, colon), providerSource: 'explicit', range };
  }
  if (providerHint) return { id: `${providerHint}:${n}`, name: n, provider: providerHint, providerSource: 'configuration', range };
  return { id: n, name: n, providerSource: 'none', range };
}

/** Model families → provider, for names written without one (Copilot display names, SK `model_id`). */
const FAMILY_PROVIDER: readonly [RegExp, string][] = [
  [/^claude-/, 'anthropic'],
  [/^(gpt-|o[1-9](?:$|-)|chatgpt-)/, 'openai'],
  [/^gemini-/, 'google'],
  [/^grok-/, 'x-ai'],
];

/**
 * A model as VS Code / Copilot files name it (`Claude Sonnet 4.5`, `GPT-4.1`, `GPT-5 mini (copilot)`,
 * `Gemini 2.5 Pro`) → `provider:model-id` (`anthropic:claude-sonnet-4-5`, `openai:gpt-4.1`,
 * `openai:gpt-5-mini`). Undefined for names that are not a model (`inherit`, placeholders).
 */
export function modelFromDisplayName(value: string): string | undefined {
  const v = value
    .trim()
    .replace(/\s*\([^)]*\)\s*$/, '')
    .trim();
  if (!v || /[[\]<>{}]/.test(v) || /^(inherit|default|auto)$/i.test(v)) return undefined;
  if (looksLikeModelId(v)) return v;
  let id = v.toLowerCase().replace(/\s+/g, '-');
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(id)) return undefined;
  const family = FAMILY_PROVIDER.find(([re]) => re.test(id));
  if (!family) return undefined;
  // Anthropic's ids use dashes between version digits (claude-sonnet-4-5).
  if (family[1] === 'anthropic') id = id.replace(/(\d)\.(\d)/g, '$1-$2');
  return `${family[1]}:${id}`;
}
