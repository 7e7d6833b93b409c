// Conformance table: one row per behaviour of Flujo v0.6.11 (aandresalvarez/flujo) with a flujo.toml —
// the TOML, what Flujo does (source file + function), what we report and what we price. The TOML is
// written here for each behaviour; nothing is copied from Flujo's files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiagnosticCode, FlujoAnalysis, analyzeFlujoToml } from '../../src/core/flujo';
import { PriceCatalog } from '../../src/core/pricing';
import { FlujoRecording, flujoInferProvider, flujoRecordNote, flujoRecordedCost, flujoRecording } from '../../src/core/pricing/flujo';
import { readFlujoRunsFromDb, flujoRunToRecord } from '../../src/core/history/flujo';
import { loadSqlJs } from '../../src/core/history/sqlite';
import { Decimal } from '../../src/core/pricing/decimal';

const MINI = '[cost.providers.openai."gpt-4o-mini"]\nprompt_tokens_per_1k = 0.00015\ncompletion_tokens_per_1k = 0.0006\n';

interface Row {
  behaviour: string;
  /** Where Flujo does it (file: function). */
  flujo: string;
  toml: string;
  /** Diagnostic codes we report, in order. */
  report: DiagnosticCode[];
  /** A message fragment of the first reported diagnostic. */
  says?: RegExp;
  /** What Flujo records for a model under this file. */
  records?: [model: string, kind: FlujoRecording['kind'], detail?: RegExp | string][];
  /** Extra checks on the analysis. */
  check?: (a: FlujoAnalysis) => void;
}

const COST = 'flujo/infra/config.py: get_cost_config (CostConfig(**cost)) + flujo/cost.py: extract_usage_metrics (except Exception → 0.0)';
const LOAD = 'flujo/infra/config_manager.py: ConfigManager.load_config (FlujoConfig(**config_data) → ConfigurationError)';
const PRICING = 'flujo/infra/config.py: get_provider_pricing';

