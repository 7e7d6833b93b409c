// A file's prompts against their budgets: what `prompt-cost check` reports and the editor shows as
// diagnostics. Prompt files are measured for their own model (else the first configured one), with
// chat overhead and expected output, exactly as `diff` and the estimate lens price them.
import { codeSides, promptFileSide, type PricingOptions, type PromptSide } from '../diff/prompts';
import {
  BudgetConfig,
  BudgetRuleId,
  Limits,
  PromptNumbers,
  ResolvedBudget,
  checkBudget,
  readFrontMatterBudget,
  resolveBudget,
} from './index';
import { lastAtOrBefore } from '../sorted';

export type BudgetFindingRule = BudgetRuleId | 'budget/invalid';

/** 0-based positions, end exclusive, like the editor. */
export interface FindingRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface BudgetFinding {
  rule: BudgetFindingRule;
  level: 'error' | 'warning';
  message: string;
  range: FindingRange;
  /** The numbers that were checked (absent for `budget/invalid`). */
  numbers?: PromptNumbers;
}

export interface BudgetCheckInput {
  /** Repository- or workspace-relative path (used for labels and the prompt's requests/day). */
  path: string;
  /** Path relative to prompt-cost.json's folder, for the budget globs. */
  configPath: string;
  text: string;
  type: { kind: 'file' } | { kind: 'code'; languageId: string };
  pricing: PricingOptions;
  config: BudgetConfig;
}

const CHECKED: (keyof Limits)[] = ['max_input_tokens', 'max_cost_per_request', 'max_monthly_cost'];

function hasCheckedLimit(b: ResolvedBudget): boolean {
  return CHECKED.some((k) => b.limits[k] !== undefined);
}

/** The numbers of one priced prompt for its budget model. */
export function budgetNumbers(side: PromptSide, models: readonly string[]): PromptNumbers | undefined {
  const model = side.model ?? models[0];
  const c = side.costs.find((x) => x.model === model) ?? side.costs[0];
  if (!c) return undefined;
  return {
    model: c.model,
    inputTokens: c.tokens,
    approximate: c.approximate,
    costPerRequest: c.perRequest,
    monthly: c.monthly,
    requestsPerDay: side.requestsPerDay,
  };
}

export function checkFileBudgets(input: BudgetCheckInput): BudgetFinding[] {
  const { text, config } = input;
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const pos = (offset: number) => {
    const line = lastAtOrBefore(lineStarts, offset);
    return { line, column: offset - lineStarts[line] };
  };
  const lineRange = (line: number): FindingRange => {
    const start = lineStarts[line] ?? 0;
    const end = line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : text.length;
    return { line, column: 0, endLine: line, endColumn: Math.max(0, text.slice(start, end).replace(/\r$/, '').length) };
  };
  const findings: BudgetFinding[] = [];
  if (input.type.kind === 'file') {
    // Cheap first: rules by glob and the front matter's `budget:`; price the prompt only when a limit applies.
    const fmMatch = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
    const fm = fmMatch ? readFrontMatterBudget(fmMatch[1], pos(fmMatch[0].indexOf('\n') + 1).line) : undefined;
    for (const e of fm?.errors ?? [])
      findings.push({
        rule: 'budget/invalid',
        level: 'error',
        message: e.message,
        range: { line: e.line, column: e.column, endLine: e.line, endColumn: lineRange(e.line).endColumn },
      });
    const budget = resolveBudget(config, input.configPath, fm, input.path);
    if (!hasCheckedLimit(budget)) return findings;
    const { side } = promptFileSide(input.path, text, input.pricing);
    const numbers = budgetNumbers(side, input.pricing.models);
    if (!numbers) return findings;
    for (const v of checkBudget(numbers, budget)) {
      const line = v.source.file === input.path && v.source.line !== undefined ? v.source.line : 0;
      findings.push({ rule: v.rule, level: 'error', message: v.message, range: lineRange(line), numbers });
    }
    return findings;
  }
  const budget = resolveBudget(config, input.configPath);
  if (!hasCheckedLimit(budget)) return findings;
  for (const s of codeSides(input.path, text, input.type.languageId, input.pricing)) {
    const numbers = budgetNumbers(s.side, input.pricing.models);
    if (!numbers) continue;
    const a = pos(s.prompt.range.start);
    const b = pos(s.prompt.range.end);
    for (const v of checkBudget(numbers, budget))
      findings.push({
        rule: v.rule,
        level: 'error',
        message: `${s.label}: ${v.message}`,
        range: { line: a.line, column: a.column, endLine: b.line, endColumn: b.column },
        numbers,
      });
  }
  return findings;
}
