// The gate's rules for a change, as `prompt-cost check` applies them (docs/user/ci.md has the table):
// - an increase is judged on the prompt's own model before against its own model after (a model switch
//   is a cost change like any other), relative to the base's cost per request;
// - an increase that cannot be priced is an error (`budget/unpriced-model`), never a pass, unless
//   --allow-unpriced (then input tokens are compared, as before);
// - a budget already broken on the base fails only when the change makes it worse (--strict-budgets: always).
import { primaryDelta, type PromptChange } from '../core/diff';
import { signedTokens, signedUsd } from '../core/diff/format';
import { increasePct } from '../core/promptBudgets';
import { budgetNumbers, type BudgetFinding } from '../core/promptBudgets/check';
import type { PromptNumbers } from '../core/promptBudgets';
import type { Decimal } from '../core/pricing/decimal';
import type { Finding } from './check';

/** The `budget/max-increase` (or unpriced) finding of one change, if it breaks its limit. */
export function increaseFinding(
  c: PromptChange,
  limit: number | undefined,
  baseLabel = 'the base',
  allowUnpriced = false,
): Finding | undefined {
  if (limit === undefined || !c.before || !c.after) return undefined;
  const d = primaryDelta(c);
  if (!d) return undefined;
  const line = c.after.line + 1;
  const at = { path: c.path, startLine: line, startColumn: 1, endLine: line, endColumn: 1 };
  const who = `${c.kind === 'code' ? `${c.label}: ` : ''}`;
  const model = d.modelBefore ? `${d.modelBefore} → ${d.model}` : d.model;
  const priced = d.perRequestBefore !== undefined && d.perRequestAfter !== undefined;
  if (!priced && !allowUnpriced)
    return {
      source: 'increase',
      ruleId: 'budget/unpriced-model',
      level: 'error',
      message: `${who}the increase vs ${baseLabel} cannot be computed for ${model}: ${d.priceError ?? 'no price'}. Price the model in flujo.toml, or pass --allow-unpriced to compare input tokens instead`,
      ...at,
    };
  const pct = priced ? increasePct(d.perRequestBefore, d.perRequestAfter) : increasePct(d.tokensBefore, d.tokensAfter);
  if (pct === undefined || pct <= limit) return undefined;
  const what = priced
    ? `cost per request ${signedUsd(d.perRequestDelta!, d.approximate)}`
    : `input tokens ${signedTokens(d.tokensDelta, d.approximate)}`;
  const output =
    d.outputTokensBefore !== undefined && d.outputTokensAfter !== undefined && d.outputTokensBefore !== d.outputTokensAfter
      ? `, output tokens ${d.outputTokensBefore} → ${d.outputTokensAfter}`
      : '';
  return {
    source: 'increase',
    ruleId: 'budget/max-increase',
    level: 'error',
    message: `${who}${what} for ${model} (${Number.isFinite(pct) ? `+${pct.toFixed(1)}%` : 'from 0'}) vs ${baseLabel}: more than the allowed +${limit}% (${signedTokens(d.tokensDelta, d.approximate)} input tokens${output}${d.monthlyDelta ? `, ${signedUsd(d.monthlyDelta, d.approximate)}/month` : ''})`,
    ...at,
  };
}

const JUDGED = new Set(['budget/max-input-tokens', 'budget/max-cost-per-request', 'budget/max-monthly-cost']);

/** The number a limit rule compares. */
function valueOf(rule: string, n: PromptNumbers): number | Decimal | undefined {
  if (rule === 'budget/max-input-tokens') return n.inputTokens;
  if (rule === 'budget/max-cost-per-request') return n.costPerRequest;
  return n.monthly;
}

function notAbove(base: number | Decimal, after: number | Decimal): boolean {
  return typeof base === 'number' || typeof after === 'number' ? Number(after) <= Number(base) : after.compare(base) <= 0;
}

/**
 * A budget finding judged against the base: a prompt file unchanged since the base, or changed without
 * making the broken number worse, was already over budget there, so the change is not what broke it — a
 * warning. A new prompt, a prompt made worse, and prompts in a changed code file stay errors.
 */
export function judgeAgainstBase(f: BudgetFinding, path: string, changes: readonly PromptChange[], baseLabel: string): BudgetFinding {
  if (!JUDGED.has(f.rule) || !f.numbers || f.level !== 'error') return f;
  const mine = changes.filter((c) => c.path === path);
  const already = (base: string) => ({
    ...f,
    level: 'warning' as const,
    message: `${f.message} — already over on ${baseLabel}${base} and not made worse by this change (--strict-budgets fails it)`,
  });
  if (!mine.length) return already('');
  const c = mine.find((x) => x.kind === 'file' && x.after && x.after.line === f.range.line) ?? (mine.length === 1 ? mine[0] : undefined);
  if (!c || c.kind !== 'file' || !c.before) return f;
  const base = budgetNumbers(c.before);
  const before = base && valueOf(f.rule, base);
  const after = valueOf(f.rule, f.numbers);
  if (before === undefined || after === undefined || !notAbove(before, after)) return f;
  return already(` (${typeof before === 'number' ? before : `$${before.toString()}`})`);
}
