// A realistic synthetic run ledger, to measure the learned estimate (`history accuracy`, the tests and
// bench/learned.mjs) on more runs than a real workspace has. How it is made (docs/user/learned-output.md):
// - prompts × models; each pair has a typical answer length drawn log-normally (median 250 tokens,
//   σ 0.8 across pairs) and its own spread σ ∈ [0.25, 0.65] (answer lengths are log-normal: heavy right tail);
// - drift: the typical length moves by a slow random walk in log space over the ledger's time, and each
//   prompt gets one edit at a random time that rescales its answers ×0.6–1.6 and its input size ×0.7–1.5;
// - reasoning models (o4-mini here) add hidden reasoning tokens, log-normal around 3× the answer,
//   reported as usage.reasoningTokens and billed in outputTokens, as OpenAI does;
// - the estimate recorded with each run is what was shown without history: the prompt's max_tokens
//   (a third of the prompts set one: 800 or 1,000) else 500.
// Deterministic for a seed (mulberry32), so the figures it yields are reproducible.
import type { RunRecord } from '../record';

export interface SyntheticOptions {
  runs: number;
  prompts?: number;
  models?: readonly string[];
  seed?: number;
  /** ms since epoch of the first run; runs are spread over `days`. */
  start?: number;
  days?: number;
}

export const SYNTHETIC_MODELS = ['openai:gpt-4o', 'openai:gpt-4o-mini', 'anthropic:claude-3-5-sonnet-latest', 'openai:o4-mini'] as const;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pair {
  prompt: number;
  model: string;
  logMedian: number;
  sigma: number;
  reasoning: boolean;
}

interface PromptInfo {
  file: string;
  inputTokens: number;
  maxTokens?: number;
  editAt: number;
  editFactor: number;
  editInput: number;
}

/** `runs` ledger records, oldest first. */
export function syntheticLedger(o: SyntheticOptions): RunRecord[] {
  const rnd = mulberry32(o.seed ?? 21);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const models = o.models ?? SYNTHETIC_MODELS;
  const nPrompts = o.prompts ?? 12;
  const start = o.start ?? Date.parse('2026-09-01T00:00:00Z');
  const span = (o.days ?? 60) * 86_400_000;
  const prompts: PromptInfo[] = Array.from({ length: nPrompts }, (_, i) => ({
    file: `prompts/p${String(i + 1).padStart(2, '0')}.prompt.md`,
    inputTokens: Math.round(100 + rnd() * 1900),
    maxTokens: i % 3 === 0 ? (i % 2 ? 800 : 1000) : undefined,
    editAt: start + rnd() * span,
    editFactor: 0.6 + rnd(),
    editInput: 0.7 + rnd() * 0.8,
  }));
  const pairs: Pair[] = prompts.flatMap((_, p) =>
    models.map((model) => ({
      prompt: p,
      model,
      logMedian: Math.log(250) + 0.8 * normal(),
      sigma: 0.25 + rnd() * 0.4,
      reasoning: /o4-mini|o3|o1/.test(model),
    })),
  );
  // A slow random walk per pair: one step per run of that pair, σ 0.03 in log space.
  const walk = new Map<Pair, number>();
  const records: RunRecord[] = [];
  for (let i = 0; i < o.runs; i++) {
    const time = start + Math.floor((i / o.runs) * span + rnd() * 60_000);
    const pair = pairs[Math.floor(rnd() * pairs.length)];
    const info = prompts[pair.prompt];
    const drift = (walk.get(pair) ?? 0) + 0.03 * normal();
    walk.set(pair, drift);
    const edited = time >= info.editAt;
    const typical = pair.logMedian + drift + (edited ? Math.log(info.editFactor) : 0);
    const visible = Math.max(1, Math.round(Math.exp(typical + pair.sigma * normal())));
    const reasoning = pair.reasoning ? Math.round(Math.exp(typical + Math.log(3) + 0.5 * normal())) : undefined;
    const input = Math.round(info.inputTokens * (edited ? info.editInput : 1));
    const [provider, model] = pair.model.split(':');
    records.push({
      v: 1,
      type: 'run',
      id: `syn-${i.toString(36).padStart(6, '0')}`,
      time: new Date(time).toISOString(),
      source: 'synthetic',
      status: 'ok',
      provider,
      model,
      promptFile: info.file,
      estimate: { inputTokens: input, outputTokens: info.maxTokens ?? 500, outputTokensSource: info.maxTokens ? 'file' : 'setting' },
      usage: {
        inputTokens: input,
        cachedInputTokens: 0,
        cacheWrite5mTokens: 0,
        cacheWrite1hTokens: 0,
        outputTokens: visible + (reasoning ?? 0),
        ...(reasoning !== undefined ? { reasoningTokens: reasoning } : {}),
      },
    });
  }
  return records;
}
