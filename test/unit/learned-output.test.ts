// core/history/learned: output tokens learned from the run ledger — statistics pinned on small
// hand-computed ledgers, property-tested (order of runs, ties, one run, all equal, huge values), the
// incremental learner against a from-scratch one, the walk-forward backtest, and the synthetic ledger's bar.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { RunRecord, serializeEntry, readLedger, LedgerEntry } from '../../src/core/history';
import { summarizeSamples, weightedQuantile, OutputSample, compareSamples, MIN_RUNS } from '../../src/core/history/learned/stats';
import { OutputLearner, learnFromRuns, promptKey, runModelId } from '../../src/core/history/learned/learner';
import { LearnedIndex, learnedLabel } from '../../src/core/history/learned/lookup';
import { backtestOutputEstimates } from '../../src/core/history/learned/accuracy';
import { syntheticLedger } from '../../src/core/history/learned/synthetic';
import { reasoningModelLimit } from '../../src/core/history/learned/reasoningModels';

const T0 = Date.parse('2026-11-01T00:00:00Z');

function run(i: number, out: number, extra: Partial<RunRecord> = {}, input = 100): RunRecord {
  return {
    v: 1,
    type: 'run',
    id: `r${String(i).padStart(4, '0')}`,
    time: new Date(T0 + i * 60_000).toISOString(),
    source: 'vscode',
    status: 'ok',
    provider: 'openai',
    model: 'gpt-4o',
    promptFile: 'prompts/a.prompt.md',
    usage: { inputTokens: input, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: out },
    ...extra,
  };
}

const sample = (i: number, out: number, input = 100, reasoning?: number): OutputSample => ({
  id: `s${String(i).padStart(4, '0')}`,
  time: T0 + i,
  outputTokens: out,
  inputTokens: input,
  ...(reasoning !== undefined ? { reasoningTokens: reasoning } : {}),
});

describe('learned output: statistics on hand-computed ledgers', () => {
  it('three runs 100, 300, 200 (newest last): weights 0.5^(2/30), 0.5^(1/30), 1 → p50 200, p90 300', () => {
    // total 0.9548 + 0.9772 + 1 = 2.932; sorted 100 (0.955), 200 (1), 300 (0.977):
    // p50 target 1.466 is reached at 200 (cum 1.955); p90 target 2.639 only at 300 (cum 2.932).
    const s = summarizeSamples([sample(0, 100), sample(1, 300), sample(2, 200)])!;
    assert.equal(s.outputP50, 200);
    assert.equal(s.outputP90, 300);
    assert.equal(s.runs, 3);
  });

  it('recency: 30 old runs of 1000 then 30 new of 100 — the newest 30 weigh 2/3, so p50 follows them, p90 keeps the old tail', () => {
    const samples = [
      ...Array.from({ length: 30 }, (_, i) => sample(i, 1000)),
      ...Array.from({ length: 30 }, (_, i) => sample(30 + i, 100)),
    ];
    const s = summarizeSamples(samples)!;
    assert.equal(s.outputP50, 100);
    assert.equal(s.outputP90, 1000);
  });

  it('a prompt that changed a lot: runs at ¼ of the newest input size weigh ¼ — one new run outweighs three old ones', () => {
    // old weights 0.25 × (0.933, 0.955, 0.977) = 0.716 < newest 1: p50 target 0.858 is reached at 10.
    const s = summarizeSamples([sample(0, 1000, 100), sample(1, 1000, 100), sample(2, 1000, 100), sample(3, 10, 400)])!;
    assert.equal(s.outputP50, 10);
    // the same runs with ordinary edits (input within 20 %) keep full weight: 3 of 4 are 1000.
    const same = summarizeSamples([sample(0, 1000, 100), sample(1, 1000, 110), sample(2, 1000, 95), sample(3, 10, 100)])!;
    assert.equal(same.outputP50, 1000);
  });

  it('reasoning tokens: their own series over the runs that reported them; visible = output − reasoning', () => {
    const s = summarizeSamples([sample(0, 1200, 100, 1000), sample(1, 900, 100, 800), sample(2, 500, 100), sample(3, 1500, 100, 1300)])!;
    // reasoning 1000, 800, 1300 (ages 3,1,0 → weights 0.933, 0.977, 1): sorted 800, 1000, 1300, p50 target 1.455 → 1000
    assert.equal(s.reasoningP50, 1000);
    assert.equal(s.reasoningP90, 1300);
    // visible 200, 100, 500, 200 → sorted 100 (0.977), 200 (0.933 + 1), 500 (0.955): p50 target 1.933 → 200
    assert.equal(s.visibleP50, 200);
    assert.equal(s.outputP50, 1200);
  });

  it('weightedQuantile with equal weights is the ⌈q·n⌉-th smallest value', () => {
    assert.equal(weightedQuantile([5, 1, 4, 2, 3], [1, 1, 1, 1, 1], 0.5), 3);
    assert.equal(weightedQuantile([1, 2, 3, 4], [1, 1, 1, 1], 0.5), 2);
    assert.equal(weightedQuantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], Array(10).fill(1), 0.9), 9);
    assert.throws(() => weightedQuantile([], [], 0.5), RangeError);
  });
});

