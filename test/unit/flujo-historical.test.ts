// Writing learned averages where Flujo's learnable estimator reads them.
// Source of the lookup: aandresalvarez/flujo flujo/application/core/estimation.py (0.6.11 also at
// flujo/application/core/runtime/estimation.py), LearnableUsageEstimator.estimate:
//   prov_key = str(provider) if provider is not None else "default"
//   hist = cost_cfg.get("historical", {}).get(prov_key, {}).get(model_name, {})
//   UsageEstimate(cost_usd=float(ac or 0.0), tokens=int(at or 0))
// and the strategy gate in build_default_estimator_factory (estimation_strategy.lower() == "learnable" or
// [cost.learnable] enabled). Flujo loads flujo.toml with Python's tomllib (flujo/infra/config_manager.py):
// the written file is read back here with the real tomllib and Flujo's own expressions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { applyEdits } from '../../src/core/flujo/fixes';
import { flujoModelString, historicalAverages, historicalEdits } from '../../src/core/flujo/historical';
import type { RunRecord } from '../../src/core/history/record';

function run(id: number, over: Partial<RunRecord> = {}, output = 100, input = 400, cost: string | null = '0.0025'): RunRecord {
  return {
    v: 1,
    type: 'run',
    id: `r${id}`,
    time: new Date(Date.UTC(2026, 0, 1, 0, id)).toISOString(),
    source: 'editor',
    status: 'ok',
    provider: 'openai',
    model: 'gpt-4o',
    usage: { inputTokens: input, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: output },
    ...(cost === null ? {} : { costUsd: cost }),
    ...over,
  } as RunRecord;
}

/** What Flujo's LearnableUsageEstimator returns for an agent made with `model`, read by Python's tomllib. */
function flujoEstimate(toml: string, model: string): { cost: number; tokens: number; learnable: boolean } | undefined {
  const py = `
import sys, json, tomllib
cfg = tomllib.loads(sys.stdin.read())
cost_cfg = cfg.get("cost", {})
strategy = cost_cfg.get("estimation_strategy")
learnable_enabled = bool(cost_cfg.get("learnable", {}).get("enabled", False)) if isinstance(cost_cfg.get("learnable"), dict) else False
use = (isinstance(strategy, str) and strategy.lower() == "learnable") or learnable_enabled
hist = cost_cfg.get("historical", {}).get("default", {}).get(sys.argv[1], {})
ac = hist.get("avg_cost_usd"); at = hist.get("avg_tokens")
print(json.dumps(None if ac is None and at is None else {"cost": float(ac or 0.0), "tokens": int(at or 0), "learnable": use}))
`;
  return JSON.parse(execFileSync('python3', ['-c', py, model], { input: toml, encoding: 'utf8' }));
}

test('averages: mean tokens (input + output) and mean cost per model, from 3 successful runs on', () => {
  const runs = [run(1, {}, 100, 400, '0.002'), run(2, {}, 200, 400, '0.003'), run(3, {}, 300, 401, '0.0041')];
  runs.push(run(4, { status: 'error' }, 5000, 5000, '1'));
  runs.push(run(5, { model: 'gpt-4o-mini' }), run(6, { model: 'gpt-4o-mini' }));
  const [avg, ...rest] = historicalAverages(runs);
  assert.equal(rest.length, 0, 'gpt-4o-mini has 2 runs only, the failed run is not counted');
  assert.equal(avg.flujoModel, 'openai:gpt-4o');
  assert.equal(avg.avgTokens, Math.round((500 + 600 + 701) / 3));
  assert.equal(avg.avgCostUsd, '0.00303333');
  assert.equal(avg.runs, 3);
});

test('averages: no cost written when a run was unpriced (a partial mean would understate the reservation)', () => {
  const [avg] = historicalAverages([run(1), run(2), run(3, {}, 100, 400, null)]);
  assert.equal(avg.avgCostUsd, undefined);
  assert.equal(avg.pricedRuns, 2);
});

