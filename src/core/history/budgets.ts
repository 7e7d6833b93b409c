// flujo.toml `[budgets]` against recorded spend.
//
// Resolution follows Flujo (flujo/infra/budget_resolver.py): for a pipeline name, 1) an exact key
// in `budgets.pipeline`, 2) the FIRST glob key (containing *, ? or [) that matches, in file
// order, with case-sensitive fnmatch, 3) `budgets.default`, else no limit.
// Flujo enforces these limits PER RUN (its usage governor stops a run that exceeds them), so the
// default evaluation is per run: a budget row's status is its worst run. `mode: 'cumulative'`
// instead compares the total spend of all matching runs with the limit.
import { GlobError, compileFnmatch } from '../prompt/glob';
import { Decimal, MONEY_LIMITS } from '../pricing/decimal';
import { pydanticFloatText, pydanticIntString } from '../flujo/analysis/values';
import { promptTokens, totalTokens } from '../providers/types';
import { RunRecord } from './record';

export interface UsageLimits {
  totalCostUsdLimit?: Decimal;
  /** A bigint only past Number.MAX_SAFE_INTEGER (as smol-toml's integersAsBigInt 'asNeeded'): shown exactly. */
  totalTokensLimit?: number | bigint;
}

/** A token limit as every surface prints it: all its digits, grouped (`123,456,789,012,345,678,901`). */
export function tokenLimitText(limit: number | bigint): string {
  return limit.toLocaleString('en-US');
}

/** Parsed `[budgets]`; `pipeline` keys in file order (object insertion order). */
export interface BudgetConfig {
  default?: UsageLimits;
  pipeline: Record<string, UsageLimits>;
}

export type BudgetStatus = 'ok' | 'warning' | 'over';

/**
 * Python's fnmatch.fnmatchcase: `*`, `?`, `[seq]`, `[!seq]`; no special meaning for `/`. The shared
 * linear matcher (prompt/glob.ts compileFnmatch), compiled once per pattern; a pattern past the length
 * cap matches nothing.
 */
export function fnmatchCase(name: string, pattern: string): boolean {
  let match = fnmatchCache.get(pattern);
  if (!match) {
    try {
      match = compileFnmatch(pattern);
    } catch (err) {
      if (!(err instanceof GlobError)) throw err;
      match = () => false;
    }
    if (fnmatchCache.size >= 1024) fnmatchCache.clear();
    fnmatchCache.set(pattern, match);
  }
  return match(name);
}

const fnmatchCache = new Map<string, (name: string) => boolean>();

export interface ResolvedBudget {
  limits?: UsageLimits;
  source: 'pipeline' | 'default' | 'none';
  /** The `budgets.pipeline` key that matched. */
  pattern?: string;
}

