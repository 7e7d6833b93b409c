// A 10 MB flujo.toml (100k model tables) in a real VS Code: its diagnostics arrive (the 1,000 that come
// first, errors first, plus the too-many-problems summary), a quick fix still applies, a burst of edits
// ends with the last edit's diagnostics, and the extension host's event loop keeps turning while the
// analysis runs in the flujo worker (perf_hooks.monitorEventLoopDelay in this very thread — the suite
// runs inside the extension host). bench/TOML-SCALE.md has the in-process vs worker numbers.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { manyTables } from '../../support/tomlShapes';
import { extensionApi, loadFactor, scaled, waitFor, workspaceRoot } from './helpers';

/**
 * The longest stall we accept while our analysis runs. Analysing the 10 MB file on the host thread stalls
 * it 1.5–8 s, and sending the whole text per lint (getText + postMessage, before the edits-only protocol)
 * 130–570 ms; with only the edits sent this measured 88 ms (its own suites) and 164 ms (after all the
 * others) on a shared 2-core machine under load 12–15. The goal is ≤ 50 ms (bench/TOML-SCALE.md); the
 * bound is generous so a loaded CI host does not fail it, yet the host-thread analysis cannot pass.
 * On a loaded machine the operating system alone delays the loop (1,808 ms once at load 17 on 2 cores), so
 * the bound grows with the load, but never past 3 s: the host-thread analysis is slower than that under load.
 */
const MAX_STALL_MS = 1000;
const stallBoundMs = () => Math.min(scaled(MAX_STALL_MS), 3 * MAX_STALL_MS);
const SLOW = 120_000;

/** True after a second in which the event loop never stalled 100 ms. */
async function quietSecond(): Promise<true | undefined> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  await new Promise((r) => setTimeout(r, 1000));
  h.disable();
  return h.max / 1e6 < 100 ? true : undefined;
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'flujo.toml');
}

describe('flujo.toml at scale (10 MB, 100k tables)', function () {
  this.timeout(SLOW * 3);
  let file: string;
  let doc: vscode.TextDocument;
  let editor: vscode.TextEditor;

  before(async () => {
    await extensionApi();
    // Not the workspace's own flujo.toml (that one also prices every prompt): a folder of its own.
    file = path.join(workspaceRoot(), 'staging-scale', 'flujo.toml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // One unquoted dotted model name near the end: an error, so it is among the 1,000 shown.
    fs.writeFileSync(file, `${manyTables()}[cost.providers.openai.gpt-3.5-turbo]\nprompt_tokens_per_1k = 0.0005\n`);
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    editor = await vscode.window.showTextDocument(doc);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('reports the first 1,000 problems, errors first, and how many more there are', async () => {
    const found = await waitFor(
      'diagnostics of the 10 MB file',
      () => {
        const d = ours(doc.uri);
        return d.some((x) => x.code === 'dotted-model-key') && d.some((x) => x.code === 'too-many-problems') ? d : undefined;
      },
      SLOW,
    );
    assert.ok(found.length <= 1001, `${found.length} diagnostics`);
    const dotted = found.find((d) => d.code === 'dotted-model-key')!;
    assert.equal(doc.getText(dotted.range), 'gpt-3.5-turbo');
    assert.equal(dotted.range.start.line, doc.lineCount - 3);
    assert.match(found.find((d) => d.code === 'too-many-problems')!.message, /not compared with the reference catalog/);
  });

  it('keeps the extension host responsive while a burst of edits is analysed; the last edit wins', async () => {
    // Let what earlier suites left running (re-pricing, workspace scans) finish: measure only our work.
    await waitFor('a quiet extension host', () => quietSecond(), SLOW);
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const started = Date.now();
    // Three edits in quick succession (each supersedes the analysis of the one before), then wait for the last one's result.
    for (const key of ['first_typo', 'second_typo', 'strickt']) {
      await editor.edit((b) => b.insert(new vscode.Position(0, 0), `${key} = true\n`));
      await new Promise((r) => setTimeout(r, 350)); // past the 300 ms debounce: the worker has started
    }
    await waitFor(
      "the last edit's diagnostics",
      () => (ours(doc.uri).some((d) => d.code === 'unknown-key' && d.message.includes("'strickt'")) ? true : undefined),
      SLOW,
    );
    h.disable();
    const maxStallMs = h.max / 1e6;
    // The host log is printed only on failure: the numbers also go to test-results/ (not committed).
    const measured = {
      diagnosticsAfterEditsMs: Date.now() - started,
      longestStallMs: Math.round(maxStallMs),
      p99StallMs: Math.round(h.percentile(99) / 1e6),
    };
    console.log(`10 MB flujo.toml: ${JSON.stringify(measured)}`);
    try {
      fs.mkdirSync(path.join(__dirname, '../../../../test-results'), { recursive: true });
      fs.writeFileSync(path.join(__dirname, '../../../../test-results/host-flujo-scale.json'), JSON.stringify(measured, null, 2));
    } catch {
      // read-only checkout: the assertion below still holds
    }
    const bound = stallBoundMs();
    assert.ok(
      maxStallMs < bound,
      `the extension host stalled ${maxStallMs.toFixed(0)} ms (bound ${bound} ms at load ${loadFactor().toFixed(1)})`,
    );
    // All three keys are in the text now, so all three are reported: the result is of the whole last text.
    const unknown = ours(doc.uri)
      .filter((d) => d.code === 'unknown-key')
      .map((d) => doc.getText(d.range));
    for (const key of ['first_typo', 'second_typo', 'strickt'])
      assert.ok(unknown.includes(key), `${key} in ${unknown.slice(0, 5).join(', ')}`);
  });

  it('a quick fix from the worker-made diagnostics applies, and the diagnostic goes away', async () => {
    const dotted = ours(doc.uri).find((d) => d.code === 'dotted-model-key')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      dotted.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const quote = actions.find((a) => a.title.startsWith('Quote the model name'));
    assert.ok(quote?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(quote.edit));
    assert.equal(doc.lineAt(dotted.range.start.line).text, '[cost.providers.openai."gpt-3.5-turbo"]');
    await waitFor(
      'dotted-model-key to disappear',
      () => (ours(doc.uri).some((d) => d.code === 'dotted-model-key') ? undefined : true),
      SLOW,
    );
  });
});
