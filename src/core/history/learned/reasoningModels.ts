// Models that always think before answering, and the most output (reasoning + answer) one request can
// bill. Without history such a model's output is shown as a range up to that limit, not as a point:
// its hidden reasoning can be a few hundred tokens or tens of thousands.
// Limits: OpenAI's model pages (platform.openai.com/docs/models/<id>, "Max output tokens"), the same
// figures as LiteLLM's model_prices_and_context_window.json `max_output_tokens` (BerriAI/litellm).
// Claude thinks only when a request turns thinking on, so it is not listed: its runs teach its length.

const REASONING: readonly { prefix: string; maxOutputTokens: number; not?: RegExp }[] = [
  { prefix: 'o1-mini', maxOutputTokens: 65_536 },
  { prefix: 'o1', maxOutputTokens: 100_000 },
  { prefix: 'o3', maxOutputTokens: 100_000 },
  { prefix: 'o4-mini', maxOutputTokens: 100_000 },
  // gpt-5-chat-latest is the non-reasoning ChatGPT model.
  { prefix: 'gpt-5', maxOutputTokens: 128_000, not: /-chat/ },
];

/** The output limit of a reasoning model (`openai:o3-mini`, `o4-mini-2025-04-16`), or undefined for a model that answers directly. */
export function reasoningModelLimit(model: string): number | undefined {
  const name = model.replace(/^[^:/]*[:/]/, '').toLowerCase();
  for (const r of REASONING) {
    if (!name.startsWith(r.prefix)) continue;
    const rest = name.slice(r.prefix.length);
    // `o1` must not match `o1x`: the prefix ends at a separator or the end.
    if (rest && !/^[-.]/.test(rest)) continue;
    if (r.not?.test(rest)) return undefined;
    return r.maxOutputTokens;
  }
  return undefined;
}
