// The Runs view in VS Code for the Web over a workspace ledger read through vscode.workspace.fs: the runs and
// the model groups are those of the example ledger's JSON lines (read by the harness in Node,
// test/web/expectations.mjs), and the view follows another writer's append.
import * as vscode from 'vscode';
import { equal, extensionApi, ok, readWorkspaceJson, scaled, waitFor, workspaceUri } from './support';

describe('VS Code for the Web: the Runs view', () => {
  it('shows the workspace ledger’s runs grouped by model and follows an append', async function () {
    this.timeout(scaled(120_000));
    const expected = await readWorkspaceJson<{ ledgerRunIds: string[]; ledgerGroups: string[] }>('.pcl-web/expected.json');
    const api = await extensionApi();
    const ledger = workspaceUri('.prompt-cost', 'runs.jsonl');
    const bytes = await vscode.workspace.fs.readFile(workspaceUri('.pcl-web', 'example-runs.jsonl'));
    await vscode.workspace.fs.writeFile(ledger, bytes);
    try {
      const store = api.history.store;
      await store.refresh();
      const ids = await waitFor('the ledger’s runs', () => {
        const got = store
          .runs()
          .map((r) => r.run.id)
          .sort();
        return got.length === expected.ledgerRunIds.length ? got : undefined;
      });
      equal(JSON.stringify(ids), JSON.stringify(expected.ledgerRunIds), 'run ids');
      const tree = api.history.runs;
      ok(tree, 'the Runs tree provider is registered');
      // Grouped by model as in the desktop suite (test/host/suite/history.test.ts).
      await vscode.commands.executeCommand('promptCost.runs.groupBy', 'model');
      const groups = await waitFor('the model groups', async () => {
        const labels = (await tree.getChildren()).map((n) => String(tree.getTreeItem(n).label)).sort();
        if (!expected.ledgerGroups.every((g) => labels.includes(g))) throw new Error(`groups so far: ${labels.join(', ')}`);
        return labels;
      });
      ok(groups.length >= expected.ledgerGroups.length, `groups: ${groups.join(', ')}`);
      // Another writer appends a run: the file watcher brings it in (read from the last offset on).
      const appended = JSON.parse(new TextDecoder().decode(bytes).split('\n')[0]) as { id: string };
      appended.id = 'web-appended';
      const text = new TextDecoder().decode(bytes).replace(/\n?$/, '\n') + JSON.stringify(appended) + '\n';
      await vscode.workspace.fs.writeFile(ledger, new TextEncoder().encode(text));
      await waitFor('the appended run', () => (store.runs().some((r) => r.run.id === 'web-appended') ? true : undefined));
      equal(store.runs().length, expected.ledgerRunIds.length + 1, 'one more run');
    } finally {
      await vscode.workspace.getConfiguration('promptCost').update('history.groupBy', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(workspaceUri('.prompt-cost'), { recursive: true });
    }
  });

  it('shows the runs of the Flujo state database flujo.toml names, read through vscode.workspace.fs', async function () {
    this.timeout(scaled(120_000));
    const expected = await readWorkspaceJson<{ flujoRunIds: string[] }>('.pcl-web/expected.json');
    ok(expected.flujoRunIds.length > 0, 'the example database has runs');
    const api = await extensionApi();
    const store = api.history.store;
    // examples/flujo.toml: state_uri = "sqlite:///.flujo/state.db"; the harness put the example database aside.
    const db = workspaceUri('.flujo', 'state.db');
    await vscode.workspace.fs.writeFile(db, await vscode.workspace.fs.readFile(workspaceUri('.pcl-web', 'example-flujo-state.db')));
    try {
      await store.refresh();
      const ids = await waitFor('the Flujo runs', () => {
        const got = store
          .runs()
          .map((r) => r.run.id)
          .filter((id) => id.startsWith('flujo:'))
          .sort();
        if (got.length >= expected.flujoRunIds.length) return got;
        const s = store.flujoSources().map(({ flujo }) => ({ ...flujo, budgets: undefined, live: flujo.live.length }));
        throw new Error(`Flujo sources so far: ${JSON.stringify(s)}`);
      });
      equal(JSON.stringify(ids), JSON.stringify(expected.flujoRunIds.map((id) => `flujo:${id}`)), 'Flujo run ids');
      const source = store.flujoSources()[0]?.flujo;
      ok(source?.db?.endsWith('/.flujo/state.db'), `the database read: ${source?.db}`);
      ok(!source?.error, `no read error: ${source?.error}`);
    } finally {
      await vscode.workspace.fs.delete(workspaceUri('.flujo'), { recursive: true });
    }
  });
  it('shows runs that exist only in the state database’s -wal file (the WAL replayed in the browser)', async function () {
    this.timeout(scaled(120_000));
    // test/web/walFixture.mjs: written by the real SQLite with the commits left in the -wal, as a running Flujo
    // leaves them; the ids are what SQLite itself reads from the pair, and the main file alone holds no run.
    const expected = await readWorkspaceJson<{ walFlujoRunIds: string[]; walBytes: number }>('.pcl-web/expected.json');
    ok(expected.walFlujoRunIds.length > 0 && expected.walBytes > 0, 'the fixture keeps its runs in the -wal');
    const store = (await extensionApi()).history.store;
    const db = workspaceUri('.flujo', 'state.db');
    await vscode.workspace.fs.writeFile(db, await vscode.workspace.fs.readFile(workspaceUri('.pcl-web', 'wal-flujo-state.db')));
    const wal = await vscode.workspace.fs.readFile(workspaceUri('.pcl-web', 'wal-flujo-state.db-wal'));
    equal(wal.byteLength, expected.walBytes, 'the -wal as written');
    await vscode.workspace.fs.writeFile(workspaceUri('.flujo', 'state.db-wal'), wal);
    try {
      await store.refresh();
      const ids = await waitFor('the runs of the -wal', () => {
        const got = store
          .runs()
          .map((r) => r.run.id)
          .filter((id) => id.startsWith('flujo:'))
          .sort();
        if (got.length >= expected.walFlujoRunIds.length) return got;
        const s = store.flujoSources().map(({ flujo }) => ({ ...flujo, budgets: undefined, live: flujo.live.length }));
        throw new Error(`Flujo sources so far: ${JSON.stringify(s)}`);
      });
      equal(JSON.stringify(ids), JSON.stringify(expected.walFlujoRunIds.map((id) => `flujo:${id}`)), 'the runs only the -wal holds');
      ok(!store.flujoSources()[0]?.flujo.error, `no read error: ${store.flujoSources()[0]?.flujo.error}`);
    } finally {
      await vscode.workspace.fs.delete(workspaceUri('.flujo'), { recursive: true });
    }
  });

  // VS Code hides a UTF-8 byte-order mark from an open document; Flujo's tomllib keeps it and cannot load the file
  // (flujo/infra/config_manager.py tomllib.load; "Invalid statement (at line 1, column 1)"), so no TOML budget applies
  // (flujo/application/runner.py:267-283). Read while the file is open: the bytes are asked (features/flujo/editorToml.ts).
  it('an open flujo.toml saved with a byte-order mark applies none of its budgets (the document hides the mark)', async function () {
    this.timeout(scaled(120_000));
    const api = await extensionApi();
    const store = api.history.store;
    const toml = workspaceUri('flujo.toml');
    const original = await vscode.workspace.fs.readFile(toml);
    const problems = () => store.flujoSources().flatMap(({ flujo }) => flujo.budgetProblems);
    await vscode.workspace.fs.writeFile(toml, new Uint8Array([0xef, 0xbb, 0xbf, ...original]));
    const doc = await vscode.workspace.openTextDocument(toml);
    await vscode.window.showTextDocument(doc);
    try {
      equal(doc.getText().charCodeAt(0) === 0xfeff, false, 'the document does not show the mark');
      await store.refresh(); // read while the document is open
      const said = await waitFor('the budgets refused', () => (problems().length ? problems() : undefined));
      ok(
        /Flujo cannot load flujo\.toml \(it starts with a byte-order mark\), so it applies none of its budgets/.test(said.join('\n')),
        said.join('\n'),
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.writeFile(toml, original);
      await store.refresh();
    }
    await waitFor('the budgets again', () =>
      problems().length === 0 && store.flujoSources()[0]?.flujo.budgets?.default ? true : undefined,
    );
  });
});
