// The Runs view's ledgers in VS Code for the Web: each workspace folder's ledger read through
// vscode.workspace.fs (whole file per change: a web extension has no random access to files) and parsed by the
// same core as on the desktop. Only a ledger inside the folder can be read there; a promptCost.history.path
// outside it says so, and the folder's default ledger is used instead.
import * as vscode from 'vscode';
import type { LedgerChunk, LedgerFollower } from '../../core/history/ledger';
import { Debouncer } from '../util/debounce';
import { notInBrowser } from '../platform';

export const DEFAULT_LEDGER = '.prompt-cost/runs.jsonl';

export interface BrowserLedger {
  key: string;
  name: string;
  ledgerFile: string;
  ledgerNotice?: string;
  follower: LedgerFollower;
  disposables: vscode.Disposable[];
}

/** The setting as a path inside the folder, or undefined with the reason it cannot be. */
export function ledgerPathInFolder(setting: string | undefined): { rel: string; notice?: string } {
  const value = setting?.trim();
  if (!value) return { rel: DEFAULT_LEDGER };
  const rel = value.replace(/\\/g, '/').replace(/^\.\//, '');
  if (rel.startsWith('/') || rel.startsWith('~') || /^[A-Za-z]:/.test(rel) || rel.split('/').includes('..'))
    return { rel: DEFAULT_LEDGER, notice: notInBrowser(`promptCost.history.path outside the workspace folder (${value})`) };
  return { rel };
}

function emptyChunk(): LedgerChunk {
  return { entries: [], corrupt: [], nextOffset: 0, nextLine: 1, pendingBytes: 0, size: 0 };
}

export async function browserLedgers(
  folders: readonly vscode.WorkspaceFolder[],
  historyPath: (folder: vscode.WorkspaceFolder) => string | undefined,
  onChange: (f: BrowserLedger) => void,
): Promise<BrowserLedger[]> {
  const { LedgerFollower, ledgerChunkFromBytes } = await import('../../core/history/ledger');
  return folders.map((folder) => {
    const { rel, notice } = ledgerPathInFolder(historyPath(folder));
    const uri = vscode.Uri.joinPath(folder.uri, rel);
    const read = async (_file: string, offset: number, line: number): Promise<LedgerChunk> => {
      try {
        return ledgerChunkFromBytes(await vscode.workspace.fs.readFile(uri), offset, line);
      } catch (err) {
        if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return emptyChunk();
        throw err;
      }
    };
    const f: BrowserLedger = {
      key: folder.uri.toString(),
      name: folder.name,
      ledgerFile: uri.toString(true),
      ledgerNotice: notice,
      follower: new LedgerFollower(uri.toString(true), read),
      disposables: [],
    };
    const debouncer = new Debouncer(100);
    const poll = () => debouncer.schedule(() => onChange(f));
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, rel));
    f.disposables.push(debouncer, watcher, watcher.onDidChange(poll), watcher.onDidCreate(poll), watcher.onDidDelete(poll));
    return f;
  });
}
