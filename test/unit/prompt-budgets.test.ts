// Budgets: prompt-cost.json parsing with located errors, front matter `budget:`, merging by glob, the
// check's messages, and the line alignment the diff follows prompts with (a property test against an
// O(n·m) longest-common-subsequence reference: Myers' diff finds a longest common subsequence).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkBudget, increasePct, parseBudgetConfig, readFrontMatterBudget, resolveBudget } from '../../src/core/promptBudgets';
import { checkFileBudgets } from '../../src/core/promptBudgets/check';
import { alignLines } from '../../src/core/diff/lines';
import { Decimal } from '../../src/core/pricing/decimal';
import { PriceCatalog } from '../../src/core/pricing/catalog';

test('parseBudgetConfig: rules, money as number or exact string, defaults', () => {
  const { config, errors } = parseBudgetConfig(
    JSON.stringify({
      models: ['openai:gpt-4o'],
      requests_per_day: 250,
      output_tokens: 300,
      max_increase_pct: 15,
      budgets: [
        { files: 'prompts/**', max_input_tokens: 2000, max_cost_per_request: '0.0125' },
        { files: ['src/**/*.py', 'lib/*.ts'], max_monthly_cost: 99.5, requests_per_day: 10 },
      ],
    }),
    '/w/prompt-cost.json',
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(config.models, ['openai:gpt-4o']);
  assert.equal(config.requestsPerDay, 250);
  assert.equal(config.outputTokens, 300);
  assert.equal(config.maxIncreasePct, 15);
  assert.equal(config.rules.length, 2);
  assert.equal(config.rules[0].limits.max_cost_per_request?.toString(), '0.0125');
  assert.equal(config.rules[1].limits.max_monthly_cost?.toString(), '99.5');
  assert.ok(config.rules[0].matches('prompts/a/b.prompty'));
  assert.ok(!config.rules[0].matches('src/prompts.py'));
  assert.ok(config.rules[1].matches('lib/x.ts') && config.rules[1].matches('src/a/b.py'));
});

test('parseBudgetConfig: every problem located (0-based line/column), valid parts kept', () => {
  const text = [
    '{',
    '  "modles": [],',
    '  "budgets": [',
    '    { "files": "a/**", "max_input_tokens": 10 },',
    '    { "files": "b/**", "max_input_tokens": 1.5, "max_cost_per_request": "-1" },',
    '    { "max_monthly_cost": 3 }',
    '  ]',
    '}',
  ].join('\n');
  const { config, errors } = parseBudgetConfig(text, 'p.json');
  assert.deepEqual(
    errors.map((e) => [e.line, e.message]),
    [
      [1, 'modles: unknown key (known: models, requests_per_day, output_tokens, prompt_files, max_increase_pct, budgets)'],
      [4, 'budgets[1].max_input_tokens: must be a non-negative integer, got 1.5'],
      [4, 'budgets[1].max_cost_per_request: must be a non-negative amount in USD (0.02 or "0.02"), got "-1"'],
      [5, 'budgets[2].files: is required: a glob or a list of globs'],
    ],
  );
  assert.equal(config.rules.length, 2);
  assert.deepEqual(config.rules[0].limits, { max_input_tokens: 10 });
  const bad = parseBudgetConfig('{\n  "budgets": [,]\n}', 'p.json');
  assert.equal(bad.errors.length, 1);
  assert.match(bad.errors[0].message, /^prompt-cost\.json is not valid JSON/);
  assert.equal(bad.errors[0].line, 1);
  assert.deepEqual(parseBudgetConfig('[1]', 'p.json').errors[0].message, 'prompt-cost.json must be a JSON object');
});

test('readFrontMatterBudget: limits with the key line; type errors located on the value', () => {
  const yaml = 'model: openai:gpt-4o\nbudget:\n  max_input_tokens: 100\n  max_monthly_cost: "12.50"\n  max_cost_per_request: lots\n';
  const r = readFrontMatterBudget(yaml, 1);
  assert.equal(r.line, 2);
  assert.equal(r.limits?.max_input_tokens, 100);
  assert.equal(r.limits?.max_monthly_cost?.toString(), '12.5');
  assert.deepEqual(
    r.errors.map((e) => [e.line, e.column, e.message]),
    [[5, 24, 'budget.max_cost_per_request: must be a non-negative amount in USD (0.02 or "0.02"), got "lots"']],
  );
  assert.match(readFrontMatterBudget('budget: 5\n', 1).errors[0].message, /^budget: must be a mapping/);
  assert.deepEqual(readFrontMatterBudget('model: x\n', 1), { errors: [] });
  assert.deepEqual(readFrontMatterBudget(': : bad yaml [', 1).errors, []); // YAML errors are the prompt parser's to report
});

test('resolveBudget: later rules override earlier ones key by key; front matter overrides both', () => {
  const { config } = parseBudgetConfig(
    JSON.stringify({
      max_increase_pct: 20,
      budgets: [
        { files: '**', max_input_tokens: 100, max_monthly_cost: 5 },
        { files: 'prompts/**', max_input_tokens: 50 },
      ],
    }),
    'p.json',
  );
  const b = resolveBudget(config, 'prompts/a.prompt', { limits: { max_monthly_cost: Decimal.parse('9') }, line: 3 });
  assert.equal(b.limits.max_input_tokens, 50);
  assert.equal(b.limits.max_monthly_cost?.toString(), '9');
  assert.equal(b.limits.max_increase_pct, 20);
  assert.match(b.sources.max_input_tokens!.label, /budgets\[1\] \(prompts\/\*\*\)/);
  assert.equal(b.sources.max_monthly_cost!.label, 'front matter');
  assert.equal(resolveBudget(config, 'other/x.prompt').limits.max_input_tokens, 100);
});

test('checkBudget: both numbers in the message; equal to the limit is within; unpriced models skip money limits', () => {
  const budget = resolveBudget(
    parseBudgetConfig(
      JSON.stringify({ budgets: [{ files: '**', max_input_tokens: 1000, max_cost_per_request: 0.01, max_monthly_cost: 300 }] }),
      'p.json',
    ).config,
    'x',
  );
  const n = {
    model: 'openai:gpt-4o',
    inputTokens: 1000,
    approximate: false,
    costPerRequest: Decimal.parse('0.01'),
    monthly: Decimal.parse('300'),
    requestsPerDay: 1000,
  };
  assert.deepEqual(checkBudget(n, budget), []);
  const over = checkBudget({ ...n, inputTokens: 1234, costPerRequest: Decimal.parse('0.0125'), monthly: Decimal.parse('375') }, budget);
  assert.deepEqual(
    over.map((v) => v.message),
    [
      '1,234 input tokens for openai:gpt-4o exceed max_input_tokens 1,000 by 234 (prompt-cost.json budgets[0] (**))',
      '$0.0125 per request for openai:gpt-4o exceeds max_cost_per_request $0.01 (prompt-cost.json budgets[0] (**))',
      '$375.00/month for openai:gpt-4o (1,000 requests/day) exceeds max_monthly_cost $300 (prompt-cost.json budgets[0] (**))',
    ],
  );
  assert.deepEqual(
    checkBudget({ ...n, inputTokens: 5000, costPerRequest: undefined, monthly: undefined }, budget).map((v) => v.rule),
    ['budget/max-input-tokens'],
  );
  assert.equal(increasePct(Decimal.parse('0.01'), Decimal.parse('0.0125')), 25);
  assert.equal(increasePct(0, 5), Infinity);
  assert.equal(increasePct(undefined, 5), undefined);
});

test('checkFileBudgets: a prompt file is priced only when a limit applies; the finding sits on the budget line', () => {
  const pricing = { catalog: new PriceCatalog(), models: ['openai:gpt-4o'], outputTokens: 0, requestsPerDay: () => 1000 };
  const config = parseBudgetConfig('{}', 'p.json').config;
  const text = '---\nmodel: openai:gpt-4o-mini\nbudget:\n  max_input_tokens: 5\n---\nuser:\n' + 'word '.repeat(20) + '\n';
  const f = checkFileBudgets({ path: 'p/a.prompt', configPath: 'p/a.prompt', text, type: { kind: 'file' }, pricing, config });
  assert.equal(f.length, 1);
  assert.equal(f[0].rule, 'budget/max-input-tokens');
  assert.deepEqual(f[0].range, { line: 2, column: 0, endLine: 2, endColumn: 7 });
  assert.equal(f[0].numbers?.model, 'openai:gpt-4o-mini'); // the prompt's own model, not the first configured
  assert.deepEqual(
    checkFileBudgets({ path: 'p/b.prompt', configPath: 'p/b.prompt', text: 'no budget here', type: { kind: 'file' }, pricing, config }),
    [],
  );
});

/** Length of a longest common subsequence (the classic O(n·m) dynamic programme). */
function lcsLength(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) dp[i][j] = a[i - 1] === b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
  return dp[a.length][b.length];
}

test('property: alignLines pairs equal lines, in order, and as many as a longest common subsequence', () => {
  const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd', '', '  x'), { maxLength: 40 });
  fc.assert(
    fc.property(lines, lines, (a, b) => {
      const m = alignLines(a, b);
      let last = -1;
      let pairs = 0;
      for (let i = 0; i < a.length; i++) {
        const j = m.oldToNew[i];
        if (j < 0) continue;
        assert.equal(a[i], b[j]);
        assert.ok(j > last, 'pairs keep their order');
        assert.equal(m.newToOld[j], i);
        last = j;
        pairs++;
      }
      assert.equal(pairs, lcsLength(a, b));
    }),
    { numRuns: 500 },
  );
});
