// Helpers shared by the suites that run inside a real VS Code host.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PromptCostApi } from '../../../src/extension';

export const EXTENSION_ID = 'prompt-cost-lens.prompt-cost-lens';

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the examples workspace open');
  return folder.uri.fsPath;
}

export function workspaceFile(...parts: string[]): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), ...parts));
}

export async function openInEditor(...parts: string[]): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(...parts));
  return vscode.window.showTextDocument(doc);
}

export async function extensionApi(): Promise<PromptCostApi> {
  const ext = vscode.extensions.getExtension<PromptCostApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this host`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api, 'activate() returns the test API in test mode');
  return api;
}

/**
 * How much slower than an idle machine this one is now: the 1-minute load average per core, between 1 and 8.
 * A CPU-bound wait (counting a 5 MB prompt, a worker answering) takes that much longer in wall time on a
 * machine shared with other test runs; budgets for such waits are `scaled(ms)` instead of fixed.
 */
export function loadFactor(): number {
  const perCore = os.loadavg()[0] / Math.max(1, os.cpus().length);
  return Math.min(8, Math.max(1, perCore));
}

/** `ms` on an idle machine, stretched by the current load (loadFactor). */
export function scaled(ms: number): number {
  return Math.round(ms * loadFactor());
}

/**
 * Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs` — a budget for an
 * idle machine (default 10 s), stretched by the load (`scaled`): every wait in the host suites scales (issue 29).
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + scaled(timeoutMs);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
