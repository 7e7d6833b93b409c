// The pure part of the Runs and Budgets views: merging the ledger with live Flujo runs, labels,
// descriptions, tooltips, "copy details" text and budget rows. No `vscode` import: unit-tested
// under node (test/unit/history-view-model.test.ts).
import { escapeMarkdown, markdownCode } from '../../core/untrustedText';
import type { BudgetRow } from '../../core/history/budgets';
import { budgetPercentText, runInputTokens, runTokens, tokenLimitText } from '../../core/history/budgets';
import type { GroupBy, RunGroup, RunTotals } from '../../core/history/group';
import { compactCount, formatDeltaPct, runDeltaPct } from '../../core/history/group';
import { formatDuration, formatUsd } from '../../core/format';
import type { RunRecord, RunStatus, RunStep } from '../../core/history/record';

export type RunOrigin = 'ledger' | 'flujo-db';

export interface ViewRun {
  run: RunRecord;
  /** Key of the workspace folder whose ledger holds (or would hold) it. */
  folder: string;
  /** `flujo-db`: read live from the Flujo state database, not (or not yet in this version) in the ledger. */
  origin: RunOrigin;
}

/**
 * Ledger runs plus runs read live from the Flujo state database. A live run replaces the ledger
 * version of the same id (the database is the newer truth for a run that is still going); a run
 * deleted in the ledger stays hidden even if the database still has it.
 */
export function mergeRuns(
  ledger: readonly RunRecord[],
  isDeleted: (id: string) => boolean,
  live: readonly RunRecord[],
  folder: string,
): ViewRun[] {
  const byId = new Map<string, ViewRun>();
  for (const run of ledger) byId.set(run.id, { run, folder, origin: 'ledger' });
  for (const run of live) {
    if (isDeleted(run.id)) continue;
    const prev = byId.get(run.id);
    if (prev && JSON.stringify(prev.run) === JSON.stringify(run)) continue;
    byId.set(run.id, { run, folder, origin: 'flujo-db' });
  }
  return [...byId.values()];
}

const GROUPED = new Intl.NumberFormat('en-US');

/** Compact token count for descriptions: 950, 12.3k, 4.5M. */
export function compactTokens(n: number): string {
  return compactCount(n);
}

/**
 * `$0.0123 · Δ +4.2 %`: short enough for the default side bar width (≈300 px) beside the day;
 * the run count, failures, tokens and the exact cost are in the tooltip (a failed run shows its status).
 */
export function groupDescription(t: RunTotals): string {
  // Runs without a cost make the known sum a lower bound: "≥ $0.275" (the tooltip says how many).
  const all = t.runs > 0 && t.costUnknown === t.runs;
  const parts = [all ? 'cost unknown' : `${t.costUnknown ? '≥ ' : ''}${formatUsd(t.costUsd)}`];
  const d = formatDeltaPct(t.deltaPct);
  if (d) parts.push(`Δ ${d}`);
  if (t.running) parts.push(`${t.running} running`);
  if (t.paused) parts.push(`${t.paused} paused`);
  return parts.join(' · ');
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Group labels: days are `2025-01-02`, with `today`/`yesterday` relative to `now`; weekday: weekdayOf (the tooltip). */
export function groupLabel(group: RunGroup, by: GroupBy, now = new Date()): string {
  if (by !== 'day' || !/^\d{4}-\d{2}-\d{2}$/.test(group.key)) return group.label;
  const [y, m, d] = group.key.split('-').map(Number);
  const date = new Date(y, m - 1, d);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const days = Math.round((today.getTime() - date.getTime()) / 86_400_000);
  // Older days: the date alone, so the day's cost and Δ fit the default side bar (the weekday is in the tooltip).
  if (days !== 0 && days !== 1) return group.key;
  return `${group.key} · ${days === 0 ? 'today' : 'yesterday'}`;
}

/** The weekday of a `YYYY-MM-DD` day key (`Thu`), for the group's tooltip. */
export function weekdayOf(key: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(key)) return undefined;
  const [y, m, d] = key.split('-').map(Number);
  return WEEKDAYS[new Date(y, m - 1, d).getDay()];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local `HH:MM` (or `MM-DD HH:MM` with `withDate`). */
export function localTime(iso: string, withDate: boolean): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '??:??';
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return withDate ? `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}` : hm;
}

/** What a run is about: the prompt file's name, the Flujo pipeline, or the model. */
export function runSubject(r: RunRecord): string {
  if (r.promptFile) return r.promptFile.split('/').pop() || r.promptFile;
  if (r.pipeline) return r.pipeline;
  return r.model ?? r.id;
}

/** A prompt file's name without its prompt-file suffix (`support-triage.prompt.md` → `support-triage`). */
function promptStem(name: string): string {
  return name.replace(/\.(prompt\.md|prompt\.ya?ml|prompt|prompty|md|txt|ya?ml|json|jinja2?|j2)$/i, '') || name;
}

