// Lazy activation, checked by what is loaded rather than by a wall clock (which a loaded machine
// breaks): activating registers the features and loads no prices, tokenizer tables or parsers;
// the first prompt file shown loads them. The timings are reported (out/…/perf-activation.json).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, openInEditor, waitFor } from './helpers';

describe('activation', () => {
  it('activates without loading prices; the first prompt file shown loads them', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension is installed');
    // The 340 KB price catalog stays next to the bundle and is required on first use (scripts/build.mjs).
    const catalog = path.join(ext.extensionPath, 'dist', 'reference-data.json');
    assert.ok(fs.existsSync(catalog));
    // examples/ has a flujo.toml, so `workspaceContains` activated the extension at startup, with no editor open.
    if (!ext.isActive) await ext.activate();
    assert.equal(require.cache[catalog], undefined, 'activation loaded the price catalog');

    const editor = await openInEditor('prompts', 'support-triage.prompt.md');
    assert.equal(editor.document.languageId, 'markdown');
    await waitFor('the price catalog, loaded for the first estimate', () => (require.cache[catalog] ? true : undefined), 30_000);

    const api = ext.exports as { activationMs: number; moduleEvalMs: number };
    console.log(`[perf] activate() ${api.activationMs.toFixed(1)} ms, bundle evaluation ${api.moduleEvalMs.toFixed(1)} ms`);
    fs.writeFileSync(path.join(__dirname, 'perf-activation.json'), JSON.stringify(api, ['activationMs', 'moduleEvalMs']));
  });

  it('opens .prompty files with the contributed language', async () => {
    const editor = await openInEditor('prompts', 'release-notes.prompty');
    assert.equal(editor.document.languageId, 'prompty');
  });
});
