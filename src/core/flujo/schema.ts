// The single source of what a flujo.toml may contain: sections, keys, types and docs. Diagnostics,
// completion, hover and media/flujo.schema.json (tomlValidation for Even Better TOML) all derive from it.

export type KeyType = 'string' | 'boolean' | 'number' | 'integer';

export interface KeySpec {
  type: KeyType;
  doc: string;
  /** Minimum value for numbers. */
  minimum?: number;
}

export interface SectionSpec {
  doc: string;
  /** Known keys; in an `open` section other keys are allowed (Flujo passes them through). */
  keys: Readonly<Record<string, KeySpec>>;
  open?: boolean;
}

export const IMAGE_QUALITIES = ['standard', 'hd'] as const;
export const IMAGE_SIZES = ['1024x1024', '1792x1024', '1024x1792'] as const;
export const IMAGE_KEY_RE = /^price_per_image_(standard|hd)_(1024x1024|1792x1024|1024x1792)$/;

export const ROOT_KEYS: Readonly<Record<string, KeySpec>> = {
  state_uri: {
    type: 'string',
    doc: 'Where Flujo stores run state, e.g. `sqlite:///flujo_ops.db` (relative to flujo.toml) or `sqlite:///.flujo/state.db`.',
  },
  env_file: { type: 'string', doc: 'A `.env` file Flujo loads before running (API keys).' },
};

const open = (doc: string): SectionSpec => ({ doc, keys: {}, open: true });

/** Top-level sections. `cost` and `budgets` have fixed structure below; the others are passed to Flujo as is. */
export const SECTIONS: Readonly<Record<string, SectionSpec>> = {
  settings: open('Flujo settings overrides (models, retries, telemetry, …).'),
  budgets: { doc: 'Cost and token limits: `[budgets.default]` and `[budgets.pipeline."<glob>"]`.', keys: {} },
  cost: {
    doc: 'Cost tracking: `strict` mode, per-model prices in `[cost.providers.<provider>.<model>]`, estimators.',
    keys: {
      strict: {
        type: 'boolean',
        doc: 'When true, a model without a configured price is an error (`PricingNotConfiguredError`) instead of a fallback to Flujo’s hardcoded defaults.',
      },
    },
  },
  solve: open('Defaults for `flujo solve`.'),
  bench: open('Defaults for `flujo bench`.'),
  run: open('Defaults for `flujo run`.'),
  architect: open('Defaults for `flujo architect` (pipeline generation).'),
  validation: open('Pipeline validation rules.'),
  template: open('Template rendering options.'),
  lockfile: open('Lockfile options.'),
  blueprint: open('Blueprint (YAML pipeline) options.'),
};

export const MODEL_PRICE_KEYS: Readonly<Record<string, KeySpec>> = {
  prompt_tokens_per_1k: { type: 'number', minimum: 0, doc: 'USD per 1,000 prompt (input) tokens. Cost = prompt_tokens / 1000 × this.' },
  completion_tokens_per_1k: {
    type: 'number',
    minimum: 0,
    doc: 'USD per 1,000 completion (output) tokens. Cost = completion_tokens / 1000 × this.',
  },
  ...Object.fromEntries(
    IMAGE_QUALITIES.flatMap((q) =>
      IMAGE_SIZES.map((s) => [
        `price_per_image_${q}_${s}`,
        {
          type: 'number',
          minimum: 0,
          doc: `USD per ${q === 'hd' ? 'HD' : 'standard'} ${s} image (image models such as dall-e-3).`,
        } as KeySpec,
      ]),
    ),
  ),
};

export const BUDGET_KEYS: Readonly<Record<string, KeySpec>> = {
  total_cost_usd_limit: { type: 'number', minimum: 0, doc: 'Stop the run when its total cost exceeds this many USD (a number ≥ 0).' },
  total_tokens_limit: { type: 'integer', minimum: 0, doc: 'Stop the run when its total tokens exceed this (an integer ≥ 0).' },
};

export const BUDGET_TABLES: Readonly<Record<string, string>> = {
  default: 'Limits for every pipeline without a more specific entry.',
  pipeline: 'Per-pipeline limits: `[budgets.pipeline."<glob>"]`, matched against the pipeline name.',
};

