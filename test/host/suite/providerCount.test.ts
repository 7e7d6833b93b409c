// "Count Tokens with Provider…" in a real VS Code: the current prompt's messages go to a loopback
// server speaking Anthropic's count_tokens (POST /v1/messages/count_tokens, x-api-key,
// anthropic-version → {"input_tokens"}), the key comes from SecretStorage, the answer is exact and
// cached by content hash (a second run sends nothing), and a model with no endpoint is refused.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { ProviderCountOutcome } from '../../../src/features/providerCount';
import { extensionApi, workspaceFile, workspaceRoot, scaled } from './helpers';

const KEY = 'sk-ant-host-test-0123456789';

describe('provider count command', function () {
  this.timeout(scaled(30_000));
  const seen: { url: string; headers: http.IncomingHttpHeaders; body: { model: string; system?: string; messages: unknown[] } }[] = [];
  let server: http.Server;
  const cacheFile = () => path.join(workspaceRoot(), '.prompt-cost', 'provider-counts.json');
  const config = () => vscode.workspace.getConfiguration('promptCost');

  before(async () => {
    server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(data) as never });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: 321 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await config().update('providers.anthropic.baseUrl', `http://127.0.0.1:${port}`, vscode.ConfigurationTarget.Workspace);
    const api = await extensionApi();
    await api.services.context.secrets.store('promptCost.apiKey.anthropic', KEY);
    fs.rmSync(cacheFile(), { force: true });
  });
  after(async () => {
    await config().update('providers.anthropic.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await new Promise((r) => server.close(r));
    fs.rmSync(cacheFile(), { force: true });
  });

  it('asks count_tokens once for the prompt, shows the exact count, then answers from the cache', async () => {
    const uri = workspaceFile('prompts', 'support-triage.prompt.md');
    const first = await vscode.commands.executeCommand<ProviderCountOutcome>('promptCost.countWithProvider', uri, {
      model: 'anthropic:claude-sonnet-4-5',
    });
    assert.deepEqual(first, { model: 'anthropic:claude-sonnet-4-5', tokens: 321, source: 'Anthropic count_tokens API', cached: false });
    assert.equal(seen.length, 1);
    assert.equal(seen[0].url, '/v1/messages/count_tokens');
    assert.equal(seen[0].headers['x-api-key'], KEY);
    assert.equal(seen[0].body.model, 'claude-sonnet-4-5');
    assert.ok(seen[0].body.messages.length >= 1, 'the prompt messages are sent');
    const second = await vscode.commands.executeCommand<ProviderCountOutcome>('promptCost.countWithProvider', uri, {
      model: 'anthropic:claude-sonnet-4-5',
    });
    assert.equal(second?.cached, true);
    assert.equal(second?.tokens, 321);
    assert.equal(seen.length, 1, 'no second request for unchanged content');
    assert.ok(fs.existsSync(cacheFile()));
    assert.ok(!fs.readFileSync(cacheFile(), 'utf8').includes(KEY), 'the key is not in the cache');
  });

  it('refuses models that need no provider count', async () => {
    const out = await vscode.commands.executeCommand<ProviderCountOutcome>(
      'promptCost.countWithProvider',
      workspaceFile('prompts', 'summarize.txt'),
      {
        model: 'gpt-4o',
      },
    );
    assert.equal(out, undefined);
    assert.equal(seen.length, 1);
  });
});
