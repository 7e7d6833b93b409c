// Running prompts and the run history in a real VS Code: a prompt run end to end against the
// loopback provider server (both wire shapes, streaming), the ledger record (usage buckets, exact
// cost, no key anywhere), the Runs tree (items, totals, grouping, filter), delete + undo, Flujo
// runs read live from a WAL-mode state DB and imported, and `[budgets]`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { appendRun, readLedger } from '../../../src/core/history/ledger';
import type { RunRecord } from '../../../src/core/history/record';
import type { BudgetNode } from '../../../src/features/history/budgetsView';
import type { RunsNode } from '../../../src/features/history/runsView';
import type { RunPromptOutcome } from '../../../src/features/run/runPrompt';
import { FAKE_DEFAULT_TEXT, FakeProviderServer, startFakeProviderServer } from '../../support/fakeProviderServer';
import { extensionApi, waitFor, workspaceFile, workspaceRoot, scaled } from './helpers';
import { SqliteDb, insertFlujoRun, openFlujoWal } from '../../support/flujoFixture';

/** Flujo runs as this suite writes them: 2.1 s each, no pipeline context. */
const HOST_RUN = { executionMs: 2100, context: null };

const KEY = 'sk-test-integration-0123456789';

async function api() {
  const a = await extensionApi();
  assert.ok(a.history.runs && a.history.budgets, 'the history views are registered');
  return { a, runs: a.history.runs!, budgets: a.history.budgets!, store: a.history.store };
}

async function items(nodes: RunsNode[]): Promise<{ node: RunsNode; item: vscode.TreeItem }[]> {
  const { runs } = await api();
  return nodes.map((node) => ({ node, item: runs.getTreeItem(node) }));
}

async function tree(): Promise<
  {
    label: string;
    description: string;
    children: { id: string; label: string; description: string; contextValue?: string; icon?: string; node: RunsNode }[];
  }[]
> {
  const { runs } = await api();
  const groups = await items(await runs.getChildren());
  const out = [];
  for (const g of groups) {
    const children = (await items(await runs.getChildren(g.node))).map(({ node, item }) => ({
      id: node.kind === 'run' ? node.view.run.id : '',
      label: String(item.label),
      description: String(item.description ?? ''),
      contextValue: item.contextValue,
      icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
      node,
    }));
    out.push({ label: String(g.item.label), description: String(g.item.description ?? ''), children });
  }
  return out;
}

function allRunIds(t: Awaited<ReturnType<typeof tree>>): string[] {
  return t.flatMap((g) => g.children.map((c) => c.id));
}