/**
 * Tree label of a run: time, then the subject unless the grouping already says it (a prompt file without
 * its suffix, so label and cost fit the default side bar; the tooltip names the file).
 */
export function runLabel(r: RunRecord, by: GroupBy): string {
  const time = localTime(r.time, by !== 'day');
  if (by === 'prompt' || (by === 'pipeline' && r.pipeline)) return time;
  return `${time}  ${r.promptFile ? promptStem(runSubject(r)) : runSubject(r)}`;
}

/**
 * Tree description of a run: its cost, and its status unless ok — a failed run without a cost shows just
 * its status, its icon says the rest (model, tokens, Δ, latency and "no cost recorded": the tooltip).
 */
export function runDescription(r: RunRecord): string {
  // A team run (imported from an OTLP file or Langfuse) says whose it is.
  const who = r.member && r.origin ? ` · ${r.member}` : '';
  if (r.costUsd === undefined) return (r.status === 'ok' ? 'cost unknown' : r.status) + who;
  return (r.status === 'ok' ? formatUsd(r.costUsd) : `${formatUsd(r.costUsd)} · ${r.status}`) + who;
}

/** Codicon id and theme colour id per status. */
export function statusIcon(status: RunStatus): { id: string; color?: string } {
  switch (status) {
    case 'ok':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'error':
      return { id: 'error', color: 'testing.iconFailed' };
    case 'cancelled':
      return { id: 'circle-slash', color: 'disabledForeground' };
    case 'running':
      return { id: 'sync~spin', color: 'charts.blue' };
    case 'paused':
      return { id: 'debug-pause', color: 'charts.yellow' };
  }
}

/** `350 tok · $0.30 · 1.3 s` for a Flujo step. */
export function stepDescription(s: RunStep): string {
  const parts: string[] = [];
  if (s.tokens !== undefined) parts.push(`${GROUPED.format(s.tokens)} tok`);
  parts.push(s.costUsd !== undefined ? formatUsd(s.costUsd) : 'cost unknown');
  if (s.latencyMs !== undefined) parts.push(formatDuration(s.latencyMs));
  if (s.success === false) parts.push('failed');
  return parts.join(' · ');
}

/** Markdown tooltip of a run: usage buckets, estimate vs actual, error, origin. */
export function runTooltipMarkdown(v: ViewRun, ledgerFile?: string): string {
  const r = v.run;
  const lines: string[] = [];
  lines.push(
    `**${escapeMarkdown(runSubject(r))}** — ${escapeMarkdown(r.status)}${r.statusDetail ? ` (${escapeMarkdown(r.statusDetail)})` : ''}`,
    '',
  );
  lines.push(
    `${escapeMarkdown(new Date(r.time).toLocaleString('en-US'))}${r.model ? ` · ${escapeMarkdown(r.provider && r.provider !== 'flujo' ? `${r.provider}:${r.model}` : r.model)}` : ''}`,
    '',
  );
  if (r.origin) lines.push(`Team run${r.member ? ` of ${escapeMarkdown(r.member)}` : ''}, from ${escapeMarkdown(r.origin)}`, '');
  const rows: [string, string][] = [];
  if (r.usage) {
    const u = r.usage;
    rows.push(['Input (uncached)', GROUPED.format(u.inputTokens)]);
    if (u.cachedInputTokens) rows.push(['Cached input', GROUPED.format(u.cachedInputTokens)]);
    if (u.cacheWrite5mTokens) rows.push(['Cache write 5 min', GROUPED.format(u.cacheWrite5mTokens)]);
    if (u.cacheWrite1hTokens) rows.push(['Cache write 1 h', GROUPED.format(u.cacheWrite1hTokens)]);
    rows.push(['Output', GROUPED.format(u.outputTokens) + (u.reasoningTokens ? ` (${GROUPED.format(u.reasoningTokens)} reasoning)` : '')]);
  } else if (r.totalTokens !== undefined) rows.push(['Tokens', GROUPED.format(r.totalTokens)]);
  rows.push(['Actual cost', r.costUsd !== undefined ? `$${r.costUsd}` : 'unknown']);
  if (r.estimate) {
    const e = r.estimate;
    const a = e.approximate ? '≈ ' : '';
    rows.push([
      'Estimate',
      `${a}${GROUPED.format(e.inputTokens)} in${e.outputTokens !== undefined ? ` / ${GROUPED.format(e.outputTokens)} out` : ''}${e.costUsd !== undefined ? ` · ${a}$${e.costUsd}` : ''}${e.priceSource ? ` (${e.priceSource})` : ''}`,
    ]);
  }
  const d = formatDeltaPct(runDeltaPct(r));
  if (d) rows.push(['Actual vs estimate', d]);
  if (r.latencyMs !== undefined) rows.push(['Latency', formatDuration(r.latencyMs)]);
  if (rows.length) {
    lines.push('| | |', '|---|---:|', ...rows.map(([k, val]) => `| ${k} | ${escapeMarkdown(val)} |`), '');
  }
  if (r.error) lines.push(`**Error** (${escapeMarkdown(r.error.kind)}): ${escapeMarkdown(r.error.message)}`, '');
  if (v.origin === 'flujo-db') lines.push('*Read live from the Flujo state database; "Import Flujo Runs" records it in the ledger.*', '');
  lines.push(`${markdownCode(r.id)}${ledgerFile ? ` · ${escapeMarkdown(ledgerFile)}` : ''}`);
  return lines.join('\n');
}

