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
