// Per-prompt budgets: limits from the prompt's front matter (`budget:`) and from `prompt-cost.json`
// rules by glob, merged key by key, and checked against a prompt's numbers. Pure: no fs, no vscode.
import { parseDocument, isMap, isScalar, type Node as YamlNode } from 'yaml';
import { yamlRefusal } from '../prompt/yamlGuard';
import { jsonErrorOffset } from './jsonErrorOffset';
import { AbsurdNumberError, Decimal, MONEY_LIMITS, previewNumber } from '../pricing/decimal';
import { GlobError, compileGlob } from '../prompt/glob';
import { GROUPED } from '../estimate/display';
import { CONFIG_FILE_NAME, LIMIT_KEYS, type LimitKey } from './schema';
import { shownValue } from '../untrustedText';
import { errorText } from '../errors';

export { CONFIG_FILE_NAME, BUDGET_CONFIG_SCHEMA, LIMIT_KEYS, type LimitKey } from './schema';

export interface Limits {
  max_input_tokens?: number;
  max_cost_per_request?: Decimal;
  max_monthly_cost?: Decimal;
  max_increase_pct?: number;
  requests_per_day?: number;
}

/** Where a limit was set, so a finding can say it. */
export interface LimitSource {
  /** `front matter` or `prompt-cost.json budgets[2] (prompts/**)`. */
  label: string;
  file: string;
  /** 0-based line of the key, when known. */
  line?: number;
}

export interface ResolvedBudget {
  limits: Limits;
  sources: Partial<Record<LimitKey, LimitSource>>;
}

export interface BudgetRule {
  files: string[];
  limits: Limits;
  index: number;
  matches: (relPath: string) => boolean;
  line?: number;
}

export interface BudgetConfig {
  /** Absolute path of prompt-cost.json ('' for none). */
  file: string;
  models: string[];
  requestsPerDay?: number;
  outputTokens?: number;
  promptFiles?: string[];
  maxIncreasePct?: number;
  rules: BudgetRule[];
}

export const EMPTY_BUDGET_CONFIG: BudgetConfig = { file: '', models: [], rules: [] };

/** A problem in prompt-cost.json or a front matter budget, located (0-based line/column). */
export interface BudgetConfigError {
  message: string;
  line: number;
  column: number;
}

// ---- prompt-cost.json ----

