// The workspace file `prompt-cost.json`: its JSON schema (the one source of truth: the editor
// validates the file with it through `jsonValidation`, the CLI and the extension read it with
// `parseBudgetConfig`, and a unit test keeps schemas/prompt-cost.schema.json equal to this object).

export const CONFIG_FILE_NAME = 'prompt-cost.json';

/** The limits a prompt can have, in front matter (`budget:`) and in a `budgets[]` rule. */
export const LIMIT_KEYS = ['max_input_tokens', 'max_cost_per_request', 'max_monthly_cost', 'max_increase_pct', 'requests_per_day'] as const;
export type LimitKey = (typeof LIMIT_KEYS)[number];

const money = {
  description: 'USD. A number, or a decimal string for an exact value ("0.0125").',
  anyOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', pattern: '^\\d+(\\.\\d+)?$' },
  ],
};

const limitProperties = {
  max_input_tokens: {
    type: 'integer',
    minimum: 0,
    description: "Most input tokens one request may send, counted for the prompt's model (messages with chat overhead).",
  },
  max_cost_per_request: { ...money, description: 'Most a request may cost in USD (input + expected output). ' + money.description },
  max_monthly_cost: {
    ...money,
    description: 'Most the prompt may cost per month in USD: cost per request × requests_per_day × 30. ' + money.description,
  },
  max_increase_pct: {
    type: 'number',
    minimum: 0,
    description: 'Largest allowed increase of the cost per request against the base of a change, in percent (`prompt-cost check`).',
  },
  requests_per_day: { type: 'number', minimum: 0, description: 'Requests per day, for the monthly cost.' },
};

export const BUDGET_CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://prompt-cost-lens.invalid/schemas/prompt-cost.schema.json',
  title: 'Prompt Cost Lens workspace configuration (prompt-cost.json)',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    models: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description:
        "Models every prompt is priced for (`provider:model`), after the prompt's own model. The first is the budget model of prompts that name none.",
    },
    requests_per_day: {
      ...limitProperties.requests_per_day,
      description: 'Default requests per day for monthly costs (a prompt or rule can set its own).',
    },
    output_tokens: { type: 'integer', minimum: 0, description: 'Expected output tokens per request when a prompt has no max_tokens.' },
    prompt_files: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Globs (relative to this file) of text/markdown files that are prompts, besides *.prompty, *.prompt, *.prompt.md, *.jinja.',
    },
    max_increase_pct: limitProperties.max_increase_pct,
    budgets: {
      type: 'array',
      description:
        "Limits by glob. Every matching rule applies; a later rule overrides an earlier one key by key, and the prompt's front matter `budget:` overrides both.",
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['files'],
        properties: {
          files: {
            description: 'Glob or globs, relative to this file (`prompts/**/*.prompty`, `src/**/*.py`).',
            anyOf: [
              { type: 'string', minLength: 1 },
              { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
            ],
          },
          ...limitProperties,
        },
      },
    },
  },
} as const;
