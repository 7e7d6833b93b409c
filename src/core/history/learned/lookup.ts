// The learned numbers of one prompt on one model, as an estimate uses them: its own runs when it has
// at least MIN_RUNS, else (marked) the answer length of the same prompt on the model it ran most on.
import { LearnedEntry } from './learner';
import { MIN_RUNS } from './stats';

export interface LearnedOutput {
  /** Output tokens (reasoning included, as billed): typical (p50) and budget (p90). */
  p50: number;
  p90: number;
  /** Hidden reasoning tokens within the output; undefined when the runs did not report them. */
  reasoningP50?: number;
  reasoningP90?: number;
  /** Runs the numbers rest on. */
  runs: number;
  lastRun: string;
  /** Set when the numbers are another model's runs of this prompt (the answer only, no reasoning). */
  borrowedFrom?: string;
}

/** Which learned number an estimate uses: the typical answer, or the one 9 in 10 answers stay under. */
export type LearnedChoice = 'p50' | 'p90';

export class LearnedIndex {
  private readonly byPrompt = new Map<string, Map<string, LearnedEntry>>();

  constructor(entries: readonly LearnedEntry[] = []) {
    for (const e of entries) {
      let m = this.byPrompt.get(e.prompt);
      if (!m) this.byPrompt.set(e.prompt, (m = new Map()));
      m.set(e.model, e);
    }
  }

  get size(): number {
    return this.byPrompt.size;
  }

  /** The learned output of `prompt` on `model` (canonical `provider:model`), or undefined below MIN_RUNS runs. */
  lookup(prompt: string, model: string): LearnedOutput | undefined {
    const models = this.byPrompt.get(prompt);
    if (!models) return undefined;
    const own = models.get(model);
    if (own && own.stats.runs >= MIN_RUNS) {
      const s = own.stats;
      return {
        p50: s.outputP50,
        p90: s.outputP90,
        ...(s.reasoningP50 !== undefined ? { reasoningP50: s.reasoningP50, reasoningP90: s.reasoningP90 } : {}),
        runs: s.runs,
        lastRun: s.lastRun,
      };
    }
    // Another model's answers to the same prompt: their length without reasoning (a reasoning model's
    // hidden tokens say nothing about another model's), from the model with the most runs.
    let best: LearnedEntry | undefined;
    for (const e of models.values())
      if (
        e.model !== model &&
        e.stats.runs >= MIN_RUNS &&
        (!best || e.stats.runs > best.stats.runs || (e.stats.runs === best.stats.runs && e.model < best.model))
      )
        best = e;
    if (!best) return undefined;
    return {
      p50: best.stats.visibleP50,
      p90: best.stats.visibleP90,
      runs: best.stats.runs,
      lastRun: best.stats.lastRun,
      borrowedFrom: best.model,
    };
  }
}

/** `86 out (p50, 7 runs)` — what the CodeLens and the status bar append; `(p50 of gpt-4o, 7 runs)` when borrowed. */
export function learnedLabel(l: LearnedOutput, choice: LearnedChoice): string {
  const of = l.borrowedFrom ? ` of ${l.borrowedFrom.replace(/^[^:]*:/, '')}` : '';
  return `${choice}${of}, ${l.runs} run${l.runs === 1 ? '' : 's'}`;
}
