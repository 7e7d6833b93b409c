// `prompt-cost history accuracy`: a walk-forward backtest of the learned output estimate. Runs are
// replayed in time order; for each run the estimate that would have been shown just before it —
// from earlier runs of the same prompt on the same model only — is set against its actual output
// tokens. The baseline is what was shown without history: the output tokens recorded with the run's
// estimate (the prompt's max tokens, else the setting) or, when the run recorded none, 500.
// With an output price per model, the same errors are also given in money: what the output-token error
// costs as a share of the run's actual bill (input is counted exactly, so only output is wrong).
import type { RunRecord } from '../record';
import { sampleOf } from './learner';
import { MAX_SAMPLES, MIN_RUNS, OutputSample, compareSamples, recencyWeight, similarityWeight } from './stats';

export const BASELINE_OUTPUT_TOKENS = 500;

export interface AccuracyFigures {
  runsEvaluated: number;
  /** Median of |p50 estimate − actual| / actual, in percent (one decimal); null when no run was evaluated. */
  p50MedianAbsPctError: number | null;
  /** Share of runs whose actual output was at or under the p90 estimate, in percent (one decimal). */
  p90Coverage: number | null;
  /** The same error for the estimate shown without history. */
  baselineMedianAbsPctError: number | null;
  /** Runs evaluated that had an actual cost and a known output price (the cost errors rest on them). */
  runsWithCost?: number;
  /** Median of |p50 − actual output| × output price / actual cost, in percent; null without priced runs. */
  p50CostMedianAbsPctError?: number | null;
  /** The same money error for the estimate shown without history. */
  baselineCostMedianAbsPctError?: number | null;
}

/** USD per output token of a model for a request of `inputTokens` (tiered prices), if known. */
export type OutputPrice = (model: string, inputTokens: number) => number | undefined;

export interface AccuracyReport extends AccuracyFigures {
  /** Runs with usage, a prompt file and a model (what can be learned from). */
  runsWithUsage: number;
  /** Runs not evaluated because their prompt had fewer than MIN_RUNS earlier runs on that model. */
  runsWarmingUp: number;
  byModel: Record<string, AccuracyFigures>;
}

/** One series replayed: samples in time order, and their indexes sorted by output (for O(n) quantiles). */
class Series {
  readonly samples: OutputSample[] = [];
  private byValue: number[] = [];
  private start = 0;

  /** p50 and p90 of the samples so far, weighted exactly as summarizeSamples weighs them. */
  quantiles(): [number, number] {
    const last = this.samples.length - 1;
    const newest = this.samples[last].inputTokens;
    const order = this.byValue;
    const weights = new Float64Array(order.length);
    let total = 0;
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      const input = this.samples[i].inputTokens;
      const w = recencyWeight(last - i) * (input === newest ? 1 : similarityWeight(input, newest));
      weights[k] = w;
      total += w;
    }
    const out: [number, number] = [0, 0];
    for (let j = 0; j < 2; j++) {
      const target = (j ? 0.9 : 0.5) * total * (1 - 1e-12);
      let cum = 0;
      let k = 0;
      while (k < weights.length - 1 && (cum += weights[k]) < target) k++;
      out[j] = this.samples[order[k]].outputTokens;
    }
    return out;
  }

  get size(): number {
    return this.samples.length - this.start;
  }

  add(s: OutputSample): void {
    const idx = this.samples.push(s) - 1;
    // insertion into the value order (binary search on output tokens)
    let lo = 0;
    let hi = this.byValue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.samples[this.byValue[mid]].outputTokens <= s.outputTokens) lo = mid + 1;
      else hi = mid;
    }
    this.byValue.splice(lo, 0, idx);
    if (this.size > MAX_SAMPLES) {
      const drop = this.start++;
      this.byValue = this.byValue.filter((i) => i !== drop);
    }
  }
}

interface Outcome {
  model: string;
  p50Error: number;
  covered: boolean;
  baselineError: number;
  /** Set when the run's cost and the output price are known. */
  cost?: { p50Error: number; baselineError: number };
}