/** Reads prompt-cost.json text. Never throws: bad parts are errors and are left out of the config. */
export function parseBudgetConfig(text: string, file: string): { config: BudgetConfig; errors: BudgetConfigError[] } {
  const errors: BudgetConfigError[] = [];
  const config: BudgetConfig = { file, models: [], rules: [] };
  let data: unknown;
  const src = text.replace(/^\uFEFF/, '');
  try {
    data = JSON.parse(src);
  } catch (err) {
    // V8 does not always say where; jsonErrorOffset does, in one linear pass (the YAML parser took 954 MB for 1 MB).
    const m = /position (\d+)/.exec(errorText(err));
    const at = lineCol(src, m ? Number(m[1]) : Math.max(0, jsonErrorOffset(src)));
    errors.push({ message: `${CONFIG_FILE_NAME} is not valid JSON: ${errorText(err).split('\n')[0]}`, ...at });
    return { config, errors };
  }
  const locate = (pointer: string) => locateKey(src, pointer);
  let ruleLines: number[] | undefined;
  const fail = (pointer: string, message: string) => errors.push({ message: `${pointer}: ${message}`, ...locate(pointer) });
  if (!isObject(data)) {
    errors.push({ message: `${CONFIG_FILE_NAME} must be a JSON object`, line: 0, column: 0 });
    return { config, errors };
  }
  const known = new Set(['$schema', 'models', 'requests_per_day', 'output_tokens', 'prompt_files', 'max_increase_pct', 'budgets']);
  for (const k of Object.keys(data)) if (!known.has(k)) fail(k, `unknown key (known: ${[...known].slice(1).join(', ')})`);
  if (data.models !== undefined) {
    if (Array.isArray(data.models) && data.models.every((m) => typeof m === 'string' && m.trim() !== ''))
      config.models = (data.models as string[]).map((m) => m.trim());
    else fail('models', 'must be an array of model ids ("openai:gpt-4o")');
  }
  if (data.requests_per_day !== undefined) config.requestsPerDay = nonNegative(data.requests_per_day, 'requests_per_day', fail);
  if (data.output_tokens !== undefined) config.outputTokens = nonNegativeInt(data.output_tokens, 'output_tokens', fail);
  if (data.max_increase_pct !== undefined) config.maxIncreasePct = nonNegative(data.max_increase_pct, 'max_increase_pct', fail);
  if (data.prompt_files !== undefined) {
    if (Array.isArray(data.prompt_files) && data.prompt_files.every((g) => typeof g === 'string'))
      config.promptFiles = data.prompt_files as string[];
    else fail('prompt_files', 'must be an array of globs');
  }
  if (data.budgets !== undefined) {
    if (!Array.isArray(data.budgets)) fail('budgets', 'must be an array of rules ({"files": "prompts/**", "max_input_tokens": 2000})');
    else
      data.budgets.forEach((rule, index) => {
        const at = `budgets[${index}]`;
        if (!isObject(rule)) return fail(at, 'must be an object with "files" and limits');
        const files = typeof rule.files === 'string' ? [rule.files] : rule.files;
        if (!Array.isArray(files) || !files.length || !files.every((f) => typeof f === 'string' && f !== ''))
          return fail(`${at}.files`, 'is required: a glob or a list of globs');
        for (const k of Object.keys(rule))
          if (k !== 'files' && !(LIMIT_KEYS as readonly string[]).includes(k))
            fail(`${at}.${k}`, `unknown key (limits: ${LIMIT_KEYS.join(', ')})`);
        const limits = readLimits(rule, (key, message) => fail(`${at}.${key}`, message));
        let globs: ((p: string) => boolean)[];
        try {
          globs = (files as string[]).map((g) => compileGlob(g.replace(/^\.\//, '')));
        } catch (err) {
          if (!(err instanceof GlobError)) throw err;
          return fail(`${at}.files`, err.message);
        }
        // rule lines come from one pass over the array (locating rule i alone rescans rules 0…i-1: quadratic)
        ruleLines ??= arrayElementLines(src, 'budgets');
        config.rules.push({
          files: files as string[],
          limits,
          index,
          matches: (p) => globs.some((g) => g(p)),
          line: ruleLines[index] ?? locate(at).line,
        });
      });
  }
  return { config, errors };
}

/** The limits of one JSON object or YAML mapping (snake_case keys, the same in both places). */
function readLimits(obj: Record<string, unknown>, fail: (key: string, message: string) => void): Limits {
  const limits: Limits = {};
  if (obj.max_input_tokens !== undefined) limits.max_input_tokens = nonNegativeInt(obj.max_input_tokens, 'max_input_tokens', fail);
  if (obj.max_cost_per_request !== undefined) limits.max_cost_per_request = money(obj.max_cost_per_request, 'max_cost_per_request', fail);
  if (obj.max_monthly_cost !== undefined) limits.max_monthly_cost = money(obj.max_monthly_cost, 'max_monthly_cost', fail);
  if (obj.max_increase_pct !== undefined) limits.max_increase_pct = nonNegative(obj.max_increase_pct, 'max_increase_pct', fail);
  if (obj.requests_per_day !== undefined) limits.requests_per_day = nonNegative(obj.requests_per_day, 'requests_per_day', fail);
  for (const k of Object.keys(limits) as LimitKey[]) if (limits[k] === undefined) delete limits[k];
  return limits;
}

/** A value for a message: short, and saying what JSON/YAML made of an absurd number (1e999 → Infinity). */
function shown(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v))
    return `${v} (an absurd value: beyond a float's range, so the JSON/YAML reader made it ${v})`;
  if (typeof v === 'string') return JSON.stringify(previewNumber(v));
  return shownValue(v, 60);
}

function nonNegativeInt(v: unknown, key: string, fail: (key: string, message: string) => void): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  fail(key, `must be a non-negative integer, got ${shown(v)}`);
  return undefined;
}

function nonNegative(v: unknown, key: string, fail: (key: string, message: string) => void): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  fail(key, `must be a non-negative number, got ${shown(v)}`);
  return undefined;
}

/** USD as a number or an exact decimal string (within MONEY_LIMITS); never negative. */
function money(v: unknown, key: string, fail: (key: string, message: string) => void): Decimal | undefined {
  try {
    const d = typeof v === 'number' ? Decimal.fromNumber(v) : typeof v === 'string' ? Decimal.parse(v, MONEY_LIMITS) : undefined;
    if (d && !d.isNegative()) return d;
  } catch (err) {
    if (err instanceof AbsurdNumberError) {
      fail(key, `${err.message}; write an amount in USD such as 0.02 or "0.02"`);
      return undefined;
    }
  }
  fail(key, `must be a non-negative amount in USD (0.02 or "0.02"), got ${shown(v)}`);
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length - 1;
  return { line, column: before.length - (before.lastIndexOf('\n') + 1) };
}