describe('run prompts and run history', function () {
  this.timeout(scaled(60_000));
  let server: FakeProviderServer;
  let ledger: string;
  let flujoDb: SqliteDb | undefined;
  const config = () => vscode.workspace.getConfiguration('promptCost');

  before(async () => {
    const { a } = await api();
    server = await startFakeProviderServer({ apiKey: KEY });
    ledger = path.join(workspaceRoot(), '.prompt-cost', 'runs.jsonl');
    fs.rmSync(path.dirname(ledger), { recursive: true, force: true });
    await config().update('providers.openai.baseUrl', server.openaiBaseUrl, vscode.ConfigurationTarget.Workspace);
    await config().update('providers.anthropic.baseUrl', server.anthropicBaseUrl, vscode.ConfigurationTarget.Workspace);
    await config().update(
      'pricingOverrides',
      { 'openai:fake-model': { input_per_mtok: 2, output_per_mtok: 8, cached_input_per_mtok: 0.5 } },
      vscode.ConfigurationTarget.Workspace,
    );
    await config().update('history.groupBy', 'model', vscode.ConfigurationTarget.Workspace);
    // Keys go to SecretStorage only, exactly as "Set API Key…" stores them.
    await a.services.context.secrets.store('promptCost.apiKey.openai', KEY);
    await a.services.context.secrets.store('promptCost.apiKey.anthropic', KEY);
  });

  after(async () => {
    flujoDb?.close();
    await server?.close();
    for (const k of ['providers.openai.baseUrl', 'providers.anthropic.baseUrl', 'pricingOverrides', 'history.groupBy'])
      await config().update(k, undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('promptCost.runs.clearFilter');
  });

  it('runs a prompt end to end (OpenAI-compatible, streaming) and records usage buckets and the exact cost', async () => {
    const uri = workspaceFile('prompts', 'support-triage.prompt.md');
    const out = await vscode.commands.executeCommand<RunPromptOutcome>('promptCost.runPrompt', uri, {
      model: 'openai:fake-model',
      variables: { plan: 'Enterprise', message: 'Our dashboard is down since 9:00.' },
    });
    assert.ok(out, 'the command returns the outcome');
    const r = out.record;
    assert.equal(r.status, 'ok', JSON.stringify(r.error));
    assert.equal(r.provider, 'openai');
    assert.equal(r.model, 'fake-model');
    assert.equal(r.promptFile, 'prompts/support-triage.prompt.md');
    assert.match(r.promptHash ?? '', /^sha256:[0-9a-f]{64}$/);
    // prompt_tokens 1200 INCLUDES 1000 cached: 200 uncached + 1000 cached, never 1200 + 1000.
    assert.deepEqual(r.usage, {
      inputTokens: 200,
      cachedInputTokens: 1000,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 50,
      reasoningTokens: 20,
    });
    // 200 × $2 + 1000 × $0.5 + 50 × $8 per 1M = $0.0013, exactly.
    assert.equal(r.costUsd, '0.0013');
    assert.ok(
      r.estimate && r.estimate.inputTokens > 0 && r.estimate.outputTokens === 300 && r.estimate.costUsd,
      `estimate at send time: ${JSON.stringify(r.estimate)}`,
    );
    assert.equal(r.estimate.priceSource, 'settings');
    assert.ok(r.promptText === undefined && r.answerText === undefined, 'no text without promptCost.history.storeText');

    // What went over the wire: filled messages, streaming with usage, the key from SecretStorage.
    const req = server.requests.at(-1)!;
    assert.equal(req.api, 'openai');
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.equal(req.body?.stream, true);
    assert.deepEqual(req.body?.stream_options, { include_usage: true });
    const msgs = req.body?.messages as { role: string; content: string }[];
    assert.deepEqual(
      msgs.map((m) => m.role),
      ['system', 'user'],
    );
    assert.equal(msgs[1].content, 'Customer plan: Enterprise\nMessage:\nOur dashboard is down since 9:00.');

    // The answer streamed into a Markdown editor, with the cost underneath.
    assert.ok(out.answer);
    const answer = vscode.workspace.textDocuments.find((d) => d.uri.toString() === out.answer!.toString());
    assert.ok(answer);
    assert.equal(answer.languageId, 'markdown');
    assert.ok(answer.getText().includes(FAKE_DEFAULT_TEXT), answer.getText());
    assert.match(answer.getText(), /\*\*\$0\.0013\*\*/);
    await vscode.window.showTextDocument(answer);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    // On disk: one fsync'ed line, no key.
    const onDisk = fs.readFileSync(ledger, 'utf8');
    assert.equal(onDisk.trim().split('\n').length, 1);
    assert.ok(!onDisk.includes(KEY));
    assert.deepEqual((await readLedger(ledger)).runs[0], r);
  });

  it('runs an Anthropic model: cache reads and 5 min / 1 h cache writes each at their own price', async () => {
    const out = await vscode.commands.executeCommand<RunPromptOutcome>('promptCost.runPrompt', workspaceFile('prompts', 'summarize.txt'), {
      model: 'anthropic:claude-3-5-sonnet-20241022',
      variables: { transcript: 'Alice: ship it. Bob: agreed.' },
      showAnswer: false,
    });
    const r = out.record;
    assert.equal(r.status, 'ok', JSON.stringify(r.error));
    assert.equal(server.requests.at(-1)!.api, 'anthropic');
    assert.equal(server.requests.at(-1)!.headers['x-api-key'], KEY);
    // input_tokens 200 EXCLUDES cache reads (1000) and writes (100 × 5 min + 200 × 1 h).
    assert.deepEqual(r.usage, {
      inputTokens: 200,
      cachedInputTokens: 1000,
      cacheWrite5mTokens: 100,
      cacheWrite1hTokens: 200,
      outputTokens: 50,
    });
    // flujo.toml: $0.003 / $0.015 per 1K → 200×3 + 1000×0.3 + 100×3.75 + 200×6 + 50×15 = 3225 per 1M.
    assert.equal(r.costUsd, '0.003225');
    assert.equal(r.estimate?.priceSource, 'flujo.toml');
    assert.equal(r.estimate?.approximate, true, 'no exact offline tokenizer for Claude');
  });

  it('records failures with a clear kind and never the key (wrong key echoed by the server, 429, 404)', async () => {
    const { a } = await api();
    const wrong = 'sk-wrong-key-9876543210';
    await a.services.context.secrets.store('promptCost.apiKey.openai', wrong);
    try {
      const out = await vscode.commands.executeCommand<RunPromptOutcome>(
        'promptCost.runPrompt',
        workspaceFile('prompts', 'summarize.txt'),
        { model: 'openai:gpt-4o', variables: {}, showAnswer: false },
      );
      assert.equal(out.record.status, 'error');
      assert.equal(out.record.error?.kind, 'auth');
      assert.equal(out.record.error?.status, 401);
      assert.ok(
        !JSON.stringify(out.record).includes(wrong) && !JSON.stringify(out.record).includes('9876543210'),
        JSON.stringify(out.record.error),
      );
    } finally {
      await a.services.context.secrets.store('promptCost.apiKey.openai', KEY);
    }
    const limited = await vscode.commands.executeCommand<RunPromptOutcome>(
      'promptCost.runPrompt',
      workspaceFile('prompts', 'summarize.txt'),
      { model: 'openai:fake-429', variables: {}, showAnswer: false },
    );
    assert.equal(limited.record.error?.kind, 'rate_limit');
    const missing = await vscode.commands.executeCommand<RunPromptOutcome>(
      'promptCost.runPrompt',
      workspaceFile('prompts', 'summarize.txt'),
      { model: 'openai:fake-404', variables: {}, showAnswer: false },
    );
    assert.equal(missing.record.error?.kind, 'not_found');
    const onDisk = fs.readFileSync(ledger, 'utf8');
    assert.ok(!onDisk.includes(wrong) && !onDisk.includes(KEY));
    assert.equal(onDisk.trim().split('\n').length, 5);
  });

  it('shows the runs grouped by model with exact totals, estimate Δ, status and latency', async () => {
    const t = await waitFor('five runs in the tree', async () => {
      const x = await tree();
      return allRunIds(x).length === 5 ? x : undefined;
    });
    const fake = t.find((g) => g.label === 'openai:fake-model');
    assert.ok(fake, `groups: ${t.map((g) => g.label).join(', ')}`);
    assert.match(fake.description, /^\$0\.0013 · Δ /); // short for the default side bar; counts in the tooltip
    const run = fake.children[0];
    assert.match(run.label, /^\d\d-\d\d \d\d:\d\d {2}support-triage$/);
    assert.equal(run.description, '$0.0013'); // model, tokens, Δ and latency: the tooltip
    assert.equal(run.icon, 'pass');
    assert.equal(run.contextValue, 'promptCost.run prompt');
    const claude = t.find((g) => g.label === 'anthropic:claude-3-5-sonnet-20241022')!;
    assert.match(claude.description, /^\$0\.00323/);
    const failed = t.flatMap((g) => g.children).filter((c) => c.icon === 'error');
    assert.equal(failed.length, 3);
    assert.ok(failed.some((c) => /(?:^| · )error(?: · |$)/.test(c.description)));
    assert.ok(
      failed.every((c) => /^(error|cancelled)$/.test(c.description)),
      'a failed run without a cost shows its status (the tooltip says no cost was recorded)',
    );

    // Group by prompt, then filter.
    await vscode.commands.executeCommand('promptCost.runs.groupBy', 'prompt');
    const byPrompt = await waitFor('grouped by prompt', async () => {
      const x = await tree();
      return x.some((g) => g.label === 'prompts/summarize.txt') ? x : undefined;
    });
    const summarize = byPrompt.find((g) => g.label === 'prompts/summarize.txt')!;
    // The three failed calls have no cost (no usage came back): counted as unknown, not as $0.
    assert.match(summarize.description, /^≥ \$0\.00323\b/); // 3 runs without a cost: a lower bound
    await vscode.commands.executeCommand('promptCost.runs.filter', 'claude');
    assert.deepEqual(
      (await tree()).map((g) => g.children.length),
      [1],
    );
    await vscode.commands.executeCommand('promptCost.runs.clearFilter');
    await vscode.commands.executeCommand('promptCost.runs.groupBy', 'model');

    // Copy details and CSV export.
    const details = await vscode.commands.executeCommand<string>('promptCost.runs.copyDetails', run.id);
    assert.match(details, /cost: \$0\.0013/);
    assert.equal(await vscode.env.clipboard.readText(), details);
    const csvUri = vscode.Uri.file(path.join(workspaceRoot(), 'runs-export.csv'));
    await vscode.commands.executeCommand('promptCost.runs.exportCsv', csvUri);
    const csv = fs.readFileSync(csvUri.fsPath, 'utf8').split('\r\n');
    assert.match(csv[0], /^id,time,source,status/);
    assert.equal(csv.filter(Boolean).length, 6);
    fs.rmSync(csvUri.fsPath);
  });

  it('deletes a run (tombstone) and undo restores it', async () => {
    const t = await tree();
    const target = t.flatMap((g) => g.children).find((c) => c.icon === 'error')!;
    assert.equal(await vscode.commands.executeCommand('promptCost.runs.delete', target.node), true);
    await waitFor('the run to disappear', async () => (allRunIds(await tree()).includes(target.id) ? undefined : true));
    const lines = fs
      .readFileSync(ledger, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; target?: string });
    assert.deepEqual(lines.at(-1)?.type, 'delete');
    assert.equal(lines.at(-1)?.target, target.id);
    // The "Undo" button of the notification runs this command.
    assert.equal(await vscode.commands.executeCommand('promptCost.runs.restore', target.id), true);
    await waitFor('the run to come back', async () => (allRunIds(await tree()).includes(target.id) ? true : undefined));
  });

  it('follows the ledger when another writer (the CLI, another window) appends', async () => {
    const rec: RunRecord = {
      v: 1,
      type: 'run',
      id: 'cli-written-run',
      time: new Date().toISOString(),
      source: 'cli',
      status: 'ok',
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { inputTokens: 10, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 5 },
      costUsd: '0.0000045',
    };
    await appendRun(ledger, rec);
    await waitFor(
      'the watcher to pick up the appended run',
      async () => (allRunIds(await tree()).includes(rec.id) ? true : undefined),
      15_000,
    );
  });

  it('a bad or newer-version ledger line is skipped with a located item and message; the other runs stay', async () => {
    const { runs } = await api();
    const before = fs.readFileSync(ledger, 'utf8');
    const goodLines = before.trim().split('\n').length;
    const bad = [
      JSON.stringify({ v: 1, type: 'run', id: 'bad-cost', time: new Date().toISOString(), source: 'cli', status: 'ok', costUsd: 0.5 }),
      JSON.stringify({ v: 2, type: 'run', id: 'from-v2', time: new Date().toISOString(), cost: { usd: '1' } }),
    ];
    fs.appendFileSync(ledger, bad.map((l) => `${l}\n`).join(''));
    try {
      const skipped = await waitFor(
        'the skipped-lines item',
        async () => {
          const nodes = await runs.getChildren();
          const n = nodes.find((x) => x.kind === 'skipped');
          return n && n.kind === 'skipped' && n.lines.length === 2 ? n : undefined;
        },
        15_000,
      );
      const item = runs.getTreeItem(skipped);
      assert.equal(item.label, '2 ledger lines skipped');
      assert.equal(
        item.description,
        `runs.jsonl:${goodLines + 1} costUsd: must be a decimal string such as "0.0123", not the JSON number 0.5`,
      );
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
      // Clicking it opens the ledger at the first skipped line.
      assert.equal(item.command?.command, 'vscode.open');
      assert.equal((item.command?.arguments?.[0] as vscode.Uri).fsPath, ledger);
      assert.equal((item.command?.arguments?.[1] as { selection: vscode.Range }).selection.start.line, goodLines);
      // appendText escapes Markdown (the reasons quote file content): compare the text as rendered.
      const tooltip = (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
      assert.match(tooltip, new RegExp(`line ${goodLines + 2}: ledger v2 \\(this Prompt Cost Lens reads v1\\)`));
      assert.match(
        runs.view?.message ?? '',
        /runs\.jsonl: 2 ledger lines skipped \(1 from a newer version of Prompt Cost Lens: update it to read them\); the other runs are shown\./,
      );
      // Every earlier run is still there, none of the skipped ones.
      const ids = allRunIds(await tree());
      assert.ok(ids.includes('cli-written-run') && !ids.includes('bad-cost') && !ids.includes('from-v2'), ids.join(', '));
    } finally {
      // Put the ledger back: the follower sees it shrink and rebuilds without the skipped lines.
      fs.writeFileSync(ledger, before);
      await waitFor(
        'the skipped-lines item to go',
        async () => ((await runs.getChildren()).some((x) => x.kind === 'skipped') ? undefined : true),
        15_000,
      );
    }
  });

  it('shows Flujo runs from the WAL-mode state DB live, with steps, imports them, and checks [budgets]', async () => {
    const { budgets } = await api();
    // examples/flujo.toml: state_uri = "sqlite:///.flujo/state.db"; a writer that keeps the WAL (like a running Flujo).
    const dbPath = path.join(workspaceRoot(), '.flujo', 'state.db');
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    flujoDb = openFlujoWal(dbPath);
    const day = new Date().toISOString().slice(0, 10);
    insertFlujoRun(
      flujoDb,
      'f-1',
      'support-email',
      'completed',
      `${day} 08:00:00.123456`,
      [
        { name: 'classify', cost: 0.4, tokens: 1200, latency: 0.75 },
        { name: 'draft', cost: 0.8, tokens: 3400, latency: 0.75 },
      ],
      HOST_RUN,
    );
    insertFlujoRun(
      flujoDb,
      'f-2',
      'nightly-report',
      'completed',
      `${day} 02:00:00`,
      [{ name: 'report', cost: 0.25, tokens: 5000 }],
      HOST_RUN,
    );
    assert.ok(fs.statSync(`${dbPath}-wal`).size > 0, 'the runs are only in the -wal file');

    const flujoGroup = await waitFor(
      'the Flujo runs (from the -wal) in the tree',
      async () => {
        const g = (await tree()).find((x) => x.label === 'flujo pipeline');
        return g && g.children.length === 2 ? g : undefined;
      },
      20_000,
    );
    const email = flujoGroup.children.find((c) => c.id === 'flujo:f-1')!;
    assert.equal(email.contextValue, 'promptCost.run flujo live');
    assert.match(email.label, /support-email$/);
    assert.equal(email.description, '$1.20');
    const { runs } = await api();
    const steps = (await runs.getChildren(email.node)).map((n) => runs.getTreeItem(n));
    assert.deepEqual(
      steps.map((s) => [s.label, s.description]),
      [
        ['classify', '1,200 tok · $0.40 · 0.8 s'],
        ['draft', '3,400 tok · $0.80 · 0.8 s'],
      ],
    );

    // Budgets: support-* $1.5 per run → $1.2 is 80 %: warning.
    const budgetItems = async () =>
      (await budgets.getChildren())
        .filter((n): n is Extract<BudgetNode, { kind: 'budget' }> => n.kind === 'budget')
        .map((n) => ({ n, item: budgets.getTreeItem(n) }));
    let rows = await budgetItems();
    const support = rows.find((r) => r.item.label === 'support-*')!;
    assert.equal(support.n.row.status, 'warning');
    assert.equal((support.item.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.equal(support.item.description, '80 %');
    assert.equal(rows.find((r) => r.item.label === 'nightly-report')!.n.row.status, 'ok');

    // A new run appears live (DB -wal watcher); it is over the support-* budget.
    insertFlujoRun(flujoDb, 'f-3', 'support-chat', 'failed', `${day} 09:30:00`, [{ name: 'answer', cost: 1.75, tokens: 900 }], HOST_RUN);
    await waitFor('the new Flujo run', async () => (allRunIds(await tree()).includes('flujo:f-3') ? true : undefined), 20_000);
    rows = await budgetItems();
    assert.equal(rows.find((r) => r.item.label === 'support-*')!.n.row.status, 'over');
    assert.equal((rows.find((r) => r.item.label === 'support-*')!.item.iconPath as vscode.ThemeIcon).id, 'error');

    // Import: into the ledger once; a second import appends nothing.
    const first = await vscode.commands.executeCommand<{ added: number; updated: number }[]>('promptCost.runs.importFlujo');
    assert.equal(first[0].added, 3);
    const second =
      await vscode.commands.executeCommand<{ added: number; updated: number; unchanged: number }[]>('promptCost.runs.importFlujo');
    assert.deepEqual([second[0].added, second[0].updated, second[0].unchanged], [0, 0, 3]);
    // A run with an absurd timestamp does not fail the import: it is imported (dated by updated_at) and
    // the warning names table, rowid, run and column.
    insertFlujoRun(flujoDb, 'f-4', 'nightly-report', 'completed', `${day} 03:00:00`, [{ name: 'report', cost: 0.5, tokens: 10 }], HOST_RUN);
    flujoDb.exec(
      "UPDATE workflow_state SET created_at = '99999-01-01' WHERE run_id = 'f-4'; UPDATE runs SET created_at = '99999-01-01' WHERE run_id = 'f-4';",
    );
    const third = await vscode.commands.executeCommand<{ added: number; warnings: string[] }[]>('promptCost.runs.importFlujo');
    assert.equal(third[0].added, 1);
    assert.match(
      third[0].warnings.join('\n'),
      /workflow_state rowid \d+ \(run "f-4"\), created_at: "99999-01-01" is not a time between 1970 and 9999/,
    );
    const state = await readLedger(ledger);
    const imported = state.runs.find((r) => r.id === 'flujo:f-1')!;
    assert.equal(imported.costUsd, '1.2');
    assert.equal(imported.steps?.length, 2);
    await waitFor('imported runs to be ledger runs', async () => {
      const g = (await tree()).find((x) => x.label === 'flujo pipeline');
      return g && g.children.every((c) => c.contextValue === 'promptCost.run flujo') ? true : undefined;
    });
  });

  it('a flujo.toml Flujo cannot load (a broken [settings]) applies no budget: none is shown "over", the reason is', async () => {
    // flujo/application/runner.py:267-283 (Flujo v0.6.11): TOML budgets only when ConfigManager().load_config() succeeds.
    const { budgets } = await api();
    const file = path.join(workspaceRoot(), 'flujo.toml');
    const original = fs.readFileSync(file, 'utf8');
    const shown = async () =>
      (await budgets.getChildren()).map((n) => (n.kind === 'budget' ? `budget ${n.row.key}: ${n.row.status}` : `problem: ${n.message}`));
    try {
      fs.writeFileSync(file, original.replace('[settings]\n', '[settings]\nmax_iters = "many"\n'));
      const items = await waitFor(
        'the Budgets view of a flujo.toml Flujo cannot load',
        async () => {
          const all = await shown();
          return all.some((x) => x.startsWith('problem: Flujo cannot load flujo.toml')) ? all : undefined;
        },
        20_000,
      );
      assert.deepEqual(
        items.filter((x) => x.startsWith('budget ')),
        [],
      );
      assert.match(items.join('\n'), /'settings\.max_iters' is not an integer\), so it applies none of its budgets/);
    } finally {
      fs.writeFileSync(file, original);
      await waitFor('the budgets again', async () => ((await shown()).some((x) => x.startsWith('budget ')) ? true : undefined), 20_000);
    }
  });

  it('a second run of a prompt appends to its open answer document instead of opening another Untitled tab', async () => {
    const uri = workspaceFile('prompts', 'summarize.txt');
    const run = () =>
      vscode.commands.executeCommand<RunPromptOutcome>('promptCost.runPrompt', uri, {
        model: 'openai:fake-model',
        variables: { text: 'x' },
      });
    const first = await run();
    const second = await run();
    assert.ok(first?.answer && second?.answer);
    assert.equal(second.answer.toString(), first.answer.toString());
    const answer = vscode.workspace.textDocuments.find((d) => d.uri.toString() === first.answer!.toString())!;
    assert.equal(answer.getText().match(/^# ▶ summarize\.txt · openai:fake-model$/gm)?.length, 2, answer.getText());
    assert.match(answer.getText(), /\n---\n\n# ▶ summarize/);
    await vscode.window.showTextDocument(answer);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
