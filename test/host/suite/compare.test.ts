// The model comparison panel in a real VS Code: opens from the command, shows the core table's rows
// (same numbers as the CodeLens), and reacts to the webview's messages (add a model, output tokens, pin).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { estimatePrompt } from '../../../src/core/estimate';
import { analyzeFlujoToml } from '../../../src/core/flujo';
import { PriceCatalog } from '../../../src/core/pricing/catalog';
import { CompareRowJson, buildComparisonTable, renderCsv, rowToJson } from '../../../src/core/pricing/compare';
import { parsePromptDocument } from '../../../src/core/prompt';
import { countTokens } from '../../../src/core/tokenize';
import { NO_OUTPUT_TOKENS } from '../../../src/core/estimate/learnedDisplay';
import type { PromptCostApi } from '../../../src/extension';
import type { PanelRow, PanelView } from '../../../src/protocol/compare';
import { extensionApi, openInEditor, waitFor, workspaceFile, workspaceRoot } from './helpers';

/** The core JSON part of a panel row (what `rowToJson` gives), plus its id. */
function coreFields(row: PanelRow): CompareRowJson & { id: string } {
  const { origin: _origin, exceedsContext: _exceeds, warnings: _warnings, ...rest } = row;
  return rest;
}

function byId<T extends { id: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function viewFor(api: PromptCostApi, name: string, extra: (v: PanelView) => boolean = () => true): Promise<PanelView> {
  return waitFor(`the panel to show ${name}`, () => {
    const v = api.comparePanel.lastUpdate?.view;
    return v && v.document?.name === name && v.rows.length > 0 && extra(v) ? v : undefined;
  });
}

async function promptEstimate(api: PromptCostApi, doc: vscode.TextDocument) {
  const est = await api.services.estimator.get(doc);
  assert.ok(est && est.kind === 'prompt', 'the document has a prompt estimate');
  return est;
}

/**
 * The same prompt priced for `models` by the core alone (exact local counts, the workspace's flujo.toml),
 * for independent expectations. The catalog is built here: objects from the extension's bundle are a
 * different copy of the core (their Decimal is not this module's Decimal).
 */
async function independentRows(doc: vscode.TextDocument, models: string[], outputTokens: number, requestsPerDay: number) {
  const flujo = workspaceFile('flujo.toml');
  // The editor dates flujo.toml prices with the file's modification day, as the CLI does.
  const date = new Date((await vscode.workspace.fs.stat(flujo)).mtime).toISOString().slice(0, 10);
  const analysis = analyzeFlujoToml(new TextDecoder().decode(await vscode.workspace.fs.readFile(flujo)), { path: flujo.fsPath, date });
  const catalog = new PriceCatalog({ flujo: analysis.pricing });
  const prompt = parsePromptDocument(doc.getText(), path.posix.basename(doc.uri.path));
  const estimate = estimatePrompt(prompt, (enc) => (t) => countTokens(t, enc), { models, catalog, outputTokens, requestsPerDay });
  const table = buildComparisonTable({
    models,
    tokens: (id) => {
      const m = estimate.models.find((x) => x.model === id)!;
      return { tokens: m.inputTokens, encoding: m.tokenizer.encoding, approximate: m.tokenizer.approximate };
    },
    outputTokens,
    requestsPerDay,
    catalog,
  });
  return table.rows.map((r) => ({ ...rowToJson(r), id: r.id }));
}

describe('comparison panel', () => {
  before(async () => {
    await extensionApi();
  });

  /** Edits of workspace files to take back after the test (before its editors close). */
  const restore: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const undo of restore.splice(0)) await undo();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens from the command for the active prompt and sends exactly the core table', async () => {
    const api = await extensionApi();
    const editor = await openInEditor('prompts', 'support-triage.prompt.md');
    await vscode.commands.executeCommand('promptCost.openComparison');
    const view = await viewFor(api, 'support-triage.prompt.md');
    const panel = api.comparePanel.panel;
    assert.ok(panel, 'a panel is open');
    assert.equal(panel.viewType, 'promptCost.compare');
    assert.equal(panel.title, 'Compare: support-triage.prompt.md');

    const est = await promptEstimate(api, editor.document);
    // Rows: the estimator's table (same numbers as the CodeLens and hover), configured models in configured order.
    assert.deepEqual(byId(view.rows.map(coreFields)), byId(est.estimate.table.rows.map((r) => ({ ...rowToJson(r), id: r.id }))));
    const configured = est.estimate.models.map((m) => m.model).filter((id) => view.rows.some((r) => r.id === id));
    assert.deepEqual(
      view.rows.map((r) => r.id),
      configured,
    );
    assert.ok(view.rows.every((r) => r.origin === 'configured'));
    assert.equal(view.rows[0].id, 'openai:gpt-4o-mini', 'the prompt names gpt-4o-mini: it comes first');
    // max_tokens: 300 in the front matter.
    assert.equal(view.outputTokens, 300);
    assert.equal(view.outputTokensSource, 'document');
    assert.ok(view.rows.every((r) => r.outputTokens === 300));
    // Independent count for the exact models; money as exact decimal strings.
    const expectedMini = (await independentRows(editor.document, ['openai:gpt-4o-mini'], 300, view.requestsPerDay))[0];
    assert.deepEqual(coreFields(view.rows[0]), expectedMini);
    assert.match(view.rows[0].totalUsd, /^\d+(\.\d+)?$/);
    assert.ok(
      view.rows.some((r) => r.approximate),
      'Claude is approximate',
    );

    // Security: a strict CSP with a nonce, resources through asWebviewUri from media/.
    const html = panel.webview.html;
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(html)?.[1];
    assert.ok(nonce && nonce.length >= 16, 'a nonce of at least 16 characters');
    assert.match(html, /default-src 'none'/);
    assert.ok(html.includes(`<script nonce="${nonce}" src="`));
    assert.ok(!/\son[a-z]+=/.test(html), 'no inline event handlers');
    assert.ok(!/\sstyle=/.test(html), 'no inline styles');
    assert.match(html, /compare\.js"/);
    assert.deepEqual(
      panel.webview.options.localResourceRoots?.map((u) => path.posix.basename(u.path)),
      ['media'],
    );
  });

  it('adds models, changes output tokens and requests/day, removes, and rejects bad messages', async () => {
    const api = await extensionApi();
    const editor = await openInEditor('prompts', 'support-triage.prompt.md');
    await vscode.commands.executeCommand('promptCost.openComparison', editor.document.uri);
    await viewFor(api, 'support-triage.prompt.md');

    // gpt-4 counts in cl100k_base, an encoding the estimator did not need: the panel counts it the same way.
    for (const id of ['openai:gpt-4.1-mini', 'openai:gpt-4']) assert.equal(await api.comparePanel.receive({ type: 'addModel', id }), true);
    let view = await viewFor(api, 'support-triage.prompt.md', (v) => v.rows.some((r) => r.id === 'openai:gpt-4'));
    const added = view.rows.filter((r) => r.origin === 'added');
    assert.deepEqual(
      added.map((r) => r.id),
      ['openai:gpt-4.1-mini', 'openai:gpt-4'],
      'added models come after the configured ones, in the order added',
    );
    assert.deepEqual(
      view.rows.slice(-2).map((r) => r.id),
      ['openai:gpt-4.1-mini', 'openai:gpt-4'],
    );
    assert.deepEqual(
      byId(added.map(coreFields)),
      byId(await independentRows(editor.document, ['openai:gpt-4.1-mini', 'openai:gpt-4'], 300, view.requestsPerDay)),
    );
    assert.equal(added.find((r) => r.id === 'openai:gpt-4')!.encoding, 'cl100k_base');
    assert.deepEqual(api.comparePanel.lastUpdate?.state.extraModels, ['openai:gpt-4.1-mini', 'openai:gpt-4']);

    // Output tokens through the webview's message path.
    const before = new Map(view.rows.map((r) => [r.id, r.outputUsd]));
    assert.equal(await api.comparePanel.receive({ type: 'setOutputTokens', value: 1234 }), true);
    view = await viewFor(api, 'support-triage.prompt.md', (v) => v.outputTokens === 1234);
    assert.equal(view.outputTokensSource, 'panel');
    assert.ok(view.rows.every((r) => r.outputTokens === 1234 || r.outputTokens === 0));
    assert.ok(
      view.rows.some((r) => r.outputUsd !== before.get(r.id)),
      'output costs changed',
    );
    const models = view.rows.map((r) => r.id);
    assert.deepEqual(byId(view.rows.map(coreFields)), byId(await independentRows(editor.document, models, 1234, view.requestsPerDay)));

    assert.equal(await api.comparePanel.receive({ type: 'setRequestsPerDay', value: 20 }), true);
    view = await viewFor(api, 'support-triage.prompt.md', (v) => v.requestsPerDay === 20);
    assert.deepEqual(byId(view.rows.map(coreFields)), byId(await independentRows(editor.document, models, 1234, 20)));

    // Malformed messages change nothing.
    for (const bad of [
      { type: 'setOutputTokens', value: -1 },
      { type: 'setOutputTokens', value: '99' },
      { type: 'addModel', id: 'has space' },
      { type: 'eval', code: '1' },
      null,
    ]) {
      assert.equal(await api.comparePanel.receive(bad), false, JSON.stringify(bad));
    }
    assert.equal(api.comparePanel.lastUpdate?.view.outputTokens, 1234);

    // Export in the displayed order (sorted by total, descending) through the core renderer.
    assert.equal(await api.comparePanel.receive({ type: 'setSort', sort: { key: 'totalUsd', direction: 'desc' } }), true);
    assert.equal(await api.comparePanel.receive({ type: 'export', format: 'csv', action: 'copy' }), true);
    const exported = api.comparePanel.lastExport;
    assert.ok(exported && exported.format === 'csv');
    const lines = exported.text.trim().split('\r\n');
    assert.equal(lines.length, view.rows.length + 1);
    const totals = view.rows.map((r) => r.totalUsd).sort((a, b) => Number(b) - Number(a));
    assert.ok(lines[1].includes(`,${totals[0]},`), `most expensive first: ${lines[1]}`);
    const tableText = renderCsv({ rows: [], errors: [], outputTokens: 1234, requestsPerDay: 20 });
    assert.equal(lines[0], tableText.trim(), 'the core CSV header');

    // Back to the prompt's max_tokens; remove an added model.
    assert.equal(await api.comparePanel.receive({ type: 'setOutputTokens', value: null }), true);
    assert.equal(await api.comparePanel.receive({ type: 'removeModel', id: 'openai:gpt-4' }), true);
    view = await viewFor(api, 'support-triage.prompt.md', (v) => !v.rows.some((r) => r.id === 'openai:gpt-4'));
    assert.equal(view.outputTokens, 300);
    assert.ok(view.rows.some((r) => r.id === 'openai:gpt-4.1-mini'));
  });

  it('follows the active prompt editor unless pinned, and updates while typing', async () => {
    const api = await extensionApi();
    await openInEditor('prompts', 'support-triage.prompt.md');
    await vscode.commands.executeCommand('promptCost.openComparison');
    await viewFor(api, 'support-triage.prompt.md');

    const summarize = await openInEditor('prompts', 'summarize.txt');
    const first = await viewFor(api, 'summarize.txt');
    assert.equal(api.comparePanel.panel?.title, 'Compare: summarize.txt');

    // Live update on edits (debounced). The edit is taken back at the end: the web workbench auto-saves, and
    // later suites read summarize.txt from disk (the 5 MB prompt test builds its text from it).
    const tokens = first.rows[0].inputTokens;
    const original = summarize.document.getText();
    restore.push(async () => {
      const doc = summarize.document;
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await doc.save());
    });
    await summarize.edit((b) => b.insert(new vscode.Position(0, 0), 'Think step by step and cite the source paragraph for every claim. '));
    const edited = await viewFor(api, 'summarize.txt', (v) => v.rows[0].inputTokens > tokens);
    const est = await promptEstimate(api, summarize.document);
    assert.deepEqual(byId(edited.rows.map(coreFields)), byId(est.estimate.table.rows.map((r) => ({ ...rowToJson(r), id: r.id }))));

    // Pinned: switching editors no longer moves the panel.
    assert.equal(await api.comparePanel.receive({ type: 'setPinned', pinned: true }), true);
    assert.equal(api.comparePanel.panel?.title, 'Compare: summarize.txt (pinned)');
    assert.equal(api.comparePanel.lastUpdate?.state.pinned, true);
    await openInEditor('prompts', 'support-triage.prompt.md');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(api.comparePanel.lastUpdate?.view.document?.name, 'summarize.txt');

    // Unpinned: follows the active prompt again.
    assert.equal(await api.comparePanel.receive({ type: 'setPinned', pinned: false }), true);
    await viewFor(api, 'support-triage.prompt.md');
    await vscode.window.showTextDocument(summarize.document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  // Embedding and rerank models return no output tokens: OpenAI's embeddings usage is prompt_tokens only
  // (openai/openai-openapi CreateEmbeddingResponse.usage); every Voyage AI model is an embedding or reranking model
  // (mongodb.com/docs/voyageai/models). The rule is core/embeddingModel.ts (unit: embedding-models.test.ts).
  it('an embedding-only prompt: the output field says there is none and every total is its input', async () => {
    const api = await extensionApi();
    const body = 'Represent this release note for retrieval: exports to CSV now keep the sort order.';
    const file = path.join(workspaceRoot(), 'prompts', 'embed-compare.prompt.md');
    fs.writeFileSync(file, `---\nmodel: openai:text-embedding-3-small\n---\n${body}\n`);
    const config = vscode.workspace.getConfiguration('promptCost');
    await config.update('models', ['voyageai:voyage-3'], vscode.ConfigurationTarget.Workspace);
    const name = 'embed-compare.prompt.md';
    try {
      const editor = await openInEditor('prompts', name);
      await vscode.commands.executeCommand('promptCost.openComparison', editor.document.uri);
      let view = await viewFor(api, name, (v) => v.rows.length === 2);
      assert.equal(view.embeddingsOnly, true);
      assert.equal(view.outputTokens, 0);
      assert.deepEqual(view.rows.map((r) => r.id).sort(), ['openai:text-embedding-3-small', 'voyageai:voyage-3']);
      for (const r of view.rows) {
        assert.equal(r.outputTokens, 0, r.id);
        assert.equal(Number(r.outputUsd), 0, r.id);
        assert.equal(r.totalUsd, r.inputUsd, `${r.id}: the total is the input alone`);
      }
      // The text alone, no chat framing (cl100k_base for text-embedding-3-*: tiktoken model.py).
      assert.equal(view.rows.find((r) => r.id === 'openai:text-embedding-3-small')!.inputTokens, countTokens(body, 'cl100k_base'));

      // A number typed before changes nothing while only embedding models are compared; the export says there is no output.
      assert.equal(await api.comparePanel.receive({ type: 'setOutputTokens', value: 800 }), true);
      view = await waitFor('the panel to take 800', () => {
        const u = api.comparePanel.lastUpdate;
        return u && u.state.outputTokens === 800 && u.view.document?.name === name && u.view.rows.length === 2 ? u.view : undefined;
      });
      assert.equal(view.embeddingsOnly, true);
      assert.equal(view.outputTokens, 0);
      assert.ok(view.rows.every((r) => r.outputTokens === 0 && r.totalUsd === r.inputUsd));
      assert.equal(await api.comparePanel.receive({ type: 'export', format: 'markdown', action: 'copy' }), true);
      assert.ok(api.comparePanel.lastExport?.text.includes(`— ${NO_OUTPUT_TOKENS}, `), api.comparePanel.lastExport?.text);

      // A chat model added beside: the field applies again, to it.
      assert.equal(await api.comparePanel.receive({ type: 'addModel', id: 'openai:gpt-4o-mini' }), true);
      view = await viewFor(api, name, (v) => v.rows.some((r) => r.id === 'openai:gpt-4o-mini'));
      assert.equal(view.embeddingsOnly, false);
      assert.equal(view.outputTokens, 800);
      assert.equal(view.rows.find((r) => r.id === 'openai:gpt-4o-mini')!.outputTokens, 800);
      assert.ok(view.rows.filter((r) => r.id !== 'openai:gpt-4o-mini').every((r) => r.outputTokens === 0));
      assert.equal(await api.comparePanel.receive({ type: 'setOutputTokens', value: null }), true);
      view = await viewFor(api, name, (v) => v.outputTokensSource !== 'panel' && v.rows.length === 3);
      const chat = view.rows.find((r) => r.id === 'openai:gpt-4o-mini')!;
      assert.ok(chat.outputTokens > 0);
      assert.equal(view.outputTokens, chat.outputTokens, 'the field shows the chat model’s expected output, not the embeddings’ 0');
      assert.equal(await api.comparePanel.receive({ type: 'removeModel', id: 'openai:gpt-4o-mini' }), true);
      await viewFor(api, name, (v) => v.rows.length === 2 && v.embeddingsOnly);
    } finally {
      await config.update('models', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(file, { force: true });
    }
  });

  it('recomputes when the settings change', async () => {
    const api = await extensionApi();
    await openInEditor('prompts', 'summarize.txt');
    await vscode.commands.executeCommand('promptCost.openComparison');
    await viewFor(api, 'summarize.txt');
    const config = vscode.workspace.getConfiguration('promptCost');
    await config.update('requestsPerDay', 77, vscode.ConfigurationTarget.Workspace);
    try {
      const view = await viewFor(api, 'summarize.txt', (v) => v.requestsPerDay === 77);
      assert.equal(view.requestsPerDaySource, 'settings');
    } finally {
      await config.update('requestsPerDay', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