/** Plain-text details for "Copy Details": a readable summary, then the ledger record as JSON. */
export function runDetailsText(r: RunRecord): string {
  const lines = [`${runSubject(r)} — ${r.status}${r.statusDetail ? ` (${r.statusDetail})` : ''}`, `time: ${r.time}`];
  if (r.model) lines.push(`model: ${r.provider && r.provider !== 'flujo' ? `${r.provider}:${r.model}` : r.model}`);
  if (r.pipeline) lines.push(`pipeline: ${r.pipeline}`);
  if (r.promptFile) lines.push(`prompt: ${r.promptFile}`);
  const inTok = runInputTokens(r);
  if (inTok !== undefined && r.usage)
    lines.push(
      `tokens: ${GROUPED.format(inTok)} in (${GROUPED.format(r.usage.cachedInputTokens)} cached) → ${GROUPED.format(r.usage.outputTokens)} out`,
    );
  else if (r.totalTokens !== undefined) lines.push(`tokens: ${GROUPED.format(runTokens(r))}`);
  lines.push(`cost: ${r.costUsd !== undefined ? `$${r.costUsd}` : 'unknown'}`);
  if (r.estimate?.costUsd !== undefined)
    lines.push(
      `estimate: ${r.estimate.approximate ? '≈' : ''}$${r.estimate.costUsd}${formatDeltaPct(runDeltaPct(r)) ? ` (Δ ${formatDeltaPct(runDeltaPct(r))})` : ''}`,
    );
  if (r.latencyMs !== undefined) lines.push(`latency: ${formatDuration(r.latencyMs)}`);
  if (r.error) lines.push(`error: ${r.error.kind}: ${r.error.message}`);
  for (const s of r.steps ?? []) lines.push(`  step ${s.name}: ${stepDescription(s)}`);
  lines.push('', JSON.stringify(r, null, 2));
  return lines.join('\n');
}

export interface BudgetRowView {
  label: string;
  description: string;
  tooltip: string;
  icon: { id: string; color?: string };
}

/** One `[budgets]` row (per-run mode: the worst run against the limit, as Flujo enforces it per run). */
export function budgetRowView(b: BudgetRow): BudgetRowView {
  const limits = [
    b.limits.totalCostUsdLimit ? formatUsd(b.limits.totalCostUsdLimit) : '',
    b.limits.totalTokensLimit !== undefined ? `${tokenLimitText(b.limits.totalTokensLimit)} tokens` : '',
  ].filter(Boolean);
  const pct = budgetPercentText(b);
  const parts: string[] = [];
  if (b.runs === 0) parts.push('no runs');
  else {
    // Short enough for the default side bar width beside the budget's name; limits and totals: the tooltip.
    // The percentage of the closest limit when there is one, else the most expensive run.
    parts.push(pct || `max run ${formatUsd(b.maxRunUsd)}`);
  }
  const icon =
    b.status === 'over'
      ? { id: 'error', color: 'errorForeground' }
      : b.status === 'warning'
        ? { id: 'warning', color: 'editorWarning.foreground' }
        : { id: 'pass', color: 'testing.iconPassed' };
  const statusText =
    b.status === 'over'
      ? `${b.overRunIds.length} run(s) over the limit`
      : b.status === 'warning'
        ? `${b.warningRunIds.length} run(s) at 80 % or more of the limit`
        : 'within the limit';
  const tooltip = [
    `**${escapeMarkdown(b.source === 'default' ? '[budgets.default]' : `[budgets.pipeline."${b.key}"]`)}** — ${statusText}`,
    '',
    `Limits: ${limits.join(', ') || 'none'} per run (Flujo stops a run that exceeds them).`,
    `Pipelines and prompts: ${escapeMarkdown(b.pipelines.join(', ')) || '—'}`,
    `Runs: ${b.runs}, total $${b.spentUsd.toString()}, ${compactTokens(b.tokens)} tokens; most expensive run $${b.maxRunUsd.toString()} / ${compactTokens(b.maxRunTokens)} tokens.`,
  ].join('\n\n');
  return { label: b.source === 'default' ? 'default' : b.key, description: parts.join(' · '), tooltip, icon };
}
