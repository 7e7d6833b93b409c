// core/history: budgets (Flujo semantics), grouping, totals and CSV export.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Decimal } from '../../src/core/pricing/decimal';
import { budgetsFromToml, checkLimits, fnmatchCase, resolveBudget, summarizeBudgets, BudgetConfig } from '../../src/core/history/budgets';
import { filterRuns, formatDeltaPct, groupRuns, runDeltaPct, runsToCsv, totalsOf, describeRun } from '../../src/core/history/group';
import { RunRecord } from '../../src/core/history/record';

const D = Decimal.parse;

function run(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return { v: 1, type: 'run', id, time: '2025-01-02T10:00:00.000Z', source: 'vscode', status: 'ok', ...extra };
}

describe('budgets', () => {
  it('fnmatchCase behaves like Python fnmatch.fnmatchcase', () => {
    assert.ok(fnmatchCase('team-a', 'team-*'));
    assert.ok(!fnmatchCase('Team-a', 'team-*'));
    assert.ok(fnmatchCase('a.b', 'a.b'));
    assert.ok(!fnmatchCase('axb', 'a.b'));
    assert.ok(fnmatchCase('x1', 'x[0-9]'));
    assert.ok(!fnmatchCase('x1', 'x[!0-9]'));
    assert.ok(fnmatchCase('x/y', 'x*'));
    assert.ok(fnmatchCase('a[', 'a['));
    // A pattern without metacharacters matches exactly itself (regex specials are literal).
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const pa = a.replace(/[*?[]/g, '');
        return fnmatchCase(pa, pa) && (pa === b || !fnmatchCase(b, pa));
      }),
    );
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => fnmatchCase(a.replace(/[*?[]/g, '') + b, `${a.replace(/[*?[]/g, '')}*`)));
  });

  it('resolution: exact key, then first glob in file order, then default', () => {
    const b: BudgetConfig = {
      default: { totalCostUsdLimit: D('10') },
      pipeline: {
        'team-*': { totalCostUsdLimit: D('5') },
        'team-a*': { totalCostUsdLimit: D('1') },
        'team-analytics': { totalTokensLimit: 100 },
      },
    };
    assert.deepEqual(resolveBudget(b, 'team-analytics').pattern, 'team-analytics');
    assert.deepEqual(resolveBudget(b, 'team-abc').pattern, 'team-*'); // first match wins, not the most specific
    assert.equal(resolveBudget(b, 'other').source, 'default');
    assert.equal(resolveBudget({ pipeline: {} }, 'x').source, 'none');
  });

  it('status: ok < 80 %, warning from 80 % to the limit, over above it (exact money)', () => {
    const lim = { totalCostUsdLimit: D('0.1') };
    assert.equal(checkLimits(D('0.0799999'), 0, lim).status, 'ok');
    assert.equal(checkLimits(D('0.08'), 0, lim).status, 'warning');
    assert.equal(checkLimits(D('0.1'), 0, lim).status, 'warning');
    assert.equal(checkLimits(D('0.1000001'), 0, lim).status, 'over');
    assert.equal(checkLimits(D('0'), 0, { totalCostUsdLimit: D('0') }).status, 'ok');
    assert.equal(checkLimits(D('0'), 80, { totalTokensLimit: 100 }).status, 'warning');
    assert.equal(checkLimits(D('0'), 101, { totalTokensLimit: 100 }).status, 'over');
  });

  it('summaries per run (Flujo semantics) and cumulative', () => {
    const b: BudgetConfig = {
      default: { totalCostUsdLimit: D('1') },
      pipeline: { 'team-*': { totalCostUsdLimit: D('0.5'), totalTokensLimit: 1000 } },
    };
    const runs = [
      run('r1', { pipeline: 'team-a', costUsd: '0.3', totalTokens: 100 }),
      run('r2', { pipeline: 'team-b', costUsd: '0.45', totalTokens: 100 }),
      run('r3', { pipeline: 'misc', costUsd: '0.1' }),
      run('r4', { model: 'gpt-4o', promptFile: 'prompts/a.md', costUsd: '0.85' }), // recorded by the extension: [budgets.default] (issue 13, edge 7)
    ];
    const [team, def] = summarizeBudgets(b, runs);
    assert.equal(team.key, 'team-*');
    assert.equal(team.spentUsd.toString(), '0.75');
    assert.equal(team.status, 'warning'); // worst run 0.45 ≥ 80 % of 0.5
    assert.equal(team.worstRunId, 'r2');
    assert.deepEqual(team.pipelines, ['team-a', 'team-b']);
    assert.equal(def.status, 'warning'); // r4 0.85 ≥ 80 % of 1
    assert.equal(def.runs, 2);
    assert.deepEqual(def.pipelines, ['misc', 'prompts/a.md']);
    assert.equal(summarizeBudgets({ pipeline: b.pipeline }, [runs[3]])[0].runs, 0); // no default: editor runs are under no budget
    const cum = summarizeBudgets(b, runs, { mode: 'cumulative' });
    assert.equal(cum[0].status, 'over'); // 0.75 > 0.5
  });

  it('budgetsFromToml reads [budgets] and reports bad values', () => {
    const { budgets, problems } = budgetsFromToml({
      default: { total_cost_usd_limit: 10.0, total_tokens_limit: 100000 },
      pipeline: { analytics: { total_tokens_limit: 200000 }, 'team-*': { total_cost_usd_limit: 0.1 }, bad: { total_cost_usd_limit: -1 } },
    });
    assert.equal(budgets.default!.totalCostUsdLimit!.toString(), '10');
    assert.equal(budgets.pipeline['team-*'].totalCostUsdLimit!.toString(), '0.1');
    assert.deepEqual(Object.keys(budgets.pipeline), ['analytics', 'team-*', 'bad']);
    assert.equal(problems.length, 1);
  });
});

