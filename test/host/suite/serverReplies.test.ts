// Hostile server replies in a real VS Code (issue 17): a run whose usage is unusable is recorded as ok
// with tokens and cost unknown and a warning (in the record, the ledger line and the answer's footer);
// a reply that keeps trickling ends at promptCost.run.maxDurationSeconds and is recorded; a price
// update with a negative price or over the byte cap is rejected and the prices in use stay.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { RunPromptOutcome } from '../../../src/features/run/runPrompt';
import { FakeProviderServer, startFakeProviderServer } from '../../support/fakeProviderServer';
import { extensionApi, workspaceFile, workspaceRoot, scaled } from './helpers';

const KEY = 'sk-test-servers-0123456789';
const LEDGER = '.prompt-cost/server-replies.jsonl';

function serve(handler: http.RequestListener): Promise<{ url: string; close(): void }> {
  const server = http.createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/data.json`,
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      }),
    ),
  );
}

describe('hostile server replies', function () {
  this.timeout(scaled(60_000));
  let server: FakeProviderServer;
  const config = () => vscode.workspace.getConfiguration('promptCost');
  const run = (model: string, showAnswer = false) =>
    vscode.commands.executeCommand<RunPromptOutcome>('promptCost.runPrompt', workspaceFile('prompts', 'summarize.txt'), {
      model,
      variables: {},
      showAnswer,
    });

  before(async () => {
    const a = await extensionApi();
    server = await startFakeProviderServer({ apiKey: KEY });
    await config().update('providers.openai.baseUrl', server.openaiBaseUrl, vscode.ConfigurationTarget.Workspace);
    await config().update('history.path', LEDGER, vscode.ConfigurationTarget.Workspace);
    await config().update(
      'pricingOverrides',
      { 'openai:fake-model': { input_per_mtok: 2, output_per_mtok: 8 } },
      vscode.ConfigurationTarget.Workspace,
    );
    await a.services.context.secrets.store('promptCost.apiKey.openai', KEY);
  });

  after(async () => {
    await server?.close();
    for (const k of ['providers.openai.baseUrl', 'history.path', 'pricingOverrides', 'run.maxDurationSeconds'])
      await config().update(k, undefined, vscode.ConfigurationTarget.Workspace);
    fs.rmSync(path.join(workspaceRoot(), LEDGER), { force: true });
  });

  it('usage as a string, negative or 1e300: recorded ok with tokens and cost unknown and a warning naming the field', async () => {
    server.enqueue({ openaiUsage: { prompt_tokens: '12', completion_tokens: -3 } });
    const out = await run('openai:fake-model', true);
    assert.equal(out.record.status, 'ok');
    assert.equal(out.record.usage, undefined);
    assert.equal(out.record.costUsd, undefined, 'never a guessed $0');
    assert.deepEqual(out.record.warnings, [
      'usage.prompt_tokens: expected a whole number ≥ 0, got "12"',
      'usage.completion_tokens: expected a whole number ≥ 0, got -3',
    ]);
    const answer = await vscode.workspace.openTextDocument(out.answer!);
    assert.match(answer.getText(), /usage unusable \(usage\.prompt_tokens: expected a whole number ≥ 0, got "12"; /);

    server.enqueue({ openaiUsage: { prompt_tokens: 1e300, completion_tokens: 5 } });
    const huge = await run('openai:fake-model');
    assert.equal(huge.record.status, 'ok');
    assert.deepEqual(huge.record.warnings, ['usage.prompt_tokens: expected a whole number ≥ 0, got 1e+300']);

    const lines = fs
      .readFileSync(out.ledgerFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { warnings?: string[] });
    assert.equal(lines.length, 2);
    assert.deepEqual(lines[1].warnings, huge.record.warnings);
  });

  it('a reply trickling a token every 300 ms ends at promptCost.run.maxDurationSeconds and is recorded with its text so far', async () => {
    await config().update('run.maxDurationSeconds', 1, vscode.ConfigurationTarget.Workspace);
    server.enqueue({ chunkDelayMs: 300, chunks: Array.from({ length: 100 }, () => 'tok ') });
    const t0 = Date.now();
    const out = await run('openai:fake-model');
    // Well under the 30 s the whole trickle takes, stretched by the load (but never to 30 s): it was a fixed 5 s.
    assert.ok(Date.now() - t0 < Math.min(scaled(5000), 20_000), `${Date.now() - t0} ms`);
    assert.equal(out.record.status, 'error');
    assert.equal(out.record.error?.kind, 'timeout');
    assert.match(out.record.error!.message, /did not finish the answer within 1 s \(the overall limit of a run/);
  });

  it('a price update with a negative price, or over 20 MB, is rejected and the prices in use stay', async () => {
    const a = await extensionApi();
    const before = (await a.services.pricing.referenceCatalog()).dataDate;
    const root = path.resolve(__dirname, '../../../..');
    const data = JSON.parse(fs.readFileSync(path.join(root, 'src', 'core', 'pricing', 'reference-data.json'), 'utf8'));
    data.dataDate = '2030-01-01';
    data.providers[0].models[0].prices.input_mtok = -1;
    const negative = await serve((_q, res) => res.end(JSON.stringify(data)));
    const piece = Buffer.alloc(64 * 1024, 32);
    let sent = 0;
    const huge = await serve(async (_q, res) => {
      res.write('[');
      for (let i = 0; i < 800 && !res.destroyed; i++) {
        sent += piece.length;
        if (!res.write(piece)) await new Promise((r) => res.once('drain', r));
      }
      res.end(']');
    });
    try {
      for (const url of [negative.url, huge.url]) {
        const result = await vscode.commands.executeCommand('promptCost.updatePrices', { url, confirm: false });
        assert.equal(result, undefined);
        assert.equal((await a.services.pricing.referenceCatalog()).dataDate, before);
      }
      assert.ok(sent < 45 * 1024 * 1024, `the download stopped early (${sent} bytes sent of 50 MB)`);
    } finally {
      negative.close();
      huge.close();
    }
  });
});
