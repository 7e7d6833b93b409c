// How a change is written: "+42 tokens · +$1.26/month vs HEAD" (lens, hover, view), the CLI table,
// the pull-request Markdown and the JSON document. Pure and light (no tokenizer behind it).
import { escapeMarkdown, markdownCode, markdownCodeCell } from '../untrustedText';
import { Decimal } from '../pricing/decimal';
import { GROUPED, shortModel, shortUsd } from '../estimate/display';
import { formatUsd } from '../format';
import type { ModelDelta, PromptChange } from './prompts';

const MINUS = '−';

export function signedTokens(n: number, approximate = false): string {
  const a = approximate ? '≈' : '';
  return n > 0 ? `+${a}${GROUPED.format(n)}` : n < 0 ? `${MINUS}${a}${GROUPED.format(-n)}` : `±${a}0`;
}

/** `+$1.26`, `−$0.0031`, `±$0` (display only: cents above a cent, 3 significant digits below). */
export function signedUsd(d: Decimal, approximate = false): string {
  if (d.isZero()) return '±$0';
  const sign = d.isNegative() ? MINUS : '+';
  return sign + shortUsd(d.isNegative() ? d.negate() : d, approximate);
}

/** "+42 tokens · +$1.26/month vs HEAD" for the change's primary model. */
export function deltaSummary(d: ModelDelta, baseLabel: string): string {
  const money = d.monthlyDelta ? ` · ${signedUsd(d.monthlyDelta, d.approximate)}/month` : '';
  return `${signedTokens(d.tokensDelta, d.approximate)} tokens${money} vs ${baseLabel}`;
}

export function statusWord(c: PromptChange): string {
  return c.status === 'renamed' ? `renamed from ${c.oldPath}` : c.status;
}

/** Where the prompt is: `prompts/a.prompty` or `src/agent.py:12` (1-based line). */
export function changeLocation(c: PromptChange): string {
  const side = c.after ?? c.before!;
  return c.kind === 'code' ? `${c.path}:${side.line + 1}` : c.path;
}

export function tokensCell(d: ModelDelta): string {
  const a = d.approximate ? '≈' : '';
  const b = d.tokensBefore === undefined ? '—' : a + GROUPED.format(d.tokensBefore);
  const x = d.tokensAfter === undefined ? '—' : a + GROUPED.format(d.tokensAfter);
  return `${b} → ${x}`;
}

/** A totals key (`openai:gpt-4o` or a switch `openai:gpt-4o-mini → openai:o1`) as shown. */
export function shortModels(key: string): string {
  return key.split(' → ').map(shortModel).join(' → ');
}

/** `gpt-4o-mini → o1` when the prompt's own model changed, else the model. */
export function modelCell(d: ModelDelta): string {
  return d.modelBefore ? `${shortModel(d.modelBefore)} → ${shortModel(d.model)}` : shortModel(d.model);
}

/** Expected output tokens before → after, and where the after figure comes from (`500 → 600 (file)`). */
export function outputCell(c: PromptChange): string {
  const b = c.before?.outputTokens;
  const a = c.after?.outputTokens;
  const f = (n?: number) => (n === undefined ? '—' : GROUPED.format(n));
  const src = (c.after ?? c.before)!.outputTokensSource;
  return `${b === a ? f(a) : `${f(b)} → ${f(a)}`} (${OUTPUT_SOURCE_SHORT[src]})`;
}

/** Where expected output tokens come from, in a table cell. */
export const OUTPUT_SOURCE_SHORT = { option: 'flag', history: 'learned', file: 'max_tokens', setting: 'default' } as const;

export function perRequestCell(d: ModelDelta): string {
  if (d.priceError) return 'no price';
  const a = d.approximate ? '≈' : '';
  const f = (v?: Decimal) => (v === undefined ? '—' : a + formatUsd(v));
  return `${f(d.perRequestBefore)} → ${f(d.perRequestAfter)}`;
}

