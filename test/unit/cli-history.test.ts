import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { appendRun } from '../../src/core/history/ledger';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';
import { openSqliteDb } from '../support/flujoFixture';

function workspace(): string {
  return tempDir('pcl-cli-history-');
}

async function seed(ws: string): Promise<void> {
  const ledger = path.join(ws, '.prompt-cost', 'runs.jsonl');
  await appendRun(ledger, {
    v: 1,
    type: 'run',
    id: 'r1',
    time: '2025-01-02T10:00:00.000Z',
    source: 'vscode',
    status: 'ok',
    provider: 'openai',
    model: 'gpt-4o-mini',
    promptFile: 'prompts/a.md',
    usage: { inputTokens: 200, cachedInputTokens: 1000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 50 },
    costUsd: '0.0000015',
    estimate: { inputTokens: 1200, costUsd: '0.000002' },
  });
  await appendRun(ledger, {
    v: 1,
    type: 'run',
    id: 'flujo:x',
    time: '2025-01-01T00:00:00.000Z',
    source: 'flujo',
    status: 'ok',
    pipeline: 'team-a',
    costUsd: '0.6',
    totalTokens: 10,
  });
}

describe('prompt-cost history', () => {
  it('list on an empty workspace', async () => {
    const t = fakeIO(workspace());
    assert.equal(await main(['history'], t), 0);
    assert.match(t.out, /No runs recorded/);
  });

  it('list --json: one document, money as exact strings, finds .prompt-cost upward', async () => {
    const ws = workspace();
    await seed(ws);
    const sub = path.join(ws, 'deep', 'er');
    fs.mkdirSync(sub, { recursive: true });
    const t = fakeIO(sub);
    assert.equal(await main(['history', 'list', '--json', '--group', 'model'], t), 0);
    const doc = JSON.parse(t.out);
    assert.equal(doc.ledger, path.join(ws, '.prompt-cost', 'runs.jsonl'));
    assert.equal(doc.totals.costUsd, '0.6000015');
    assert.equal(doc.runs[0].id, 'r1');
    assert.equal(doc.runs[0].costUsd, '0.0000015');
    assert.equal(doc.runs[0].deltaPct, -25);
    assert.equal(doc.groupBy, 'model');
    assert.equal(doc.budgets, null);
  });

  it('human list groups by day with totals', async () => {
    const ws = workspace();
    await seed(ws);
    const t = fakeIO(ws);
    assert.equal(await main(['history'], t), 0);
    assert.match(t.out, /2025-01-0\d {2}\(1 run, \$0\.0000015, Δ −25\.0 %\)/); // one minus sign (U+2212) in every view
    assert.match(t.out, /Total: 2 runs, \$0\.600,/); // rounded for reading; --json keeps 0.6000015
  });

  it('budgets from flujo.toml: over → exit 1', async () => {
    const ws = workspace();
    await seed(ws);
    fs.writeFileSync(
      path.join(ws, 'flujo.toml'),
      '[budgets.default]\ntotal_cost_usd_limit = 10.0\n\n[budgets.pipeline."team-*"]\ntotal_cost_usd_limit = 0.5\n',
    );
    const t = fakeIO(ws);
    assert.equal(await main(['history', 'list', '--json'], t), 1);
    const doc = JSON.parse(t.out);
    assert.deepEqual(
      doc.budgets.rows.map((r: { key: string; status: string; spentUsd: string }) => [r.key, r.status, r.spentUsd]),
      [
        ['team-*', 'over', '0.6'],
        ['default', 'ok', '0.0000015'], // the extension's run counts against [budgets.default] (issue 13, edge 7)
      ],
    );
    const h = fakeIO(ws);
    assert.equal(await main(['history'], h), 1);
    assert.match(h.out, /OVER {4}team-\*/);
  });

  it('export --csv', async () => {
    const ws = workspace();
    await seed(ws);
    const t = fakeIO(ws);
    assert.equal(await main(['history', 'export', '--csv'], t), 0);
    const lines = t.out.split('\r\n');
    assert.ok(lines[0].startsWith('id,time,'));
    assert.ok(lines[1].startsWith('r1,2025-01-02T10:00:00.000Z,vscode,ok,'));
    assert.ok(lines[1].includes(',0.0000015,'));
  });

  it('import a Flujo WAL database (found through flujo.toml state_uri), twice', async () => {
    const ws = workspace();
    fs.writeFileSync(path.join(ws, 'flujo.toml'), 'state_uri = "sqlite:///data/ops.db"\n');
    fs.mkdirSync(path.join(ws, 'data'));
    const db = openSqliteDb(path.join(ws, 'data', 'ops.db'));
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE runs (run_id TEXT PRIMARY KEY, pipeline_name TEXT, status TEXT, created_at TEXT);
             CREATE TABLE workflow_state (run_id TEXT PRIMARY KEY, step_history TEXT, status TEXT);
             INSERT INTO runs VALUES ('w1', 'analytics', 'completed', '2025-02-01T00:00:00+00:00');
             INSERT INTO workflow_state VALUES ('w1', '[{"name":"s1","success":true,"latency_s":0.2,"token_counts":12,"cost_usd":0.0012}]', 'completed');`);
    try {
      const t = fakeIO(ws);
      assert.equal(await main(['history', 'import', '--json'], t), 0, t.err);
      const doc = JSON.parse(t.out);
      assert.equal(doc.db, path.join(ws, 'data', 'ops.db'));
      assert.equal(doc.added, 1);
      assert.ok(doc.wal.framesApplied > 0);
      assert.equal(doc.runs[0].costUsd, '0.0012');
      const t2 = fakeIO(ws);
      assert.equal(await main(['history', 'import', 'data/ops.db'], t2), 0);
      assert.match(t2.out, /0 added, 0 updated, 1 unchanged/);
    } finally {
      db.close();
    }
  });

  it('usage errors: exit 2 with one line on stderr', async () => {
    const ws = workspace();
    for (const argv of [
      ['history', 'bogus'],
      ['history', '--group', 'nope'],
      ['history', 'import', 'missing.db'],
      ['history', 'import'],
      ['history', 'export', '--csv', '--json'],
    ]) {
      const t = fakeIO(ws);
      assert.equal(await main(argv, t), 2, argv.join(' '));
      assert.equal(t.err.trim().split('\n').length, 1, t.err);
      assert.match(t.err, /^prompt-cost history: /);
    }
  });
});