export const ESTIMATOR_KEYS: Readonly<Record<string, KeySpec>> = {
  expected_cost_usd: { type: 'number', minimum: 0, doc: 'Expected USD per call, used for pre-run estimates.' },
  expected_tokens: { type: 'integer', minimum: 0, doc: 'Expected tokens per call, used for pre-run estimates.' },
};

export const COST_TABLES: Readonly<Record<string, string>> = {
  providers:
    'Per-model prices: `[cost.providers.<provider>."<model>"]` with `prompt_tokens_per_1k` and `completion_tokens_per_1k` (USD per 1,000 tokens). Quote model names containing dots.',
  estimators: 'Per-model pre-run estimates: `[cost.estimators.<provider>."<model>"]` with `expected_cost_usd`, `expected_tokens`.',
};

/** Every documented key by name, for hover. */
export function keyDoc(path: readonly string[]): { title: string; doc: string; type?: KeyType } | undefined {
  const [a, b, , , e] = path;
  const last = path[path.length - 1];
  if (path.length === 1) {
    if (ROOT_KEYS[a]) return { title: a, ...ROOT_KEYS[a] };
    if (SECTIONS[a]) return { title: `[${a}]`, doc: SECTIONS[a].doc };
  }
  if (a === 'cost') {
    if (path.length === 2 && b === 'strict') return { title: 'cost.strict', ...SECTIONS.cost.keys.strict };
    if (path.length === 2 && COST_TABLES[b]) return { title: `[cost.${b}]`, doc: COST_TABLES[b] };
    if (b === 'providers' && path.length === 5 && MODEL_PRICE_KEYS[e]) return { title: e, ...MODEL_PRICE_KEYS[e] };
    if (b === 'estimators' && path.length === 5 && ESTIMATOR_KEYS[e]) return { title: e, ...ESTIMATOR_KEYS[e] };
  }
  if (a === 'budgets') {
    if (path.length === 2 && BUDGET_TABLES[b]) return { title: `[budgets.${b}]`, doc: BUDGET_TABLES[b] };
    if (BUDGET_KEYS[last]) return { title: last, ...BUDGET_KEYS[last] };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// JSON Schema (draft-07) for Even Better TOML's `tomlValidation`.

function keySchema(k: KeySpec): Record<string, unknown> {
  const s: Record<string, unknown> = { type: k.type, description: k.doc };
  if (k.minimum !== undefined) s.minimum = k.minimum;
  return s;
}

function keysSchema(keys: Readonly<Record<string, KeySpec>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(keys).map(([n, k]) => [n, keySchema(k)]));
}

/** The JSON Schema of flujo.toml, generated from the tables above (media/flujo.schema.json must equal it). */
export function flujoJsonSchema(): Record<string, unknown> {
  const modelPrice = { type: 'object', additionalProperties: false, properties: keysSchema(MODEL_PRICE_KEYS) };
  const estimator = { type: 'object', additionalProperties: false, properties: keysSchema(ESTIMATOR_KEYS) };
  const byProviderModel = (model: Record<string, unknown>, description: string) => ({
    type: 'object',
    description,
    additionalProperties: { type: 'object', description: 'Provider id, e.g. openai, anthropic, google.', additionalProperties: model },
  });
  const budget = { type: 'object', additionalProperties: false, properties: keysSchema(BUDGET_KEYS) };
  const properties: Record<string, unknown> = { ...keysSchema(ROOT_KEYS) };
  for (const [name, spec] of Object.entries(SECTIONS)) {
    if (name === 'cost') {
      properties.cost = {
        type: 'object',
        description: spec.doc,
        additionalProperties: false,
        properties: {
          ...keysSchema(spec.keys),
          providers: byProviderModel(modelPrice, COST_TABLES.providers),
          estimators: byProviderModel(estimator, COST_TABLES.estimators),
        },
      };
    } else if (name === 'budgets') {
      properties.budgets = {
        type: 'object',
        description: spec.doc,
        additionalProperties: false,
        properties: {
          default: { ...budget, description: BUDGET_TABLES.default },
          pipeline: { type: 'object', description: BUDGET_TABLES.pipeline, additionalProperties: budget },
        },
      };
    } else {
      properties[name] = { type: 'object', description: spec.doc, additionalProperties: true, properties: keysSchema(spec.keys) };
    }
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://prompt-cost-lens/flujo.schema.json',
    title: 'flujo.toml',
    description: 'Flujo configuration (validated by Prompt Cost Lens).',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}
