// Stage 5 — budgets: [budgets.default] and [budgets.pipeline."<glob>"] limits. BudgetConfig and
// UsageLimits (flujo/infra/config_manager.py, flujo/domain/models.py: `ge=0`) are part of FlujoConfig,
// so a bad limit makes the whole file fail to load; unknown keys are dropped.
import { BUDGET_KEYS, BUDGET_TABLES } from '../schema';
import { LOAD_FAILS } from './context';
import type { AnalysisContext, Leaf } from './context';
import { reportLaxValue, reportUnknownKey, reportWrongType } from './reports';
import { KIND_NAMES, laxNumber, laxRead } from './values';

export function checkBudgetLeaf(ctx: AnalysisContext, leaf: Leaf): void {
  const { sink } = ctx;
  const p = leaf.path;
  const [, b] = p;
  const name = p[p.length - 1];
  const v = leaf.value;
  if (p.length === 2) {
    if (BUDGET_TABLES[b]) reportWrongType(ctx, leaf, 'a table', 'load');
    else reportUnknownKey(sink, leaf, Object.keys(BUDGET_TABLES), '[budgets]');
    return;
  }
  if (!BUDGET_TABLES[b]) return;
  if (b === 'pipeline' && p.length === 3) {
    reportWrongType(ctx, leaf, `a table of limits ([budgets.pipeline."${p[2]}"])`, 'load');
    return;
  }
  const isLimit = (b === 'default' && p.length === 3) || (b === 'pipeline' && p.length === 4);
  if (!isLimit) return;
  const spec = BUDGET_KEYS[name];
  if (!spec) {
    reportUnknownKey(sink, leaf, Object.keys(BUDGET_KEYS), `[${p.slice(0, -1).join('.')}]`);
    return;
  }
  const read = laxRead(spec, v);
  const num = read.ok ? laxNumber(v) : undefined;
  if (!read.ok || num?.isNegative()) {
    const want = spec.type === 'integer' ? 'an integer ≥ 0' : 'a number ≥ 0';
    ctx.consequences.loadFails.push(`'${p.join('.')}' is not ${want}`);
    sink.once({
      severity: 'error',
      code: 'budget-invalid',
      message: `'${name}' must be ${want}, got ${v.kind === 'integer' || v.kind === 'float' ? v.text : KIND_NAMES[v.kind]}. ${LOAD_FAILS}`,
      range: v.range,
    });
    return;
  }
  reportLaxValue(sink, leaf, read, spec.type === 'integer' ? 'an integer' : 'a number');
}