const ROWS: Row[] = [
  {
    behaviour: 'an unquoted dotted model name rejects the whole [cost]: $0 for every model, also the correct ones',
    flujo: COST,
    toml: `${MINI}[cost.providers.openai.gpt-3.5-turbo]\nprompt_tokens_per_1k = 0.0005\ncompletion_tokens_per_1k = 0.0015\n`,
    report: ['dotted-model-key'],
    says: /records \$0 for every model, not just this one/,
    records: [
      ['openai:gpt-4o-mini', 'zero', /fails Flujo's validation/],
      ['openai:gpt-3.5-turbo', 'zero'],
    ],
  },
  {
    behaviour: 'a price table missing a price rejects the whole [cost]',
    flujo: `flujo/infra/config.py: ProviderPricing (both token prices Field(...)); ${COST}`,
    toml: `${MINI}[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 0.0025\n`,
    report: ['missing-price'],
    says: /ProviderPricing requires both/,
    records: [['openai:gpt-4o-mini', 'zero']],
  },
  {
    behaviour: 'an image model with only price_per_image_* rejects the whole [cost] (Flujo’s own default writes 0.0 token prices)',
    flujo: 'flujo/infra/config.py: ProviderPricing, DEFAULT_PRICING_CONFIG["openai"]["dall-e-3"]',
    toml: '[cost.providers.openai."dall-e-3"]\nprice_per_image_standard_1024x1024 = 0.04\n',
    report: ['missing-price', 'unknown-model'],
    says: /image model too: write 0.0/,
    records: [['openai:dall-e-3', 'zero']],
  },
  {
    behaviour: 'a nested table (azure.prod-east.gpt4o-deploy) makes prod-east a model without prices',
    flujo: `flujo/infra/config.py: CostConfig.providers Dict[str, Dict[str, ProviderPricing]]; ${COST}`,
    toml: '[cost.providers.azure.prod-east.gpt4o-deploy]\nprompt_tokens_per_1k = 0.0025\ncompletion_tokens_per_1k = 0.01\n',
    report: ['missing-price'],
    says: /TOML nests 'gpt4o-deploy' inside 'prod-east'/,
    records: [['azure:prod-east', 'zero']],
  },
  {
    behaviour: 'non-strict, a known provider’s model neither configured nor a built-in default: PricingNotConfiguredError',
    flujo: `${PRICING} (step 3b)`,
    toml: MINI,
    report: [],
    records: [
      ['openai:gpt-4.1', 'raises', /neither in flujo.toml nor in Flujo's built-in defaults/],
      ['google:gemini-2.5-pro', 'raises'],
    ],
  },
  {
    behaviour: 'non-strict, an unknown provider: PricingNotConfiguredError',
    flujo: `${PRICING} (step 3: provider not in providers nor DEFAULT_PRICING_CONFIG)`,
    toml: MINI,
    report: [],
    records: [['mistral:mistral-large-latest', 'raises', /provider 'mistral'/]],
  },
  {
    behaviour: 'non-strict, an unknown provider flujo.toml prices other models of: $0 (get_provider_pricing returns None)',
    flujo: `${PRICING} (step 5) + flujo/cost.py: CostCalculator.calculate (pricing is None → 0.0)`,
    toml: '[cost.providers.mistral."mistral-small-latest"]\nprompt_tokens_per_1k = 0.0001\ncompletion_tokens_per_1k = 0.0003\n',
    report: [],
    records: [['mistral:mistral-large-latest', 'zero', /prices other 'mistral' models/]],
  },
  {
    behaviour: 'non-strict, a built-in default: Flujo’s hardcoded price with a critical warning (incl. gemini-1.5-pro, dall-e-3)',
    flujo: 'flujo/infra/config.py: DEFAULT_PRICING_CONFIG, _get_default_pricing',
    toml: MINI,
    report: [],
    records: [
      ['openai:gpt-4o', 'default', '0.005/0.015'],
      ['google:gemini-1.5-pro', 'default', '0.001/0.002'],
      ['openai:dall-e-3', 'default', '0/0'],
    ],
    check: () => {
      const r = flujoRecording(undefined, 'openai:dall-e-3');
      assert.ok(r.kind === 'default');
      assert.equal(r.price.images!.standard_1792x1024.toString(), '0.08');
      assert.equal(r.price.images!.hd_1792x1024.toString(), '0.12');
    },
  },
  {
    behaviour: 'a bare name whose provider Flujo cannot infer: $0, even in strict mode',
    flujo: 'flujo/cost.py: CostCalculator.calculate (provider None → return 0.0 before the strict check)',
    toml: '[cost]\nstrict = true\n' + MINI,
    report: [],
    records: [
      ['llama-3-70b', 'zero', /cannot infer the provider/],
      ['o3-mini', 'zero'],
    ],
  },
  {
    behaviour: 'strict mode: an unconfigured model raises PricingNotConfiguredError',
    flujo: `${PRICING} (step 2) + flujo/cost.py: CostCalculator.calculate strict pre-check`,
    toml: '[cost]\nstrict = true\n' + MINI,
    report: [],
    records: [
      ['openai:gpt-4o', 'raises', /strict mode/],
      ['gpt-4o-mini', 'configured'],
    ],
  },
  {
    behaviour: 'pydantic lax mode: a price "0.005" is 0.005 — warned, priced as Flujo does',
    flujo: 'flujo/infra/config.py: ProviderPricing (float, lax mode)',
    toml: MINI.replace('0.00015', '"0.00015"'),
    report: ['lax-value'],
    says: /reads "0.00015" as 0.00015/,
    records: [['openai:gpt-4o-mini', 'configured']],
    check: (a) => assert.equal(a.pricing.providers.get('openai')!.get('gpt-4o-mini')!.promptPer1k!.toString(), '0.00015'),
  },
  {
    behaviour: 'strict = "true" and strict = 1 mean true',
    flujo: 'flujo/infra/config.py: CostConfig.strict (bool, lax mode)',
    toml: '[cost]\nstrict = "true"\n' + MINI,
    report: ['lax-value'],
    records: [['openai:gpt-4o', 'raises', /strict/]],
    check: (a) => {
      assert.equal(a.strict, true);
      assert.equal(analyzeFlujoToml('[cost]\nstrict = 1\n').strict, true);
      assert.equal(analyzeFlujoToml('[cost]\nstrict = "off"\n').strict, false);
    },
  },
  {
    behaviour: 'strict = "maybe" is rejected: the whole [cost] fails and strict is not applied',
    flujo: COST,
    toml: '[cost]\nstrict = "maybe"\n' + MINI,
    report: ['wrong-type'],
    records: [['openai:gpt-4o', 'zero']],
  },
  {
    behaviour: 'a price beyond a float’s range is inf in Flujo (tomllib → float, pydantic keeps inf): every call costs inf',
    flujo:
      'flujo/infra/config_manager.py: load_config (tomllib.load); flujo/infra/config.py: ProviderPricing (Optional[float]); flujo/cost.py: CostCalculator.calculate',
    toml: MINI.replace('0.00015', '1e999999999'),
    report: ['absurd-value'],
    says: /reads it as inf: every call that uses these tokens with 'openai:gpt-4o-mini' costs inf USD/,
    records: [['openai:gpt-4o-mini', 'configured']],
    check: (a) => {
      const price = a.pricing.providers.get('openai')!.get('gpt-4o-mini')!;
      assert.equal(price.promptPer1k, undefined);
      assert.deepEqual(price.nonFinite, { promptPer1k: 'inf' });
      // Python floats: 1000/1000 × inf = inf; 0/1000 × inf = nan (CostCalculator.calculate).
      const r = flujoRecording(a.pricing, 'openai:gpt-4o-mini');
      assert.match(flujoRecordNote(r, 1000, 10).text, /^Flujo would record inf USD/);
      assert.match(flujoRecordNote(r, 0, 10).text, /^Flujo would record nan USD/);
    },
  },
  {
    behaviour: 'a price below a float’s range is 0.0 in Flujo: it records $0 for those tokens',
    flujo: 'flujo/infra/config_manager.py: load_config (tomllib.load → float underflows to 0.0)',
    toml: MINI.replace('0.00015', '1e-999999999'),
    report: ['absurd-value'],
    says: /reads it as 0\.0: Flujo records \$0/,
    check: (a) => assert.equal(a.pricing.providers.get('openai')!.get('gpt-4o-mini')!.promptPer1k!.toString(), '0'),
  },
  {
    behaviour: 'inf and nan literals are floats pydantic accepts (allow_inf_nan), not wrong types',
    flujo: 'flujo/infra/config.py: ProviderPricing (float fields, pydantic allow_inf_nan default)',
    toml: MINI.replace('0.00015', 'inf').replace('0.0006', 'nan'),
    report: ['absurd-value', 'absurd-value'],
    says: /reads it as inf/,
  },
  {
    behaviour: 'total_cost_usd_limit = nan fails ge=0 and the whole load; = inf is no limit',
    flujo: `flujo/domain/models.py: UsageLimits (ge=0); ${LOAD}`,
    toml: '[budgets.default]\ntotal_cost_usd_limit = nan\n[budgets.pipeline."etl-*"]\ntotal_cost_usd_limit = inf\n',
    report: ['absurd-value', 'absurd-value'],
    says: /ge=0 rejects it/,
    check: (a) => assert.match(a.pricing.loadError ?? '', /total_cost_usd_limit/),
  },
  {
    behaviour: 'total_cost_usd_limit = "5" is 5.0; total_tokens_limit = 5.0 is 5',
    flujo: 'flujo/domain/models.py: UsageLimits (float/int, ge=0, lax mode)',
    toml: '[budgets.default]\ntotal_cost_usd_limit = "5"\ntotal_tokens_limit = 5.0\n',
    report: ['lax-value', 'lax-value'],
  },
  {
    behaviour: 'a negative or fractional budget fails the whole load',
    flujo: `flujo/domain/models.py: UsageLimits (ge=0); ${LOAD}`,
    toml: '[budgets.default]\ntotal_cost_usd_limit = -1\n[budgets.pipeline."etl-*"]\ntotal_tokens_limit = 2.5\n' + MINI,
    report: ['budget-invalid', 'budget-invalid'],
    says: /cannot load flujo.toml at all/,
    records: [['openai:gpt-4o-mini', 'zero', /does not load/]],
  },
  {
    behaviour: 'a negative price is used as is (it lowers the recorded cost)',
    flujo: 'flujo/infra/config.py: ProviderPricing (no bound); flujo/cost.py: CostCalculator.calculate',
    toml: MINI.replace('0.0006', '-0.0006'),
    report: ['negative-value'],
    records: [['openai:gpt-4o-mini', 'configured']],
    check: (a) => {
      const p = a.pricing.providers.get('openai')!.get('gpt-4o-mini')!;
      assert.equal(flujoRecordedCost(p, 1000, 1000).exact.toString(), '-0.00045');
    },
  },
  {
    behaviour: 'typed [settings]: a wrong type fails the whole load; unknown keys are dropped (did-you-mean)',
    flujo: `flujo/infra/config_manager.py: SettingsOverrides; ${LOAD}`,
    toml: '[settings]\nmax_iters = "five"\ndefault_solution_modle = "openai:gpt-4o"\n' + MINI,
    report: ['wrong-type', 'unknown-key'],
    says: /cannot load flujo.toml at all/,
    records: [['openai:gpt-4o-mini', 'zero']],
    check: (a) => assert.match(a.diagnostics[1].message, /Did you mean 'default_solution_model'/),
  },
  {
    behaviour: '[settings.sandbox] is typed; other [settings.*] tables are dropped',
    flujo: 'flujo/infra/config_manager.py: SandboxOverrides, SettingsOverrides (extra ignored)',
    toml: '[settings.sandbox]\ntimeout_seconds = 30\nmode = "docker"\n[settings.output]\nsave_trace = true\n',
    report: ['unknown-section'],
  },
  {
    behaviour: '[solve], [bench], [run], [architect], [template], [lockfile], [validation.profiles] are typed',
    flujo:
      'flujo/infra/config_manager.py: SolveConfig, BenchConfig, RunConfig, ArchitectConfig, TemplateConfig, LockfileConfig, ValidationConfig',
    toml:
      '[solve]\nmax_iters = 3\nk = 1\n[bench]\nrounds = "10"\n[run]\njson_output = "no"\n[architect]\nstate_machine_default = true\n' +
      '[template]\nundefined_variables = "warn"\n[lockfile]\nexternal_files = ["data/*.json"]\n[validation.profiles.strict]\n"V-T*" = "error"\n',
    report: ['lax-value', 'lax-value'],
  },
  {
    behaviour: 'root keys blueprint_allowed_imports (a list of strings) and governance_policy_module are read',
    flujo: 'flujo/infra/config_manager.py: _validate_structures (_expect_list_of_str), load_config',
    toml: 'blueprint_allowed_imports = ["skills", "tests"]\ngovernance_policy_module = "policies.default"\n',
    report: [],
    check: () => {
      const bad = analyzeFlujoToml('blueprint_allowed_imports = "skills"\n');
      assert.deepEqual(
        bad.diagnostics.map((d) => d.code),
        ['wrong-type'],
      );
      assert.ok(bad.pricing.loadError);
    },
  },
  {
    behaviour: '[cost] estimation_strategy, [cost.learnable], [cost.historical.<p>.<m>] are read by the estimator',
    flujo: 'flujo/application/core/runtime/estimation.py: build_default_estimator_factory, LearnableUsageEstimator',
    toml: '[cost]\nestimation_strategy = "learnable"\n[cost.learnable]\nenabled = true\n[cost.historical.openai."gpt-4o"]\navg_cost_usd = 0.01\navg_tokens = 500\n',
    report: [],
  },
  {
    behaviour: '[cost.learnable] enabled = "false" enables it (Python bool() of a non-empty string)',
    flujo: 'flujo/application/core/runtime/estimation.py: bool(cost_cfg.get("learnable", {}).get("enabled", False))',
    toml: '[cost.learnable]\nenabled = "false"\n',
    report: ['lax-value'],
    says: /means true/,
  },
  {
    behaviour: '[aros] and [budgets] limits outside default/pipeline are ignored',
    flujo: 'flujo/infra/config_manager.py: load_config (aros not copied), BudgetConfig (extra ignored)',
    toml: '[aros]\nenabled = true\n[budgets]\ntotal_cost_usd_limit = 5.0\n',
    report: ['unknown-section', 'unknown-key'],
  },
  {
    behaviour: 'models named in flujo.toml ([settings] default_*_model, [solve] *_model) are priced like any call',
    flujo: `${PRICING}; flujo/infra/config_manager.py: SettingsOverrides, SolveConfig`,
    toml:
      '[settings]\ndefault_solution_model = "openai:gpt-4.1"\ndefault_review_model = "openai:gpt-4o"\n[solve]\nreview_model = "openai:gpt-4o-mini"\n' +
      MINI,
    report: ['unpriced-model', 'unpriced-model'],
    says: /raises PricingNotConfiguredError for openai:gpt-4.1/,
    check: (a) => {
      assert.equal(a.diagnostics[0].severity, 'error');
      assert.equal(a.diagnostics[1].severity, 'info');
      assert.match(a.diagnostics[1].message, /built-in default price for openai:gpt-4o/);
    },
  },
  {
    behaviour: 'a TOML syntax error: the file does not load',
    flujo: 'flujo/infra/config_manager.py: load_config (tomllib.TOMLDecodeError → ConfigurationError)',
    toml: `${MINI}[cost\n`,
    report: ['toml-syntax'],
    records: [['openai:gpt-4o-mini', 'zero']],
  },
  {
    behaviour: 'an integer literal of more than 4,300 digits: tomllib’s int() raises ValueError and the file does not load',
    flujo:
      'CPython Lib/tomllib/_re.py: match_to_number (int(text, 0), sys.int_info.default_max_str_digits) + flujo/infra/config_manager.py: load_config (except (OSError, ValueError) → ConfigurationError)',
    toml: `${MINI}[budgets.default]\ntotal_tokens_limit = ${'9'.repeat(4301)}\n`,
    report: ['toml-syntax', 'absurd-value'],
    says: /4,301 digits; Python's int\(\) converts at most 4,300/,
    records: [['openai:gpt-4o-mini', 'zero']],
  },
];

for (const row of ROWS) {
  test(`${row.behaviour} — ${row.flujo}`, () => {
    const a = analyzeFlujoToml(row.toml);
    assert.deepEqual(
      a.diagnostics.map((d) => d.code),
      row.report,
      JSON.stringify(a.diagnostics, null, 1),
    );
    if (row.says) assert.match(a.diagnostics[0].message, row.says);
    for (const [model, kind, detail] of row.records ?? []) {
      const r = flujoRecording(a.pricing, model);
      assert.equal(r.kind, kind, `${model}: ${r.kind} ${'why' in r ? r.why : ''}`);
      if (detail instanceof RegExp) assert.match('why' in r ? r.why : '', detail);
      else if (detail !== undefined && (r.kind === 'default' || r.kind === 'configured'))
        assert.equal(`${r.price.promptPer1k}/${r.price.completionPer1k}`, detail);
      // What `estimate` shows: a flujo.toml price only where Flujo uses it; otherwise a warning saying what Flujo records.
      const res = new PriceCatalog({ flujo: a.pricing }).resolve(model);
      if (kind === 'configured') assert.ok(res.ok && res.price.source === 'flujo.toml');
      else if (res.ok) assert.match(res.warnings.join('\n'), /Flujo itself/);
      else assert.ok(res.code === 'no-price' || (kind === 'raises' && res.code === 'strict-unpriced'));
    }
    row.check?.(a);
  });
}

test('models used in code: strict mode reports every unpriced one; otherwise those Flujo still raises for', () => {
  const used = [{ id: 'openai:gpt-4.1', file: 'agents.py', line: 2 }, { id: 'openai:gpt-4o' }, { id: 'openai:gpt-4o-mini' }];
  const lax = analyzeFlujoToml('[cost]\nstrict = false\n' + MINI, { usedModels: used });
  assert.deepEqual(
    lax.diagnostics.map((d) => [d.code, d.range.start.line]),
    [['unpriced-model', 0]],
  );
  assert.match(lax.diagnostics[0].message, /raises PricingNotConfiguredError for openai:gpt-4.1.* Used in agents.py:3\./);
  const strict = analyzeFlujoToml('[cost]\nstrict = true\n' + MINI, { usedModels: used });
  assert.deepEqual(
    strict.diagnostics.map((d) => [d.code, d.range.start.line]),
    [
      ['unpriced-model', 1],
      ['unpriced-model', 1],
    ],
  );
  // A [cost] Flujo rejects applies nothing, strict included (get_cost_config raises, the cost is recorded
  // as 0.0), until it is fixed: then each unpriced model raises. Both are reported at once (issue 29), and the
  // strict findings say they wait on the other error.
  const broken = analyzeFlujoToml('[cost]\nstrict = true\n[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 0.0025\n', {
    usedModels: used,
  });
  assert.deepEqual(
    broken.diagnostics.map((d) => d.code),
    ['unpriced-model', 'unpriced-model', 'missing-price'], // gpt-4.1 and gpt-4o-mini at `strict`; gpt-4o has a table
  );
  for (const d of broken.diagnostics.filter((x) => x.code === 'unpriced-model'))
    assert.match(
      d.message,
      /once the other errors in this file are fixed; until then it records \$0 \(the price table of 'openai:gpt-4o' has no completion_tokens_per_1k\)/,
    );
  // Not strict: Flujo records $0 for everything while [cost] is invalid, and nothing raises later either way but
  // what the lax rules say; the invalid section is the report.
  const laxBroken = analyzeFlujoToml('[cost]\nstrict = false\n[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 0.0025\n', {
    usedModels: used,
  });
  assert.deepEqual(
    laxBroken.diagnostics.map((d) => d.code),
    ['missing-price'],
  );
});

test('provider inference in Flujo’s order (flujo/cost.py: CostCalculator._infer_provider_from_model)', () => {
  const cases: [string, string | undefined][] = [
    ['text-bison-001', 'google'], // google is checked before openai's text-
    ['chat-bison', 'google'],
    ['gemini-2.5-flash', 'google'],
    ['text-embedding-3-small', 'openai'],
    ['gpt-4o', 'openai'],
    ['dall-e-3', 'openai'],
    ['embedding-001', 'openai'],
    ['haiku-3', 'anthropic'],
    ['sonnet', 'anthropic'],
    ['claude-3-5-haiku-latest', 'anthropic'],
    ['cohere-command-r', 'cohere'],
    ['llama-2', 'meta'],
    ['llama-2-7b', undefined],
    ['o1', undefined], // not openai for Flujo
    ['mistral-large', undefined],
    ['', undefined],
  ];
  for (const [model, provider] of cases) assert.equal(flujoInferProvider(model), provider, model);
});

test('exact money: Flujo’s float record vs the exact value (flujo/cost.py: CostCalculator.calculate)', () => {
  const price = { promptPer1k: Decimal.parse('0.00015'), completionPer1k: Decimal.parse('0.0006') };
  const r = flujoRecordedCost(price, 1234, 567);
  assert.equal(r.exact.toString(), '0.0005253');
  // Python: (1234 / 1000.0) * 0.00015 + (567 / 1000.0) * 0.0006
  assert.equal(r.float, (1234 / 1000.0) * 0.00015 + (567 / 1000.0) * 0.0006);
  assert.equal(r.floatDiffers, Decimal.fromNumber(r.float).toString() !== '0.0005253');
  const even = flujoRecordedCost(price, 1000, 1000);
  assert.equal(even.exact.toString(), '0.00075');
  // A sum whose float differs from the exact value: the note shows both.
  const odd = flujoRecordNote(
    {
      kind: 'configured',
      provider: 'openai',
      model: 'm',
      price: { promptPer1k: Decimal.parse('0.0001'), completionPer1k: Decimal.parse('0.0002') },
    },
    1,
    1,
  );
  assert.equal(odd.usd, '0.0000003');
  assert.equal(odd.float, (1 / 1000.0) * 0.0001 + (1 / 1000.0) * 0.0002);
  assert.match(odd.text, /Flujo would record \$0.0000003; its float sum may differ in the last digits: 3.0000000000000004e-7/);
  assert.deepEqual(flujoRecordNote(flujoRecording(undefined, 'llama'), 10, 10), {
    usd: '0',
    text: "Flujo would record $0: Flujo cannot infer the provider of 'llama' (write provider:model)",
  });
});

// Flujo v0.6.11 StateManager.record_step_result passes cost/tokens/duration_ms; sqlite_ops.save_step_result
// reads cost_usd/token_counts/execution_time_ms — so those columns are NULL in real databases.
test('history import: a NULL steps.cost_usd and no workflow_state row is "cost unknown", not $0', async () => {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.exec(`CREATE TABLE runs (run_id TEXT PRIMARY KEY, pipeline_id TEXT, pipeline_name TEXT, pipeline_version TEXT, status TEXT, created_at TEXT, updated_at TEXT);
           CREATE TABLE workflow_state (run_id TEXT PRIMARY KEY, pipeline_name TEXT, status TEXT, step_history TEXT, created_at TEXT);
           CREATE TABLE steps (id INTEGER PRIMARY KEY, run_id TEXT, step_name TEXT, step_index INTEGER, status TEXT, cost_usd REAL, token_counts INTEGER, execution_time_ms INTEGER, created_at TEXT);
           INSERT INTO runs VALUES ('a', 'p', 'etl', '1', 'completed', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z');
           INSERT INTO steps VALUES (1, 'a', 'extract', 0, 'completed', NULL, NULL, NULL, '2026-01-01T00:00:00Z');
           INSERT INTO runs VALUES ('b', 'p', 'etl', '1', 'completed', '2026-01-02T00:00:00Z', '2026-01-02T00:00:01Z');
           INSERT INTO workflow_state VALUES ('b', 'etl', 'completed', '[{"name":"extract","cost_usd":0.25,"token_counts":10}]', '2026-01-02T00:00:00Z');
           INSERT INTO runs VALUES ('c', 'p', 'etl', '1', 'completed', '2026-01-03T00:00:00Z', '2026-01-03T00:00:01Z');
           INSERT INTO workflow_state VALUES ('c', 'etl', 'completed', '[]', '2026-01-03T00:00:00Z');`);
  const warnings: string[] = [];
  const runs = readFlujoRunsFromDb(db, warnings);
  db.close();
  const [a, b, c] = runs;
  assert.equal(a.costUsd, undefined);
  assert.equal(flujoRunToRecord(a).costUsd, undefined);
  assert.equal(flujoRunToRecord(a).steps![0].costUsd, undefined);
  assert.equal(b.costUsd!.toString(), '0.25');
  assert.equal(c.costUsd!.toString(), '0'); // an empty step history is a known $0
  assert.match(warnings.join('\n'), /1 run has no recorded cost .* cost unknown, not \$0/);
});

// Structures of Flujo's own configs (examples/flujo.toml, examples/high_assurance_realistic/flujo.toml,
// flujo.toml, flujo/templates/project/flujo.toml), re-typed: every report is something Flujo really does.
test('Flujo’s own example configs: no false positives', () => {
  const template = analyzeFlujoToml(
    'state_uri = "sqlite:///.flujo/state.db"\nenv_file = ".env"\n[settings]\n# default_solution_model = "gpt-4o-mini"\n[budgets]\n# [budgets.default]\n[architect]\nstate_machine_default = true\n',
  );
  assert.deepEqual(template.diagnostics, []);
  const repoRoot = analyzeFlujoToml(
    'state_uri = "sqlite:///.flujo/flujo_ops.db"\n[cost]\nstrict = false\n' +
      MINI +
      '[background_tasks]\nenable_quota = true\nmax_cost_per_task = 1.0\n',
  );
  // [background_tasks] is not read by ConfigManager.load_config: a true "ignored".
  assert.deepEqual(
    repoRoot.diagnostics.map((d) => d.code),
    ['unknown-section'],
  );
  const examples = analyzeFlujoToml(
    'state_uri = "sqlite:///flujo_ops.db"\n[settings]\nreflection_enabled = true\nmax_iters = 5\nt_schedule = [1.0, 0.8, 0.5, 0.2]\nagent_timeout = 60\n' +
      '[solve]\nmax_iters = 3\nk = 1\nreflection = true\nscorer = "ratio"\nsolution_model = "openai:gpt-4o"\n[bench]\nrounds = 10\n[run]\npipeline_name = "pipeline"\njson_output = false\n' +
      '[cost]\n[cost.providers]\n[cost.providers.openai]\n[cost.providers.openai.gpt-4o]\nprompt_tokens_per_1k = 0.005\ncompletion_tokens_per_1k = 0.015\n' +
      '[cost.providers.openai.gpt-3.5-turbo]\nprompt_tokens_per_1k = 0.0005\ncompletion_tokens_per_1k = 0.0015\n' +
      '[cost.providers.anthropic]\n[cost.providers.anthropic.claude-3-haiku]\nprompt_tokens_per_1k = 0.00025\ncompletion_tokens_per_1k = 0.00125\n',
  );
  // The only error is real: Flujo's own example records $0 for everything because of gpt-3.5-turbo.
  assert.deepEqual(
    examples.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code),
    ['dotted-model-key'],
  );
  assert.equal(flujoRecording(examples.pricing, 'openai:gpt-4o').kind, 'zero');
});

test('the hover estimate says what Flujo itself records when it differs from the price shown', async () => {
  const { estimatePrompt, estimateMarkdown } = await import('../../src/core/estimate');
  const { parsePromptDocument } = await import('../../src/core/prompt');
  const { countTokens } = await import('../../src/core/tokenize');
  const broken = analyzeFlujoToml(
    `${MINI}[cost.providers.openai.gpt-3.5-turbo]\nprompt_tokens_per_1k = 0.0005\ncompletion_tokens_per_1k = 0.0015\n`,
  );
  const doc = parsePromptDocument('Summarize the ticket.', 'p.txt');
  const e = estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), {
    models: ['openai:gpt-4o-mini', 'openai:gpt-4o'],
    catalog: new PriceCatalog({ flujo: broken.pricing }),
    outputTokens: 100,
    requestsPerDay: 10,
  });
  const md = estimateMarkdown(e, { requestsPerDay: 10 });
  assert.match(md, /⚠ Flujo itself would record \$0 for openai:gpt-4o-mini: the \\\[cost\\\] section fails Flujo's validation/);
  assert.match(md, /Prices: reference/);
});

