// "Write Learned Averages into flujo.toml" in a real VS Code: runs in the workspace ledger become
// `[cost.historical.default."openai:<model>"]` (where Flujo's learnable estimator reads them: aandresalvarez/flujo
// flujo/application/core/estimation.py, LearnableUsageEstimator), offered as a quick fix on `[cost]`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'smol-toml';
import { appendRun } from '../../../src/core/history/ledger';
import type { RunRecord } from '../../../src/core/history/record';
import { extensionApi, waitFor, workspaceRoot, scaled } from './helpers';

const MODEL = 'gpt-4.1-nano';

function nanoRun(i: number, output: number): RunRecord {
  return {
    v: 1,
    type: 'run',
    id: `historical-${i}`,
    time: new Date(Date.UTC(2026, 5, 1, 12, i)).toISOString(),
    source: 'cli',
    status: 'ok',
    provider: 'openai',
    model: MODEL,
    usage: { inputTokens: 1000, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: output },
    costUsd: '0.0002',
  };
}

describe('learned averages into flujo.toml', function () {
  this.timeout(scaled(60_000));
  let file: string;

  before(async () => {
    await extensionApi();
    file = path.join(workspaceRoot(), 'historical', 'flujo.toml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '[cost]\nstrict = false\n');
    const ledger = path.join(workspaceRoot(), '.prompt-cost', 'runs.jsonl');
    for (const [i, out] of [100, 200, 600].entries()) await appendRun(ledger, nanoRun(i, out));
  });

  after(async () => {
    const { services } = await extensionApi();
    services.trust.choose = (m, ...a) => vscode.window.showInformationMessage(m, { modal: true }, ...a);
    services.trust.simulateForTests(undefined);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('is offered as a quick fix on the [cost] header', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      new vscode.Range(0, 1, 0, 1),
    );
    const ours = actions.find((a) => /learned averages/.test(a.title));
    assert.ok(ours, actions.map((a) => a.title).join(' | '));
    assert.equal(ours.command?.command, 'promptCost.writeFlujoHistorical');
    const none = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      new vscode.Range(1, 1, 1, 1),
    );
    assert.ok(!none.some((a) => /learned averages/.test(a.title)), 'not on other lines');
  });

  it('refuses in an untrusted workspace, writes the means Flujo reads after the user chose', async () => {
    const { services } = await extensionApi();
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    let asked = '';
    services.trust.choose = async (message, ...answers) => {
      asked = message;
      return answers.find((a) => /Enable/.test(a));
    };
    services.trust.simulateForTests(false);
    assert.equal(await vscode.commands.executeCommand('promptCost.writeFlujoHistorical', doc.uri), undefined);
    assert.equal(asked, '', 'no question, nothing written while untrusted');
    services.trust.simulateForTests(true);
    // The ledger follower may not have read the appended lines yet: the command reads what the store has.
    const result = await waitFor('the averages to be written', async () => {
      await vscode.commands.executeCommand('promptCost.runs.refresh');
      return (
        (await vscode.commands.executeCommand<{ written: string[] } | undefined>('promptCost.writeFlujoHistorical', doc.uri)) ?? undefined
      );
    });
    assert.ok(result.written.includes(`openai:${MODEL}`), result.written.join(', '));
    assert.match(asked, /only to reserve budget/);
    const toml = parse(doc.getText()) as {
      cost: { estimation_strategy: string; historical: { default: Record<string, { avg_tokens: number; avg_cost_usd: number }> } };
    };
    assert.equal(toml.cost.estimation_strategy, 'learnable');
    assert.deepEqual({ ...toml.cost.historical.default[`openai:${MODEL}`] }, { avg_tokens: 1300, avg_cost_usd: 0.0002 });
    assert.ok(doc.isDirty, 'left unsaved for the user to review');
  });
});
