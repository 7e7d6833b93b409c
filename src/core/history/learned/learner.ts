// Learns output and reasoning tokens per prompt identity and model from the run ledger, incrementally:
// apply() the entries as they are appended (a later version of a run replaces it, delete/restore hide
// and show it), snapshot() recomputes only the series that changed. Plain data in and out, so it runs
// in a worker (learnWorker.ts) and in the CLI alike.
import type { LedgerEntry, RunRecord } from '../record';
import { parseModelId } from '../../pricing/model-id';
import { promptKey } from './promptKey';
import { LearnedStats, MAX_SAMPLES, OutputSample, compareSamples, summarizeSamples } from './stats';

export { promptKey } from './promptKey';

/** `openai:gpt-4o` for a run recorded as provider `openai`, model `gpt-4o` (or `openai:gpt-4o`). */
export function runModelId(r: Pick<RunRecord, 'provider' | 'model'>): string | undefined {
  if (!r.model) return undefined;
  const id = r.model.includes(':') || !r.provider ? r.model : `${r.provider}:${r.model}`;
  let canonical = MODEL_IDS.get(id);
  if (canonical === undefined) {
    // A ledger names few models many times: parse each spelling once (bounded, so a hostile ledger cannot grow it).
    canonical = parseModelId(id).id;
    if (MODEL_IDS.size < 10_000) MODEL_IDS.set(id, canonical);
  }
  return canonical;
}

const MODEL_IDS = new Map<string, string>();

/** The series a run feeds and its sample; undefined for a run that says nothing about output length. */
export function sampleOf(r: RunRecord): { prompt: string; model: string; sample: OutputSample } | undefined {
  // Failed or cancelled runs stopped early: their partial output would pull the estimate down.
  if (r.status !== 'ok' || !r.usage || !r.promptFile) return undefined;
  const model = runModelId(r);
  const time = Date.parse(r.time);
  if (!model || !Number.isFinite(time)) return undefined;
  const u = r.usage;
  const sample: OutputSample = {
    id: r.id,
    time,
    outputTokens: u.outputTokens,
    inputTokens: u.inputTokens + u.cachedInputTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens,
  };
  if (u.reasoningTokens !== undefined) sample.reasoningTokens = Math.min(u.reasoningTokens, u.outputTokens);
  return { prompt: promptKey(r.promptFile, r.promptName), model, sample };
}

/** One learned series as it crosses to the editor: plain data. */
export interface LearnedEntry {
  prompt: string;
  model: string;
  stats: LearnedStats;
}

const SEP = '\u0000';

export class OutputLearner {
  /** Run id → the series it is in (a later version of the run may move it). */
  private readonly seriesOfRun = new Map<string, string>();
  private readonly series = new Map<string, Map<string, OutputSample>>();
  private readonly deleted = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly stats = new Map<string, LearnedEntry>();

  apply(entries: Iterable<LedgerEntry>): void {
    for (const e of entries) {
      if (e.type === 'run') this.applyRun(e);
      else if (e.type === 'delete' || e.type === 'restore') {
        if (e.type === 'delete') this.deleted.add(e.target);
        else this.deleted.delete(e.target);
        const key = this.seriesOfRun.get(e.target);
        if (key) this.dirty.add(key);
      }
    }
  }

  private applyRun(r: RunRecord): void {
    const before = this.seriesOfRun.get(r.id);
    if (before) {
      this.series.get(before)?.delete(r.id);
      this.seriesOfRun.delete(r.id);
      this.dirty.add(before);
    }
    const s = sampleOf(r);
    if (!s) return;
    const key = s.prompt + SEP + s.model;
    let m = this.series.get(key);
    if (!m) this.series.set(key, (m = new Map()));
    m.set(r.id, s.sample);
    this.seriesOfRun.set(r.id, key);
    this.dirty.add(key);
  }

  /** Every series' statistics; recomputes only those whose runs changed since the last call. */
  snapshot(): LearnedEntry[] {
    for (const key of this.dirty) {
      const samples = [...(this.series.get(key)?.values() ?? [])].filter((s) => !this.deleted.has(s.id)).sort(compareSamples);
      const stats = summarizeSamples(samples.slice(-MAX_SAMPLES));
      const [prompt, model] = key.split(SEP);
      if (stats) this.stats.set(key, { prompt, model, stats });
      else this.stats.delete(key);
    }
    this.dirty.clear();
    return [...this.stats.values()];
  }

  /** Series changed since the last snapshot (the worker only posts when there are some). */
  get pending(): number {
    return this.dirty.size;
  }
}

/** Learns from a whole ledger at once (the CLI). */
export function learnFromRuns(runs: Iterable<RunRecord>): LearnedEntry[] {
  const l = new OutputLearner();
  l.apply(runs);
  return l.snapshot();
}
