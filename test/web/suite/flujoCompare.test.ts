// flujo.toml diagnostics with their quick fix, and the comparison panel, in VS Code for the Web: the same
// assertions as the desktop suites (test/host/suite/flujo.test.ts, compare.test.ts). The files are written and
// read through vscode.workspace.fs, the only file access a web extension has. The panel's gpt-4o-mini row is
// checked against the harness's numbers: tiktoken's count and flujo.toml's prices read with smol-toml
// (test/web/expectations.mjs), in exact decimals.
import * as vscode from 'vscode';
import { equal, extensionApi, ok, readWorkspaceJson, waitFor, workspaceUri } from './support';

// Mistakes Flujo accepts silently (DESIGN.md; Flujo 0.6.11 flujo/infra/config_manager.py): a dotted model
// name is a nested table, a typo'd price key is dropped, a negative budget limit is invalid.
const BROKEN = `[cost]
strict = false

[cost.providers.openai.gpt-3.5-turbo]
prompt_tokens_per_1k = 0.0005
completion_tokens_per_1k = 0.0015

[cost.providers.openai."gpt-4o-mini"]
prompt_token_per_1k = 0.00015
completion_tokens_per_1k = 0.0006

[budgets.default]
total_cost_usd_limit = -1
`;

const codes = (uri: vscode.Uri) =>
  vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'flujo.toml')
    .map((d) => String(d.code))
    .sort();

/** An exact decimal string as an integer count of 1e-12 USD (both sides compared without floats). */
function picoUsd(text: string): bigint {
  const [whole, frac = ''] = text.split('.');
  return BigInt(whole) * 10n ** 12n + BigInt((frac + '0'.repeat(12)).slice(0, 12));
}

describe('VS Code for the Web: flujo.toml and the comparison panel', () => {
  before(async () => {
    await extensionApi();
  });

  it('reports located flujo.toml diagnostics and the quick fix removes one', async () => {
    const uri = workspaceUri('staging', 'flujo.toml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(BROKEN));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    try {
      equal(doc.languageId, 'toml', 'flujo.toml opens as TOML');
      const found = await waitFor('diagnostics', () => {
        const c = codes(uri);
        return c.includes('dotted-model-key') && c.includes('unknown-key') ? c : undefined;
      });
      for (const code of ['dotted-model-key', 'unknown-key', 'missing-price', 'budget-invalid'])
        ok(found.includes(code), `${code} in ${found.join(', ')}`);
      const dotted = vscode.languages.getDiagnostics(uri).find((d) => d.code === 'dotted-model-key')!;
      equal(dotted.range.start.line, 3);
      equal(doc.getText(dotted.range), 'gpt-3.5-turbo');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        dotted.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const quote = actions.find((a) => a.title.startsWith('Quote the model name'));
      ok(quote?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
      ok(await vscode.workspace.applyEdit(quote.edit), 'the edit applies');
      equal(doc.lineAt(3).text, '[cost.providers.openai."gpt-3.5-turbo"]');
      await waitFor('dotted-model-key to disappear', () => (codes(uri).includes('dotted-model-key') ? undefined : true));
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.delete(workspaceUri('staging'), { recursive: true });
    }
  });

  it('opens the comparison panel with the exact gpt-4o-mini row', async () => {
    const expected = await readWorkspaceJson<{ supportTriageTokens: number; supportTriageMiniTotalUsd: string }>('.pcl-web/expected.json');
    const api = await extensionApi();
    const doc = await vscode.workspace.openTextDocument(workspaceUri('prompts', 'support-triage.prompt.md'));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('promptCost.openComparison');
    const view = await waitFor('the panel for support-triage.prompt.md', () => {
      const v = api.comparePanel.lastUpdate?.view;
      return v && v.rows.length > 0 && api.comparePanel.panel?.title === 'Compare: support-triage.prompt.md' ? v : undefined;
    });
    const mini = view.rows[0];
    equal(mini.id, 'openai:gpt-4o-mini', 'the prompt names gpt-4o-mini: it comes first');
    equal(mini.inputTokens, expected.supportTriageTokens, 'input tokens');
    equal(mini.outputTokens, 300, 'max_tokens from the front matter');
    equal(picoUsd(mini.totalUsd), picoUsd(expected.supportTriageMiniTotalUsd), `total ${mini.totalUsd}`);
    // The webview's CSP holds in the browser too: default-src 'none' and a nonce.
    const html = api.comparePanel.panel!.webview.html;
    ok(/default-src 'none'/.test(html) && /script-src 'nonce-[A-Za-z0-9+/=]{16,}'/.test(html), 'a strict CSP with a nonce');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
