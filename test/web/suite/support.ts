// What the web suites use instead of Node: assertions, workspace files through vscode.workspace.fs, waits.
import * as vscode from 'vscode';
import type { PromptCostApi } from '../../../src/extension';
import { pollUntil } from '../../support/poll';

export const EXTENSION_ID = 'prompt-cost-lens.prompt-cost-lens';

export function workspaceUri(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the web tests need the examples workspace open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

export async function readWorkspaceJson<T>(rel: string): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri(rel)))) as T;
}

export async function writeWorkspaceJson(rel: string, value: unknown): Promise<void> {
  await vscode.workspace.fs.writeFile(workspaceUri(rel), new TextEncoder().encode(JSON.stringify(value, null, 2)));
}

export async function extensionApi(): Promise<PromptCostApi> {
  const ext = vscode.extensions.getExtension<PromptCostApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this host`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  if (!api) throw new Error('activate() returns the test API in test mode');
  return api;
}

export function fail(message: string): never {
  throw new Error(message);
}

export function equal<T>(actual: T, expected: T, message = ''): void {
  if (actual !== expected) fail(`${message ? `${message}: ` : ''}expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function ok(value: unknown, message: string): asserts value {
  if (!value) fail(message);
}

export function match(text: string, pattern: RegExp, message = ''): void {
  if (!pattern.test(text)) fail(`${message ? `${message}: ` : ''}${JSON.stringify(text)} does not match ${pattern}`);
}

let factor = 1;
/**
 * How much slower than an idle machine the harness's machine is now (1–8, its 1-minute load per core): the harness
 * rewrites `.pcl-web/load.json` every 5 s (run-web-tests.mjs), as a web worker cannot see the machine.
 */
export async function loadFactor(): Promise<number> {
  const read = await readWorkspaceJson<{ factor?: unknown }>('.pcl-web/load.json').catch(() => undefined);
  if (typeof read?.factor === 'number' && read.factor >= 1 && read.factor <= 8) factor = read.factor;
  return factor;
}

/** `ms` on an idle machine, stretched by the load last read (call loadFactor() first for a fresh figure). */
export function scaled(ms: number): number {
  return Math.round(ms * factor);
}

/**
 * Polls `probe` until it returns something other than undefined: `idleMs` is the budget on an idle machine,
 * stretched by the current load (the web suites used a fixed 60 s before).
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, idleMs = 30_000): Promise<T> {
  return pollUntil(what, probe, idleMs * (await loadFactor()), 100);
}

export async function codeLensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return (lenses ?? []).map((l) => l.command?.title ?? '').filter(Boolean);
}

export function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

export interface UiAnswer {
  count: number;
  texts: string[];
  /** The asked attribute of each match (null where it is missing). */
  attributes?: (string | null)[];
}

let uiQueries = 0;
/**
 * What the rendered workbench shows for a CSS selector (playwright's locator, optional hasText): asked of the
 * harness through the workspace (test/web/uiQueries.mjs), as a web worker cannot see the page.
 */
export async function uiQuery(selector: string, hasText?: string, attribute?: string): Promise<UiAnswer> {
  const id = `${Date.now()}-${++uiQueries}`;
  await writeWorkspaceJson(`.pcl-web/ui/${id}.query.json`, { selector, hasText, attribute });
  const answer = await waitFor(`the page's answer for ${selector}`, () =>
    readWorkspaceJson<UiAnswer | { error: string }>(`.pcl-web/ui/${id}.answer.json`),
  );
  if ('error' in answer) throw new Error(`the page could not answer ${selector}: ${answer.error}`);
  return answer;
}
