// A file's prompts against their budgets: what `prompt-cost check` reports and the editor shows as
// diagnostics. The prompts are read and priced exactly as `estimate` reads and prices them
// (filePromptDocuments, priceDocument): the same front matter, model, output tokens and costs.
// A budget on code applies to a whole call: all its messages' input, and its output once.
// Fail closed: a money limit on a prompt whose model has no price is a finding (`budget/unpriced-model`),
// and front matter that cannot be read (a YAML error) is one too — a budget in it would be lost.
import type { Decimal } from '../pricing/decimal';
import { monthlyCost } from '../pricing/cost';
import { filePromptDocuments, type FilePromptDocument } from '../estimate/file';
import { codeLanguageForFile } from '../estimate/file';
import {
  pricedPrompts,
  priceDocument,
  type ModelCost,
  type PricedPrompt,
  type PricingOptions,
  type PromptSide,
} from '../diff/pricedPrompts';
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
import { pushAll } from '../arrays';

export type BudgetFindingRule = BudgetRuleId | 'budget/invalid' | 'budget/unpriced-model' | 'prompt/front-matter';

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
  /** A money limit on an unpriced model passes (with a warning) instead of failing: `--allow-unpriced`. */
  allowUnpriced?: boolean;
}

const CHECKED: (keyof Limits)[] = ['max_input_tokens', 'max_cost_per_request', 'max_monthly_cost'];
const MONEY: (keyof Limits)[] = ['max_cost_per_request', 'max_monthly_cost'];

function hasCheckedLimit(b: ResolvedBudget): boolean {
  return CHECKED.some((k) => b.limits[k] !== undefined);
}