test('estimator values go through Python float()/int() (flujo/application/core/runtime/estimation.py)', () => {
  const a = analyzeFlujoToml('[cost.estimators.openai."gpt-4o"]\nexpected_cost_usd = "0.02"\nexpected_tokens = 2.7\n');
  assert.deepEqual(
    a.diagnostics.map((d) => [d.code, d.data?.kind === 'replace-value' ? d.data.replacement : undefined]),
    [
      ['lax-value', '0.02'],
      ['lax-value', '2'], // int(2.7) == 2: truncated, not rounded
    ],
  );
  const skipped = analyzeFlujoToml('[cost.estimators.openai."gpt-4o"]\nexpected_tokens = "2.5"\n');
  assert.match(skipped.diagnostics[0].message, /int\(\) fails on it and it skips this estimate/);
  assert.equal(skipped.diagnostics[0].severity, 'warning');
});

test('integers from strings as pydantic-core reads them (clean_int_str: "42.0" yes, "42." no, "4_2" yes)', () => {
  const read = (v: string) => analyzeFlujoToml(`[bench]\nrounds = ${v}\n`).diagnostics.map((d) => d.code);
  assert.deepEqual(read('"42.0"'), ['lax-value']);
  assert.deepEqual(read('"4_2"'), ['lax-value']);
  assert.deepEqual(read('" 7 "'), ['lax-value']);
  assert.deepEqual(read('"42."'), ['wrong-type']);
  assert.deepEqual(read('"1e3"'), ['wrong-type']);
  assert.deepEqual(read('2.5'), ['wrong-type']);
  assert.deepEqual(read('3.0'), ['lax-value']);
  assert.deepEqual(read('10'), []);
});

