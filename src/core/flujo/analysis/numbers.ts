// Absurd numbers: a value Flujo cannot hold as written. Flujo reads flujo.toml with Python's tomllib,
// which turns every TOML float into a Python float (flujo/infra/config_manager.py → tomllib.load), and
// pydantic keeps inf and nan (allow_inf_nan defaults to true): `1e999999999` is inf, `1e-999999999`
// is 0.0. Every number position is checked here, once, in time linear in the text; the other stages
// see no number for such a value (tomlNumber/laxNumber return undefined).
import { IMAGE_KEY_RE, keyDoc } from '../schema';
import { LOAD_FAILS } from './context';
import type { AnalysisContext, Leaf } from './context';
import type { FlujoDiagnostic } from './types';
import { AbsurdNumber, absurdNumber } from './values';
import type { ValueNode } from '../scanner';

/** Where a number sits decides what Flujo does with inf, nan or 0.0 there. */
function consequence(leaf: Leaf, a: AbsurdNumber): { severity: FlujoDiagnostic['severity']; then: string; loadFails?: boolean } {
  const [s, b] = leaf.path;
  const key = leaf.path[leaf.path.length - 1];
  const reads = a.flujoReads;
  if (s === 'cost' && b === 'providers' && leaf.path.length === 5) {
    const model = `'${leaf.path[2]}:${leaf.path[3]}'`;
    const unit = IMAGE_KEY_RE.test(key) ? 'such image' : 'call that uses these tokens';
    if (reads === 'inf' || reads === '-inf')
      return {
        severity: 'error',
        then: `every ${unit} with ${model} costs ${reads} USD in Flujo (nan when it uses none), which poisons its cost totals and trips every cost budget.`,
      };
    if (reads === 'nan')
      return {
        severity: 'error',
        then: `every ${unit} with ${model} costs nan USD in Flujo, and nan compares false with every limit: no cost budget ever trips.`,
      };
    if (reads === '0.0') return { severity: 'warning', then: `Flujo records $0 for these tokens of ${model}.` };
    return { severity: 'warning', then: a.tooPrecise ? "Flujo keeps only a float's 17 significant digits of it." : '' };
  }
  if (s === 'budgets') {
    if (reads === 'inf') return { severity: 'warning', then: `'${key}' is then no limit at all.` };
    if (reads === '0.0') return { severity: 'warning', then: `'${key}' is then 0: every run exceeds it.` };
    if (reads === 'nan' || reads === '-inf')
      return { severity: 'error', then: `pydantic's ge=0 rejects it. ${LOAD_FAILS}`, loadFails: true };
  }
  if (s === 'cost' && (b === 'estimators' || b === 'historical') && reads)
    return { severity: 'warning', then: `Flujo's pre-run estimate then becomes ${reads === '0.0' ? '0' : reads}.` };
  return { severity: reads && reads !== '0.0' ? 'error' : 'warning', then: '' };
}

/** What our own estimates do with it (pricing.ts priceOf: the number Flujo computes with, where there is one). */
function ourUse(leaf: Leaf, a: AbsurdNumber): string {
  const price = leaf.path[0] === 'cost' && leaf.path[1] === 'providers' && leaf.path.length === 5;
  if (!price) return 'Prompt Cost Lens does not use it.';
  if (a.flujoReads === '0.0') return 'Prompt Cost Lens prices it at $0 too.';
  if (a.tooPrecise) return "Prompt Cost Lens uses the same float, so its estimates match Flujo's.";
  return 'Prompt Cost Lens cannot price with it.';
}

function report(ctx: AnalysisContext, leaf: Leaf, value: ValueNode, a: AbsurdNumber): void {
  const { severity, then, loadFails } = consequence(leaf, a);
  const where = leaf.path.join('.');
  if (loadFails) ctx.consequences.loadFails.push(`'${where}' is ${a.flujoReads}`);
  const reads = a.flujoReads
    ? ` Flujo (${value.kind === 'string' ? "pydantic's float parsing" : 'Python tomllib → float'}) reads it as ${a.flujoReads}${then ? `: ${then}` : '.'}`
    : then
      ? ` ${then}`
      : '';
  ctx.sink.once({
    severity,
    code: 'absurd-value',
    message: `Absurd value ${a.shown} for '${where}': ${a.reason}.${reads} ${ourUse(leaf, a)}`,
    range: value.range,
  });
}

/** Reports an absurd number in a leaf (array items included); true when one was reported. */
export function reportAbsurdNumber(ctx: AnalysisContext, leaf: Leaf): boolean {
  const type = keyDoc(leaf.path)?.type;
  // Numeric strings only where Flujo wants a number (pydantic reads "1e999" as inf there too).
  const numericStrings = type === 'number' || type === 'integer' || type === 'number-array';
  const values = leaf.value.kind === 'array' ? (type === 'number-array' ? (leaf.value.items ?? []) : []) : [leaf.value];
  let found = false;
  for (const value of values) {
    const a = absurdNumber(value, numericStrings);
    if (!a) continue;
    report(ctx, leaf, value, a);
    found = true;
  }
  return found;
}
