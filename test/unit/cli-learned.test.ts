// CLI: output tokens learned from the ledger in `estimate` / `compare` (--output-tokens p50|p90|N, the
// JSON fields of the CLI contract in DESIGN.md) and `history accuracy [--json]`.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { RunRecord, serializeEntry } from '../../src/core/history';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';

function run(i: number, model: string, out: number, reasoning?: number): RunRecord {
  return {
    v: 1,
    type: 'run',
    id: `r${i}`,
    time: new Date(Date.parse('2026-11-01T00:00:00Z') + i * 3_600_000).toISOString(),
    source: 'cli',
    status: 'ok',
    provider: 'openai',
    model,
    promptFile: 'prompts/t.prompt.md',
    estimate: { inputTokens: 20, outputTokens: 300, outputTokensSource: 'file' },
    usage: {
      inputTokens: 20,
      cachedInputTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: out,
      ...(reasoning !== undefined ? { reasoningTokens: reasoning } : {}),
    },
  };
}

/** A workspace with a prompt (max_tokens 300) and a ledger: 4 gpt-4o-mini runs, 3 o4-mini runs with reasoning, one bad line. */
function workspace(): string {
  const ws = tempDir('pcl-cli-learned-');
  fs.mkdirSync(path.join(ws, 'prompts'));
  fs.writeFileSync(path.join(ws, 'prompts', 't.prompt.md'), '---\nmax_tokens: 300\n---\n# User\n\nClassify this ticket.\n');
  const lines = [
    run(1, 'gpt-4o-mini', 80),
    run(2, 'gpt-4o-mini', 120),
    run(3, 'gpt-4o-mini', 100),
    run(4, 'gpt-4o-mini', 90),
    run(5, 'o4-mini', 1100, 1000),
    run(6, 'o4-mini', 700, 600),
    run(7, 'o4-mini', 2100, 2000),
  ].map(serializeEntry);
  lines.splice(3, 0, '{"v":1,"type":"run","id":"bad"\n');
  fs.mkdirSync(path.join(ws, '.prompt-cost'));
  fs.writeFileSync(path.join(ws, '.prompt-cost', 'runs.jsonl'), lines.join(''));
  return ws;
}

describe('CLI: learned output tokens', () => {
  it('estimate --json: history wins over max_tokens, per model, with the contract fields; a bad ledger line is a warning', async () => {
    const ws = workspace();
    const t = fakeIO(ws);
    assert.equal(
      await main(['estimate', 'prompts/t.prompt.md', '--model', 'openai:gpt-4o-mini,openai:o4-mini,openai:gpt-4o', '--json'], t),
      0,
      t.err,
    );
    const j = JSON.parse(t.out);
    const row = (m: string) => j.estimates.find((r: { model: string }) => r.model === m);
    // gpt-4o-mini runs 80, 120, 100, 90 (newest last): p50 90, p90 120 (hand-computed as in learned-output.test.ts)
    assert.deepEqual(
      (({ outputTokens, outputTokensSource, outputTokensP50, outputTokensP90, historyRuns, reasoningTokensP50 }) => ({
        outputTokens,
        outputTokensSource,
        outputTokensP50,
        outputTokensP90,
        historyRuns,
        reasoningTokensP50,
      }))(row('openai:gpt-4o-mini')),
      {
        outputTokens: 90,
        outputTokensSource: 'history',
        outputTokensP50: 90,
        outputTokensP90: 120,
        historyRuns: 4,
        reasoningTokensP50: null,
      },
    );
    // o4-mini: reasoning 1000, 600, 2000 → p50 1000, p90 2000; output p50 1100
    assert.equal(row('openai:o4-mini').reasoningTokensP50, 1000);
    assert.equal(row('openai:o4-mini').reasoningTokensP90, 2000);
    assert.equal(row('openai:o4-mini').outputTokens, 1100);
    // gpt-4o has no runs: it borrows the answer length of the model with the most runs (gpt-4o-mini), marked
    assert.equal(row('openai:gpt-4o').outputTokensBorrowedFrom, 'openai:gpt-4o-mini');
    assert.equal(row('openai:gpt-4o').outputTokens, 90);
    assert.equal(j.prompts[0].outputTokensSource, 'history');
    assert.match(t.err, /runs\.jsonl: 1 line\(s\) skipped/);
  });

  it('--output-tokens p90 picks the budget number; N wins over history (source flag); a bad value is a usage error', async () => {
    const ws = workspace();
    let t = fakeIO(ws);
    assert.equal(
      await main(['estimate', 'prompts/t.prompt.md', '--model', 'openai:gpt-4o-mini', '--output-tokens', 'p90', '--json'], t),
      0,
    );
    assert.equal(JSON.parse(t.out).estimates[0].outputTokens, 120);
    t = fakeIO(ws);
    assert.equal(await main(['compare', 'prompts/t.prompt.md', '--models', 'openai:gpt-4o-mini', '--output-tokens', '42', '--json'], t), 0);
    const row = JSON.parse(t.out).rows[0];
    assert.equal(row.outputTokens, 42);
    assert.equal(row.outputTokensSource, 'flag');
    assert.equal(row.outputTokensP50, 90, 'the learned numbers are still reported beside the flag');
    t = fakeIO(ws);
    assert.equal(await main(['estimate', 'prompts/t.prompt.md', '--output-tokens', 'p75'], t), 2);
    assert.match(t.err, /--output-tokens must be p50, p90 or a whole number/);
  });

  it('a reasoning model without runs shows how far its output may go (the prompt max tokens caps it)', async () => {
    const ws = tempDir('pcl-cli-learned-none-');
    fs.writeFileSync(path.join(ws, 'q.txt'), 'Prove that there are infinitely many primes.');
    const t = fakeIO(ws);
    assert.equal(await main(['estimate', 'q.txt', '--model', 'openai:o3-mini', '--json'], t), 0);
    const row = JSON.parse(t.out).estimates[0];
    assert.equal(row.outputTokensSource, 'default');
    assert.equal(row.outputTokensUpTo, 100_000);
    assert.equal(row.historyRuns, 0);
  });

  it('history accuracy --json: the walk-forward figures per model', async () => {
    const ws = workspace();
    const t = fakeIO(ws);
    assert.equal(await main(['history', 'accuracy', '--json'], t), 0, t.err);
    const j = JSON.parse(t.out);
    // gpt-4o-mini's 4th run (90) against p50 100 / p90 120 of 80, 120, 100: error 11.1 %, covered; baseline |300−90|/90 = 233.3 %.
    assert.equal(j.runsEvaluated, 1);
    assert.equal(j.p50MedianAbsPctError, 11.1);
    assert.equal(j.p90Coverage, 100);
    assert.equal(j.baselineMedianAbsPctError, 233.3);
    assert.deepEqual(Object.keys(j.byModel), ['openai:gpt-4o-mini']);
    assert.equal(j.warnings.length, 1);
    const human = fakeIO(ws);
    assert.equal(await main(['history', 'accuracy'], human), 0);
    assert.match(human.out, /openai:gpt-4o-mini\s+1\s+11\.1 %\s+100 %\s+233\.3 %/);
    assert.equal(j.runsWithCost, 0, 'the ledger records no cost: no money figures');
    assert.doesNotMatch(human.out, /cost error/);
  });

  it('history accuracy: with costs in the ledger, the output error in money (catalog output price)', async () => {
    const ws = workspace();
    // Run 4 of gpt-4o-mini again, with the cost it was billed: 20 input × $0.15/M + 90 output × $0.60/M
    // (genai-prices gpt-4o-mini) = $0.000057. p50 100 is 10 tokens off: 10 × 0.0000006 / 0.000057 = 10.5 %;
    // the baseline 300 is 210 off: 210 × 0.0000006 / 0.000057 = 221.1 %.
    const ledger = path.join(ws, '.prompt-cost', 'runs.jsonl');
    fs.appendFileSync(ledger, serializeEntry({ ...run(4, 'gpt-4o-mini', 90), costUsd: '0.000057' }));
    const t = fakeIO(ws);
    assert.equal(await main(['history', 'accuracy', '--json'], t), 0, t.err);
    const j = JSON.parse(t.out);
    assert.equal(j.runsWithCost, 1);
    assert.equal(j.p50CostMedianAbsPctError, 10.5);
    assert.equal(j.baselineCostMedianAbsPctError, 221.1);
    const human = fakeIO(ws);
    assert.equal(await main(['history', 'accuracy'], human), 0);
    assert.match(human.out, /openai:gpt-4o-mini\s+1\s+11\.1 %\s+100 %\s+233\.3 %\s+10\.5 %\s+221\.1 %/);
    assert.match(human.out, /cost error: what the output-token error costs/);
  });
});

