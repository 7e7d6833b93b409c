// Hostile workspace content in a real VS Code (issue 17): names from files render as text in hovers
// and tooltips (rendered here with marked 14.0.0, the renderer VS Code 1.96 bundles), flujo.toml's
// state_uri is not followed in an untrusted workspace, and a workspace history.path outside the
// folder is used only after the user confirmed it once. (The offline host runs with Workspace Trust
// off, so restricted mode is simulated through services.trust, the one place features ask.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Marked } from 'marked';
import { appendRun } from '../../../src/core/history/ledger';
import type { RunsNode } from '../../../src/features/history/runsView';
import { insertFlujoRun, openFlujoWal } from '../../support/flujoFixture';
import { extensionApi, waitFor, workspaceFile, workspaceRoot, scaled } from './helpers';

const marked = new Marked({ gfm: true });
const LINK = '[free credits](https://evil.example/x) ![p](https://evil.example/p.png) https://evil.example';

function hoverMarkdown(hovers: vscode.Hover[] | undefined): vscode.MarkdownString[] {
  return (hovers ?? []).flatMap((h) => h.contents.filter((c): c is vscode.MarkdownString => c instanceof vscode.MarkdownString));
}

/** No link, image or HTML element in what VS Code's renderer would show; the name shows as text. */
function assertInert(md: vscode.MarkdownString, visible: string): void {
  assert.ok(!md.isTrusted, 'isTrusted stays off');
  assert.ok(!md.supportHtml, 'supportHtml stays off');
  const html = marked.parse(md.value, { async: false }) as string;
  assert.doesNotMatch(html, /<a[\s>]|<img[\s>]|<script/i, html);
  const text = html
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
  assert.ok(text.includes(visible), `"${visible}" shown as text in ${html}`);
}