describe('grouping, totals, CSV', () => {
  const usage = { inputTokens: 200, cachedInputTokens: 1000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 50 };
  const runs = [
    run('a', {
      time: '2025-01-02T10:00:00.000Z',
      model: 'gpt-4o',
      provider: 'openai',
      promptFile: 'p/a.md',
      usage,
      costUsd: '0.1',
      estimate: { inputTokens: 1200, costUsd: '0.08' },
      latencyMs: 1000,
    }),
    run('b', {
      time: '2025-01-02T12:00:00.000Z',
      model: 'gpt-4o',
      provider: 'openai',
      promptFile: 'p/b.md',
      usage,
      costUsd: '0.2',
      estimate: { inputTokens: 1200, costUsd: '0.2' },
      latencyMs: 3000,
    }),
    run('c', {
      time: '2025-01-03T09:00:00.000Z',
      model: 'claude-3-5-haiku',
      provider: 'anthropic',
      promptFile: 'p/a.md',
      status: 'error',
      error: { kind: 'auth', message: 'rejected' },
    }),
    run('f', {
      time: '2025-01-01T09:00:00.000Z',
      source: 'flujo',
      provider: 'flujo',
      pipeline: 'team-a',
      costUsd: '0.000001',
      totalTokens: 7,
    }),
  ];

  it('by day: newest day first, exact totals, Δ % over comparable runs', () => {
    const g = groupRuns(runs, 'day', { timeZone: 'UTC' });
    assert.deepEqual(
      g.map((x) => x.key),
      ['2025-01-03', '2025-01-02', '2025-01-01'],
    );
    const jan2 = g[1];
    assert.deepEqual(
      jan2.runs.map((r) => r.id),
      ['b', 'a'],
    );
    assert.equal(jan2.totals.costUsd.toString(), '0.3');
    assert.equal(jan2.totals.estimateUsd.toString(), '0.28');
    assert.ok(Math.abs(jan2.totals.deltaPct! - 7.142857) < 1e-4);
    assert.equal(jan2.totals.inputTokens, 2400);
    assert.equal(jan2.totals.avgLatencyMs, 2000);
    assert.equal(g[0].totals.failed, 1);
  });

  it('by model and by prompt; money sums stay exact', () => {
    const m = groupRuns(runs, 'model');
    assert.deepEqual(
      m.map((x) => x.key),
      ['openai:gpt-4o', 'flujo pipeline', 'anthropic:claude-3-5-haiku'],
    );
    const p = groupRuns(runs, 'prompt');
    assert.equal(p.find((x) => x.key === 'p/a.md')!.runs.length, 2);
    const many = Array.from({ length: 10 }, (_, i) => run(`x${i}`, { costUsd: '0.1' }));
    assert.equal(totalsOf(many).costUsd.toString(), '1');
  });

  it('Δ % per run and its display', () => {
    assert.equal(runDeltaPct(runs[0]), 25);
    assert.equal(formatDeltaPct(25), '+25.0 %');
    assert.equal(formatDeltaPct(-3), '−3.0 %');
    assert.equal(formatDeltaPct(0.01), '±0 %');
    assert.equal(runDeltaPct(runs[2]), undefined);
    assert.equal(describeRun(runs[0]), '$0.10 · Δ +25.0 % · gpt-4o · 1,200→50 tok · 1.0 s');
  });

  it('filter by text, status and time', () => {
    assert.deepEqual(
      filterRuns(runs, { text: 'CLAUDE' }).map((r) => r.id),
      ['c'],
    );
    assert.deepEqual(
      filterRuns(runs, { status: ['error'] }).map((r) => r.id),
      ['c'],
    );
    assert.deepEqual(
      filterRuns(runs, { since: '2025-01-02T11:00:00Z' }).map((r) => r.id),
      ['b', 'c'],
    );
    assert.deepEqual(
      filterRuns(runs, { text: 'team-a' }).map((r) => r.id),
      ['f'],
    );
  });

  it('CSV: header, quoting, exact money, formula injection neutralised', () => {
    const csv = runsToCsv([...runs, run('q', { model: '=HYPERLINK("x")', error: { kind: 'x', message: 'a,b "c"\nd' } })]);
    const lines = csv.split('\r\n');
    assert.ok(lines[0].startsWith('id,time,source,status,'));
    assert.equal(lines.length, 7); // header + 5 rows + trailing empty
    assert.ok(lines[4].includes(',0.000001,'));
    assert.ok(csv.includes(`"'=HYPERLINK(""x"")"`));
    assert.ok(csv.includes('"a,b ""c""\nd"'));
    assert.ok(lines[1].includes(',25.00,'));
  });
});
