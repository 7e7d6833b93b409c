// Every quick fix must leave a file that lints clean of what it fixed, with nothing new
// (issue 13 item 5: `[budget]` → `[budgets]` used to leave "total_cost_usd_limit under [budgets]").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FlujoDiagnostic, applyEdits, lintFlujoToml, quickFixes } from '../../src/core/flujo';

const root = path.resolve(__dirname, '../../..');
const MINI_TABLE = '[cost.providers.openai."gpt-4o-mini"]\nprompt_tokens_per_1k = 0.00015\ncompletion_tokens_per_1k = 0.0006\n';
const PRICES = 'prompt_tokens_per_1k = 0.00015\ncompletion_tokens_per_1k = 0.0006\n';

/** Files with one mistake each (or several), covering every diagnostic that has a fix. */
const CASES: Record<string, string> = {
  budgetTable: '[budget]\ntotal_cost_usd_limit = 5.0\ntotal_tokens_limit = 1000\n',
  budgetDefault: '[budget.default]\ntotal_cost_usd_limit = 1\n',
  budgetDotted: 'budget.total_cost_usd_limit = 2.0\n',
  budgetPipeline: '[budget.pipeline."etl-*"]\ntotal_tokens_limit = 10\n',
  budgetsTypo: '[budgets.defualt]\ntotal_cost_usd_limit = 1.0\n',
  budgetKeyTypo: '[budgets.default]\ntotal_cost_usd_limt = 1.0\n',
  rootKeyTypo: 'state_url = "sqlite:///flujo_ops.db"\n',
  sectionTypo: '[setings]\nmax_iters = 3\n',
  settingsKeyTypo: '[settings]\ndefault_solution_modle = "openai:gpt-4o-mini"\n' + MINI_TABLE,
  sandboxKeyTypo: '[settings.sandbox]\ntimeout_second = 5\n',
  costTableTypo: '[cost.provider.openai."gpt-4o-mini"]\n' + PRICES,
  priceKeyTypo: '[cost.providers.openai."gpt-4o-mini"]\nprompt_token_per_1k = 0.00015\ncompletion_tokens_per_1k = 0.0006\n',
  imageKeyTypo:
    '[cost.providers.openai."dall-e-3"]\nprompt_tokens_per_1k = 0.0\ncompletion_tokens_per_1k = 0.0\nprice_per_image_standard_1024x1025 = 0.04\n',
  imageOnly: '[cost.providers.openai."dall-e-3"]\nprice_per_image_standard_1024x1024 = 0.04\n',
  dottedHeader: '[cost.providers.openai.gpt-3.5-turbo]\nprompt_tokens_per_1k = 0.0005\ncompletion_tokens_per_1k = 0.0015\n',
  dottedInline: '[cost.providers.openai]\ngpt-4.1 = { prompt_tokens_per_1k = 0.002, completion_tokens_per_1k = 0.008 }\n',
  missingPrice: '[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 0.0025\n',
  missingBoth: '[cost.providers.acme."house-model"]\n',
  perMillion: '[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 2.5\ncompletion_tokens_per_1k = 0.01\n',
  dividedTwice: '[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 0.0000025\ncompletion_tokens_per_1k = 0.01\n',
  differs: '[cost.providers.openai."gpt-4o-mini"]\nprompt_tokens_per_1k = 0.00015\ncompletion_tokens_per_1k = 0.0007\n',
  modelTypo: '[cost.providers.openai."gpt-4o-mni"]\n' + PRICES,
  laxString: '[cost.providers.openai."gpt-4o-mini"]\nprompt_tokens_per_1k = "0.00015"\ncompletion_tokens_per_1k = 0.0006\n',
  laxStrict: '[cost]\nstrict = "true"\n',
  laxInt: '[settings]\nmax_iters = 5.0\n',
  laxBudget: '[budgets.default]\ntotal_cost_usd_limit = "5"\n',
  laxLearnable: '[cost.learnable]\nenabled = "false"\n',
  crlf: '[budget]\r\ntotal_cost_usd_limit = 5.0\r\n',
  inFileModel: '[settings]\ndefault_solution_model = "openai:gpt-4.1"\ndefault_review_model = "openai:gpt-4o"\n',
};

function key(d: FlujoDiagnostic): string {
  return `${d.code}: ${d.message}`;
}

/** Applies every fix of every diagnostic of `text`; the result must not have new diagnostics and must lose the fixed one. */
function checkAllFixes(name: string, text: string, usedModels?: { id: string }[]): number {
  const before = lintFlujoToml(text, { usedModels });
  let applied = 0;
  for (const d of before) {
    for (const fix of quickFixes(text, d)) {
      const after = applyEdits(text, fix.edits);
      const now = lintFlujoToml(after, { usedModels });
      const known = new Set(before.map(key));
      const added = now.filter((x) => !known.has(key(x)) && x.code !== d.code);
      assert.deepEqual(added.map(key), [], `${name}: "${fix.title}" adds diagnostics:\n${after}`);
      assert.ok(now.length < before.length, `${name}: "${fix.title}" did not fix ${d.code}:\n${after}`);
      applied++;
    }
  }
  return applied;
}

test('every quick fix leaves a file without the problem and without new ones', () => {
  let applied = 0;
  for (const [name, text] of Object.entries(CASES)) applied += checkAllFixes(name, text);
  applied += checkAllFixes('strict + used model', '[cost]\nstrict = true\n', [{ id: 'openai:gpt-4o' }]);
  applied += checkAllFixes('non-strict + used model Flujo raises for', '[cost]\nstrict = false\n', [{ id: 'anthropic:claude-sonnet-4-5' }]);
  applied += checkAllFixes('fixture', fs.readFileSync(path.join(root, 'test/fixtures/flujo/problems.toml'), 'utf8'));
  console.log(`# ${applied} quick fixes applied and re-linted`);
  assert.ok(applied >= 30, `only ${applied} fixes`);
});

test('[budget] → [budgets.default] (issue 13 item 5), and the variants that already name a budgets table', () => {
  const fixOf = (text: string) => {
    const d = lintFlujoToml(text).find((x) => x.code === 'unknown-section')!;
    return applyEdits(text, quickFixes(text, d)[0].edits);
  };
  assert.equal(fixOf(CASES.budgetTable), '[budgets.default]\ntotal_cost_usd_limit = 5.0\ntotal_tokens_limit = 1000\n');
  assert.equal(fixOf(CASES.budgetDotted), 'budgets.default.total_cost_usd_limit = 2.0\n');
  assert.equal(fixOf(CASES.budgetDefault), '[budgets.default]\ntotal_cost_usd_limit = 1\n');
  assert.equal(fixOf(CASES.budgetPipeline), '[budgets.pipeline."etl-*"]\ntotal_tokens_limit = 10\n');
  assert.equal(fixOf(CASES.crlf), '[budgets.default]\r\ntotal_cost_usd_limit = 5.0\r\n');
  for (const t of [CASES.budgetTable, CASES.budgetDotted, CASES.crlf]) assert.deepEqual(lintFlujoToml(fixOf(t)), []);
});
