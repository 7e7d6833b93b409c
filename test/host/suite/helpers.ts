// Helpers shared by the suites that run inside a real VS Code host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PromptCostApi } from '../../../src/extension';
import type { PriceCatalog } from '../../../src/core/pricing';
import { scaled } from '../../support/timing';
import { pollUntil } from '../../support/poll';

// Load-stretched budgets, shared with the unit tests.
export { loadFactor, scaled } from '../../support/timing';

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
 * Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs` — a budget for an
 * idle machine (default 10 s), stretched by the load (`scaled`): every wait in the host suites scales (issue 29).
 */
export function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  return pollUntil(what, probe, scaled(timeoutMs), 50);
}

/**
 * Runs `body` with the workspace's root flujo.toml rewritten on disk by `edit` (as another program would write it),
 * then puts the original back whatever happened and waits until gpt-4o-mini is priced from it again (later suites
 * read that file). `resolve` is how the extension prices gpt-4o-mini for the root folder.
 */
export async function withRootFlujoToml(
  edit: (original: string) => string,
  body: (root: string, resolve: () => Promise<ReturnType<PriceCatalog['resolve']>>, original: string) => Promise<void>,
): Promise<void> {
  const api = await extensionApi();
  const root = path.join(workspaceRoot(), 'flujo.toml');
  const original = fs.readFileSync(root, 'utf8');
  const resolve = async () => (await api.services.pricing.forDocument(vscode.Uri.file(root))).catalog.resolve('openai:gpt-4o-mini');
  try {
    fs.writeFileSync(root, edit(original));
    await body(root, resolve, original);
  } finally {
    fs.writeFileSync(root, original);
  }
  await waitFor('gpt-4o-mini priced from flujo.toml again', async () => {
    const r = await resolve();
    return r.ok && r.price.source === 'flujo.toml' ? true : undefined;
  });
}
