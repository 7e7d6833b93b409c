// The "Changed Prompts" view: every prompt of the working tree that differs from HEAD, per repository
// (multi-root: one group per repository), biggest monthly change first, refreshed as files change.
import { escapeMarkdown } from '../../core/untrustedText';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PromptChange } from '../../core/diff/prompts';
import type { Services } from '../services';
import { readConfig } from '../config';
import { CHANGES_COMMANDS } from '../commandIds';
import { BASE_LABEL, ChangeTracker, RepositoryChanges } from './tracker';
import { errorText } from '../../core/errors';
import { Debouncer } from '../util/debounce';

export const CHANGES_VIEW_ID = 'promptCost.changes';

type Node = { kind: 'repo'; repo: RepositoryChanges } | { kind: 'change'; repo: RepositoryChanges; change: PromptChange };

export class ChangesViewProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private snapshot?: Promise<RepositoryChanges[]>;
  /** The last computed list (for tests and the view's message). */
  last: RepositoryChanges[] = [];

  constructor(
    private readonly services: Services,
    private readonly tracker: ChangeTracker,
  ) {}

  dispose(): void {
    this.changed.dispose();
  }

  refresh(): void {
    this.snapshot = undefined;
    this.changed.fire(undefined);
  }

  /** The current list, computed once per refresh. */
  load(): Promise<RepositoryChanges[]> {
    if (!this.snapshot)
      this.snapshot = this.tracker.forWorkingTree().then(
        (r) => (this.last = r),
        (err) => {
          this.services.log.warn(`changed prompts: ${errorText(err)}`);
          return (this.last = []);
        },
      );
    return this.snapshot;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    const repos = (await this.load()).filter((r) => r.changes.length);
    if (!node) {
      if (repos.length === 1) return repos[0].changes.map((change) => ({ kind: 'change', repo: repos[0], change }));
      return repos.map((repo) => ({ kind: 'repo', repo }));
    }
    return node.kind === 'repo' ? node.repo.changes.map((change) => ({ kind: 'change', repo: node.repo, change })) : [];
  }

  async getTreeItem(node: Node): Promise<vscode.TreeItem> {
    if (node.kind === 'repo') {
      const item = new vscode.TreeItem(path.basename(node.repo.root.fsPath), vscode.TreeItemCollapsibleState.Expanded);
      item.description = `${node.repo.changes.length} prompt${node.repo.changes.length === 1 ? '' : 's'}${node.repo.truncated ? ` (+${node.repo.truncated} files not priced)` : ''}`;
      item.iconPath = new vscode.ThemeIcon('repo');
      item.tooltip = node.repo.root.fsPath;
      return item;
    }
    const { change: c, repo } = node;
    const [{ modelDeltas }, fmt] = await Promise.all([import('../../core/diff/prompts'), import('../../core/diff/format')]);
    const all = modelDeltas(c);
    const setting = readConfig(repo.root).primaryModel;
    const d = all.find((x) => x.model === setting) ?? all.find((x) => x.model === c.primaryModel) ?? all[0];
    const side = (c.after ?? c.before)!;
    const label = c.kind === 'code' ? `${path.posix.basename(c.path)}:${side.line + 1} ${c.label}` : path.posix.basename(c.path);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.description = d ? `${fmt.deltaSummary(d, BASE_LABEL).replace(` vs ${BASE_LABEL}`, '')} · ${c.status}` : c.status;
    item.tooltip = new vscode.MarkdownString(
      `**${escapeMarkdown(c.path)}**${c.oldPath ? ` (from ${escapeMarkdown(c.oldPath)})` : ''} — ${c.status}\n\n` +
        (d ? escapeMarkdown(`${fmt.deltaSummary(d, BASE_LABEL)} (${d.model})`) : ''),
    );
    item.iconPath = new vscode.ThemeIcon(
      c.status === 'added'
        ? 'diff-added'
        : c.status === 'removed'
          ? 'diff-removed'
          : c.status === 'renamed'
            ? 'diff-renamed'
            : 'diff-modified',
    );
    item.resourceUri = vscode.Uri.joinPath(repo.root, c.path);
    item.contextValue = `promptChange.${c.status}`;
    if (c.after) {
      const line = side.line;
      item.command = {
        command: 'vscode.open',
        title: 'Open',
        arguments: [item.resourceUri, { selection: new vscode.Range(line, 0, line, 0) } satisfies vscode.TextDocumentShowOptions],
      };
    }
    return item;
  }
}

export function registerChangesView(
  services: Services,
  tracker: ChangeTracker,
): vscode.Disposable & { readonly provider: ChangesViewProvider } {
  const provider = new ChangesViewProvider(services, tracker);
  const view = vscode.window.createTreeView(CHANGES_VIEW_ID, { treeDataProvider: provider, showCollapseAll: false });
  const update = () => {
    if (view.visible) provider.refresh();
  };
  const updateMessage = () =>
    provider.load().then((repos) => {
      const n = repos.reduce((s, r) => s + r.changes.length, 0);
      view.message = repos.length ? (n ? undefined : `No prompt changed since ${BASE_LABEL}.`) : undefined;
    });
  const soon = new Debouncer(500);
  const disposable = vscode.Disposable.from(
    provider,
    view,
    soon,
    vscode.commands.registerCommand(CHANGES_COMMANDS.refresh, () => provider.refresh()),
    tracker.onDidChange(update),
    // Unsaved edits of open prompts count too (the repository only reports saves).
    vscode.workspace.onDidChangeTextDocument(() => soon.schedule(update)),
    view.onDidChangeVisibility(() => update()),
    provider.onDidChangeTreeData(() => void updateMessage()),
  );
  return { provider, dispose: () => disposable.dispose() };
}
