// features/history/viewModel: what the Runs and Budgets trees show (labels, totals, tooltips, budget rows).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { budgetsFromToml, summarizeBudgets } from '../../src/core/history/budgets';
import { groupRuns, totalsOf } from '../../src/core/history/group';
import { RunRecord } from '../../src/core/history/record';
import {
  budgetRowView,
  compactTokens,
  groupDescription,
  groupLabel,
  weekdayOf,
  mergeRuns,
  runDetailsText,
  runLabel,
  runDescription,
  runTooltipMarkdown,
  statusIcon,
  stepDescription,
} from '../../src/features/history/viewModel';

function run(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return { v: 1, type: 'run', id, time: '2025-01-02T10:00:00.000Z', source: 'vscode', status: 'ok', ...extra };
}

const usage = { inputTokens: 200, cachedInputTokens: 1000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 50 };

describe('history view model', () => {
  it('merges live Flujo runs over the ledger, hiding deleted ones', () => {
    const ledger = [run('a'), run('flujo:1', { status: 'running', pipeline: 'p' })];
    const live = [run('flujo:1', { status: 'ok', pipeline: 'p' }), run('flujo:2', { pipeline: 'p' }), run('flujo:3')];
    const merged = mergeRuns(ledger, (id) => id === 'flujo:3', live, 'f');
    assert.deepEqual(
      merged.map((v) => [v.run.id, v.run.status, v.origin]),
      [
        ['a', 'ok', 'ledger'],
        ['flujo:1', 'ok', 'flujo-db'],
        ['flujo:2', 'ok', 'flujo-db'],
      ],
    );
    // An identical live copy keeps the ledger origin (already imported).
    assert.equal(mergeRuns([run('flujo:9')], () => false, [run('flujo:9')], 'f')[0].origin, 'ledger');
  });

  it('describes groups with exact totals and Δ', () => {
    const runs = [
      run('a', { usage, costUsd: '0.0011', estimate: { inputTokens: 1200, costUsd: '0.001' } }),
      run('b', { status: 'error', usage, costUsd: '0.0000001' }),
    ];
    const t = totalsOf(runs);
    assert.equal(groupDescription(t), '$0.00110 · Δ +10.0 %');
    assert.equal(groupDescription(totalsOf([...runs, run('c', { costUsd: undefined })])), '≥ $0.00110 · Δ +10.0 %');
    assert.equal(compactTokens(12_345), '12.3k');
    assert.equal(compactTokens(2_000_000), '2.0M');
  });

  it('labels days relative to today and runs by time and subject', () => {
    const now = new Date(2025, 0, 3, 12);
    const [g] = groupRuns([run('a', { time: new Date(2025, 0, 2, 9, 5).toISOString() })], 'day');
    assert.equal(groupLabel(g, 'day', now), '2025-01-02 · yesterday');
    assert.equal(groupLabel(g, 'day', new Date(2025, 0, 9, 12)), '2025-01-02');
    assert.equal(weekdayOf('2025-01-02'), 'Thu');
    const r = run('a', { time: new Date(2025, 0, 2, 9, 5).toISOString(), promptFile: 'prompts/x.prompt.md', model: 'gpt-4o' });
    assert.equal(runLabel(r, 'day'), '09:05  x');
    assert.equal(runLabel(r, 'prompt'), '01-02 09:05');
    assert.equal(runLabel(r, 'model'), '01-02 09:05  x');
    assert.equal(runDescription({ ...r, costUsd: '0.1' }), '$0.10');
    assert.equal(runDescription({ ...r, status: 'error', costUsd: undefined }), 'error');
    // a team run (issue 26) names its member; a local run with a member set does not
    assert.equal(runDescription({ ...r, costUsd: '0.1', member: 'bob', origin: 'otlp-file:team.jsonl' }), '$0.10 · bob');
    assert.equal(runDescription({ ...r, costUsd: '0.1', member: 'me' }), '$0.10');
    assert.equal(runDescription({ ...r, costUsd: undefined }), 'cost unknown');
    assert.equal(statusIcon('error').id, 'error');
    assert.equal(
      stepDescription({ name: 's', tokens: 1200, costUsd: '0.2', latencyMs: 1250, success: false }),
      '1,200 tok · $0.20 · 1.3 s · failed',
    );
  });

  it('tooltip and details show buckets, estimate and error without escaping money wrongly', () => {
    const r = run('a', {
      model: 'gpt-4o',
      provider: 'openai',
      usage,
      costUsd: '0.0011',
      estimate: { inputTokens: 1200, costUsd: '0.001', outputTokens: 300 },
      latencyMs: 1234,
      error: undefined,
    });
    const md = runTooltipMarkdown({ run: r, folder: '', origin: 'ledger' });
    assert.match(md, /Cached input \| 1,000/);
    assert.match(md, /Actual vs estimate \| \+10\.0 %/);
    const text = runDetailsText(r);
    assert.match(text, /tokens: 1,200 in \(1,000 cached\) → 50 out/);
    assert.match(text, /cost: \$0\.0011/);
    assert.ok(text.includes('"id": "a"'));
  });

  it('budget rows: warning at 80 %, over above the limit, per run', () => {
    const { budgets } = budgetsFromToml({
      default: { total_cost_usd_limit: 5 },
      pipeline: { 'support-*': { total_cost_usd_limit: 1.5 }, nightly: { total_tokens_limit: 1000 } },
    });
    const runs = [
      run('1', { pipeline: 'support-a', costUsd: '1.2' }),
      run('2', { pipeline: 'support-b', costUsd: '0.1' }),
      run('3', { pipeline: 'nightly', totalTokens: 1500, costUsd: '0' }),
      run('4', { pipeline: 'other', costUsd: '1' }),
    ];
    const rows = summarizeBudgets(budgets, runs).map(budgetRowView);
    assert.deepEqual(
      rows.map((r) => [r.label, r.icon.id]),
      [
        ['support-*', 'warning'],
        ['nightly', 'error'],
        ['default', 'pass'],
      ],
    );
    assert.equal(rows[0].description, '80 %'); // the most expensive run, limits and totals in the tooltip
    assert.match(rows[0].tooltip, /Limits: \$1\.50 per run.*Runs: 2, total \$1\.3,/s);
    assert.match(rows[1].description, /150 %/);
  });
});
