// The extension in VS Code for the Web's web-worker extension host (the browser bundle dist/web/extension.js):
// the same lenses, hover and status bar as on the desktop, with counts checked against tiktoken. The harness
// (test/web/run-web-tests.mjs) computes the expected counts with npm `tiktoken` (the WASM build of
// openai/tiktoken) before the browser starts and writes them to .pcl-web/expected.json: the browser has
// no tiktoken, and the suite must not check the extension's numbers with the extension's own code.
import * as vscode from 'vscode';
import {
  codeLensTitles,
  equal,
  extensionApi,
  hoverText,
  match,
  ok,
  readWorkspaceJson,
  waitFor,
  workspaceUri,
  writeWorkspaceJson,
} from './support';

interface Expected {
  /** support-triage.prompt.md as OpenAI counts a chat (openai-cookbook "How to count tokens with tiktoken"). */
  supportTriageTokens: number;
}

describe('VS Code for the Web', () => {
  let expected: Expected;
  before(async () => {
    expected = await readWorkspaceJson<Expected>('.pcl-web/expected.json');
    await extensionApi();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs the browser bundle in the web-worker extension host', async () => {
    const api = await extensionApi();
    equal(vscode.env.uiKind, vscode.UIKind.Web, 'the workbench is VS Code for the Web');
    equal(api.platform, 'browser', 'dist/web/extension.js is the bundle that runs');
    // A web worker: no Node process object, a navigator (WorkerNavigator).
    equal(typeof (globalThis as { process?: unknown }).process, 'undefined', 'no Node process in a web extension host');
    ok((globalThis as { navigator?: unknown }).navigator !== undefined, 'a navigator in the worker');
  });

  it('shows the token CodeLens on a prompt file, equal to tiktoken’s chat count', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceUri('prompts', 'support-triage.prompt.md'));
    await vscode.window.showTextDocument(doc);
    const shown = performance.now();
    const titles = await waitFor('CodeLens', async () => {
      const t = await codeLensTitles(doc.uri);
      return t.some((x) => / tokens \+ [\d,]+ out$/.test(x)) ? t : undefined;
    });
    // The start figures of docs/dev/benchmarks.md (the harness prints them).
    const api = await extensionApi();
    await writeWorkspaceJson('.pcl-web/metrics.json', {
      activationMs: api.activationMs,
      moduleEvalMs: api.moduleEvalMs,
      firstLensMs: performance.now() - shown,
      dataFileLoadMs: Object.fromEntries(api.dataFileLoadMs),
    });
    ok(api.dataFileLoadMs.has('o200k_base.bin'), 'o200k_base was fetched through workspace.fs');
    equal(titles[0], `${expected.supportTriageTokens.toLocaleString('en-US')} tokens + 300 out`, `titles: ${titles.join(' | ')}`);
    // gpt-4o-mini priced from the workspace's flujo.toml ($0.00015 / $0.0006 per 1K), read through vscode.workspace.fs.
    const mini = titles.find((t) => t.startsWith('gpt-4o-mini '));
    ok(mini, `a gpt-4o-mini lens in ${titles.join(' | ')}`);
    match(mini, /^gpt-4o-mini \$0\.000\d+$/);
  });

  it('shows the hover table and the status bar', async () => {
    const api = await extensionApi();
    const doc = await vscode.workspace.openTextDocument(workspaceUri('prompts', 'support-triage.prompt.md'));
    await vscode.window.showTextDocument(doc);
    const md = await waitFor('hover', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(7, 5));
      const text = hoverText(h);
      return text.includes('Prompt Cost') ? text : undefined;
    });
    match(md, /gpt-4o-mini/, 'the hover names the front matter model');
    match(md, /flujo\.toml/, 'the hover names the price source');
    const bar = await waitFor('status bar', () =>
      api.statusBar.text.includes(expected.supportTriageTokens.toLocaleString('en-US')) ? api.statusBar.text : undefined,
    );
    match(bar, /tok/);
  });
});
