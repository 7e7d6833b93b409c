// The single source of what a flujo.toml may contain: sections, keys, types and docs. Diagnostics,
// completion, hover and media/flujo.schema.json (tomlValidation for Even Better TOML) all derive from it.

/** Types as Flujo's pydantic models declare them (read in lax mode: see analysis/values.ts). */
export type KeyType = 'string' | 'boolean' | 'number' | 'integer' | 'string-array' | 'number-array' | 'table';

export interface KeySpec {
  type: KeyType;
  doc: string;
  /** Minimum value for numbers. */
  minimum?: number;
}

export interface SectionSpec {
  doc: string;
  /** Known keys. In a `typed` section a value of the wrong type makes flujo.toml fail to load; unknown keys are dropped. */
  keys: Readonly<Record<string, KeySpec>>;
  /** Validated by a pydantic model of flujo/infra/config_manager.py (FlujoConfig). */
  typed?: boolean;
  /** Sub-tables with their own keys (`[settings.sandbox]`). */
  tables?: Readonly<Record<string, SectionSpec>>;
  /** Sub-tables whose content Flujo passes through unchecked (`[validation.profiles.<name>]`). */
  openTables?: readonly string[];
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
  blueprint_allowed_imports: {
    type: 'string-array',
    doc: 'Module prefixes YAML blueprints may import (a list of strings; `["*"]` allows all). FLUJO_BLUEPRINT_ALLOWED_IMPORTS overrides it.',
  },
  governance_policy_module: { type: 'string', doc: 'Governance policy module; a shortcut for `[settings] governance_policy_module`.' },
};

const str = (doc: string): KeySpec => ({ type: 'string', doc });
const bool = (doc: string): KeySpec => ({ type: 'boolean', doc });
const int = (doc: string, minimum?: number): KeySpec => ({ type: 'integer', doc, ...(minimum !== undefined ? { minimum } : {}) });

/** `[settings.sandbox]`: SandboxOverrides (flujo/infra/config_manager.py). */
const SANDBOX_KEYS: Readonly<Record<string, KeySpec>> = {
  mode: str('Sandbox provider: `null` (disabled), `remote` or `docker`.'),
  api_url: str('Base URL of the remote sandbox API.'),
  api_key: str('API key of the remote sandbox (better in the environment: FLUJO_SANDBOX_API_KEY).'),
  timeout_seconds: int('Request timeout in seconds.', 1),
  verify_ssl: bool('Verify TLS certificates of the remote sandbox.'),
  docker_image: str('Docker image for the docker sandbox.'),
  docker_pull: bool('Pull the docker image when missing.'),
  docker_mem_limit: str("Memory limit of sandbox containers, e.g. '512m'."),
  docker_pids_limit: int('Maximum PIDs per sandbox container.', 1),
  docker_network_mode: str("Docker network mode, e.g. 'none'."),
};

/** `[settings]`: SettingsOverrides (flujo/infra/config_manager.py); environment variables win over them. */
const SETTINGS_KEYS: Readonly<Record<string, KeySpec>> = {
  reflection_enabled: bool('Enable the reflection agent.'),
  reward_enabled: bool('Enable reward scoring.'),
  telemetry_export_enabled: bool('Export telemetry.'),
  otlp_export_enabled: bool('Export OpenTelemetry (OTLP) traces.'),
  state_backend_span_export_enabled: bool('Store spans in the state backend.'),
  memory_indexing_enabled: bool('Index run memory.'),
  memory_embedding_model: str('Embedding model for memory indexing, `provider:model`.'),
  memory_embedding_dimensions: int('Embedding dimensions for memory indexing.'),
  default_solution_model: str('Default solution model, `provider:model`.'),
  default_review_model: str('Default review model, `provider:model`.'),
  default_validator_model: str('Default validator model, `provider:model`.'),
  default_reflection_model: str('Default reflection model, `provider:model`.'),
  default_self_improvement_model: str('Default self-improvement model, `provider:model`.'),
  default_repair_model: str('Default repair model, `provider:model`.'),
  max_iters: int('Orchestrator iterations.'),
  k_variants: int('Variants generated per iteration.'),
  reflection_limit: int('Maximum reflections.'),
  scorer: str('Scorer, e.g. `ratio`, `weighted`, `reward`.'),
  t_schedule: { type: 'number-array', doc: 'Temperature schedule, e.g. `[1.0, 0.8, 0.5, 0.2]`.' },
  otlp_endpoint: str('OTLP collector endpoint.'),
  agent_timeout: int('Agent timeout in seconds.'),
  postgres_pool_min: int('Minimum Postgres connection pool size.'),
  postgres_pool_max: int('Maximum Postgres connection pool size.'),
  enabled_template_filters: { type: 'string-array', doc: 'Template filters blueprints may use.' },
  governance_mode: str('Governance mode.'),
  governance_policy_module: str('Governance policy module.'),
  governance_tool_allowlist: { type: 'string-array', doc: 'Tools agents may call under governance.' },
  shadow_eval_sink: str('Where shadow evaluations go: `telemetry` or `database`.'),
  granular_resume_fingerprint_mode: str('Fingerprint mode for granular resume.'),
};

