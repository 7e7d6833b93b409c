// Robust statistics of one prompt's output lengths on one model: recency-weighted median (p50) and
// p90. Output lengths are heavy-tailed (a few answers run 5–10× the typical one), so no means.
//
// Weights (docs/user/learned-output.md):
// - recency: the k-th newest run weighs 0.5^(k / RECENCY_HALF_LIFE_RUNS) — the latest 30 runs count as
//   much as all older ones together, so the estimate follows a prompt that drifts;
// - similarity: a run whose input size differs from the newest run's by more than 20 % (the prompt
//   changed a lot since) weighs min/max of the two sizes (a prompt grown to twice the size: ½), never
//   less than MIN_SIMILARITY_WEIGHT. Ordinary edits keep full weight.

/** The k-th newest run's recency weight is 0.5^(k / this). */
export const RECENCY_HALF_LIFE_RUNS = 30;
/** Input sizes within this ratio of the newest run's count as the same prompt. */
export const SAME_PROMPT_RATIO = 0.8;
export const MIN_SIMILARITY_WEIGHT = 0.1;
/** A learned number replaces the default only when it rests on at least this many runs. */
export const MIN_RUNS = 3;
/** Per prompt and model only the newest runs are kept: older ones weigh < 0.5^33 anyway. */
export const MAX_SAMPLES = 1000;

/** One finished run of one prompt on one model. */
export interface OutputSample {
  /** Ledger run id (ties in time are ordered by it, so the order of lines never matters). */
  id: string;
  /** ms since epoch. */
  time: number;
  /** Billed output tokens (reasoning included, as the providers bill it). */
  outputTokens: number;
  /** Hidden reasoning tokens within outputTokens; undefined when the provider did not say. */
  reasoningTokens?: number;
  /** All input tokens of the run (cached and cache writes included); undefined when unknown. */
  inputTokens?: number;
}

export interface LearnedStats {
  outputP50: number;
  outputP90: number;
  /** The answer alone (output minus reasoning): what another model may borrow. */
  visibleP50: number;
  visibleP90: number;
  /** Over the runs that reported reasoning tokens; undefined when none did. */
  reasoningP50?: number;
  reasoningP90?: number;
  /** Runs the numbers rest on. */
  runs: number;
  /** ISO 8601 of the first and the last run. */
  firstRun: string;
  lastRun: string;
}

/** Oldest first; ties in time by id. */
export function compareSamples(a: OutputSample, b: OutputSample): number {
  return a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The weighted q-quantile: the smallest value whose cumulative weight (values ascending) reaches
 * q × the total weight. With equal weights and n values this is the ⌈q·n⌉-th smallest value (the
 * lower median for even n). Always one of the values: never an interpolated token count.
 */
export function weightedQuantile(values: readonly number[], weights: readonly number[], q: number): number {
  if (!values.length) throw new RangeError('weightedQuantile of no values');
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const total = weights.reduce((s, w) => s + w, 0);
  // A relative epsilon keeps sums of equal weights from missing the target by a rounding error.
  const target = q * total * (1 - 1e-12);
  let cum = 0;
  for (const i of order) {
    cum += weights[i];
    if (cum >= target) return values[i];
  }
  return values[order[order.length - 1]];
}

const RECENCY = Array.from({ length: MAX_SAMPLES }, (_, age) => Math.pow(0.5, age / RECENCY_HALF_LIFE_RUNS));

/** The weight of the run `age` runs older than the newest (0 for the newest itself). */
export function recencyWeight(age: number): number {
  return RECENCY[age] ?? Math.pow(0.5, age / RECENCY_HALF_LIFE_RUNS);
}

/** Recency × similarity weight of each sample (samples oldest first). */
export function sampleWeights(samples: readonly OutputSample[]): number[] {
  const newest = samples[samples.length - 1]?.inputTokens;
  return samples.map((s, i) => {
    const age = samples.length - 1 - i;
    return recencyWeight(age) * similarityWeight(s.inputTokens, newest);
  });
}

/** 1 for the same prompt give or take ordinary edits; min/max of the sizes for a prompt that changed a lot. */
export function similarityWeight(input: number | undefined, newest: number | undefined): number {
  if (input === undefined || newest === undefined) return 1;
  const hi = Math.max(input, newest);
  if (hi === 0) return 1;
  const ratio = Math.min(input, newest) / hi;
  return ratio >= SAME_PROMPT_RATIO ? 1 : Math.max(MIN_SIMILARITY_WEIGHT, ratio);
}

/** p50/p90 of the samples (sorted oldest first, see compareSamples); undefined for none. */
export function summarizeSamples(samples: readonly OutputSample[]): LearnedStats | undefined {
  if (!samples.length) return undefined;
  const weights = sampleWeights(samples);
  const outputs = samples.map((s) => s.outputTokens);
  const visible = samples.map((s) => s.outputTokens - (s.reasoningTokens ?? 0));
  const stats: LearnedStats = {
    outputP50: weightedQuantile(outputs, weights, 0.5),
    outputP90: weightedQuantile(outputs, weights, 0.9),
    visibleP50: weightedQuantile(visible, weights, 0.5),
    visibleP90: weightedQuantile(visible, weights, 0.9),
    runs: samples.length,
    firstRun: new Date(samples[0].time).toISOString(),
    lastRun: new Date(samples[samples.length - 1].time).toISOString(),
  };
  const withReasoning = samples.map((s, i) => [s.reasoningTokens, weights[i]] as const).filter(([r]) => r !== undefined);
  if (withReasoning.length) {
    const values = withReasoning.map(([r]) => r as number);
    const w = withReasoning.map(([, x]) => x);
    stats.reasoningP50 = weightedQuantile(values, w, 0.5);
    stats.reasoningP90 = weightedQuantile(values, w, 0.9);
  }
  return stats;
}
