// How many output tokens a request with this prompt is expected to produce, and where that number
// came from. The one answer for the editor, `estimate`, `compare`, `diff` and `check`, so a prompt is
// never priced with one output figure here and another there.
// Precedence, first that is set wins:
//   1. the user's explicit choice (CLI `--output-tokens`, the comparison panel's field)
//   2. learned history of this prompt (issue 21: plugs in as `history`)
//   3. the prompt's own max tokens (front matter `max_tokens` and its aliases, a call's `max_tokens`)
//   4. the configured expectation (prompt-cost.json `output_tokens`, `promptCost.expectedOutputTokens`)
//   5. DEFAULT_EXPECTED_OUTPUT_TOKENS (500)
import { DEFAULT_EXPECTED_OUTPUT_TOKENS } from './defaults';

/** `option`: chosen by the user; `history`: learned from runs; `file`: the prompt's max tokens; `setting`: configured or the default. */
export type OutputTokensSource = 'option' | 'history' | 'file' | 'setting';

export interface OutputTokensInputs {
  /** The user's explicit choice (flag, panel). */
  option?: number;
  /** Learned from this prompt's run history (issue 21). */
  history?: number;
  /** The prompt's own max tokens. */
  fileMaxTokens?: number;
  /** The configured expectation; DEFAULT_EXPECTED_OUTPUT_TOKENS when unset. */
  setting?: number;
}

export interface ExpectedOutputTokens {
  tokens: number;
  source: OutputTokensSource;
}

/** The expected output tokens of one request (see the precedence above). */
export function expectedOutputTokens(i: OutputTokensInputs): ExpectedOutputTokens {
  if (i.option !== undefined) return { tokens: i.option, source: 'option' };
  if (i.history !== undefined) return { tokens: i.history, source: 'history' };
  if (i.fileMaxTokens !== undefined) return { tokens: i.fileMaxTokens, source: 'file' };
  return { tokens: i.setting ?? DEFAULT_EXPECTED_OUTPUT_TOKENS, source: 'setting' };
}
