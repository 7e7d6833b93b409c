// Pure views of the ledger for the Runs tree and the CLI: grouping with exact totals,
// estimate-vs-actual Δ %, filtering, CSV.
import { csvRow } from '../untrustedText';
import { formatDuration, formatSignedPercent, formatUsd } from '../format';
import { Decimal } from '../pricing/decimal';
import { promptTokens } from '../providers/types';
import { runCost, runTokens } from './budgets';
import { RunRecord } from './record';

export type GroupBy = 'day' | 'prompt' | 'model' | 'pipeline' | 'status';

export interface RunTotals {
  runs: number;
  ok: number;
  failed: number;
  cancelled: number;
  running: number;
  paused: number;
  /** Σ actual cost of runs that have one (exact). */
  costUsd: Decimal;
  /** Runs whose actual cost is unknown (no price, a failed call, a Flujo step without cost): not in costUsd. */
  costUnknown: number;
  /** Σ estimates of runs that have both an estimate and an actual cost. */
  estimateUsd: Decimal;
  /** Σ actual of those same runs (the Δ base). */
  comparableActualUsd: Decimal;
  /** (Σactual − Σestimate) / Σestimate × 100 over comparable runs; undefined when none. */
  deltaPct?: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Mean latency of runs with one. */
  avgLatencyMs?: number;
}

export interface RunGroup {
  /** Stable id for tree items: `day:2025-01-02`, `model:gpt-4o` … */
  id: string;
  key: string;
  label: string;
  runs: RunRecord[];
  totals: RunTotals;
}

/** Δ % of actual vs estimate for one run (positive = cost more than estimated). */
export function runDeltaPct(r: RunRecord): number | undefined {
  if (r.costUsd === undefined || r.estimate?.costUsd === undefined) return undefined;
  const est = Decimal.parse(r.estimate.costUsd);
  if (est.isZero()) return undefined;
  return (Decimal.parse(r.costUsd).minus(est).toNumber() / est.toNumber()) * 100;
}

/** Display helper: "+12.5 %", "−3.0 %", "±0 %". */
export function formatDeltaPct(pct: number | undefined): string {
  return formatSignedPercent(pct);
}

export function totalsOf(runs: readonly RunRecord[]): RunTotals {
  const t: RunTotals = {
    runs: runs.length,
    ok: 0,
    failed: 0,
    cancelled: 0,
    running: 0,
    paused: 0,
    costUsd: Decimal.ZERO,
    costUnknown: 0,
    estimateUsd: Decimal.ZERO,
    comparableActualUsd: Decimal.ZERO,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
  };
  let latSum = 0;
  let latN = 0;
  for (const r of runs) {
    if (r.status === 'ok') t.ok++;
    else if (r.status === 'error') t.failed++;
    else if (r.status === 'cancelled') t.cancelled++;
    else if (r.status === 'paused') t.paused++;
    else t.running++;
    if (r.costUsd !== undefined) {
      const c = runCost(r);
      t.costUsd = t.costUsd.plus(c);
      if (r.estimate?.costUsd !== undefined) {
        t.estimateUsd = t.estimateUsd.plus(Decimal.parse(r.estimate.costUsd));
        t.comparableActualUsd = t.comparableActualUsd.plus(c);
      }
    } else t.costUnknown++;
    if (r.usage) {
      t.inputTokens += promptTokens(r.usage);
      t.cachedInputTokens += r.usage.cachedInputTokens;
      t.outputTokens += r.usage.outputTokens;
    }
    t.totalTokens += runTokens(r);
    if (r.latencyMs !== undefined) {
      latSum += r.latencyMs;
      latN++;
    }
  }
  if (!t.estimateUsd.isZero()) t.deltaPct = (t.comparableActualUsd.minus(t.estimateUsd).toNumber() / t.estimateUsd.toNumber()) * 100;
  if (latN) t.avgLatencyMs = Math.round(latSum / latN);
  return t;
}

/**
 * The total cost of some runs for display: `$0.0123`; `$0.0123 + 2 unknown` when some runs have no
 * known cost (their cost is not $0, it is not known); `cost unknown` when none has one.
 */
export function formatTotalCost(t: RunTotals): string {
  if (t.runs > 0 && t.costUnknown === t.runs) return 'cost unknown';
  return `${formatUsd(t.costUsd)}${t.costUnknown ? ` + ${t.costUnknown} unknown` : ''}`;
}