/**
 * Best-effort position of a key named by `budgets[2].max_input_tokens`: the n-th `{` after `"budgets"`
 * is not tracked exactly; we find the last key's occurrence after the array key (good for messages).
 */
function locateKey(text: string, pointer: string): { line: number; column: number } {
  const parts = pointer.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let from = 0;
  for (const part of parts) {
    if (/^\d+$/.test(part)) {
      // Skip to the n-th object start after the array's `[`.
      let n = Number(part);
      let i = text.indexOf('[', from);
      while (i >= 0 && n >= 0) {
        i = text.indexOf('{', i + 1);
        if (n-- === 0 || i < 0) break;
        i = matchingBrace(text, i);
      }
      if (i < 0) break;
      from = i;
    } else {
      const i = text.indexOf(JSON.stringify(part), from);
      if (i < 0) break;
      from = i;
    }
  }
  return lineCol(text, from);
}

/** 0-based line of each object element of the top-level array `key`, in one linear pass. */
function arrayElementLines(text: string, key: string): number[] {
  const lines: number[] = [];
  const k = text.indexOf(JSON.stringify(key));
  let i = k < 0 ? -1 : text.indexOf('[', k);
  if (i < 0) return lines;
  let line = 0;
  let at = 0;
  const advance = (to: number) => {
    for (let j = text.indexOf('\n', at); j >= 0 && j < to; j = text.indexOf('\n', j + 1)) line++;
    at = to;
  };
  for (;;) {
    const open = text.indexOf('{', i + 1);
    if (open < 0) break;
    advance(open);
    lines.push(line);
    i = matchingBrace(text, open);
    if (i < 0) break;
  }
  return lines;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

// ---- front matter ----

/**
 * The `budget:` mapping of a prompt's front matter (YAML text between the fences), with located
 * errors (0-based line/column in the whole file: `contentStartLine` is the line after the opening `---`).
 */
export function readFrontMatterBudget(
  yamlText: string,
  contentStartLine: number,
): { limits?: Limits; line?: number; errors: BudgetConfigError[] } {
  const errors: BudgetConfigError[] = [];
  // the same bounds as the front matter reader (which reports them): never more YAML work than it does
  if (yamlRefusal(yamlText)) return { errors };
  let doc;
  try {
    doc = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: false });
  } catch {
    return { errors };
  }
  if (doc.errors.length || !isMap(doc.contents)) return { errors };
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'budget');
  if (!pair) return { errors };
  const at = (node: YamlNode | null | undefined) => {
    const off = node?.range?.[0] ?? 0;
    const lc = lineCol(yamlText, off);
    return { line: contentStartLine + lc.line, column: lc.column };
  };
  const keyPos = at(pair.key as YamlNode);
  const value = pair.value as YamlNode | null;
  if (!isMap(value)) {
    errors.push({ message: `budget: must be a mapping of limits (${LIMIT_KEYS.join(', ')})`, ...keyPos });
    return { errors, line: keyPos.line };
  }
  const nodes = new Map<string, YamlNode>();
  for (const p of value.items) if (isScalar(p.key)) nodes.set(String(p.key.value), (p.value as YamlNode) ?? (p.key as YamlNode));
  const data = value.toJSON() as Record<string, unknown>;
  for (const k of Object.keys(data))
    if (!(LIMIT_KEYS as readonly string[]).includes(k))
      errors.push({ message: `budget.${k}: unknown key (limits: ${LIMIT_KEYS.join(', ')})`, ...at(nodes.get(k)) });
  // YAML reads 1e-999999999 as 0 (a float cannot hold it): a limit of 0 the author never wrote.
  for (const [k, node] of nodes) {
    if (!isScalar(node) || node.value !== 0 || !node.range || !(LIMIT_KEYS as readonly string[]).includes(k)) continue;
    const written = yamlText.slice(node.range[0], node.range[1]).trim();
    if (!/[1-9]/.test(written.split(/[eE]/)[0])) continue;
    errors.push({
      message: `budget.${k}: absurd value ${previewNumber(written)}: closer to zero than a float can hold, so YAML reads it as 0; ignored`,
      ...at(node),
    });
    delete data[k];
  }
  const limits = readLimits(data, (key, message) => errors.push({ message: `budget.${key}: ${message}`, ...at(nodes.get(key)) }));
  return { limits, errors, line: keyPos.line };
}

// ---- merge and check ----

