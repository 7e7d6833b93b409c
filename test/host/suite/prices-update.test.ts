// "Update Prices" in a real VS Code: a validated download replaces the reference catalog; a broken one
// changes nothing. Runs last (file order): the updated catalog stays in this host's global storage.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { extensionApi } from './helpers';

function serve(body: string, status = 200): Promise<{ url: string; close(): void }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/data.json`, close: () => server.close() }),
    ),
  );
}

describe('update prices', () => {
  it('rejects an invalid download and keeps the prices in use', async () => {
    const api = await extensionApi();
    const before = (await api.services.pricing.referenceCatalog()).dataDate;
    const bad = await serve(JSON.stringify({ providers: [{ id: 'openai', models: [{ id: 'gpt-4o', prices: { input_mtok: 'free' } }] }] }));
    try {
      const result = await vscode.commands.executeCommand('promptCost.updatePrices', { url: bad.url, confirm: false });
      assert.equal(result, undefined);
      assert.equal((await api.services.pricing.referenceCatalog()).dataDate, before);
    } finally {
      bad.close();
    }
  });

  it('stores a valid download and prices with it from then on', async () => {
    const api = await extensionApi();
    const root = path.resolve(__dirname, '../../../..');
    const data = JSON.parse(fs.readFileSync(path.join(root, 'src', 'core', 'pricing', 'reference-data.json'), 'utf8'));
    data.dataDate = '2026-11-20';
    const good = await serve(JSON.stringify(data));
    try {
      const result = await vscode.commands.executeCommand('promptCost.updatePrices', { url: good.url, confirm: false });
      assert.equal(result, '2026-11-20');
      assert.equal((await api.services.pricing.referenceCatalog()).dataDate, '2026-11-20');
      const ctx = await api.services.pricing.forDocument(vscode.workspace.workspaceFolders?.[0].uri);
      const r = ctx.catalog.resolve('google:gemini-2.5-flash');
      assert.ok(r.ok && r.price.source === 'reference' && r.price.date === '2026-11-20', JSON.stringify(r.ok && r.price.date));
    } finally {
      good.close();
    }
  });
});