/** Top-level sections. `cost` and `budgets` have fixed structure below; the others are passed to Flujo as is. */
export const SECTIONS: Readonly<Record<string, SectionSpec>> = {
  settings: {
    doc: 'Flujo settings overrides (models, orchestrator tuning, telemetry, sandbox); environment variables win over them.',
    keys: SETTINGS_KEYS,
    typed: true,
    tables: { sandbox: { doc: 'Sandboxed code execution settings.', keys: SANDBOX_KEYS, typed: true } },
  },
  budgets: { doc: 'Cost and token limits: `[budgets.default]` and `[budgets.pipeline."<glob>"]`.', keys: {} },
  cost: {
    doc: 'Cost tracking: `strict` mode, per-model prices in `[cost.providers.<provider>.<model>]`, estimators.',
    keys: {
      strict: {
        type: 'boolean',
        doc: 'When true, a model without a configured price is an error (`PricingNotConfiguredError`) instead of a fallback to Flujo’s hardcoded defaults.',
      },
      estimation_strategy: {
        type: 'string',
        doc: 'Pre-run usage estimation: `learnable` uses `[cost.historical.<provider>.<model>]` averages (case-insensitive).',
      },
    },
  },
  solve: {
    doc: 'Defaults for `flujo solve`.',
    typed: true,
    keys: {
      max_iters: int('Iterations.'),
      k: int('Variants per iteration.'),
      reflection: bool('Use reflection.'),
      scorer: str('Scorer.'),
      weights_path: str('Path of scorer weights.'),
      solution_model: str('Solution model, `provider:model`.'),
      review_model: str('Review model, `provider:model`.'),
      validator_model: str('Validator model, `provider:model`.'),
      reflection_model: str('Reflection model, `provider:model`.'),
    },
  },
  bench: { doc: 'Defaults for `flujo bench`.', typed: true, keys: { rounds: int('Benchmark rounds.') } },
  run: {
    doc: 'Defaults for `flujo run`.',
    typed: true,
    keys: { pipeline_name: str('Pipeline variable name to run.'), json_output: bool('Print JSON output.') },
  },
  architect: {
    doc: 'Defaults for `flujo architect` (pipeline generation).',
    typed: true,
    keys: { state_machine_default: bool('Use the agentic Architect state machine by default.') },
  },
  validation: {
    doc: 'Pipeline validation rules: `[validation.profiles.<name>]` maps rule ids to severities.',
    typed: true,
    keys: {},
    openTables: ['profiles'],
  },
  template: {
    doc: 'Template rendering options.',
    typed: true,
    keys: {
      undefined_variables: str('Undefined template variables: `strict` (error), `warn` or `ignore`.'),
      log_resolution: bool('Log template resolution in debug mode.'),
    },
  },
  lockfile: {
    doc: 'Lockfile options (`flujo lock`).',
    typed: true,
    keys: {
      enabled: bool('Generate lockfiles.'),
      external_files: { type: 'string-array', doc: 'Globs of external files to hash, e.g. `["data/*.json"]`.' },
      include_model_info: bool('Record model information.'),
      include_tool_schemas: bool('Record tool schemas.'),
      auto_generate_on_run: bool('Write the lockfile on every run.'),
    },
  },
  blueprint: {
    doc: 'Blueprint (YAML pipeline) options. Flujo reads only `enabled_filters` here (as `[settings] enabled_template_filters`).',
    typed: true,
    keys: { enabled_filters: { type: 'string-array', doc: 'Template filters blueprints may use.' } },
  },
};

/** `[cost.historical.<provider>.<model>]` (the learnable estimator). */
export const HISTORICAL_KEYS: Readonly<Record<string, KeySpec>> = {
  avg_cost_usd: { type: 'number', doc: 'Average USD per call, used by the learnable estimator.' },
  avg_tokens: { type: 'integer', doc: 'Average tokens per call, used by the learnable estimator.' },
};

