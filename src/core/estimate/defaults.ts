// Defaults shared by the editor (settings defaults) and the CLI, in a module with no imports so the
// extension can read them at activation without loading the tokenizer.

/** The models priced when `promptCost.models` is empty and flujo.toml prices none (also the CLI's). */
export const DEFAULT_MODELS: string[] = ['openai:gpt-4o', 'openai:gpt-4o-mini', 'anthropic:claude-3-5-sonnet-latest'];
/** `promptCost.expectedOutputTokens` default. */
export const DEFAULT_EXPECTED_OUTPUT_TOKENS = 500;
/** `promptCost.requestsPerDay` default, also prompt-cost.json's and the CLI's. */
export const DEFAULT_REQUESTS_PER_DAY = 1000;
