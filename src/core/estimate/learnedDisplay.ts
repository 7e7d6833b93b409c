// How learned output tokens read on every surface: the CodeLens's `+ 86 out (p50, 7 runs)`, the hover's
// table of typical (p50) and budget (p90) cost per model with reasoning on its own row, the status bar.
import { escapeMarkdown } from '../untrustedText';
import type { PriceCatalog } from '../pricing/catalog';
import { computeCost } from '../pricing/cost';
import type { Decimal } from '../pricing/decimal';
import { GROUPED, shortModel, shortUsd } from './display';
import { describeOutput, type ModelOutput } from './learnedOutput';

/** The cost of one request at the learned typical (p50) and budget (p90) output. */
export interface LearnedCost {
  p50Usd: Decimal;
  p90Usd: Decimal;
}

/** Input + learned p50 / p90 output for a model, exactly; undefined when unpriced or nothing learned. */
export function learnedCost(
  catalog: PriceCatalog,
  model: string,
  inputTokens: number,
  o: ModelOutput | undefined,
): LearnedCost | undefined {
  const l = o?.learned;
  if (!l) return undefined;
  const r = catalog.resolve(model);
  if (!r.ok) return undefined;
  try {
    return {
      p50Usd: computeCost(r.price, { inputTokens, outputTokens: l.p50 }).totalUsd,
      p90Usd: computeCost(r.price, { inputTokens, outputTokens: l.p90 }).totalUsd,
    };
  } catch {
    return undefined;
  }
}

/** What every surface says of output tokens when all of a prompt's models are embedding models (they return none). */
export const NO_OUTPUT_TOKENS = 'no output tokens (embedding models)';

/** `86 out (p50, 7 runs)`, `86 out (p50 of gpt-4o-mini, 7 runs)`, `500 … 100,000 out (reasoning, no runs yet)`, `300 out`. */
export function outputLensText(o: ModelOutput): string {
  const n = GROUPED.format(o.tokens);
  if (o.upTo !== undefined) return `${n} … ${GROUPED.format(o.upTo)} out (reasoning, no runs yet)`;
  if (o.source === 'history' && o.learned) {
    const l = o.learned;
    const of = l.borrowedFrom ? ` of ${shortModel(l.borrowedFrom)}` : '';
    return `${n} out (${o.choice}${of}, ${l.runs} run${l.runs === 1 ? '' : 's'})`;
  }
  return `${n} out`;
}

/** One sentence on where the output tokens come from (CodeLens tooltip, status bar tooltip). */
export function outputSourceSentence(o: ModelOutput): string {
  const n = GROUPED.format(o.tokens);
  const upTo =
    o.upTo !== undefined
      ? ` A reasoning model: its hidden reasoning is billed as output and may take it up to ${GROUPED.format(o.upTo)} tokens; run the prompt to learn its real length.`
      : '';
  return `${n} expected output tokens (${describeOutput(o)}).${upTo}`;
}

/**
 * The hover's learned-output table: per model with history, the typical (p50) and budget (p90) output
 * and request cost, reasoning tokens on their own row, how many runs and whose.
 */
export function learnedMarkdown(
  rows: readonly { model: string; output: ModelOutput | undefined; cost: LearnedCost | undefined; approximate: boolean }[],
  compact = false,
): string {
  if (compact) return learnedCompact(rows);
  const learned = rows.filter((r) => r.output?.learned);
  const ranged = rows.filter((r) => r.output?.upTo !== undefined);
  if (!learned.length && !ranged.length) return '';
  const lines: string[] = [];
  if (learned.length) {
    lines.push('| Learned from runs | Typical (p50) | Budget (p90) | Runs |', '|---|---:|---:|---|');
    for (const r of learned) {
      const l = r.output!.learned!;
      const name = escapeMarkdown(shortModel(r.model));
      const usd = (d: Decimal | undefined) => (d ? ` · ${shortUsd(d, r.approximate)}` : '');
      const whose = l.borrowedFrom ? `${l.runs} of ${escapeMarkdown(shortModel(l.borrowedFrom))} (none of its own)` : `${l.runs}`;
      lines.push(
        `| ${name} output | ${GROUPED.format(l.p50)} tok${usd(r.cost?.p50Usd)} | ${GROUPED.format(l.p90)} tok${usd(r.cost?.p90Usd)} | ${whose} |`,
      );
      if (l.reasoningP50 !== undefined)
        lines.push(
          `| ${name} of which reasoning | ${GROUPED.format(l.reasoningP50)} tok | ${GROUPED.format(l.reasoningP90 ?? l.reasoningP50)} tok | |`,
        );
    }
    lines.push(
      '',
      'Output tokens learned from this prompt’s recorded runs (recent runs weigh more); the estimate above uses the ' +
        (learned[0].output!.choice ?? 'p50') +
        ' figure.',
    );
  }
  for (const r of ranged)
    lines.push(
      '',
      `⚠ ${escapeMarkdown(shortModel(r.model))} is a reasoning model with no runs of this prompt: its output may reach ${GROUPED.format(r.output!.upTo!)} tokens (reasoning included), not the ${GROUPED.format(r.output!.tokens)} shown.`,
    );
  return lines.join('\n');
}

/**
 * The compact hover's learned output: one line for the first model with history (the status bar's; the table
 * above has every model's learned output in its Output column), p50 and p90 with their request cost, so the
 * hover keeps the budget figure and still fits without scrolling (issue 29 item 6).
 */
function learnedCompact(
  rows: readonly { model: string; output: ModelOutput | undefined; cost: LearnedCost | undefined; approximate: boolean }[],
): string {
  const lines: string[] = [];
  const r = rows.find((x) => x.output?.learned);
  const l = r?.output?.learned;
  if (r && l) {
    const name = escapeMarkdown(shortModel(r.model));
    const usd = (d: Decimal | undefined) => (d ? ` · ${shortUsd(d, r.approximate)}` : '');
    const whose = `${l.runs} run${l.runs === 1 ? '' : 's'}${l.borrowedFrom ? ` of ${escapeMarkdown(shortModel(l.borrowedFrom))}` : ''}`;
    // One line beside the explorer too (≈ 100 characters): "Learned from 6 runs · gpt-4o-mini: Typical (p50) …".
    lines.push(
      `Learned from ${whose} · ${name}: Typical (p50) ${GROUPED.format(l.p50)} tok${usd(r.cost?.p50Usd)}, Budget (p90) ${GROUPED.format(l.p90)} tok${usd(r.cost?.p90Usd)}`,
    );
  }
  for (const r of rows)
    if (r.output?.upTo !== undefined)
      lines.push(
        `⚠ ${escapeMarkdown(shortModel(r.model))}: reasoning model with no runs, output may reach ${GROUPED.format(r.output.upTo)} tokens`,
      );
  return lines.join('  \n');
}
