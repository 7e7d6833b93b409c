// Names shared by the key commands and the run logic. No imports: safe in the eagerly loaded part of the bundle.

/** SecretStorage key of a provider's API key. */
export function secretKeyFor(provider: 'openai' | 'anthropic'): string {
  return `promptCost.apiKey.${provider}`;
}

export const PROVIDER_LABELS: Record<'openai' | 'anthropic', string> = { openai: 'OpenAI-compatible', anthropic: 'Anthropic' };