/** The numbers of one priced prompt for the model it is judged for (its own, else the first configured). */
export function budgetNumbers(side: PromptSide): PromptNumbers | undefined {
  const c = side.costs.find((x) => x.model === side.primary) ?? side.costs[0];
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

/** Why a prompt's money limits cannot be checked, or undefined when they can. */
function unpricedReason(n: PromptNumbers, side: PromptSide): string | undefined {
  if (n.costPerRequest !== undefined) return undefined;
  return (side.costs.find((c) => c.model === n.model)?.priceError ?? `no price for ${n.model}`).replace(/\.$/, '');
}

/** 0-based line starts of a text, and offset → position. */
function lineIndex(text: string) {
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
  return { pos, lineRange };
}

/**
 * The `budget:` of a parsed prompt's front matter — the front matter the estimate found (the format's
 * own rules: after blank or licence lines in dotprompt, `+++` in Prompty), never a second reader.
 * `lineOffset` is the 0-based line of the document's first line in the file (a promptfoo list entry).
 */
export function documentBudget(text: string, p: FilePromptDocument): { limits?: Limits; line?: number; errors: BudgetConfigErrorAt[] } {
  const fm = p.document.frontMatter;
  if (!fm) return { errors: [] };
  const docText = p.kind === 'list' ? undefined : text;
  const lineOffset = p.kind === 'list' ? p.line - 1 : 0;
  // A list entry's offsets are in its own text: count lines within it.
  const source = docText ?? entryText(text, p);
  const contentStartLine = countLines(source, fm.contentRange.start) + lineOffset;
  return readFrontMatterBudget(source.slice(fm.contentRange.start, fm.contentRange.end), contentStartLine);
}

type BudgetConfigErrorAt = { message: string; line: number; column: number };

function entryText(text: string, p: FilePromptDocument): string {
  // The list entry starts at its 1-based line; its document covers at least its body.
  const lines = text.split('\n').slice(p.line - 1);
  return lines.join('\n');
}

function countLines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Front matter the estimate could not read: a located finding (a budget, model or max_tokens in it is lost). */
function frontMatterFindings(p: FilePromptDocument, idx: ReturnType<typeof lineIndex>, lineOffset: number): BudgetFinding[] {
  const out: BudgetFinding[] = [];
  for (const d of p.document.diagnostics) {
    if (!d.code.startsWith('front-matter')) continue;
    const unread = d.severity === 'error' || d.code === 'front-matter-too-large' || d.code === 'front-matter-too-deep';
    if (!unread && d.code !== 'front-matter-unclosed') continue;
    const a = idx.pos(d.range.start);
    const b = idx.pos(Math.max(d.range.start, d.range.end));
    out.push({
      rule: 'prompt/front-matter',
      level: unread ? 'error' : 'warning',
      message: unread ? `${d.message} (its model, max tokens and budget are not read)` : d.message,
      range: { line: a.line + lineOffset, column: a.column, endLine: b.line + lineOffset, endColumn: b.column },
    });
  }
  return out;
}

export function checkFileBudgets(input: BudgetCheckInput): BudgetFinding[] {
  const idx = lineIndex(input.text);
  if (input.type.kind === 'code' || codeLanguageForFile(input.path.slice(input.path.lastIndexOf('/') + 1)))
    return checkCodeBudgets(input, idx);
  const findings: BudgetFinding[] = [];
  const { prompts } = filePromptDocuments(input.text, input.path.slice(input.path.lastIndexOf('/') + 1));
  for (const p of prompts) {
    const lineOffset = p.kind === 'list' ? p.line - 1 : 0;
    findings.push(
      ...(lineOffset === 0 ? frontMatterFindings(p, idx, 0) : frontMatterFindings(p, lineIndex(entryText(input.text, p)), lineOffset)),
    );
    const fm = documentBudget(input.text, p);
    for (const e of fm.errors)
      findings.push({
        rule: 'budget/invalid',
        level: 'error',
        message: e.message,
        range: { line: e.line, column: e.column, endLine: e.line, endColumn: idx.lineRange(e.line).endColumn },
      });
    // Cheap first: price the prompt only when a limit applies.
    const budget = resolveBudget(input.config, input.configPath, fm, input.path);
    if (!hasCheckedLimit(budget)) continue;
    const side = priceDocument(input.path, p.document, lineOffset, { start: 0, end: input.text.length }, input.text, input.pricing);
    const numbers = budgetNumbers(side);
    if (!numbers) continue;
    const at = (line: number | undefined) => idx.lineRange(line ?? lineOffset);
    for (const v of checkBudget(numbers, budget)) {
      const line = v.source.file === input.path && v.source.line !== undefined ? v.source.line : lineOffset;
      findings.push({ rule: v.rule, level: 'error', message: v.message, range: at(line), numbers });
    }
    pushAll(
      findings,
      unpricedFindings(numbers, side, budget, input, (line) => at(line)),
    );
  }
  return findings;
}

/** A money limit on an unpriced model: an error (the gate cannot tell it is within), a warning with allowUnpriced. */
function unpricedFindings(
  n: PromptNumbers,
  side: PromptSide,
  budget: ResolvedBudget,
  input: BudgetCheckInput,
  rangeOf: (line: number | undefined) => FindingRange,
  label = '',
): BudgetFinding[] {
  const reason = unpricedReason(n, side);
  if (!reason) return [];
  const keys = MONEY.filter((k) => budget.limits[k] !== undefined);
  if (!keys.length) return [];
  const src = budget.sources[keys[0]]!;
  const line = src.file === input.path ? src.line : undefined;
  return [
    {
      rule: 'budget/unpriced-model',
      level: input.allowUnpriced ? 'warning' : 'error',
      message:
        `${label}${keys.join(' and ')} cannot be checked: ${n.model} has no price (${reason}). ` +
        `Price it in flujo.toml or name a priced model${input.allowUnpriced ? '; passed because of --allow-unpriced' : ', or pass --allow-unpriced'} (${src.label})`,
      range: rangeOf(line),
      numbers: n,
    },
  ];
}

/** The calls of a code file: its prompts grouped by the call they are sent in (a prompt outside a call is its own unit). */
export function callUnits(prompts: readonly PricedPrompt[]): PricedPrompt[][] {
  const units: PricedPrompt[][] = [];
  for (const p of prompts) {
    const last = units[units.length - 1]?.[0];
    const sameCall =
      last?.code?.call !== undefined &&
      p.code?.call === last.code.call &&
      p.code.callStart !== undefined &&
      p.code.callStart === last.code.callStart;
    if (sameCall) units[units.length - 1].push(p);
    else units.push([p]);
  }
  return units;
}

/** One call's numbers: every message's input, the output once (the call's model, or the configured one). */
function callNumbers(unit: readonly PricedPrompt[]): { numbers: PromptNumbers; side: PromptSide } | undefined {
  const first = unit[0].side;
  const model = unit.find((p) => p.side.model)?.side.model ?? first.primary;
  const costs = unit.map((p) => p.side.costs.find((c) => c.model === model) ?? p.side.costs.find((c) => c.model === p.side.primary));
  if (costs.some((c) => !c)) return undefined;
  const cs = costs as ModelCost[];
  const priced = cs.every((c) => c.inputUsd !== undefined && c.outputUsd !== undefined);
  let perRequest: Decimal | undefined;
  if (priced) {
    perRequest = cs[0].outputUsd!;
    for (const c of cs) perRequest = perRequest.plus(c.inputUsd!);
  }
  const numbers: PromptNumbers = {
    model: cs[0].model,
    inputTokens: cs.reduce((n, c) => n + c.tokens, 0),
    approximate: cs.some((c) => c.approximate),
    costPerRequest: perRequest,
    monthly: perRequest ? monthlyCost(perRequest, first.requestsPerDay) : undefined,
    requestsPerDay: first.requestsPerDay,
  };
  return { numbers, side: { ...first, costs: cs } };
}

function checkCodeBudgets(input: BudgetCheckInput, idx: ReturnType<typeof lineIndex>): BudgetFinding[] {
  const findings: BudgetFinding[] = [];
  const budget = resolveBudget(input.config, input.configPath);
  if (!hasCheckedLimit(budget)) return findings;
  for (const unit of callUnits(pricedPrompts(input.path, input.text, input.pricing))) {
    const got = callNumbers(unit);
    if (!got) continue;
    const a = idx.pos(unit[0].side.range.start);
    const b = idx.pos(unit[unit.length - 1].side.range.end);
    const range = { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
    const label = unit.length > 1 ? `${unit[0].code?.call ?? 'call'} (${unit.length} messages): ` : `${unit[0].label}: `;
    for (const v of checkBudget(got.numbers, budget))
      findings.push({ rule: v.rule, level: 'error', message: `${label}${v.message}`, range, numbers: got.numbers });
    pushAll(
      findings,
      unpricedFindings(got.numbers, got.side, budget, input, () => range, label),
    );
  }
  return findings;
}