export function resolveBudget(budgets: BudgetConfig | undefined, pipelineName: string): ResolvedBudget {
  if (!budgets) return { source: 'none' };
  const map = budgets.pipeline ?? {};
  if (Object.prototype.hasOwnProperty.call(map, pipelineName))
    return { limits: map[pipelineName], source: 'pipeline', pattern: pipelineName };
  for (const [pattern, limits] of Object.entries(map)) {
    if (/[*?[]/.test(pattern) && fnmatchCase(pipelineName, pattern)) return { limits, source: 'pipeline', pattern };
  }
  if (budgets.default) return { limits: budgets.default, source: 'default' };
  return { source: 'none' };
}

export interface LimitCheck {
  status: BudgetStatus;
  /** spent / limit, for bars and percentages (display only). */
  costRatio?: number;
  tokensRatio?: number;
}

/** ok below 80 % of every limit, warning from 80 % up to the limit, over above it (Flujo stops a run when it exceeds). */
export function checkLimits(costUsd: Decimal, tokens: number, limits: UsageLimits | undefined, warnAtPercent = 80): LimitCheck {
  const out: LimitCheck = { status: 'ok' };
  if (!limits) return out;
  const rank = { ok: 0, warning: 1, over: 2 } as const;
  const worse = (s: BudgetStatus) => {
    if (rank[s] > rank[out.status]) out.status = s;
  };
  const cap = limits.totalCostUsdLimit;
  if (cap) {
    out.costRatio = cap.isZero() ? (costUsd.isZero() ? 0 : Infinity) : costUsd.toNumber() / cap.toNumber();
    // Exact: over when spent > limit; warning when spent × 100 ≥ limit × warnAt. Zero spend is ok.
    const over = costUsd.compare(cap) > 0;
    const warn = !costUsd.isZero() && costUsd.times(100).compare(cap.times(Decimal.fromNumber(warnAtPercent))) >= 0;
    worse(over ? 'over' : warn ? 'warning' : 'ok');
  }
  const tcap = limits.totalTokensLimit;
  if (tcap !== undefined) {
    const zero = tcap === 0 || tcap === 0n;
    out.tokensRatio = zero ? (tokens === 0 ? 0 : Infinity) : tokens / Number(tcap);
    // `>` between a number and a bigint compares exactly; the 80 % mark is compared as exact decimals.
    const warn = () =>
      Decimal.fromNumber(tokens)
        .times(100)
        .compare(Decimal.parse(String(tcap)).times(Decimal.fromNumber(warnAtPercent))) >= 0;
    worse(tokens === 0 ? 'ok' : tokens > tcap ? 'over' : warn() ? 'warning' : 'ok');
  }
  return out;
}

/**
 * The limit a budget is closest to — the larger of spent ÷ limit for cost and for tokens (ties: cost) —
 * so a budget whose tokens are at 84.5 % and whose cost is at 82 % reads 84 %, not 82 %. Undefined
 * without limits.
 */
export function closestLimit(b: { costRatio?: number; tokensRatio?: number }): { limit: 'cost' | 'tokens'; ratio: number } | undefined {
  const { costRatio: c, tokensRatio: t } = b;
  if (c === undefined && t === undefined) return undefined;
  if (t !== undefined && (c === undefined || t > c)) return { limit: 'tokens', ratio: t };
  return { limit: 'cost', ratio: c! };
}

/**
 * The one percentage the Budgets view and `prompt-cost history` show: `82 %` with one limit, `84 % of
 * the token limit` / `82 % of the cost limit` when both are set (which one is closest), `∞ %` against
 * a zero limit.
 */
export function budgetPercentText(b: { costRatio?: number; tokensRatio?: number }): string | undefined {
  const closest = closestLimit(b);
  if (!closest) return undefined;
  const pct = Number.isFinite(closest.ratio) ? `${Math.round(closest.ratio * 100)} %` : '∞ %';
  const both = b.costRatio !== undefined && b.tokensRatio !== undefined;
  return both ? `${pct} of the ${closest.limit === 'tokens' ? 'token' : 'cost'} limit` : pct;
}

/** Tokens a run counts against `total_tokens_limit`: Flujo's total, else all usage buckets. */
export function runTokens(r: RunRecord): number {
  if (r.totalTokens !== undefined) return r.totalTokens;
  if (r.usage) return totalTokens(r.usage);
  return 0;
}

export function runCost(r: RunRecord): Decimal {
  return r.costUsd !== undefined ? Decimal.parse(r.costUsd) : Decimal.ZERO;
}

export interface BudgetRow {
  /** `default`, or the `budgets.pipeline` key. */
  key: string;
  source: 'pipeline' | 'default';
  limits: UsageLimits;
  /** Pipelines whose runs fell under this budget. */
  pipelines: string[];
  runs: number;
  /** Total spend of those runs (exact). */
  spentUsd: Decimal;
  tokens: number;
  /** Per-run mode: the most expensive run. */
  maxRunUsd: Decimal;
  maxRunTokens: number;
  worstRunId?: string;
  status: BudgetStatus;
  costRatio?: number;
  tokensRatio?: number;
  /** Ids of runs that exceeded / came within 80 % (per-run mode). */
  overRunIds: string[];
  warningRunIds: string[];
}

export interface BudgetSummaryOptions {
  mode?: 'perRun' | 'cumulative';
  warnAtPercent?: number;
  /** Include budgets no run matched (status ok, zero spend). Default true. */
  includeUnused?: boolean;
}

/**
 * Spend per budget. Flujo runs resolve by their pipeline name; runs recorded by the extension or the
 * CLI have no pipeline and count against `[budgets.default]` (what Flujo applies to a name no pipeline
 * key matches), listed under their prompt file. Rows follow flujo.toml order: pipeline keys, then default.
 */
export function summarizeBudgets(budgets: BudgetConfig, runs: readonly RunRecord[], options: BudgetSummaryOptions = {}): BudgetRow[] {
  const mode = options.mode ?? 'perRun';
  const warnAt = options.warnAtPercent ?? 80;
  const rows = new Map<string, BudgetRow>();
  const newRow = (key: string, source: 'pipeline' | 'default', limits: UsageLimits): BudgetRow => ({
    key,
    source,
    limits,
    pipelines: [],
    runs: 0,
    spentUsd: Decimal.ZERO,
    tokens: 0,
    maxRunUsd: Decimal.ZERO,
    maxRunTokens: 0,
    status: 'ok',
    overRunIds: [],
    warningRunIds: [],
  });
  for (const [k, l] of Object.entries(budgets.pipeline ?? {})) rows.set(`p:${k}`, newRow(k, 'pipeline', l));
  if (budgets.default) rows.set('default', newRow('default', 'default', budgets.default));

  const rank = { ok: 0, warning: 1, over: 2 } as const;
  const worstCost = new Map<BudgetRow, Decimal>();
  for (const run of runs) {
    const res: ResolvedBudget = run.pipeline
      ? resolveBudget(budgets, run.pipeline)
      : budgets.default
        ? { limits: budgets.default, source: 'default' }
        : { source: 'none' };
    if (res.source === 'none' || !res.limits) continue;
    const name = run.pipeline ?? run.promptFile ?? run.model ?? run.id;
    const row = rows.get(res.source === 'default' ? 'default' : `p:${res.pattern}`)!;
    const cost = runCost(run);
    const tokens = runTokens(run);
    row.runs++;
    row.spentUsd = row.spentUsd.plus(cost);
    row.tokens += tokens;
    if (!row.pipelines.includes(name)) row.pipelines.push(name);
    if (cost.compare(row.maxRunUsd) > 0) row.maxRunUsd = cost;
    row.maxRunTokens = Math.max(row.maxRunTokens, tokens);
    if (mode === 'perRun') {
      const c = checkLimits(cost, tokens, res.limits, warnAt);
      if (c.status === 'over') row.overRunIds.push(run.id);
      if (c.status === 'warning') row.warningRunIds.push(run.id);
      const worst = worstCost.get(row);
      if (!worst || rank[c.status] > rank[row.status] || (rank[c.status] === rank[row.status] && cost.compare(worst) > 0)) {
        row.status = rank[c.status] > rank[row.status] ? c.status : row.status;
        row.worstRunId = run.id;
        worstCost.set(row, cost);
      }
      if (c.costRatio !== undefined) row.costRatio = Math.max(row.costRatio ?? 0, c.costRatio);
      if (c.tokensRatio !== undefined) row.tokensRatio = Math.max(row.tokensRatio ?? 0, c.tokensRatio);
    }
  }
  if (mode === 'cumulative') {
    for (const row of rows.values()) {
      const c = checkLimits(row.spentUsd, row.tokens, row.limits, warnAt);
      row.status = c.status;
      row.costRatio = c.costRatio;
      row.tokensRatio = c.tokensRatio;
    }
  }
  return [...rows.values()].filter((r) => options.includeUnused !== false || r.runs > 0);
}

/**
 * `total_cost_usd_limit: Optional[float] = Field(None, ge=0)` (flujo/domain/models.py:409) as pydantic
 * (lax) reads a TOML value: a float, an int (converted to the nearest double; past 1.8e308 rejected), a
 * boolean, or a numeric string (pydantic-core str_as_float: "5", " 5 ", "1_000", "inf"). `'inf'` is no
 * limit; undefined is a value pydantic rejects (nan and negatives fail ge=0).
 */
export function costLimitOf(c: unknown): Decimal | 'inf' | undefined {
  let text: string | undefined;
  if (typeof c === 'number') text = Number.isNaN(c) ? 'nan' : c === Infinity ? 'inf' : c === -Infinity ? '-inf' : String(c);
  else if (typeof c === 'bigint') text = c.toString();
  else if (typeof c === 'boolean') text = c ? '1' : '0';
  else if (typeof c === 'string') text = pydanticFloatText(c)?.toLowerCase();
  if (text === undefined) return undefined;
  if (/^\+?inf(inity)?$/.test(text)) return 'inf';
  if (/nan|inf/.test(text)) return undefined;
  const f = Number(text);
  if (f === Infinity) return typeof c === 'string' ? 'inf' : undefined; // float("1e999") is inf; float(10**400) raises
  if (f < 0) return undefined;
  return typeof c === 'number' ? Decimal.fromNumber(c) : (Decimal.tryParse(text, MONEY_LIMITS) ?? Decimal.fromNumber(f));
}

/**
 * `total_tokens_limit: Optional[int] = Field(None, ge=0)` (flujo/domain/models.py:410) as pydantic (lax)
 * reads a TOML value: any int (tomllib keeps big ones; pydantic too), a float without a fractional part
 * inside ±2^63, a boolean, or a string pydantic-core's clean_int_str accepts ("5", "5.0", "1_000").
 */
export function tokensLimitOf(k: unknown): number | bigint | undefined {
  let n: bigint | undefined;
  if (typeof k === 'bigint') n = k;
  else if (typeof k === 'number') n = Number.isFinite(k) && k % 1 === 0 && Math.abs(k) < 2 ** 63 ? BigInt(k) : undefined;
  else if (typeof k === 'boolean') n = k ? 1n : 0n;
  else if (typeof k === 'string') n = pydanticIntString(k);
  if (n === undefined || n < 0n) return undefined;
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/**
 * Builds a BudgetConfig from the parsed TOML `[budgets]` table (plain objects as smol-toml returns
 * them, big integers as BigInt), reading each limit as Flujo's pydantic model does. Invalid values are
 * reported, not thrown.
 */
export function budgetsFromToml(table: unknown): { budgets: BudgetConfig; problems: string[] } {
  const problems: string[] = [];
  const budgets: BudgetConfig = { pipeline: {} };
  if (!table || typeof table !== 'object') return { budgets, problems };
  const t = table as Record<string, unknown>;
  const limits = (v: unknown, where: string): UsageLimits | undefined => {
    if (!v || typeof v !== 'object') {
      problems.push(`${where} is not a table`);
      return undefined;
    }
    const o = v as Record<string, unknown>;
    const out: UsageLimits = {};
    if (o.total_cost_usd_limit !== undefined) {
      const c = costLimitOf(o.total_cost_usd_limit);
      if (c instanceof Decimal) out.totalCostUsdLimit = c;
      else if (c === undefined)
        problems.push(
          `${where}.total_cost_usd_limit must be a number ≥ 0 (Flujo's pydantic model rejects ${shown(o.total_cost_usd_limit)})`,
        );
      // 'inf': no limit, as in Flujo (every cost compares below it).
    }
    if (o.total_tokens_limit !== undefined) {
      const k = tokensLimitOf(o.total_tokens_limit);
      if (k !== undefined) out.totalTokensLimit = k;
      else
        problems.push(`${where}.total_tokens_limit must be an integer ≥ 0 (Flujo's pydantic model rejects ${shown(o.total_tokens_limit)})`);
    }
    return out;
  };
  if (t.default !== undefined) budgets.default = limits(t.default, 'budgets.default');
  if (t.pipeline !== undefined) {
    if (typeof t.pipeline !== 'object' || !t.pipeline) problems.push('budgets.pipeline is not a table');
    else
      for (const [key, v] of Object.entries(t.pipeline as Record<string, unknown>)) {
        const l = limits(v, `budgets.pipeline."${key}"`);
        if (l) budgets.pipeline[key] = l;
      }
  }
  return { budgets, problems };
}

function shown(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? 'a table or list' : String(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/** Prompt-side tokens of a run (tree label "tokens in"). */
export function runInputTokens(r: RunRecord): number | undefined {
  return r.usage ? promptTokens(r.usage) : undefined;
}
