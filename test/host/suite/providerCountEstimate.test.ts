// A cached provider count in a real VS Code (issue 11, item 5): an entry for the open prompt's
// messages written to .prompt-cost/provider-counts.json (as `prompt-cost count --provider-count`
// or the command leaves it) turns the CodeLens and the hover exact for that model, without ≈ and
// with the source; removing it brings the estimate back. No network: the cache is only read.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { countMessagesOf } from '../../../src/core/estimate';
import { parsePromptDocument } from '../../../src/core/prompt';
import { ProviderCountCache, countCacheKey } from '../../../src/core/providers/countTokens';
import { extensionApi, openInEditor, waitFor, workspaceRoot, scaled } from './helpers';

const REL = path.join('prompts', 'cached-count.prompt.md');
const TEXT = '---\nmodel: anthropic:claude-sonnet-4-5\n---\n# system\nYou are terse.\n\n# user\nList three risks of the plan.\n';

async function titles(uri: vscode.Uri): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return (lenses ?? []).map((l) => l.command?.title ?? '').filter(Boolean);
}

describe('cached provider counts in the editor', function () {
  this.timeout(scaled(30_000));
  const cacheFile = () => path.join(workspaceRoot(), '.prompt-cost', 'provider-counts.json');
  before(async () => {
    await extensionApi();
    fs.writeFileSync(path.join(workspaceRoot(), REL), TEXT);
    fs.rmSync(cacheFile(), { force: true });
  });
  after(() => {
    fs.rmSync(path.join(workspaceRoot(), REL), { force: true });
    fs.rmSync(cacheFile(), { force: true });
  });

  it('CodeLens and hover show the cached exact count with its source, then the estimate again when it is gone', async () => {
    const editor = await openInEditor('prompts', 'cached-count.prompt.md');
    const uri = editor.document.uri;
    const before = await waitFor('estimated CodeLens', async () => {
      const t = await titles(uri);
      return t.some((x) => /^≈ [\d,]+ tokens/.test(x)) ? t : undefined;
    });
    assert.ok(
      before.some((t) => /^claude-sonnet-4-5 ≈\$/.test(t)),
      before.join(' | '),
    );

    const messages = countMessagesOf(parsePromptDocument(TEXT, 'cached-count.prompt.md'));
    new ProviderCountCache(cacheFile()).set(countCacheKey('anthropic', 'claude-sonnet-4-5', messages), {
      tokens: 4321,
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      source: 'Anthropic count_tokens API',
      at: '2026-11-29T12:00:00.000Z',
    });
    const exact = await waitFor('exact CodeLens', async () => {
      const t = await titles(uri);
      return t.some((x) => x.startsWith('4,321 tokens')) ? t : undefined;
    });
    assert.ok(
      exact.some((t) => /^claude-sonnet-4-5 \$/.test(t)),
      `no ≈ on the cached model: ${exact.join(' | ')}`,
    );

    const hover = await waitFor('hover', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(7, 3));
      const md = (h ?? []).flatMap((x) => x.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
      return md.includes('Prompt Cost') ? md : undefined;
    });
    assert.match(hover, /\| claude-sonnet-4-5 \| 4,321 \|/);
    assert.match(hover, /claude-sonnet-4-5: exact, Anthropic count_tokens API, cached 2026-11-29\./);

    fs.rmSync(cacheFile(), { force: true });
    await waitFor('estimate again', async () => {
      const t = await titles(uri);
      return t.some((x) => /^≈ [\d,]+ tokens/.test(x)) ? t : undefined;
    });
  });
});