test('Flujo model strings: pydantic-ai prefixes', () => {
  assert.equal(flujoModelString({ provider: 'openai', model: 'gpt-4o' }), 'openai:gpt-4o');
  assert.equal(flujoModelString({ provider: 'anthropic', model: 'claude-sonnet-4-5' }), 'anthropic:claude-sonnet-4-5');
  assert.equal(flujoModelString({ provider: 'gemini', model: 'gemini-2.5-flash' }), 'google-gla:gemini-2.5-flash');
  assert.equal(flujoModelString({ model: 'openai:gpt-4o' }), 'openai:gpt-4o');
  assert.equal(flujoModelString({ provider: 'openai' }), undefined);
});

const AVG = historicalAverages([run(1), run(2), run(3, {}, 130, 400, '0.0031')]);

const CASES: { name: string; toml: string; learnable: boolean }[] = [
  { name: 'empty file', toml: '', learnable: true },
  { name: 'no final newline', toml: '[cost]\nstrict = false', learnable: true },
  { name: 'a [cost] header as the last line', toml: '[settings]\nx = 1\n[cost]', learnable: true },
  { name: 'CRLF', toml: '[cost]\r\nestimation_strategy = "heuristic"\r\n', learnable: true },
  {
    name: 'existing table: values replaced in place, comments kept',
    toml: '# budgets\n[cost]\nestimation_strategy = "LEARNABLE"\n\n[cost.historical.default."openai:gpt-4o"]\navg_tokens = 1 # old\navg_cost_usd = 9.0\n',
    learnable: true,
  },
  {
    name: 'header without keys',
    toml: '[cost.historical.default."openai:gpt-4o"]\n[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 0.0025\n',
    learnable: false,
  },
  { name: 'dotted keys under [cost.historical]', toml: '[cost.historical]\ndefault."openai:gpt-4o".avg_tokens = 3\n', learnable: false },
  { name: 'the example flujo.toml', toml: '', learnable: true },
];

for (const c of CASES) {
  test(`write: ${c.name} — Flujo's estimator reads the averages back`, async () => {
    const toml = c.name.startsWith('the example') ? (await import('node:fs')).readFileSync('examples/flujo.toml', 'utf8') : c.toml;
    const w = historicalEdits(toml, AVG, c.learnable);
    const after = applyEdits(toml, w.edits);
    const got = flujoEstimate(after, 'openai:gpt-4o');
    assert.deepEqual(got && { cost: got.cost, tokens: got.tokens }, { cost: Number(AVG[0].avgCostUsd), tokens: AVG[0].avgTokens });
    if (c.learnable) assert.equal(got?.learnable, true);
    if (toml.includes('# old')) {
      assert.match(after, /# budgets\n/);
      assert.match(after, /avg_tokens = \d+ # old/);
    }
    if (toml.includes('\r\n')) assert.ok(!/[^\r]\n/.test(after), 'CRLF kept');
    // Idempotent: writing the same averages again changes nothing.
    assert.equal(applyEdits(after, historicalEdits(after, AVG, c.learnable).edits), after);
  });
}

test('write: a model table written inline is left alone, with where it is', () => {
  const toml = '[cost.historical.default]\n"openai:gpt-4o" = { avg_tokens = 3 }\n';
  const w = historicalEdits(toml, AVG, false);
  assert.deepEqual(w.written, []);
  assert.match(w.skipped[0].reason, /inline at line 2/);
  assert.equal(w.edits.length, 0);
});

test('write: refuses (throws, no edits) when the result would not be valid TOML', () => {
  // [cost.historical.default] defined by an inline table in [cost]: a [header] for a model under it is invalid.
  const toml = '[cost]\nhistorical = { default = { other = { avg_tokens = 1 } } }\n';
  const w = historicalEdits(toml, AVG, false);
  assert.equal(w.skipped.length, 1, 'detected as inline, skipped');
  // A file Flujo cannot load already (a table defined twice): nothing is written into it.
  assert.throws(() => historicalEdits('[cost]\nstrict = false\n[cost]\nstrict = true\n', AVG, false), /invalid TOML/);
});