/** `YYYY-MM-DD` of an ISO time in a time zone (IANA name; default: the system's). */
export function dayKey(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'unknown';
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

function keyOf(r: RunRecord, by: GroupBy, timeZone?: string): string {
  switch (by) {
    case 'day':
      return dayKey(r.time, timeZone);
    case 'prompt':
      return r.promptFile ?? (r.pipeline ? `flujo: ${r.pipeline}` : '(no prompt file)');
    case 'model':
      return r.model
        ? r.provider && r.provider !== 'flujo'
          ? `${r.provider}:${r.model}`
          : r.model
        : r.pipeline
          ? 'flujo pipeline'
          : '(unknown model)';
    case 'pipeline':
      return r.pipeline ?? '(no pipeline)';
    case 'status':
      return r.status;
  }
}

/** Newest first; ties by id so the order is stable. */
export function compareRunsNewestFirst(a: RunRecord, b: RunRecord): number {
  return a.time < b.time ? 1 : a.time > b.time ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Groups runs for the tree. Days are newest first; other groupings by total cost (highest
 * first), then name. Runs inside a group are newest first.
 */
export function groupRuns(runs: readonly RunRecord[], by: GroupBy, options: { timeZone?: string } = {}): RunGroup[] {
  const map = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const k = keyOf(r, by, options.timeZone);
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(r);
  }
  const groups: RunGroup[] = [...map].map(([key, list]) => ({
    id: `${by}:${key}`,
    key,
    label: key,
    runs: [...list].sort(compareRunsNewestFirst),
    totals: totalsOf(list),
  }));
  if (by === 'day') groups.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  else groups.sort((a, b) => b.totals.costUsd.compare(a.totals.costUsd) || a.key.localeCompare(b.key));
  return groups;
}

export interface RunFilter {
  /** Case-insensitive substring of model, prompt file, pipeline, provider, status, error, id. */
  text?: string;
  status?: RunRecord['status'][];
  source?: string[];
  /** ISO times, inclusive. */
  since?: string;
  until?: string;
}

export function filterRuns(runs: readonly RunRecord[], f: RunFilter): RunRecord[] {
  const needle = f.text?.trim().toLowerCase();
  const since = f.since ? Date.parse(f.since) : undefined;
  const until = f.until ? Date.parse(f.until) : undefined;
  return runs.filter((r) => {
    if (f.status?.length && !f.status.includes(r.status)) return false;
    if (f.source?.length && !f.source.includes(r.source)) return false;
    const t = Date.parse(r.time);
    if (since !== undefined && t < since) return false;
    if (until !== undefined && t > until) return false;
    if (needle) {
      const hay = [r.id, r.model, r.provider, r.promptFile, r.pipeline, r.status, r.statusDetail, r.error?.message]
        .filter(Boolean)
        .join('\n')
        .toLowerCase();
      if (!hay.includes(needle)) return false;
    }
    return true;
  });
}

/**
 * One-line description for a tree item, most telling first so a narrow side bar cuts the least useful
 * part: "$0.00225 · Δ +4.2 % · gpt-4o · 1.2k→50 tok · 1.3 s" (exact figures are in the tooltip).
 */
export function describeRun(r: RunRecord): string {
  const parts: string[] = [];
  parts.push(r.costUsd !== undefined ? formatUsd(r.costUsd) : 'cost unknown');
  const d = formatDeltaPct(runDeltaPct(r));
  if (d) parts.push(`Δ ${d}`);
  if (r.status !== 'ok') parts.push(r.status);
  if (r.model) parts.push(r.model.replace(/^[\w.-]+:/, ''));
  else if (r.steps) parts.push(`${r.steps.length} step${r.steps.length === 1 ? '' : 's'}`);
  if (r.usage) parts.push(`${compactCount(promptTokens(r.usage))}→${compactCount(r.usage.outputTokens)} tok`);
  else if (r.totalTokens !== undefined) parts.push(`${compactCount(r.totalTokens)} tok`);
  if (r.latencyMs !== undefined) parts.push(formatDuration(r.latencyMs));
  return parts.join(' · ');
}

/** Compact token count for one-line descriptions: 950, 9,999, 12.3k, 4.5M. */
export function compactCount(n: number): string {
  if (n < 10_000) return n.toLocaleString('en-US');
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 100_000_000 ? 1 : 0)}M`;
}

export const CSV_COLUMNS = [
  'id',
  'time',
  'source',
  'status',
  'status_detail',
  'provider',
  'model',
  'pipeline',
  'prompt_file',
  'prompt_hash',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_5m_tokens',
  'cache_write_1h_tokens',
  'output_tokens',
  'reasoning_tokens',
  'total_tokens',
  'estimate_input_tokens',
  'estimate_output_tokens',
  'estimate_usd',
  'cost_usd',
  'delta_pct',
  'latency_ms',
  'steps',
  'error',
] as const;

/**
 * RFC 4180 CSV (CRLF line ends, header row). Money columns are exact decimal strings. Every cell (the
 * ledger's time, hashes and numbers too: a hand-edited or imported ledger can hold anything) goes
 * through csvCell, which neutralises spreadsheet formulas.
 */
export function runsToCsv(runs: readonly RunRecord[]): string {
  const lines = [csvRow(CSV_COLUMNS)];
  for (const r of runs) {
    const u = r.usage;
    const delta = runDeltaPct(r);
    const row: Record<(typeof CSV_COLUMNS)[number], string | number | undefined> = {
      id: r.id,
      time: r.time,
      source: r.source,
      status: r.status,
      status_detail: r.statusDetail,
      provider: r.provider,
      model: r.model,
      pipeline: r.pipeline,
      prompt_file: r.promptFile,
      prompt_hash: r.promptHash,
      input_tokens: u?.inputTokens,
      cached_input_tokens: u?.cachedInputTokens,
      cache_write_5m_tokens: u?.cacheWrite5mTokens,
      cache_write_1h_tokens: u?.cacheWrite1hTokens,
      output_tokens: u?.outputTokens,
      reasoning_tokens: u?.reasoningTokens,
      total_tokens: u || r.totalTokens !== undefined ? runTokens(r) : undefined,
      estimate_input_tokens: r.estimate?.inputTokens,
      estimate_output_tokens: r.estimate?.outputTokens,
      estimate_usd: r.estimate?.costUsd,
      cost_usd: r.costUsd,
      delta_pct: delta === undefined ? undefined : delta.toFixed(2),
      latency_ms: r.latencyMs,
      steps: r.steps?.length,
      error: r.error?.message,
    };
    lines.push(csvRow(CSV_COLUMNS.map((c) => row[c])));
  }
  return `${lines.join('\r\n')}\r\n`;
}
