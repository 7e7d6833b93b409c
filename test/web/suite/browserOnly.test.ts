// What VS Code for the Web cannot do, said plainly (docs/user/browser.md): a prompt in a remote repository
// (github.dev's scheme vscode-vfs) gets the token lens and a "Δ vs base: unavailable" lens whose tooltip says
// why, and no ▶ Run lens. The suite plays the remote repository with an in-memory file system provider
// registered for vscode-vfs (no GitHub Repositories extension runs offline).
import * as vscode from 'vscode';
import { baseUnavailableLens } from '../../../src/features/changes/browserBase';
import { codeLensTitles, extensionApi, match, ok, readWorkspaceJson, uiQuery, waitFor, workspaceUri } from './support';

class MemoryFs implements vscode.FileSystemProvider {
  private readonly files = new Map<string, Uint8Array>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    const file = this.files.get(uri.path);
    const isDir = !file && [...this.files.keys()].some((p) => p.startsWith(`${uri.path.replace(/\/$/, '')}/`));
    if (!file && !isDir) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: file ? vscode.FileType.File : vscode.FileType.Directory, ctime: 0, mtime: 0, size: file?.byteLength ?? 0 };
  }
  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(): void {}
  readFile(uri: vscode.Uri): Uint8Array {
    const file = this.files.get(uri.path);
    if (!file) throw vscode.FileSystemError.FileNotFound(uri);
    return file;
  }
  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    this.files.set(uri.path, content);
  }
  delete(uri: vscode.Uri): void {
    this.files.delete(uri.path);
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
}

describe('VS Code for the Web: what the browser cannot do', () => {
  it('a prompt in a remote repository shows its tokens, “Δ vs base: unavailable” with the reason, and no ▶ Run', async () => {
    const expected = await readWorkspaceJson<{ supportTriageTokens: number }>('.pcl-web/expected.json');
    await extensionApi();
    const memfs = new MemoryFs();
    const registration = vscode.workspace.registerFileSystemProvider('vscode-vfs', memfs, { isCaseSensitive: true });
    try {
      const uri = vscode.Uri.parse('vscode-vfs://github/acme/agents/prompts/support-triage.prompt.md');
      memfs.writeFile(uri, await vscode.workspace.fs.readFile(workspaceUri('prompts', 'support-triage.prompt.md')));
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const lenses = await waitFor('the lenses', async () => {
        const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
        const titles = (all ?? []).map((l) => l.command?.title ?? '');
        return titles.some((t) => t.endsWith(' out')) && titles.includes('Δ vs base: unavailable') ? all : undefined;
      });
      const titles = await codeLensTitles(uri);
      ok(
        titles.includes(`${expected.supportTriageTokens.toLocaleString('en-US')} tokens + 300 out`),
        `token lens in ${titles.join(' | ')}`,
      );
      ok(!titles.includes('▶ Run'), `no Run lens in the browser: ${titles.join(' | ')}`);
      ok(
        lenses.some((l) => l.command?.title === 'Δ vs base: unavailable' && l.range.start.line === 0),
        'the Δ lens on the first line',
      );
      // A title-only lens's tooltip does not come back through executeCodeLensProvider: check the lens the
      // provider builds (the same function, bundled into this suite).
      match(baseUnavailableLens().command?.tooltip ?? '', /cannot be read in VS Code for the Web: VS Code’s Git extension does not run/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      registration.dispose();
    }
  });

  it('the editor title has no ▶ Run button and the palette offers neither Run Prompt nor provider counts', async () => {
    await extensionApi();
    await vscode.window.showTextDocument(workspaceUri('prompts', 'support-triage.prompt.md'));
    try {
      // The Compare button has the same `promptCost.isPromptFile` condition as Run: once it shows, the title bar
      // is drawn for a prompt file and the extension has set its context keys (package.json menus).
      const title = '.editor-group-container.active .editor-actions';
      await waitFor('the Compare button', async () =>
        (await uiQuery(`${title} [aria-label^="Compare Models for This Prompt"]`)).count === 1 ? true : undefined,
      );
      const run = await uiQuery(`${title} [aria-label^="Run Prompt"]`);
      ok(run.count === 0, `no Run Prompt button in the browser's editor title (found ${run.count})`);
      // The command palette, filtered: a visible sibling first (the list is drawn), then what must be absent.
      for (const [filter, shown, hidden] of [
        ['Run', 'Refresh Runs', ['Run Prompt…', 'Import Flujo Runs']],
        ['C', 'Compare Models for This Prompt', ['Count Tokens with Provider']],
      ] as const) {
        await vscode.commands.executeCommand('workbench.action.quickOpen', `>Prompt Cost: ${filter}`);
        const rows = await waitFor(`the palette listing ${shown}`, async () => {
          const a = await uiQuery('.quick-input-widget .quick-input-list .monaco-list-row');
          return a.texts.some((t) => t.includes(shown)) ? a.texts : undefined;
        });
        for (const h of hidden) ok(!rows.some((t) => t.includes(h)), `the palette hides “${h}” in the browser: ${rows.join(' | ')}`);
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      }
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