/** `[cost.learnable]`. */
export const LEARNABLE_KEYS: Readonly<Record<string, KeySpec>> = {
  enabled: { type: 'boolean', doc: 'Enable the learnable estimator (same as `estimation_strategy = "learnable"`).' },
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
  historical: 'Per-model averages for the learnable estimator: `[cost.historical.<provider>."<model>"]` with `avg_cost_usd`, `avg_tokens`.',
  learnable: 'The learnable estimator: `enabled = true`.',
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
    if (path.length === 2 && SECTIONS.cost.keys[b]) return { title: `cost.${b}`, ...SECTIONS.cost.keys[b] };
    if (path.length === 2 && COST_TABLES[b]) return { title: `[cost.${b}]`, doc: COST_TABLES[b] };
    if (b === 'providers' && path.length === 5 && MODEL_PRICE_KEYS[e]) return { title: e, ...MODEL_PRICE_KEYS[e] };
    if (b === 'estimators' && path.length === 5 && ESTIMATOR_KEYS[e]) return { title: e, ...ESTIMATOR_KEYS[e] };
    if (b === 'historical' && path.length === 5 && HISTORICAL_KEYS[e]) return { title: e, ...HISTORICAL_KEYS[e] };
    if (b === 'learnable' && path.length === 3 && LEARNABLE_KEYS[last]) return { title: last, ...LEARNABLE_KEYS[last] };
  }
  if (a === 'budgets') {
    if (path.length === 2 && BUDGET_TABLES[b]) return { title: `[budgets.${b}]`, doc: BUDGET_TABLES[b] };
    if (BUDGET_KEYS[last]) return { title: last, ...BUDGET_KEYS[last] };
  }
  const section = SECTIONS[a];
  if (section && path.length === 2 && section.keys[b]) return { title: b, ...section.keys[b] };
  if (section && path.length === 2 && section.tables?.[b]) return { title: `[${a}.${b}]`, doc: section.tables[b].doc };
  const sub = section?.tables?.[b];
  if (sub && path.length === 3 && sub.keys[last]) return { title: last, ...sub.keys[last] };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// JSON Schema (draft-07) for Even Better TOML's `tomlValidation`.

function keySchema(k: KeySpec): Record<string, unknown> {
  const type: Record<KeyType, Record<string, unknown>> = {
    string: { type: 'string' },
    boolean: { type: 'boolean' },
    number: { type: 'number' },
    integer: { type: 'integer' },
    'string-array': { type: 'array', items: { type: 'string' } },
    'number-array': { type: 'array', items: { type: 'number' } },
    table: { type: 'object' },
  };
  const s: Record<string, unknown> = { ...type[k.type], description: k.doc };
  if (k.minimum !== undefined) s.minimum = k.minimum;
  return s;
}

function keysSchema(keys: Readonly<Record<string, KeySpec>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(keys).map(([n, k]) => [n, keySchema(k)]));
}

/** The JSON Schema of flujo.toml, generated from the tables above (media/flujo.schema.json must equal it). */
export function flujoJsonSchema(): Record<string, unknown> {
  // ProviderPricing requires both token prices, even for image models (flujo/infra/config.py).
  const modelPrice = {
    type: 'object',
    additionalProperties: false,
    required: ['prompt_tokens_per_1k', 'completion_tokens_per_1k'],
    properties: keysSchema(MODEL_PRICE_KEYS),
  };
  const historical = { type: 'object', additionalProperties: false, properties: keysSchema(HISTORICAL_KEYS) };
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
          historical: byProviderModel(historical, COST_TABLES.historical),
          learnable: {
            type: 'object',
            description: COST_TABLES.learnable,
            additionalProperties: false,
            properties: keysSchema(LEARNABLE_KEYS),
          },
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
      const props: Record<string, unknown> = keysSchema(spec.keys);
      for (const [t, sub] of Object.entries(spec.tables ?? {}))
        props[t] = { type: 'object', description: sub.doc, additionalProperties: false, properties: keysSchema(sub.keys) };
      for (const t of spec.openTables ?? []) props[t] = { type: 'object', additionalProperties: { type: 'object' } };
      // Flujo drops unknown keys silently: the schema flags them as typos.
      properties[name] = { type: 'object', description: spec.doc, additionalProperties: false, properties: props };
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