describe('learned output: properties', () => {
  const outputs = fc.array(fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constant(Number.MAX_SAFE_INTEGER)), {
    minLength: 1,
    maxLength: 80,
  });

  it('the result is one of the runs, p50 ≤ p90, and does not depend on the order of the ledger lines', () => {
    fc.assert(
      fc.property(outputs, fc.integer(), (outs, seed) => {
        const runs = outs.map((o, i) => run(i, o));
        const shuffled = [...runs].sort((a, b) => ((a.id.charCodeAt(4) * 7919 + seed) % 13) - ((b.id.charCodeAt(4) * 7919 + seed) % 13));
        const a = learnFromRuns(runs);
        const b = learnFromRuns(shuffled);
        assert.deepEqual(a, b);
        const s = a[0].stats;
        assert.ok(outs.includes(s.outputP50) && outs.includes(s.outputP90));
        assert.ok(s.outputP50 <= s.outputP90);
        assert.equal(s.runs, outs.length);
      }),
      { numRuns: 200 },
    );
  });

  it('one run, all equal, ties in time: the value itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: 50 }), (v, n) => {
        const sameTime = Array.from({ length: n }, (_, i) => ({ ...run(i, v), time: new Date(T0).toISOString() }));
        const s = learnFromRuns(sameTime)[0].stats;
        assert.equal(s.outputP50, v);
        assert.equal(s.outputP90, v);
      }),
    );
  });

  it('the backtest estimate for each run equals summarizeSamples of the earlier runs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 50, max: 400 })), { minLength: 4, maxLength: 40 }),
        (xs) => {
          const runs = xs.map(([o, inp], i) => run(i, o, { estimate: { inputTokens: inp, outputTokens: 500 } }, inp));
          const report = backtestOutputEstimates(runs);
          // recompute the coverage by brute force
          let covered = 0;
          for (let i = MIN_RUNS; i < xs.length; i++) {
            const prior = xs.slice(0, i).map(([o, inp], j) => sample(j, o, inp));
            const s = summarizeSamples(prior.sort(compareSamples))!;
            if (xs[i][0] <= s.outputP90) covered++;
          }
          assert.equal(report.runsEvaluated, xs.length - MIN_RUNS);
          assert.equal(report.p90Coverage, Math.round((covered / (xs.length - MIN_RUNS)) * 1000) / 10);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('learned output: the learner', () => {
  it('identity: the workspace-relative file (+ #name), model as provider:model', () => {
    assert.equal(promptKey('.\\prompts\\a.md'), 'prompts/a.md');
    assert.equal(promptKey('src/app.py', 'system_prompt'), 'src/app.py#system_prompt');
    assert.equal(runModelId({ provider: 'openai', model: 'gpt-4o' }), 'openai:gpt-4o');
    assert.equal(runModelId({ provider: 'openai', model: 'openai:gpt-4o' }), 'openai:gpt-4o');
  });

  it('only finished runs with usage count; a later version of a run replaces it; delete and restore hide and show it', () => {
    const l = new OutputLearner();
    l.apply([
      run(0, 100),
      run(1, 200),
      run(2, 300),
      run(3, 9999, { status: 'error' }),
      run(4, 9999, { status: 'cancelled' }),
      run(5, 9999, { usage: undefined }),
    ]);
    assert.equal(l.snapshot()[0].stats.runs, 3);
    l.apply([run(1, 250)]);
    assert.equal(l.snapshot()[0].stats.outputP50, 250);
    const del: LedgerEntry = { v: 1, type: 'delete', id: 'd1', time: new Date().toISOString(), target: 'r0002' };
    l.apply([del]);
    assert.equal(l.snapshot()[0].stats.runs, 2);
    l.apply([{ ...del, type: 'restore', id: 'd2' }]);
    assert.equal(l.snapshot()[0].stats.runs, 3);
    assert.equal(l.pending, 0);
  });

  it('incremental appends give what a from-scratch read gives', () => {
    const runs = syntheticLedger({ runs: 600, prompts: 4, seed: 5 });
    const l = new OutputLearner();
    for (let i = 0; i < runs.length; i += 97) {
      l.apply(runs.slice(i, i + 97));
      l.snapshot();
    }
    const byKey = (xs: ReturnType<typeof learnFromRuns>) => [...xs].sort((a, b) => (a.prompt + a.model < b.prompt + b.model ? -1 : 1));
    assert.deepEqual(byKey(l.snapshot()), byKey(learnFromRuns(runs)));
  });

  it('a bad ledger line never stops learning: the lines around it are learned', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-learned-'));
    const file = path.join(dir, 'runs.jsonl');
    const lines = [
      serializeEntry(run(0, 100)),
      '{not json\n',
      serializeEntry(run(1, 120)),
      '{"v":1,"type":"run","id":"x","time":"t","status":"ok","usage":{"outputTokens":"12"}}\n',
      serializeEntry(run(2, 140)),
    ];
    fs.writeFileSync(file, lines.join(''));
    const read = await readLedger(file);
    assert.equal(read.corrupt.length, 2);
    const s = learnFromRuns(read.runs)[0].stats;
    assert.equal(s.runs, 3);
    assert.equal(s.outputP50, 120);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('learned output: lookup', () => {
  it('needs MIN_RUNS own runs; below that borrows the answer length of the model with most runs, marked', () => {
    const runs = [
      ...[100, 120, 110, 130].map((o, i) =>
        run(i, o + 1000, {
          model: 'o4-mini',
          usage: {
            inputTokens: 100,
            cachedInputTokens: 0,
            cacheWrite5mTokens: 0,
            cacheWrite1hTokens: 0,
            outputTokens: o + 1000,
            reasoningTokens: 1000,
          },
        }),
      ),
      run(10, 50, { model: 'gpt-4o-mini' }),
      run(11, 60, { model: 'gpt-4o-mini' }),
    ];
    const index = new LearnedIndex(learnFromRuns(runs));
    const own = index.lookup('prompts/a.prompt.md', 'openai:o4-mini')!;
    assert.equal(own.reasoningP50, 1000);
    assert.equal(own.borrowedFrom, undefined);
    const borrowed = index.lookup('prompts/a.prompt.md', 'openai:gpt-4o-mini')!;
    assert.equal(borrowed.borrowedFrom, 'openai:o4-mini');
    assert.equal(borrowed.p50, 120); // the answer alone, not the reasoning
    assert.equal(borrowed.reasoningP50, undefined);
    assert.equal(learnedLabel(borrowed, 'p50'), 'p50 of o4-mini, 4 runs');
    assert.equal(index.lookup('prompts/other.md', 'openai:gpt-4o'), undefined);
  });

  it('reasoning models and their output limits (OpenAI model pages)', () => {
    assert.equal(reasoningModelLimit('openai:o4-mini'), 100_000);
    assert.equal(reasoningModelLimit('o1-mini-2024-09-12'), 65_536);
    assert.equal(reasoningModelLimit('openai:gpt-5.1'), 128_000);
    assert.equal(reasoningModelLimit('openai:gpt-5-chat-latest'), undefined);
    assert.equal(reasoningModelLimit('openai:gpt-4o'), undefined);
    assert.equal(reasoningModelLimit('openai:o1x'), undefined);
  });
});

describe('learned output: walk-forward backtest', () => {
  it('pinned on a five-run ledger', () => {
    // runs 4 and 5 are evaluated (3 earlier runs each): run 4 — p50 100, p90 100, actual 200 → error 50 %, not covered;
    // run 5 — earlier 100,100,100,200 (weights 0.933, 0.955, 0.977, 1): p50 100, p90 200, actual 100 → 0 %, covered.
    // baseline 500: |500−200|/200 = 150 %, |500−100|/100 = 400 %.
    const runs = [100, 100, 100, 200, 100].map((o, i) => run(i, o, { estimate: { inputTokens: 100, outputTokens: 500 } }));
    const r = backtestOutputEstimates(runs);
    assert.equal(r.runsEvaluated, 2);
    assert.equal(r.p50MedianAbsPctError, 25);
    assert.equal(r.p90Coverage, 50);
    assert.equal(r.baselineMedianAbsPctError, 275);
    assert.deepEqual(Object.keys(r.byModel), ['openai:gpt-4o']);
    assert.equal(r.runsWarmingUp, 3);
  });

  it("the same errors in money: the output-token error as a share of the run's actual cost", () => {
    // gpt-4o at $2.50 / $10 per 1M (genai-prices): 100 input tokens cost $0.00025, each output token $0.00001.
    // run 4: actual 200 out, cost $0.00225; p50 100 → 100 × 0.00001 / 0.00225 = 44.4 %; baseline 500 → 133.3 %.
    // run 5: actual 100 out, cost $0.00125; p50 100 → 0 %; baseline 500 → 400 × 0.00001 / 0.00125 = 320 %.
    const cost = (o: number) => String((100 * 2.5 + o * 10) / 1e6);
    const runs = [100, 100, 100, 200, 100].map((o, i) =>
      run(i, o, { estimate: { inputTokens: 100, outputTokens: 500 }, costUsd: cost(o) }),
    );
    const prices = new Map([['openai:gpt-4o', 10 / 1e6]]);
    const r = backtestOutputEstimates(runs, (model) => prices.get(model));
    assert.equal(r.runsWithCost, 2);
    assert.equal(r.p50CostMedianAbsPctError, 22.2);
    assert.equal(r.baselineCostMedianAbsPctError, 226.7);
    assert.equal(r.byModel['openai:gpt-4o'].p50CostMedianAbsPctError, 22.2);
    // Unpriced model, a run without cost, a free run: no money figures, the token figures unchanged.
    const none = backtestOutputEstimates(runs, () => undefined);
    assert.deepEqual([none.runsWithCost, none.p50CostMedianAbsPctError, none.p50MedianAbsPctError], [0, null, 25]);
    const free = backtestOutputEstimates(
      runs.map((x) => ({ ...x, costUsd: '0' })),
      (model) => prices.get(model),
    );
    assert.equal(free.runsWithCost, 0);
    assert.equal(backtestOutputEstimates(runs).p50CostMedianAbsPctError, undefined, 'no price function: no money fields');
  });

  it('a learned estimate recorded with a run is no baseline: the baseline is then 500', () => {
    const runs = [100, 100, 100, 100].map((o, i) =>
      run(i, o, { estimate: { inputTokens: 100, outputTokens: 100, outputTokensSource: 'history' } }),
    );
    assert.equal(backtestOutputEstimates(runs).baselineMedianAbsPctError, 400);
  });

  it('the synthetic ledger (log-normal per prompt, drift, edits, four models): p90 coverage 85–95 %, p50 error well under the baseline', () => {
    const r = backtestOutputEstimates(syntheticLedger({ runs: 5000 }));
    assert.ok(r.p90Coverage! >= 85 && r.p90Coverage! <= 95, `coverage ${r.p90Coverage}`);
    assert.ok(r.p50MedianAbsPctError! < r.baselineMedianAbsPctError! / 2, `${r.p50MedianAbsPctError} vs ${r.baselineMedianAbsPctError}`);
    for (const [model, f] of Object.entries(r.byModel))
      assert.ok(f.p90Coverage! >= 80 && f.p90Coverage! <= 97, `${model} ${f.p90Coverage}`);
  });
});
