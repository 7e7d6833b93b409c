// Output tokens per model for one prompt, with where they came from. Precedence (docs/user/learned-output.md):
//   1. the user's explicit number: CLI `--output-tokens N`, the panel's field, a set `promptCost.expectedOutputTokens`
//   2. learned from this prompt's runs on this model (p50 by default, p90 for budgets; ≥ 3 runs,
//      or another model's runs of the same prompt, marked as borrowed)
//   3. the prompt's own max tokens
//   4. the default (500)
// A reasoning model without history gets no pretend point: the point is kept for sorting, and the
// estimate says the output may reach the model's limit (or the prompt's max tokens, which caps
// reasoning + answer on OpenAI's reasoning models).
import type { LearnedChoice, LearnedOutput } from '../history/learned/lookup';
import { reasoningModelLimit } from '../history/learned/reasoningModels';

/** `option`: a number the user chose (flag, panel); `setting`: `promptCost.expectedOutputTokens` set by the user;
 * `history`: learned; `file`: the prompt's max tokens; `default`: 500 (or the setting's default value). */
export type ModelOutputSource = 'option' | 'setting' | 'history' | 'file' | 'default';

export interface ModelOutput {
  tokens: number;
  source: ModelOutputSource;
  /** The learned numbers (also when a user's number won: shown beside it). */
  learned?: LearnedOutput;
  /** Which learned number `tokens` is, when source is history. */
  choice?: LearnedChoice;
  /** A reasoning model without history: the output may reach this many tokens. */
  upTo?: number;
}

export interface OutputPlan {
  /** A number the user chose for this request (flag, panel). */
  option?: number;
  /** `promptCost.expectedOutputTokens` when the user set it. */
  setting?: number;
  fileMaxTokens?: number;
  /** The last fallback (`promptCost.expectedOutputTokens`'s default, the CLI's 500). */
  fallback: number;
  learned?: { lookup: (model: string) => LearnedOutput | undefined; choice: LearnedChoice };
}

export function modelOutput(model: string, plan: OutputPlan): ModelOutput {
  const learned = plan.learned?.lookup(model);
  const base = ((): ModelOutput => {
    if (plan.option !== undefined) return { tokens: plan.option, source: 'option' };
    if (plan.setting !== undefined) return { tokens: plan.setting, source: 'setting' };
    if (learned && plan.learned) return { tokens: learned[plan.learned.choice], source: 'history', choice: plan.learned.choice };
    if (plan.fileMaxTokens !== undefined) return { tokens: plan.fileMaxTokens, source: 'file' };
    return { tokens: plan.fallback, source: 'default' };
  })();
  if (learned) base.learned = learned;
  // Own runs of a reasoning model say how long it thinks; borrowed ones (the answer alone) do not.
  const limit = reasoningModelLimit(model);
  const knowsReasoning = learned !== undefined && learned.borrowedFrom === undefined;
  if (limit !== undefined && !knowsReasoning && base.source !== 'option' && base.source !== 'setting') {
    const cap = plan.fileMaxTokens !== undefined ? Math.min(plan.fileMaxTokens, limit) : limit;
    if (cap > base.tokens) base.upTo = cap;
  }
  return base;
}

/** The CLI contract's names (docs/dev: `outputTokensSource`): flag, setting, history, file, default. */
export function outputSourceName(source: ModelOutputSource): 'flag' | 'setting' | 'history' | 'file' | 'default' {
  return source === 'option' ? 'flag' : source;
}

/** How the source reads in a hover or the CLI's table. */
export function describeOutput(o: ModelOutput): string {
  switch (o.source) {
    case 'option':
      return 'your number';
    case 'setting':
      return 'promptCost.expectedOutputTokens';
    case 'history': {
      const l = o.learned!;
      const of = l.borrowedFrom ? ` of ${l.borrowedFrom} (no runs of its own yet)` : '';
      return `${o.choice}${of} of ${l.runs} run${l.runs === 1 ? '' : 's'}`;
    }
    case 'file':
      return "the prompt's max tokens";
    case 'default':
      return 'default';
  }
}