/** docs/dev/flujo-conformance.md: this file's ROWS as a table, so the documentation says what the tests check. */
function conformanceMarkdown(): string {
  const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const records = (r: Row) => (r.records ?? []).map(([model, kind]) => `${model}: ${kind}`).join('; ') || '–';
  return [
    '# What Flujo does with a flujo.toml: the conformance table',
    '',
    '<!-- Generated from test/unit/flujo-conformance.test.ts (ROWS): PCL_WRITE_DOCS=1 node --test out/test/unit/flujo-conformance.test.js -->',
    '',
    `Each row is one behaviour of Flujo v0.6.11 (aandresalvarez/flujo), a unit test that writes the TOML, and what`,
    'we report and price for it; the summary for users is [What Flujo itself will record](../user/pricing.md#what-flujo-itself-will-record).',
    '`records` is what Flujo records for that model: `configured` (the flujo.toml price), `default` (its built-in',
    'price), `zero` ($0), `raises` (`PricingNotConfiguredError`).',
    '',
    '| Behaviour | Where Flujo does it | We report | Flujo records |',
    '| --- | --- | --- | --- |',
    ...ROWS.map(
      (r) =>
        `| ${cell(r.behaviour)} | ${cell(r.flujo)} | ${r.report.map((c) => `\`${c}\``).join(', ') || 'nothing'} | ${cell(records(r))} |`,
    ),
    '',
  ].join('\n');
}

test('docs/dev/flujo-conformance.md is this table (regenerate with PCL_WRITE_DOCS=1)', () => {
  const file = path.join(__dirname, '../../../docs/dev/flujo-conformance.md');
  const want = conformanceMarkdown();
  if (process.env.PCL_WRITE_DOCS === '1') fs.writeFileSync(file, want);
  assert.equal(
    fs.readFileSync(file, 'utf8'),
    want,
    'the table changed: PCL_WRITE_DOCS=1 node --test out/test/unit/flujo-conformance.test.js',
  );
});