describe('CLI: diff and check price output with the learned numbers', () => {
  /** A repo with one prompt (gpt-4o, no max_tokens) whose runs answered 40–60 tokens, and one run of 2,000. */
  async function repoWithHistory() {
    const { gitRepo } = await import('../support/gitRepo');
    const repo = gitRepo('pcl-cli-learned-diff-');
    repo.write('prompts/s.prompt.md', '---\nmodel: openai:gpt-4o\n---\n# User\n\nSay hi.\n');
    repo.commit('init');
    const outs = [40, 50, 60, 45, 55, 50, 48, 52, 47, 2000];
    const lines = outs.map((o, i) => serializeEntry({ ...run(i, 'gpt-4o', o), promptFile: 'prompts/s.prompt.md', estimate: undefined }));
    fs.mkdirSync(path.join(repo.dir, '.prompt-cost'));
    fs.writeFileSync(path.join(repo.dir, '.prompt-cost', 'runs.jsonl'), lines.join(''));
    return repo;
  }

  it('check: a cost budget is measured at the p90 output (the tail run counts), --output-tokens p50 at the typical one', async () => {
    const repo = await repoWithHistory();
    // gpt-4o $2.50 / $10 per 1M: p50 ≈ 50 output tokens → ~$0.0005 + input; p90 = 2,000 tokens → $0.02.
    repo.write('prompts/s.prompt.md', '---\nmodel: openai:gpt-4o\nbudget:\n  max_cost_per_request: 0.005\n---\n# User\n\nSay hi.\n');
    let t = fakeIO(repo.dir);
    assert.equal(await main(['check', '--models', 'openai:gpt-4o', '--strict-budgets'], t), 1, t.out + t.err);
    assert.match(t.out + t.err, /max_cost_per_request/);
    t = fakeIO(repo.dir);
    assert.equal(await main(['check', '--models', 'openai:gpt-4o', '--strict-budgets', '--output-tokens', 'p50'], t), 0, t.out + t.err);
  });

  it('diff --json: each side priced with the learned p50 output', async () => {
    const repo = await repoWithHistory();
    repo.write('prompts/s.prompt.md', '---\nmodel: openai:gpt-4o\n---\n# User\n\nSay hi, and say it kindly.\n');
    const t = fakeIO(repo.dir);
    assert.equal(await main(['diff', '--json', '--models', 'openai:gpt-4o'], t), 0, t.err);
    const change = JSON.parse(t.out).changes[0];
    assert.equal(change.outputTokens, 50, JSON.stringify(change).slice(0, 400));
  });
});