describe('hostile workspace content (escaping, Workspace Trust, paths outside the workspace)', function () {
  this.timeout(scaled(60_000));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-outside-'));
  const created: string[] = [];
  const config = () => vscode.workspace.getConfiguration('promptCost');

  after(async () => {
    const { services } = await extensionApi();
    services.trust.simulateForTests(undefined);
    await config().update('history.path', undefined, vscode.ConfigurationTarget.Workspace);
    await services.context.workspaceState.update('promptCost.history.outsidePathConsent', undefined);
    for (const f of created) fs.rmSync(f, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('a model name with a link and an image renders as text in the hover (no link, no remote image)', async () => {
    const file = workspaceFile('prompts', 'hostile.prompt.md');
    created.push(file.fsPath);
    fs.writeFileSync(file.fsPath, `---\nmodel: "${LINK}"\nmax_tokens: 10\n---\n# User\n\nHello there, summarize this.\n`);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const mds = await waitFor('the hover', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(6, 3));
      const found = hoverMarkdown(h).filter((m) => m.value.includes('Prompt Cost'));
      return found.length ? found : undefined;
    });
    for (const md of mds) {
      assert.ok(md.value.includes('free credits'), md.value);
      assertInert(md, '[free credits](https://evil.example/x)');
      assert.ok(!md.supportThemeIcons, 'no $(icon) syntax from names');
    }
  });

  it('a model name with $(icon) syntax reads as written in the CodeLens (escaped, not an icon)', async () => {
    const file = workspaceFile('prompts', 'icon-name.prompt.md');
    created.push(file.fsPath);
    // Two sections: their lenses are titled when VS Code resolves them (resolveCodeLens), escaped as the others.
    fs.writeFileSync(
      file.fsPath,
      '---\nmodel: "openai:$(alert)-model"\nmax_tokens: 10\n---\n# System\n\nBe brief.\n\n# User\n\nHello there.\n',
    );
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const titles = await waitFor('the CodeLens', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
      const t = (lenses ?? []).map((l) => l.command?.title ?? '');
      // the model's lens, and the two section lenses (titled when resolved: through the same escaping)
      return t.some((x) => x.includes('alert')) && t.some((x) => /^system: /.test(x)) && t.some((x) => /^user: /.test(x)) ? t : undefined;
    });
    for (const t of titles.filter((x) => x.includes('alert'))) {
      assert.ok(t.includes('\\$(alert)'), `escaped: ${t}`);
      assert.doesNotMatch(t, /(^|[^\\])\$\(/, `no unescaped $( in ${t}`);
    }
  });

  it('the Runs tooltip shows a hostile run id, model and error as text', async () => {
    const { history } = await extensionApi();
    const store = history.store;
    await store.whenReady();
    const ledger = (await store.ledgerFileFor()) ?? path.join(workspaceRoot(), '.prompt-cost', 'runs.jsonl');
    const id = 'sec` [id link](https://evil.example/id) `1';
    await appendRun(ledger, {
      v: 1,
      type: 'run',
      id,
      time: new Date().toISOString(),
      source: 'vscode',
      status: 'error',
      model: LINK,
      error: { kind: 'server', message: `<img src=https://evil.example/e.png> ${LINK}` },
    });
    await store.refresh();
    const runs = history.runs!;
    const find = async (): Promise<vscode.TreeItem | undefined> => {
      for (const g of await runs.getChildren())
        for (const n of await runs.getChildren(g as RunsNode))
          if ((n as RunsNode).kind === 'run' && (n as Extract<RunsNode, { kind: 'run' }>).view.run.id === id) return runs.getTreeItem(n);
      return undefined;
    };
    const item = await waitFor('the hostile run in the tree', find);
    assert.ok(item.tooltip instanceof vscode.MarkdownString);
    assertInert(item.tooltip, 'sec` [id link](https://evil.example/id) `1');
    assertInert(item.tooltip, '<img src=https://evil.example/e.png>');
    await store.delete(id);
  });

  it('state_uri pointing outside the workspace: read when trusted, not followed when untrusted (the view says why)', async () => {
    const { services, history } = await extensionApi();
    const store = history.store;
    const dbPath = path.join(outside, 'state.db');
    const db = openFlujoWal(dbPath);
    insertFlujoRun(db, 'sec-outside-run', 'outside-pipeline', 'completed', '2026-01-02 10:00:00', [
      { name: 'answer', cost: 0.5, tokens: 100 },
    ]);
    db.close();
    const toml = workspaceFile('flujo.toml').fsPath;
    const original = fs.readFileSync(toml, 'utf8');
    const relative = path.relative(path.dirname(toml), dbPath);
    try {
      fs.writeFileSync(toml, original.replace(/^state_uri = .*$/m, `state_uri = "sqlite:///${relative}"`));
      const hasOutsideRun = () =>
        store.runs().some((v) => v.run.flujo?.runId === 'sec-outside-run' || v.run.id.includes('sec-outside-run'));
      await waitFor('the outside database read (trusted)', async () => {
        await store.refresh();
        return store.flujoSources().some((s) => s.flujo.db === dbPath) && hasOutsideRun() ? true : undefined;
      });

      services.trust.simulateForTests(false);
      await waitFor('state_uri withheld (untrusted)', async () => {
        await store.refresh();
        const sources = store.flujoSources();
        return sources.length && sources.every((s) => s.flujo.db !== dbPath && !s.flujo.candidates.includes(dbPath)) && !hasOutsideRun()
          ? true
          : undefined;
      });
      assert.ok(
        store.notices().some((n) => /state_uri in flujo\.toml .* is not read because this workspace is not trusted/.test(n)),
        store.notices().join('\n'),
      );
      // the Runs view tells the user (its message line)
      await history.runs!.getChildren();
      const view = history.runs!.view;
      if (view) assert.match(view.message ?? '', /not trusted/);
    } finally {
      services.trust.simulateForTests(undefined);
      fs.writeFileSync(toml, original);
      await store.refresh();
    }
  });

  it('history.path outside the workspace: asked once, the answer remembered; never used from workspace settings when untrusted', async () => {
    const { services, history } = await extensionApi();
    const store = history.store;
    const defaultLedger = path.join(workspaceRoot(), '.prompt-cost', 'runs.jsonl');
    const outsideLedger = path.join(outside, 'runs.jsonl');
    const asked: string[] = [];
    const original = services.trust.confirm;
    let answer: 'allow' | 'deny' = 'deny';
    services.trust.confirm = async (message, allow, deny) => {
      asked.push(message);
      return answer === 'allow' ? allow : deny;
    };
    try {
      await services.context.workspaceState.update('promptCost.history.outsidePathConsent', undefined);
      await config().update('history.path', outsideLedger, vscode.ConfigurationTarget.Workspace);
      await waitFor('denied: the default ledger', async () => {
        await store.refresh();
        const noticed = store.notices().some((n) => n.includes(outsideLedger) && /not confirmed/.test(n));
        return store.ledgerFiles()[0] === defaultLedger && asked.length === 1 && noticed ? true : undefined;
      });
      assert.match(asked[0], new RegExp(`outside the workspace, in ${outsideLedger.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      // remembered: a later rebuild does not ask again
      await config().update('history.groupBy', 'model', vscode.ConfigurationTarget.Workspace);
      await config().update('history.path', `${outsideLedger}`, vscode.ConfigurationTarget.Workspace);
      services.trust.simulateForTests(true); // fires a rebuild
      await new Promise((r) => setTimeout(r, 600));
      await store.refresh();
      assert.equal(asked.length, 1, 'asked once per workspace and path');
      assert.equal(store.ledgerFiles()[0], defaultLedger);

      // allowed (a fresh answer): runs are read and written there
      await services.context.workspaceState.update('promptCost.history.outsidePathConsent', undefined);
      answer = 'allow';
      services.trust.simulateForTests(true);
      await waitFor('allowed: the outside ledger', async () => {
        await store.refresh();
        return store.ledgerFiles()[0] === outsideLedger ? true : undefined;
      });
      assert.equal(asked.length, 2);

      // untrusted: the workspace value is ignored whatever was answered
      services.trust.simulateForTests(false);
      await waitFor('untrusted: the default ledger', async () => {
        await store.refresh();
        return store.ledgerFiles()[0] === defaultLedger ? true : undefined;
      });
      assert.ok(
        store.notices().some((n) => /history\.path from the workspace settings .* is ignored: this workspace is not trusted/.test(n)),
      );
      assert.equal(asked.length, 2, 'no question in an untrusted workspace');
    } finally {
      services.trust.confirm = original;
      services.trust.simulateForTests(undefined);
      await config().update('history.groupBy', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('history.path', undefined, vscode.ConfigurationTarget.Workspace);
      await services.context.workspaceState.update('promptCost.history.outsidePathConsent', undefined);
      await store.refresh();
    }
  });
});