/** The `--markdown` output: a short table for a pull-request comment or $GITHUB_STEP_SUMMARY, biggest first. */
export function diffMarkdown(
  changes: readonly PromptChange[],
  deltas: (c: PromptChange) => ModelDelta | undefined,
  totals: Map<string, { tokensDelta: number; monthlyDelta?: Decimal; approximate: boolean }>,
  options: { baseLabel: string; maxRows?: number; note?: string },
): string {
  const max = options.maxRows ?? 30;
  const lines = [`### Prompt cost changes vs ${markdownCode(options.baseLabel)}`, ''];
  if (options.note) lines.push(`> ${escapeMarkdown(options.note)}`, '');
  if (!changes.length) return lines.concat('No prompt changed.', '').join('\n');
  lines.push('| Prompt | Change | Model | Input tokens | Output tokens | Per request | Monthly Δ |', '|---|---|---|---:|---:|---:|---:|');
  for (const c of changes.slice(0, max)) {
    const d = deltas(c);
    if (!d) continue;
    const where = c.kind === 'code' ? `${markdownCodeCell(changeLocation(c))} ${escapeMarkdown(c.label)}` : markdownCodeCell(c.path);
    lines.push(
      `| ${where} | ${escapeMarkdown(statusWord(c))} | ${escapeMarkdown(modelCell(d))} | ${tokensCell(d)} (${signedTokens(d.tokensDelta, d.approximate)}) | ${outputCell(c)} | ${perRequestCell(d)} | ${d.monthlyDelta ? `**${signedUsd(d.monthlyDelta, d.approximate)}**` : '—'} |`,
    );
  }
  if (changes.length > max) lines.push('', `…and ${changes.length - max} more (run \`prompt-cost diff\` for all).`);
  const parts = [...totals].map(
    ([model, t]) =>
      `${escapeMarkdown(shortModels(model))} ${signedTokens(t.tokensDelta, t.approximate)} tokens${t.monthlyDelta ? ` · ${signedUsd(t.monthlyDelta, t.approximate)}/month` : ''}`,
  );
  lines.push('', `**Total** (${changes.length} prompt${changes.length === 1 ? '' : 's'}): ${parts.join('; ')}`, '');
  return lines.join('\n');
}

const money = (d?: Decimal) => (d === undefined ? null : d.toString());

/** The `--json` shape of one change (money as exact decimal strings, absent sides as null). */
export function changeToJson(c: PromptChange, all: ModelDelta[]) {
  return {
    path: c.path,
    oldPath: c.oldPath ?? null,
    kind: c.kind,
    status: c.status,
    label: c.label,
    line: c.after ? c.after.line + 1 : null,
    oldLine: c.before ? c.before.line + 1 : null,
    primaryModel: c.primaryModel,
    modelBefore: c.before?.primary ?? null,
    modelAfter: c.after?.primary ?? null,
    requestsPerDay: (c.after ?? c.before)!.requestsPerDay,
    outputTokens: (c.after ?? c.before)!.outputTokens,
    outputTokensBefore: c.before?.outputTokens ?? null,
    outputTokensAfter: c.after?.outputTokens ?? null,
    outputTokensSource: (c.after ?? c.before)!.outputTokensSource,
    models: all.map((d) => ({
      model: d.model,
      modelBefore: d.modelBefore ?? null,
      approximate: d.approximate,
      tokensBefore: d.tokensBefore ?? null,
      tokensAfter: d.tokensAfter ?? null,
      tokensDelta: d.tokensDelta,
      outputTokensBefore: d.outputTokensBefore ?? null,
      outputTokensAfter: d.outputTokensAfter ?? null,
      perRequestBeforeUsd: money(d.perRequestBefore),
      perRequestAfterUsd: money(d.perRequestAfter),
      perRequestDeltaUsd: money(d.perRequestDelta),
      monthlyBeforeUsd: money(d.monthlyBefore),
      monthlyAfterUsd: money(d.monthlyAfter),
      monthlyDeltaUsd: money(d.monthlyDelta),
      priceError: d.priceError ?? null,
    })),
  };
}
