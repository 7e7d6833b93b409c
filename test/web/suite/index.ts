// Entry point the web-worker extension host of VS Code for the Web loads (extensionTestsPath): one esbuild
// bundle (test/web/run-web-tests.mjs builds it; a web extension host loads no chunks and has no Node), with
// mocha's browser build. There is no disk in the browser: the harness writes its options into the workspace
// (.pcl-web/options.json) and reads the results back from there (.pcl-web/results.json).
import 'mocha/mocha.js';
import * as vscode from 'vscode';
import { loadFactor, readWorkspaceJson, scaled, writeWorkspaceJson } from './support';

interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  duration?: number;
  error?: string;
}

export async function run(): Promise<void> {
  const options = (await readWorkspaceJson<{ grep?: string }>('.pcl-web/options.json').catch(() => undefined)) ?? {};
  // mocha's browser build reads `location.search` for a grep; VS Code's web-worker host has no location.
  const scope = globalThis as { location?: { search: string } };
  scope.location ??= { search: '' };
  mocha.setup({ ui: 'bdd', timeout: 60_000 * (await loadFactor()), reporter: undefined });
  if (options.grep) mocha.grep(options.grep);
  // Every test's budget is 60 s on an idle machine, stretched by the load when it starts (a test may ask for more).
  beforeEach(async function () {
    await loadFactor();
    this.currentTest?.timeout(scaled(60_000));
  });
  // Registered after setup (describe/it exist only then); esbuild bundles each file into this one.
  await import('./web.test');
  await import('./flujoCompare.test');
  await import('./runs.test');
  await import('./browserOnly.test');
  await import('./providerCount.test');
  const tests: TestResult[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', duration: t.duration }));
    runner.on('fail', (t, err: Error) => tests.push({ title: t.fullTitle(), state: 'failed', error: err.stack ?? String(err) }));
    // A pending test is listed as skipped, as the desktop host's suite lists it (test/host/harness.mjs counts it apart).
    runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'skipped' }));
  });
  const uiKind = vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop';
  await writeWorkspaceJson('.pcl-web/results.json', { vscodeVersion: vscode.version, uiKind, tests });
  if (failures > 0) throw new Error(`${failures} web host test(s) failed`);
}
