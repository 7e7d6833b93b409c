// Where the extension runs: the Node extension host (desktop, remote, Codespaces) or VS Code for the Web's
// web-worker extension host (vscode.dev, github.dev). The browser bundle (scripts/build.mjs) defines
// PCL_BROWSER and replaces Node's built-ins with src/core/browser/node/; this module is the one place the
// features ask which one they are in, and where the browser's asynchronous file reads meet the core's
// synchronous loaders of encoding tables and vocabularies.
import * as vscode from 'vscode';
import { addLazyRoot, FileNotLoadedError, provideFile } from '../core/browser/node/fs';

declare const PCL_BROWSER: boolean | undefined;

/** True in the browser bundle (dist/web/extension.js). */
export const IN_BROWSER = typeof PCL_BROWSER !== 'undefined' && PCL_BROWSER === true;

/**
 * Context key, true in the browser bundle only: menus hide what the browser cannot do (package.json `when`
 * clauses). Not VS Code's `isWeb`, which is also true in a browser workbench whose extensions run in a Node
 * extension host (code-server, Codespaces in the browser), where Run works.
 */
export const IN_BROWSER_CONTEXT = 'promptCost.inBrowser';

/** Sets IN_BROWSER_CONTEXT (before activation the key is unset: commands show, then say why they are off). */
export function setBrowserContextKey(): void {
  if (IN_BROWSER) void vscode.commands.executeCommand('setContext', IN_BROWSER_CONTEXT, true);
}

/** Why a desktop-only feature is off in the browser, in the words the UI shows. */
export function notInBrowser(what: string): string {
  return `${what} is not available in VS Code for the Web (no processes or local files there); it works in VS Code desktop.`;
}

let fetchMissing: ((path: string) => Promise<void>) | undefined;
/** Settles when the core knows where the browser's data files are (counts wait for it). */
let ready: Promise<void> | undefined;
/** Data files fetched so far and how long each took (ms), for the log and the benchmarks. */
export const fetchedDataFiles = new Map<string, number>();

/**
 * In the browser: the extension's dist/encodings files are readable by the core's synchronous loaders
 * once fetched through vscode.workspace.fs (lazily, on the first count that needs each one).
 */
export function setUpBrowserFiles(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  if (!IN_BROWSER) return;
  const dir = vscode.Uri.joinPath(context.extensionUri, 'dist', 'encodings').path;
  addLazyRoot(dir);
  ready = import('../core/tokenize/ranks').then((ranks) => ranks.setEncodingDataDir(dir));
  const inFlight = new Map<string, Promise<void>>();
  fetchMissing = (path) => {
    let p = inFlight.get(path);
    if (!p) {
      const started = performance.now();
      p = Promise.resolve(vscode.workspace.fs.readFile(context.extensionUri.with({ path }))).then((bytes) => {
        provideFile(path, bytes);
        const ms = performance.now() - started;
        fetchedDataFiles.set(path.slice(dir.length + 1), ms);
        log.info(`loaded ${path.slice(dir.length + 1)} (${bytes.byteLength} bytes) in ${ms.toFixed(0)} ms`);
      });
      p.catch(() => inFlight.delete(path));
      inFlight.set(path, p);
    }
    return p;
  };
}

/** How many data files one computation may need (a document's models use a few encodings each). */
const MAX_FETCHES = 24;

/**
 * Runs `compute`; in the browser, when it stops at a data file not fetched yet, fetches that file and runs
 * it again (computations are pure, so a rerun gives the answer the first run would have given).
 */
export async function withDataFiles<T>(compute: () => Promise<T>): Promise<T> {
  if (ready) await ready;
  for (let fetched = 0; ; fetched++) {
    try {
      return await compute();
    } catch (err) {
      if (!(err instanceof FileNotLoadedError) || !fetchMissing || fetched >= MAX_FETCHES) throw err;
      await fetchMissing(err.path);
    }
  }
}

const provided = new Map<string, Promise<string>>();
/**
 * In the browser: one of the extension's own files (`rel`, e.g. dist/sql-wasm.wasm) fetched once through
 * vscode.workspace.fs and made readable to the core's synchronous readers; resolves to the path they read.
 */
export function provideExtensionFile(context: vscode.ExtensionContext, rel: string): Promise<string> {
  let p = provided.get(rel);
  if (!p) {
    const uri = vscode.Uri.joinPath(context.extensionUri, ...rel.split('/'));
    p = Promise.resolve(vscode.workspace.fs.readFile(uri)).then((bytes) => {
      provideFile(uri.path, bytes);
      return uri.path;
    });
    p.catch(() => provided.delete(rel));
    provided.set(rel, p);
  }
  return p;
}
