// flujo.toml in a real VS Code: diagnostics with stable codes, a quick fix applied, live updates, completion, hover.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { diskEncoding, flujoTomlText } from '../../../src/features/flujo/editorToml';
import { extensionApi, scaled, waitFor, withRootFlujoToml, workspaceRoot } from './helpers';

const BROKEN = `# A config with the mistakes Flujo silently accepts.
[cost]
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

function codes(uri: vscode.Uri): string[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'flujo.toml')
    .map((d) => String(d.code))
    .sort();
}

describe('flujo.toml language service', () => {
  let file: string;
  let doc: vscode.TextDocument;

  before(async () => {
    await extensionApi();
    file = path.join(workspaceRoot(), 'staging', 'flujo.toml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, BROKEN);
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('opens flujo.toml as TOML even without a TOML extension installed', () => {
    assert.equal(doc.languageId, 'toml');
  });

  it('reports located diagnostics with stable codes', async () => {
    const found = await waitFor('diagnostics', () => {
      const c = codes(doc.uri);
      return c.includes('dotted-model-key') && c.includes('unknown-key') ? c : undefined;
    });
    for (const code of ['dotted-model-key', 'unknown-key', 'missing-price', 'budget-invalid'])
      assert.ok(found.includes(code), `${code} in ${found.join(', ')}`);
    const dotted = vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'dotted-model-key')!;
    assert.equal(dotted.range.start.line, 4);
    assert.equal(doc.getText(dotted.range), 'gpt-3.5-turbo');
    assert.equal(dotted.severity, vscode.DiagnosticSeverity.Error);
  });

  it('quick fix quotes the dotted model key, and the diagnostic goes away', async () => {
    const dotted = vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'dotted-model-key')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      dotted.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const quote = actions.find((a) => a.title.startsWith('Quote the model name'));
    assert.ok(quote?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(quote.edit));
    assert.equal(doc.lineAt(4).text, '[cost.providers.openai."gpt-3.5-turbo"]');
    await waitFor('dotted-model-key to disappear', () => (codes(doc.uri).includes('dotted-model-key') ? undefined : true));
  });

  it('quick fix replaces a typo’d key with the suggestion', async () => {
    const typo = vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'unknown-key')!;
    assert.match(typo.message, /prompt_tokens_per_1k/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      typo.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const change = actions.find((a) => a.title === "Change to 'prompt_tokens_per_1k'");
    assert.ok(change?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(change.edit));
    assert.equal(doc.lineAt(9).text, 'prompt_tokens_per_1k = 0.00015');
    await waitFor('unknown-key and missing-price to disappear', () => {
      const c = codes(doc.uri);
      return c.includes('unknown-key') || c.includes('missing-price') ? undefined : true;
    });
  });

  it('updates diagnostics while typing', async () => {
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(3, 0), 'strickt = true\n'));
    const diag = await waitFor('a new unknown-key', () =>
      vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'unknown-key' && d.range.start.line === 3),
    );
    assert.match(diag.message, /strict/);
  });

  it('completes model ids from the catalog and hovers keys with docs', async () => {
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.lineCount;
    await editor.edit((b) => b.insert(new vscode.Position(line, 0), '\n[cost.providers.openai."gpt-4'));
    const pos = new vscode.Position(line + 1, '[cost.providers.openai."gpt-4'.length);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('gpt-4o'), `completions: ${labels.slice(0, 20).join(', ')}`);
    const keyAt = doc.positionAt(doc.getText().indexOf('completion_tokens_per_1k') + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, keyAt);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /completion/i);
  });

  // This test failed 1 run in 3 (and once in CI): strict/agent.py is written into a folder made a moment before,
  // and inotify raises no event for a file created before the watcher has added its new folder. The product
  // now rescans a new flujo.toml's folder instead of trusting the events (WorkspaceModelUsages.rescanFolder);
  // with the agent.py and flujo.toml events dropped on purpose, this test failed before that fix and passes after.
  it('strict mode: models used in workspace code without a price are errors, updated when code changes', async function () {
    this.timeout(scaled(60_000));
    const dir = path.join(workspaceRoot(), 'strict');
    fs.mkdirSync(dir, { recursive: true });
    const strictFile = path.join(dir, 'flujo.toml');
    fs.writeFileSync(
      strictFile,
      '[cost]\nstrict = true\n\n[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 0.0025\ncompletion_tokens_per_1k = 0.01\n',
    );
    // Code in this folder belongs to this flujo.toml (the one Flujo finds when run from here); code elsewhere
    // (agents/ under ../flujo.toml, with-mistakes/ under its own) does not.
    fs.writeFileSync(path.join(dir, 'agent.py'), 'summarizer = make_agent_async("openai:gpt-4o-mini", "Summarize.", str)\n');
    const strictDoc = await vscode.workspace.openTextDocument(vscode.Uri.file(strictFile));
    await vscode.window.showTextDocument(strictDoc);
    try {
      // strict/agent.py uses openai:gpt-4o-mini, which this file does not price. The first strict
      // lint scans the whole workspace: as long to wait for as the rescan below on a loaded machine.
      const first = await waitFor(
        'unpriced-model for gpt-4o-mini',
        () =>
          vscode.languages
            .getDiagnostics(strictDoc.uri)
            .find((d) => d.code === 'unpriced-model' && d.message.includes("model='gpt-4o-mini'")),
        30_000,
      );
      assert.match(
        first.message,
        /Strict pricing is enabled, but no configuration was found for provider='openai', model='gpt-4o-mini' in flujo\.toml\. Used in strict\/agent\.py:1\./,
      );
      // with-mistakes/agent.py (openai:gpt-4.1-mini) has its own flujo.toml: not counted here.
      const others = vscode.languages.getDiagnostics(strictDoc.uri).filter((d) => d.code === 'unpriced-model');
      assert.deepEqual(
        others.map((d) => d.message.match(/model='([^']+)'/)?.[1]),
        ['gpt-4o-mini'],
        others.map((d) => d.message).join('\n'),
      );
      // A new file using another model: only that file is rescanned, and its model shows up.
      fs.writeFileSync(path.join(dir, 'new_agent.py'), 'agent = make_agent_async("openai:gpt-4.1-mini", "Be brief.", str)\n');
      await waitFor(
        'unpriced-model for the new file',
        () =>
          vscode.languages
            .getDiagnostics(strictDoc.uri)
            .find((d) => d.code === 'unpriced-model' && d.message.includes("model='gpt-4.1-mini'")),
        30_000,
      );
      // The quick fix adds a price table from the reference catalog; the error goes away.
      const diag = vscode.languages
        .getDiagnostics(strictDoc.uri)
        .find((d) => d.code === 'unpriced-model' && d.message.includes("model='gpt-4o-mini'"))!;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        strictDoc.uri,
        diag.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const add = actions.find((a) => a.edit && /gpt-4o-mini/.test(a.title));
      assert.ok(add?.edit, `actions: ${actions.map((a) => a.title).join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(add.edit));
      assert.match(
        strictDoc.getText(),
        /\[cost\.providers\.openai\."gpt-4o-mini"\]\nprompt_tokens_per_1k = 0\.00015 +# .*\ncompletion_tokens_per_1k = 0\.0006 +# /,
      );
      await waitFor('gpt-4o-mini priced', () =>
        vscode.languages.getDiagnostics(strictDoc.uri).some((d) => d.code === 'unpriced-model' && d.message.includes("model='gpt-4o-mini'"))
          ? undefined
          : true,
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // The README tour (issue 29): the clean examples/flujo.toml stays clean although with-mistakes/agent.py uses an
  // unpriced model (with-mistakes/ has its own flujo.toml, which Flujo reads when run from there:
  // flujo/infra/config_manager.py _find_config_file), and with-mistakes/flujo.toml shows its strict-mode
  // finding at once, beside the [cost] errors that make Flujo record $0 until they are fixed.
  it('examples: the clean flujo.toml has no findings; with-mistakes/flujo.toml shows every finding at once', async function () {
    this.timeout(scaled(60_000));
    const clean = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceRoot(), 'flujo.toml')));
    const mistakes = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceRoot(), 'with-mistakes', 'flujo.toml')));
    await vscode.window.showTextDocument(mistakes);
    const found = await waitFor(
      'the strict-mode finding in with-mistakes/flujo.toml',
      () => {
        const c = codes(mistakes.uri);
        return c.includes('unpriced-model') ? c : undefined;
      },
      30_000,
    );
    assert.deepEqual(found, [
      'budget-invalid',
      'dotted-model-key',
      'missing-price',
      'missing-price',
      'price-magnitude',
      'price-magnitude',
      'unknown-key',
      'unpriced-model',
    ]);
    const strict = vscode.languages.getDiagnostics(mistakes.uri).find((d) => d.code === 'unpriced-model')!;
    assert.match(
      strict.message,
      /model='gpt-4\.1-mini'.*Used in with-mistakes\/agent\.py:4\..*once the other errors in this file are fixed/,
    );
    // The clean file: an empty result gives no event to wait for, so add a typo'd key: the first result that
    // reports it comes from a lint with the workspace scan done (it is), and must report nothing else.
    const editor = await vscode.window.showTextDocument(clean);
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'stat_uri = "x"\n')));
    try {
      const after = await waitFor(
        'the typo in the clean flujo.toml',
        () => (codes(clean.uri).includes('unknown-key') ? codes(clean.uri) : undefined),
        30_000,
      );
      assert.deepEqual(after, ['unknown-key']);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  // Flujo v0.6.11 (flujo/infra/config.py get_cost_config): one invalid price table rejects the whole
  // [cost], and Flujo records $0 for every model. The editor prices from the reference and says so.
  it('predicts what Flujo does: one broken price table, and every estimate says Flujo records $0', async function () {
    this.timeout(scaled(60_000));
    const dottedTable = '\n[cost.providers.openai.gpt-3.5-turbo]\nprompt_tokens_per_1k = 0.0005\ncompletion_tokens_per_1k = 0.0015\n';
    await withRootFlujoToml(
      (original) => `${original}${dottedTable}`,
      async (root, resolve) => {
        const broken = await waitFor('gpt-4o-mini priced from the reference', async () => {
          const r = await resolve();
          return r.ok && r.price.source === 'reference' ? r : undefined;
        });
        assert.ok(broken.ok);
        assert.match(
          broken.warnings.join('\n'),
          /Flujo itself would record \$0 for openai:gpt-4o-mini: the \[cost\] section fails Flujo's validation/,
        );
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(root));
        const dotted = await waitFor('dotted-model-key', () =>
          vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'dotted-model-key'),
        );
        assert.match(dotted.message, /records \$0 for every model, not just this one/);
      },
    );
  });

  // VS Code drops a UTF-8 byte-order mark from the document's text (and writes it back on save); Flujo's tomllib
  // keeps it and fails: "Invalid statement (at line 1, column 1)" (flujo/infra/config_manager.py, tomllib.load).
  it('a flujo.toml saved with a byte-order mark: the open editor says Flujo cannot load it, and prices do not come from it', async function () {
    this.timeout(scaled(60_000));
    await withRootFlujoToml(
      (original) => `\ufeff${original}`,
      async (root, resolve, original) => {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(root));
        await vscode.window.showTextDocument(doc);
        try {
          await waitFor('the document without the mark', () => (doc.getText() === original ? true : undefined));
          const bom = await waitFor('the byte-order-mark error', () =>
            vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'toml-syntax' && /byte-order mark/.test(d.message)),
          );
          assert.deepEqual([bom.range.start.line, bom.range.start.character], [0, 0]);
          assert.equal(bom.severity, vscode.DiagnosticSeverity.Error);
          const priced = await waitFor('gpt-4o-mini not priced from the unloadable file', async () => {
            const r = await resolve();
            return r.ok && r.price.source !== 'flujo.toml' ? r : undefined;
          });
          assert.match(priced.ok ? priced.warnings.join('\n') : '', /byte-order mark/);
        } finally {
          await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        }
      },
    );
  });

  it('quick fixes that leave nothing behind: [budget] → [budgets.default], a lax value → its literal', async () => {
    const dir = path.join(workspaceRoot(), 'fixes');
    fs.mkdirSync(dir, { recursive: true });
    const f = path.join(dir, 'flujo.toml');
    fs.writeFileSync(f, '[budget]\ntotal_cost_usd_limit = "5"\n');
    const fixDoc = await vscode.workspace.openTextDocument(vscode.Uri.file(f));
    await vscode.window.showTextDocument(fixDoc);
    try {
      const apply = async (code: string, title: RegExp) => {
        const d = await waitFor(code, () => vscode.languages.getDiagnostics(fixDoc.uri).find((x) => x.code === code));
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          fixDoc.uri,
          d.range,
          vscode.CodeActionKind.QuickFix.value,
        );
        const a = actions.find((x) => title.test(x.title));
        assert.ok(a?.edit, `actions: ${actions.map((x) => x.title).join(' | ')}`);
        assert.ok(await vscode.workspace.applyEdit(a.edit));
      };
      await apply('unknown-section', /budgets\.default/);
      assert.equal(fixDoc.lineAt(0).text, '[budgets.default]');
      await apply('lax-value', /^Write 5\.0$/);
      assert.equal(fixDoc.getText(), '[budgets.default]\ntotal_cost_usd_limit = 5.0\n');
      // (Models used elsewhere in the workspace that Flujo would raise for may still be reported here.)
      await waitFor('no diagnostics left', () => (codes(fixDoc.uri).filter((c) => c !== 'unpriced-model').length === 0 ? true : undefined));
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // A FIFO named flujo.toml (the explicit promptCost.flujoConfigPath is used even when it is no regular file) would
  // hold a thread of the extension host until something writes to it: it is stat'ed first and not read.
  it('a FIFO as flujo.toml is not read (no thread held): no price from it, and the editor helpers return at once', async function () {
    this.timeout(scaled(60_000));
    const dir = path.join(workspaceRoot(), 'fifo-config');
    const fifo = path.join(dir, 'flujo.toml');
    fs.mkdirSync(dir, { recursive: true });
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status !== 0) return this.skip(); // no mkfifo (not POSIX)
    const config = vscode.workspace.getConfiguration('promptCost');
    const api = await extensionApi();
    // Bounded, so a read that blocks fails the test instead of hanging it.
    const within = <T>(what: string, p: Promise<T>) =>
      Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not return`)), scaled(10_000)))]);
    try {
      assert.equal(await within('flujoTomlText', flujoTomlText(vscode.Uri.file(fifo))), undefined);
      assert.deepEqual(await within('diskEncoding', diskEncoding(vscode.Uri.file(fifo), 'x')), { byteOrderMark: false });
      await config.update('flujoConfigPath', fifo, vscode.ConfigurationTarget.Workspace);
      const ctx = await waitFor('the pricing without the FIFO', async () => {
        const c = await within('forDocument', api.services.pricing.forDocument(vscode.Uri.file(path.join(dir, 'x.prompt'))));
        return c.flujo === undefined ? c : undefined;
      });
      assert.equal(ctx.flujo, undefined);
    } finally {
      await config.update('flujoConfigPath', undefined, vscode.ConfigurationTarget.Workspace);
      // Whatever did open the FIFO for reading gets its end of file now (O_NONBLOCK: no wait when nothing does).
      try {
        fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      } catch {
        // ENXIO: nobody is reading it — as it should be
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