const pctError = (estimate: number, actual: number) => (Math.abs(estimate - actual) / Math.max(actual, 1)) * 100;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const oneDecimal = (x: number) => Math.round(x * 10) / 10;

function figures(outcomes: readonly Outcome[], withCost: boolean): AccuracyFigures {
  const priced = outcomes.flatMap((o) => (o.cost ? [o.cost] : []));
  const money = withCost
    ? {
        runsWithCost: priced.length,
        p50CostMedianAbsPctError: priced.length ? oneDecimal(median(priced.map((c) => c.p50Error))) : null,
        baselineCostMedianAbsPctError: priced.length ? oneDecimal(median(priced.map((c) => c.baselineError))) : null,
      }
    : {};
  if (!outcomes.length)
    return { runsEvaluated: 0, p50MedianAbsPctError: null, p90Coverage: null, baselineMedianAbsPctError: null, ...money };
  return {
    runsEvaluated: outcomes.length,
    p50MedianAbsPctError: oneDecimal(median(outcomes.map((o) => o.p50Error))),
    p90Coverage: oneDecimal((outcomes.filter((o) => o.covered).length / outcomes.length) * 100),
    baselineMedianAbsPctError: oneDecimal(median(outcomes.map((o) => o.baselineError))),
    ...money,
  };
}

/** The output-token errors in money, as a share of the run's actual cost (undefined when either is unknown). */
function costErrors(r: RunRecord, model: string, s: OutputSample, p50: number, baseline: number, price: OutputPrice | undefined) {
  const actualCost = r.costUsd === undefined ? NaN : Number(r.costUsd);
  if (!price || !(actualCost > 0)) return undefined;
  const perToken = price(model, s.inputTokens ?? 0);
  if (perToken === undefined) return undefined;
  const share = (tokens: number) => ((Math.abs(tokens - s.outputTokens) * perToken) / actualCost) * 100;
  return { p50Error: share(p50), baselineError: share(baseline) };
}

/** The estimate shown without history for this run: what it recorded, unless that was itself learned. */
function baselineOf(r: RunRecord): number {
  const e = r.estimate;
  if (e?.outputTokens !== undefined && e.outputTokensSource !== 'history') return e.outputTokens;
  return BASELINE_OUTPUT_TOKENS;
}

/** Walk-forward backtest over visible runs (any order: they are replayed by time, ties by id). */
export function backtestOutputEstimates(runs: Iterable<RunRecord>, outputPrice?: OutputPrice): AccuracyReport {
  const items: { run: RunRecord; sample: OutputSample; key: string; model: string; baseline: number }[] = [];
  for (const r of runs) {
    const s = sampleOf(r);
    if (s) items.push({ run: r, sample: s.sample, key: `${s.prompt}\u0000${s.model}`, model: s.model, baseline: baselineOf(r) });
  }
  items.sort((a, b) => compareSamples(a.sample, b.sample));
  const series = new Map<string, Series>();
  const outcomes: Outcome[] = [];
  for (const it of items) {
    let s = series.get(it.key);
    if (!s) series.set(it.key, (s = new Series()));
    if (s.size >= MIN_RUNS) {
      const [p50, p90] = s.quantiles();
      const actual = it.sample.outputTokens;
      const cost = costErrors(it.run, it.model, it.sample, p50, it.baseline, outputPrice);
      outcomes.push({
        model: it.model,
        p50Error: pctError(p50, actual),
        covered: actual <= p90,
        baselineError: pctError(it.baseline, actual),
        ...(cost ? { cost } : {}),
      });
    }
    s.add(it.sample);
  }
  const models = [...new Set(outcomes.map((o) => o.model))].sort();
  const withCost = outputPrice !== undefined;
  return {
    ...figures(outcomes, withCost),
    runsWithUsage: items.length,
    runsWarmingUp: items.length - outcomes.length,
    byModel: Object.fromEntries(
      models.map((m) => [
        m,
        figures(
          outcomes.filter((o) => o.model === m),
          withCost,
        ),
      ]),
    ),
  };
}
