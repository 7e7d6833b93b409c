// Stage 5 — budgets: [budgets.default] and [budgets.pipeline."<glob>"] limits.
import { BUDGET_KEYS, BUDGET_TABLES } from '../schema';
import type { DiagnosticSink, Leaf } from './context';
import { reportUnknownKey, reportWrongType } from './reports';
import { KIND_NAMES, tomlNumber, typeOk } from './values';

export function checkBudgetLeaf(sink: DiagnosticSink, leaf: Leaf): void {
  const p = leaf.path;
  const [, b] = p;
  const name = p[p.length - 1];
  const v = leaf.value;
  if (p.length === 2) {
    if (BUDGET_TABLES[b]) reportWrongType(sink, leaf, 'a table');
    else reportUnknownKey(sink, leaf, Object.keys(BUDGET_TABLES), '[budgets]');
    return;
  }
  if (!BUDGET_TABLES[b]) return;
  if (b === 'pipeline' && p.length === 3) {
    reportWrongType(sink, leaf, `a table of limits ([budgets.pipeline."${p[2]}"])`);
    return;
  }
  const isLimit = (b === 'default' && p.length === 3) || (b === 'pipeline' && p.length === 4);
  if (!isLimit) return;
  const spec = BUDGET_KEYS[name];
  if (!spec) {
    reportUnknownKey(sink, leaf, Object.keys(BUDGET_KEYS), `[${p.slice(0, -1).join('.')}]`);
    return;
  }
  const num = tomlNumber(v);
  if (!typeOk(spec, v) || num?.isNegative()) {
    const want = spec.type === 'integer' ? 'an integer ≥ 0' : 'a number ≥ 0';
    sink.once({
      severity: 'error',
      code: 'budget-invalid',
      message: `'${name}' must be ${want}, got ${v.kind === 'integer' || v.kind === 'float' ? v.text : KIND_NAMES[v.kind]}.`,
      range: v.range,
    });
  }
}
