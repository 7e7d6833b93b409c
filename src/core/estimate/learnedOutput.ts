// Output tokens per model for one prompt, with where they came from: expectedOutputTokens
// (outputTokens.ts, the one precedence) fed with what was learned from this prompt's runs on this
// model — the user's number (CLI `--output-tokens N`, the panel, a set `promptCost.expectedOutputTokens`)
// > learned history (p50 by default, p90 for budgets; ≥ 3 runs, or another model's runs of the same
// prompt, marked as borrowed) > the prompt's max tokens > the setting's default / 500.
// A reasoning model without its own history gets no pretend point: the point is kept for sorting, and
// the estimate says the output may reach the model's limit (or the prompt's max tokens, which caps
// reasoning + answer on OpenAI's reasoning models).
import type { LearnedChoice, LearnedOutput } from '../history/learned/lookup';
import { reasoningModelLimit } from '../history/learned/reasoningModels';
import { expectedOutputTokens, type OutputTokensSource } from './outputTokens';

export interface ModelOutput {
  tokens: number;
  source: OutputTokensSource;
  /** The learned numbers (also when a user's number won: shown beside it). */
  learned?: LearnedOutput;
  /** Which learned number `tokens` is, when source is history. */
  choice?: LearnedChoice;
  /** A reasoning model without history: the output may reach this many tokens. */
  upTo?: number;
}

export interface OutputPlan {
  /** A number the user chose (flag, panel, a set `promptCost.expectedOutputTokens`). */
  option?: number;
  fileMaxTokens?: number;
  /** The configured expectation, else the default (500). */
  fallback: number;
  learned?: { lookup: (model: string) => LearnedOutput | undefined; choice: LearnedChoice };
}

export function modelOutput(model: string, plan: OutputPlan): ModelOutput {
  const learned = plan.learned?.lookup(model);
  const choice = plan.learned?.choice ?? 'p50';
  const { tokens, source } = expectedOutputTokens({
    option: plan.option,
    history: learned?.[choice],
    fileMaxTokens: plan.fileMaxTokens,
    setting: plan.fallback,
  });
  const out: ModelOutput = { tokens, source };
  if (learned) out.learned = learned;
  if (source === 'history') out.choice = choice;
  // Own runs of a reasoning model say how long it thinks; borrowed ones (the answer alone) do not.
  const limit = reasoningModelLimit(model);
  const knowsReasoning = learned !== undefined && learned.borrowedFrom === undefined;
  if (limit !== undefined && !knowsReasoning && source !== 'option') {
    const cap = plan.fileMaxTokens !== undefined ? Math.min(plan.fileMaxTokens, limit) : limit;
    if (cap > tokens) out.upTo = cap;
  }
  return out;
}

/**
 * The CLI contract's names (DESIGN.md `outputTokensSource`: flag, setting, history, file, default).
 * `estimate` and `compare` have no configured expectation, so their fallback is the default;
 * `configured` says the fallback was a configured value (prompt-cost.json `output_tokens`).
 */
export function outputSourceName(source: OutputTokensSource, configured = false): 'flag' | 'setting' | 'history' | 'file' | 'default' {
  return source === 'option' ? 'flag' : source === 'setting' ? (configured ? 'setting' : 'default') : source;
}

/** How the source reads in a hover or the CLI's table. */
export function describeOutput(o: ModelOutput): string {
  switch (o.source) {
    case 'option':
      return 'your number';
    case 'history': {
      const l = o.learned!;
      const of = l.borrowedFrom ? ` of ${l.borrowedFrom} (no runs of its own yet)` : '';
      return `${o.choice}${of} of ${l.runs} run${l.runs === 1 ? '' : 's'}`;
    }
    case 'file':
      return "the prompt's max tokens";
    case 'setting':
      return 'default';
  }
}
