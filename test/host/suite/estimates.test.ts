// Live estimates in a real VS Code: CodeLens, hover, status bar, edits, prompts in code, a 5 MB prompt.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { promptFileTokens, shortUsd } from '../../../src/core/estimate';
import { Decimal } from '../../../src/core/pricing/decimal';
import { countTokens } from '../../../src/core/tokenize';
import { extensionApi, loadFactor, openInEditor, waitFor, workspaceRoot } from './helpers';

/** The top lens: `1,234 tokens + 300 out` (prompt tokens, then the expected output the costs include). */
const isTopLens = (t: string): boolean => / tokens \+ [\d,]+ out$/.test(t);
const topLensTokens = (t: string): number => Number(/^([\d,]+) tokens/.exec(t)![1].replace(/,/g, ''));

async function codeLensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return (lenses ?? []).map((l) => l.command?.title ?? '').filter(Boolean);
}

function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

/** Independent count of a chat prompt: content tokens + 3 per message + role tokens + 3 reply priming (OpenAI cookbook). */
function chatCount(messages: { role: string; content: string }[]): number {
  return messages.reduce((n, m) => n + 3 + countTokens(m.role, 'o200k_base') + countTokens(m.content, 'o200k_base'), 3);
}

describe('live estimates', () => {
  before(async () => {
    await extensionApi();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows token and cost CodeLens on a prompt file, matching an independent count', async () => {
    const editor = await openInEditor('prompts', 'support-triage.prompt.md');
    const text = editor.document.getText();
    const body = text.slice(text.indexOf('# System') + '# System'.length, text.indexOf('# User')).trim();
    const user = text.slice(text.indexOf('# User') + '# User'.length).trim();
    const expected = chatCount([
      { role: 'system', content: body },
      { role: 'user', content: user },
    ]);
    const titles = await waitFor('CodeLens', async () => {
      const t = await codeLensTitles(editor.document.uri);
      return t.some((x) => / tokens \+ [\d,]+ out$/.test(x)) ? t : undefined;
    });
    // The top lens says what the costs include: the prompt's tokens + the expected output (issue 13, edge 4).
    assert.equal(titles[0], `${expected.toLocaleString('en-US')} tokens + 300 out`, `titles: ${titles.join(' | ')}`);
    // The front matter names gpt-4o-mini: it comes first, priced from flujo.toml ($0.00015 / $0.0006 per 1K), 300 output tokens.
    const expectedUsd = Decimal.parse('0.00015').times(expected).plus(Decimal.parse('0.0006').times(300)).shiftLeft(3);
    const mini = titles.find((t) => t.startsWith('gpt-4o-mini '));
    assert.ok(mini, `a gpt-4o-mini lens in ${titles.join(' | ')}`);
    assert.equal(mini, `gpt-4o-mini ${shortUsd(expectedUsd)}`);
    assert.match(shortUsd(expectedUsd), /^\$0\.000\d+$/);
    // Four priced models: three on the line, the fourth behind "+1 more…" (issue 13, edge 3).
    const modelLenses = titles.filter((t) => /^[\w.-]+ ≈?\$/.test(t));
    assert.equal(modelLenses.length, 3, `titles: ${titles.join(' | ')}`);
    assert.ok(titles.includes('+1 more…'), `titles: ${titles.join(' | ')}`);
    assert.ok(
      titles.some((t) => t.startsWith('system: ')),
      'a lens above the system section',
    );
    assert.ok(
      titles.some((t) => t.startsWith('user: ')),
      'a lens above the user section',
    );
    assert.ok(
      titles.some((t) => /^(system|user): [\d,]+ tokens · gpt-4o-mini \$[\d.]+ input$/.test(t)),
      `section lenses say they are input only: ${titles.join(' | ')}`,
    );
  });

  // Embedding models bill the input text alone and return no output (OpenAI's API spec, openai/openai-openapi
  // CreateEmbeddingResponse.usage: prompt_tokens = total_tokens); unit-tested in estimate-embeddings.test.ts.
  it('an embedding prompt: input without chat framing, and no output on the lens, status bar and hover', async () => {
    const api = await extensionApi();
    const body = 'Represent this support ticket for retrieval: the invoice PDF fails to download on Safari 17.';
    const file = path.join(workspaceRoot(), 'prompts', 'embed-ticket.prompt.md');
    fs.writeFileSync(file, `---\nmodel: openai:text-embedding-3-small\n---\n${body}\n`);
    const config = vscode.workspace.getConfiguration('promptCost');
    await config.update('models', ['openai:text-embedding-3-large'], vscode.ConfigurationTarget.Workspace);
    try {
      const editor = await openInEditor('prompts', 'embed-ticket.prompt.md');
      const expected = countTokens(body, 'cl100k_base');
      const titles = await waitFor('CodeLens', async () => {
        const t = await codeLensTitles(editor.document.uri);
        return t.some((x) => / tokens, no output$/.test(x)) ? t : undefined;
      });
      assert.equal(titles[0], `${expected} tokens, no output`, titles.join(' | '));
      const status = await waitFor('status bar', () => (api.statusBar.text.includes(`${expected} tok`) ? api.statusBar.text : undefined));
      assert.doesNotMatch(status, /\+/, status);
      const md = await waitFor('hover', async () => {
        const h = hoverText(
          await vscode.commands.executeCommand<vscode.Hover[]>(
            'vscode.executeHoverProvider',
            editor.document.uri,
            new vscode.Position(3, 5),
          ),
        );
        return h.includes('Prompt Cost') || h.includes('| Model |') ? h : undefined;
      });
      assert.match(md, /Output \(none: embeddings\)/, md);
      assert.doesNotMatch(md, /500 tok/, md);
    } finally {
      await config.update('models', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(file, { force: true });
    }
  });

  it('updates the CodeLens and status bar while typing', async () => {
    const api = await extensionApi();
    const editor = await openInEditor('prompts', 'summarize.txt');
    const before = await waitFor('CodeLens', async () => (await codeLensTitles(editor.document.uri)).find(isTopLens));
    await waitFor('status bar', () => (api.statusBar.text.includes('tok') ? api.statusBar.text : undefined));
    const n = topLensTokens(before);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'Please be extremely careful and precise. '));
    const after = await waitFor('updated CodeLens', async () => {
      const t = (await codeLensTitles(editor.document.uri)).find(isTopLens);
      return t && t !== before ? t : undefined;
    });
    const expected = countTokens(editor.document.getText(), 'o200k_base') + 3 + countTokens('user', 'o200k_base') + 3;
    assert.equal(topLensTokens(after), expected);
    assert.ok(expected > n);
    await waitFor('status bar to follow the edit', () =>
      api.statusBar.text.includes(expected.toLocaleString('en-US')) ? true : undefined,
    );
    await vscode.commands.executeCommand('undo');
  });

  it('hover shows a per-model table with exact costs and the price source', async () => {
    const editor = await openInEditor('prompts', 'support-triage.prompt.md');
    const hovers = await waitFor('hover', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        editor.document.uri,
        new vscode.Position(7, 5),
      );
      return hoverText(h).includes('Prompt Cost') ? h : undefined;
    });
    const md = hoverText(hovers);
    assert.match(md, /\| gpt-4o-mini \| [\d,]+ \| \$0\.\d+ \|/);
    assert.match(md, /Prices: flujo\.toml/);
    assert.match(md, /Monthly \(1,000\/day\)/);
    assert.match(md, /Unfilled placeholders .*`plan`.*`message`/);
  });

  it('status bar shows tokens and cost of the selection', async () => {
    const api = await extensionApi();
    const editor = await openInEditor('prompts', 'support-triage.prompt.md');
    editor.selection = new vscode.Selection(6, 0, 6, 40);
    const selected = editor.document.getText(editor.selection);
    const tokens = countTokens(selected, 'o200k_base');
    const text = await waitFor('selection status', () => (api.statusBar.text.startsWith('$(selection)') ? api.statusBar.text : undefined));
    assert.ok(text.includes(`${tokens} tok`), text);
    // Priced with the prompt's own model (front matter `model: openai:gpt-4o-mini`, $0.00015 per 1K input in
    // examples/flujo.toml), the one the bar shows for the whole prompt — not the first configured model (issue 29).
    const usd = Decimal.parse('0.00015').times(tokens).shiftLeft(3);
    assert.ok(text.endsWith(`tok · ${shortUsd(usd)} gpt-4o-mini`), text);
    // The selection hover: the same models in the same order and spelling as the whole-prompt hover.
    const hoverAt = async (pos: vscode.Position) =>
      hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, pos));
    const modelColumn = (md: string) => [...md.matchAll(/^\| ([^|]+?) \| [≈\d]/gm)].map((m) => m[1]);
    const selectionMd = await waitFor('selection hover', async () => {
      const md = await hoverAt(new vscode.Position(6, 10));
      return md.includes('selection') ? md : undefined;
    });
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const wholeMd = await hoverAt(new vscode.Position(7, 5));
    const wholeModels = [...new Set(modelColumn(wholeMd.split('\n\n| Model | All input')[0]))];
    assert.equal(wholeModels[0], 'gpt-4o-mini', wholeMd);
    assert.deepEqual(modelColumn(selectionMd), wholeModels, selectionMd);
  });

  it('estimates prompts inside Python code: one lens per call, for the model named in the call', async () => {
    const editor = await openInEditor('agents', 'review_agent.py');
    const titles = await waitFor('code CodeLens', async () => {
      const t = await codeLensTitles(editor.document.uri);
      return t.length >= 3 ? t : undefined;
    });
    // Three calls, three lenses (make_agent_async ×2, chat.completions.create) — not one per string.
    assert.equal(titles.length, 3, titles.join(' | '));
    const src = editor.document.getText();
    const start = src.indexOf('REVIEW_PROMPT = """') + 'REVIEW_PROMPT = """'.length;
    const reviewPrompt = src.slice(start, src.indexOf('"""', start));
    // The call sends it as a system message: OpenAI's chat rule, 3 per message + the role, 3 to prime the reply.
    const system = 3 + countTokens('system', 'o200k_base') + countTokens(reviewPrompt, 'o200k_base');
    const reviewTokens = system + 3;
    // flujo.toml: gpt-4o $0.0025 per 1K input, $0.01 per 1K output; 500 expected output tokens (the setting).
    const reviewUsd = Decimal.parse('0.0025').times(reviewTokens).plus(Decimal.parse('0.01').times(500)).shiftLeft(3);
    assert.ok(titles.includes(`${reviewTokens} tokens + 500 out · gpt-4o ${shortUsd(reviewUsd)}`), titles.join(' | '));
    assert.ok(
      titles.some((t) => t.includes('gpt-4o-mini')),
      titles.join(' | '),
    );
    // Clicking the lens (or the constant the call sends) shows that call's breakdown, not the whole file's.
    const md = await vscode.commands.executeCommand<string>('promptCost.showBreakdown', editor.document.uri, start);
    assert.ok(md.includes('make_agent_async in review_agent.py'), md);
    assert.ok(md.includes(`| system (line 5) | ${system} |`), md);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('copies the estimate as Markdown and toggles the CodeLens off and on', async () => {
    const editor = await openInEditor('prompts', 'support-triage.prompt.md');
    const md = await vscode.commands.executeCommand<string>('promptCost.copyEstimateMarkdown', editor.document.uri);
    assert.match(md, /^\*\*Prompt Cost · support-triage\.prompt\.md\*\*/);
    assert.equal(await vscode.env.clipboard.readText(), md);
    assert.match(md, /\| system \(line 5\) \| \d+/);
    assert.equal(await vscode.commands.executeCommand('promptCost.toggleCodeLens'), false);
    try {
      await waitFor('no CodeLens', async () => ((await codeLensTitles(editor.document.uri)).length === 0 ? true : undefined));
    } finally {
      assert.equal(await vscode.commands.executeCommand('promptCost.toggleCodeLens'), true);
    }
    await waitFor('CodeLens back', async () => ((await codeLensTitles(editor.document.uri)).length > 0 ? true : undefined));
  });

  it('estimates an untitled document on demand, and shows a message for binary content', async () => {
    const untitled = await vscode.workspace.openTextDocument({
      language: 'plaintext',
      content: 'Summarize this meeting in three bullet points.',
    });
    await vscode.window.showTextDocument(untitled);
    assert.deepEqual(await codeLensTitles(untitled.uri), [], 'an untitled text file is not a prompt file until asked');
    const md = await vscode.commands.executeCommand<string>('promptCost.estimateFile', untitled.uri);
    const expected =
      countTokens('Summarize this meeting in three bullet points.', 'o200k_base') + 3 + countTokens('user', 'o200k_base') + 3;
    assert.match(md, new RegExp(`\\| gpt-4o-mini \\| ${expected} \\|`));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    const binary = await vscode.workspace.openTextDocument({ language: 'markdown', content: 'PNG\u0000\u0000\u0001binary' });
    const api = await extensionApi();
    const result = await api.services.estimator.get(binary, true);
    assert.equal(result?.kind, 'binary');
  });

  it('offers CodeLens and hover on files, not on other schemes (a diff side, documents of another extension)', async () => {
    // The same prompt text under a scheme no prompt lives in: no CodeLens, no hover (PROMPT_SELECTOR).
    const text = fs.readFileSync(path.join(workspaceRoot(), 'prompts', 'support-triage.prompt.md'), 'utf8');
    const provider = vscode.workspace.registerTextDocumentContentProvider('pcl-test', { provideTextDocumentContent: () => text });
    try {
      const virtual = await vscode.workspace.openTextDocument(vscode.Uri.parse('pcl-test:/prompts/support-triage.prompt.md'));
      await vscode.window.showTextDocument(virtual);
      assert.deepEqual(await codeLensTitles(virtual.uri), []);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        virtual.uri,
        new vscode.Position(3, 2),
      );
      assert.ok(!hoverText(hovers).includes('Prompt Cost'), hoverText(hovers));
      // The file itself has both.
      const editor = await openInEditor('prompts', 'support-triage.prompt.md');
      await waitFor('CodeLens on the file', async () => ((await codeLensTitles(editor.document.uri)).length > 0 ? true : undefined));
    } finally {
      provider.dispose();
    }
  });

  it('shows front-matter problems in the Problems panel and clears them once fixed', async () => {
    const file = path.join(workspaceRoot(), 'prompts', 'broken-front-matter.prompt.md');
    fs.writeFileSync(file, '---\nmodel: [openai:gpt-4o\nmax_tokens: 100\n---\n# User\nHello\n');
    try {
      const editor = await openInEditor('prompts', 'broken-front-matter.prompt.md');
      const uri = editor.document.uri;
      const yaml = await waitFor('a front-matter diagnostic', () => {
        const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'prompt front matter');
        return found.length ? found : undefined;
      });
      assert.ok(
        yaml.every((d) => d.code === 'front-matter-yaml' && d.range.start.line >= 1 && d.range.start.line <= 3),
        JSON.stringify(yaml),
      );
      await editor.edit((e) => e.replace(editor.document.lineAt(1).range, 'model: openai:gpt-4o'));
      await waitFor('the problems cleared', () => (vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined));
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it("warns at the message a model's chat template refuses, in the template's own words (Gemma 3: roles must alternate)", async () => {
    // Gemma 3's chat_template (tokenizer_config.json): raise_exception("Conversation roles must alternate
    // user/assistant/user/assistant/...") when a turn's role does not alternate — here the second user turn (line 9).
    const file = path.join(workspaceRoot(), 'prompts', 'gemma-twice.prompty');
    fs.writeFileSync(file, '---\nname: twice\nmodel:\n  id: gemma-3-27b-it\n---\nuser:\nfirst\n\nuser:\nsecond\n');
    try {
      const editor = await openInEditor('prompts', 'gemma-twice.prompty');
      const refused = await waitFor('a chat-template warning', () => {
        const found = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.code === 'chat-template-refused');
        return found.length ? found : undefined;
      });
      assert.equal(refused.length, 1, JSON.stringify(refused));
      assert.equal(refused[0].severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(refused[0].range.start.line, 8, JSON.stringify(refused[0].range));
      assert.match(refused[0].message, /gemma-3-27b-it.*Conversation roles must alternate/);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  // Replaces a test that asserted the largest timer lag < 500 ms and flaked on a loaded machine: timer lag
  // also measures the OS scheduling every other process. What blocked the host here was our own work per
  // keystroke — building the 5 MB text (getText), shipping it to the worker and rebuilding 15k message
  // objects — so that is asserted exactly (only edits travel after the first request), the lens must show
  // the exact count after typing, and the event-loop delay is logged and bounded only generously.
  // Flaky once (issue 29): not a stale lens — each keystroke's lens did arrive with the new count — but a fixed
  // 240 s budget for a first count plus five recounts that took 46 s + 5 × 20–28 s at load average 18 on two
  // cores (162 s, logged below). The budgets and the event-loop bound now scale with the machine's load.
  // Timed out after the whole suite (quarantined for a session): the comparison suite edits summarize.txt,
  // which this test builds its prompt from, and the web workbench auto-saves (files.autoSave is afterDelay in
  // VS Code for the Web), so the insertion points moved — and ' cheaper' then left the exact count unchanged
  // (1,056,993 before and after, logged in a traced run): the wait for a *different* lens never ended. A BPE
  // count need not change after an insertion; the lens must show the estimate of the text as it is now.
  it('a 5 MB prompt: typing updates the CodeLens to the exact count, only the edits go to the worker, the host stays responsive', async function () {
    const factor = loadFactor();
    this.timeout(240_000 * factor);
    // A Prompty file: as a `.md` the host's time would be VS Code's built-in Markdown extension's, which
    // re-tokenizes the whole 5 MB document per change (13 s of extension-host CPU over five edits,
    // against 0.5 s of ours, in a profile of this test).
    const file = path.join(workspaceRoot(), 'prompts', 'huge.prompty');
    const paragraph = fs.readFileSync(path.join(workspaceRoot(), 'prompts', 'summarize.txt'), 'utf8');
    let text = '---\nname: huge\nmodel: openai:gpt-4o\n---\n';
    for (let i = 0; text.length < 5_000_000; i++) text += `${i % 2 ? 'assistant' : 'user'}:\n${paragraph.replace(/200/g, String(i))}\n`;
    fs.writeFileSync(file, text);
    const { services } = await extensionApi();
    const exact = (t: string) => promptFileTokens(t, 'huge.prompty').tokens('openai:gpt-4o').tokens;
    const topLens = async (uri: vscode.Uri) => (await codeLensTitles(uri)).find(isTopLens);
    try {
      const t0 = Date.now();
      const editor = await openInEditor('prompts', 'huge.prompty');
      const uri = editor.document.uri;
      const first = await waitFor('CodeLens on 5 MB', () => topLens(uri), 120_000);
      const firstMs = Date.now() - t0;
      assert.equal(topLensTokens(first), exact(text), first);

      // PCL_HOST_PROFILE=<file>: a CPU profile of the extension host while typing (where its time goes)
      const profile = process.env.PCL_HOST_PROFILE ? await startProfile() : undefined;
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const t1 = Date.now();
      let shown = first;
      const editMs: number[] = [];
      for (const [k, word] of ['budget', ' costs', '\nOne more line about {{topic}}.', ' tokens', ' cheaper'].entries()) {
        // type into the middle of a paragraph line, spread over the file
        const line = Math.floor(((k + 1) / 6) * (editor.document.lineCount - 1)) | 1;
        const at = new vscode.Position(line, Math.floor(editor.document.lineAt(line).text.length / 2));
        const s = Date.now();
        assert.ok(await editor.edit((b) => b.insert(at, word)));
        shown = await waitFor(
          `the CodeLens after typing '${word}'`,
          async () => {
            // the estimate of this version (counted in the worker from the edits), then the lens showing it
            const version = editor.document.version;
            const est = await services.estimator.get(editor.document);
            const want = est?.kind === 'prompt' ? est.estimate.models.find((m) => m.model === est.primary)?.inputTokens : undefined;
            const t = await topLens(uri);
            return t && want !== undefined && editor.document.version === version && topLensTokens(t) === want ? t : undefined;
          },
          60_000,
        );
        editMs.push(Date.now() - s);
      }
      delay.disable();
      if (profile) fs.writeFileSync(process.env.PCL_HOST_PROFILE!, JSON.stringify(await profile()));
      const typingMs = Date.now() - t1;
      // the number is the exact one for the text as it is now (counted from scratch here)
      assert.equal(topLensTokens(shown), exact(editor.document.getText()), shown);
      const requests = services.estimator.largeDocumentRequests(uri);
      const lag = { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
      console.log(
        `[perf] 5 MB prompt: first CodeLens ${firstMs} ms; keystroke → updated CodeLens ${editMs.join(', ')} ms; ` +
          `event-loop delay while typing p50 ${lag.p50.toFixed(0)} / p99 ${lag.p99.toFixed(0)} / max ${lag.max.toFixed(0)} ms; ` +
          `worker requests ${JSON.stringify(requests)} (${shown}); load factor ${factor.toFixed(1)}`,
      );
      fs.writeFileSync(path.join(__dirname, 'perf-5mb.json'), JSON.stringify({ firstMs, editMs, typingMs, lag, requests }));
      // The whole text went to the worker once, at opening; every keystroke after that sent its edits.
      assert.equal(requests?.text, 1, JSON.stringify(requests));
      assert.ok((requests?.edits ?? 0) >= 5, JSON.stringify(requests));
      // Responsive at all, even on a loaded machine (the benchmark has the real numbers: bench/KEYSTROKE.md).
      // Timer lag also measures the OS scheduling the other processes: the bound scales with the load.
      assert.ok(lag.max < 5_000 * factor, `extension host blocked for ${lag.max} ms (load factor ${factor.toFixed(1)})`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      fs.rmSync(file, { force: true });
    }
  });
});

/** Starts the V8 profiler of this thread; the returned function stops it and gives the profile. */
async function startProfile(): Promise<() => Promise<unknown>> {
  const inspector = await import('node:inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) => session.post(method, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    session.disconnect();
    return profile;
  };
}