/** Rules by glob (relPath is relative to the config's folder, `/`-separated), then front matter, key by key. */
export function resolveBudget(
  config: BudgetConfig,
  relPath: string,
  frontMatter?: { limits?: Limits; line?: number },
  promptFile = relPath,
): ResolvedBudget {
  const out: ResolvedBudget = { limits: {}, sources: {} };
  const set = (limits: Limits, source: LimitSource) => {
    for (const k of LIMIT_KEYS) {
      if (limits[k] === undefined) continue;
      (out.limits as Record<string, unknown>)[k] = limits[k];
      out.sources[k] = source;
    }
  };
  if (config.maxIncreasePct !== undefined) set({ max_increase_pct: config.maxIncreasePct }, { label: CONFIG_FILE_NAME, file: config.file });
  for (const r of config.rules)
    if (r.matches(relPath))
      set(r.limits, { label: `${CONFIG_FILE_NAME} budgets[${r.index}] (${r.files.join(', ')})`, file: config.file, line: r.line });
  if (frontMatter?.limits) set(frontMatter.limits, { label: 'front matter', file: promptFile, line: frontMatter.line });
  return out;
}

export interface PromptNumbers {
  model: string;
  inputTokens: number;
  approximate: boolean;
  /** Undefined when the model has no price (then only token limits can be checked). */
  costPerRequest?: Decimal;
  monthly?: Decimal;
  requestsPerDay: number;
}

export type BudgetRuleId = 'budget/max-input-tokens' | 'budget/max-cost-per-request' | 'budget/max-monthly-cost' | 'budget/max-increase';

export interface BudgetViolation {
  rule: BudgetRuleId;
  limit: LimitKey;
  message: string;
  source: LimitSource;
}

/** Every limit the numbers break, with both numbers in the message. */
export function checkBudget(n: PromptNumbers, budget: ResolvedBudget): BudgetViolation[] {
  const out: BudgetViolation[] = [];
  const { limits, sources } = budget;
  const a = n.approximate ? '≈' : '';
  const where = (k: LimitKey) => ` (${sources[k]?.label ?? 'budget'})`;
  if (limits.max_input_tokens !== undefined && n.inputTokens > limits.max_input_tokens)
    out.push({
      rule: 'budget/max-input-tokens',
      limit: 'max_input_tokens',
      source: sources.max_input_tokens!,
      message: `${a}${GROUPED.format(n.inputTokens)} input tokens for ${n.model} exceed max_input_tokens ${GROUPED.format(limits.max_input_tokens)} by ${GROUPED.format(n.inputTokens - limits.max_input_tokens)}${where('max_input_tokens')}`,
    });
  if (limits.max_cost_per_request !== undefined && n.costPerRequest && n.costPerRequest.compare(limits.max_cost_per_request) > 0)
    out.push({
      rule: 'budget/max-cost-per-request',
      limit: 'max_cost_per_request',
      source: sources.max_cost_per_request!,
      message: `${a}$${n.costPerRequest.toString()} per request for ${n.model} exceeds max_cost_per_request $${limits.max_cost_per_request.toString()}${where('max_cost_per_request')}`,
    });
  if (limits.max_monthly_cost !== undefined && n.monthly && n.monthly.compare(limits.max_monthly_cost) > 0)
    out.push({
      rule: 'budget/max-monthly-cost',
      limit: 'max_monthly_cost',
      source: sources.max_monthly_cost!,
      message: `${a}$${n.monthly.toFixed(2)}/month for ${n.model} (${GROUPED.format(n.requestsPerDay)} requests/day) exceeds max_monthly_cost $${limits.max_monthly_cost.toString()}${where('max_monthly_cost')}`,
    });
  return out;
}

/**
 * Percent increase from `before` to `after` (cost if both are priced, else tokens); Infinity when
 * the base was 0 and the new value is not; undefined when there is no base.
 */
export function increasePct(before: Decimal | number | undefined, after: Decimal | number | undefined): number | undefined {
  if (before === undefined || after === undefined) return undefined;
  const b = typeof before === 'number' ? before : before.toNumber();
  const x = typeof after === 'number' ? after : after.toNumber();
  if (b === 0) return x > 0 ? Infinity : 0;
  // The difference exactly (Decimal), one division at the end: 0.01 → 0.0125 is 25, not 25.000000000000007.
  const delta = typeof before === 'number' || typeof after === 'number' ? (x - b) * 100 : after.minus(before).times(100).toNumber();
  return delta / b;
}

export { requestsPerDayFor, type RequestsPerDaySource } from './requestsPerDay';
