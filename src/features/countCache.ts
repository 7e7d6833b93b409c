// Where the editor keeps exact provider counts (core/providers/countTokens.ts CountCache), per workspace folder.
// - Desktop (Node extension host): `.prompt-cost/provider-counts.json` in the folder, shared with
//   `prompt-cost count --provider-count`, each entry signed with the user's machine key (countTrust.ts) because a
//   cloned repository can commit that file.
// - Browser (vscode.dev, github.dev): the extension's workspace storage (ExtensionContext.workspaceState), not
//   the workspace. There is no file lock and no user config folder in a browser, and no signature is needed:
//   that storage is this user's, per workspace, in the browser's own storage; neither a repository nor another
//   extension can write it (VS Code keeps one Memento per extension). Entries are still checked for shape.
import * as vscode from 'vscode';
import type { CachedCount, CountCache } from '../core/providers/countTokens';
import { IN_BROWSER } from './platform';

/** Workspace-relative path of the desktop cache file. */
export const PROVIDER_COUNTS_FILE = '.prompt-cost/provider-counts.json';
/** Entries kept per folder in the browser's storage; the oldest go first (a count is ~200 bytes). */
export const MAX_BROWSER_COUNTS = 2000;

const storageKey = (folder: vscode.WorkspaceFolder | undefined) => `promptCost.providerCounts:${folder?.uri.toString() ?? ''}`;

/** Counts kept in the extension's workspace storage (the browser's). */
export class WorkspaceStateCountCache implements CountCache {
  private readonly entries = new Map<string, CachedCount>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly key: string,
    private readonly isCachedCount: (key: string, v: unknown) => v is CachedCount,
  ) {
    this.read();
  }

  private read(): void {
    this.entries.clear();
    const stored = this.state.get<unknown>(this.key);
    if (typeof stored !== 'object' || stored === null) return;
    for (const [k, v] of Object.entries(stored)) if (this.isCachedCount(k, v)) this.entries.set(k, v);
  }

  get(key: string): CachedCount | undefined {
    return this.entries.get(key);
  }

  values(): CachedCount[] {
    return [...this.entries.values()];
  }

  async set(key: string, value: CachedCount): Promise<void> {
    const fields: CachedCount = { ...value };
    delete fields.mac; // no signature here (see the file comment)
    this.read(); // another window of the same workspace may have added counts since
    this.entries.set(key, fields);
    const newestFirst = [...this.entries].sort(([, a], [, b]) => b.at.localeCompare(a.at)).slice(0, MAX_BROWSER_COUNTS);
    await this.state.update(this.key, Object.fromEntries(newestFirst));
    this.read();
  }
}

/** The count cache of a workspace folder (on the desktop without a folder: in memory only). */
export async function openCountCache(context: vscode.ExtensionContext, folder: vscode.WorkspaceFolder | undefined): Promise<CountCache> {
  const counts = await import('../core/providers/countTokens');
  if (IN_BROWSER) return new WorkspaceStateCountCache(context.workspaceState, storageKey(folder), counts.isCachedCount);
  const path = await import('node:path');
  return new counts.ProviderCountCache(folder ? path.join(folder.uri.fsPath, PROVIDER_COUNTS_FILE) : undefined);
}
