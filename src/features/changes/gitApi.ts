// The part of VS Code's built-in Git extension API (extensions/git/src/api/git.d.ts, version 1) we use.
// Declared here because the extension ships no typings package; we only read.
import * as vscode from 'vscode';

export const enum GitStatus {
  INDEX_MODIFIED = 0,
  INDEX_ADDED = 1,
  INDEX_DELETED = 2,
  INDEX_RENAMED = 3,
  INDEX_COPIED = 4,
  MODIFIED = 5,
  DELETED = 6,
  UNTRACKED = 7,
  IGNORED = 8,
  INTENT_TO_ADD = 9,
  INTENT_TO_RENAME = 10,
  TYPE_CHANGED = 11,
}

export interface GitChange {
  readonly uri: vscode.Uri;
  readonly originalUri: vscode.Uri;
  readonly renameUri: vscode.Uri | undefined;
  readonly status: GitStatus;
}

export interface GitRepositoryState {
  readonly HEAD: { readonly name?: string; readonly commit?: string } | undefined;
  readonly indexChanges: GitChange[];
  readonly workingTreeChanges: GitChange[];
  readonly untrackedChanges?: GitChange[];
  readonly onDidChange: vscode.Event<void>;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: GitRepositoryState;
  show(ref: string, path: string): Promise<string>;
}

export interface GitAPI {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: GitRepository[];
  readonly onDidOpenRepository: vscode.Event<GitRepository>;
  readonly onDidCloseRepository: vscode.Event<GitRepository>;
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository?(root: vscode.Uri): Promise<GitRepository | null>;
}

interface GitExtension {
  readonly enabled: boolean;
  readonly onDidChangeEnablement: vscode.Event<boolean>;
  getAPI(version: 1): GitAPI;
}

/** The Git API, or undefined when the Git extension is missing or disabled (`git.enabled: false`, no git). */
export async function loadGitApi(): Promise<GitAPI | undefined> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) return undefined;
  try {
    const exports = ext.isActive ? ext.exports : await ext.activate();
    if (!exports?.enabled) return undefined;
    const api = exports.getAPI(1);
    if (api.state !== 'initialized')
      await new Promise<void>((resolve) => {
        const d = api.onDidChangeState((s) => {
          if (s === 'initialized') {
            d.dispose();
            resolve();
          }
        });
        setTimeout(() => {
          d.dispose();
          resolve();
        }, 10_000);
      });
    return api;
  } catch {
    return undefined;
  }
}

/** Where a working-tree file was at HEAD: its old path for a rename, undefined when it is new. */
export function headPathOf(repo: GitRepository, uri: vscode.Uri): { path?: string; status?: GitStatus } {
  const key = uri.fsPath;
  const all = [...repo.state.indexChanges, ...repo.state.workingTreeChanges, ...(repo.state.untrackedChanges ?? [])];
  for (const c of all) {
    if (c.uri.fsPath !== key && c.renameUri?.fsPath !== key) continue;
    if (c.status === GitStatus.UNTRACKED || c.status === GitStatus.INDEX_ADDED || c.status === GitStatus.INTENT_TO_ADD)
      return { status: c.status };
    if (c.status === GitStatus.INDEX_RENAMED || c.status === GitStatus.INTENT_TO_RENAME || c.status === GitStatus.INDEX_COPIED)
      return { path: c.originalUri.fsPath, status: c.status };
  }
  return { path: key };
}
