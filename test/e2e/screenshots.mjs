// What a person sees: opens the example workspace in the real VS Code (browser workbench) with the
// extension loaded, runs a few scenarios, asserts on the rendered DOM and saves PNGs under
// test-results/screenshots/ (git-ignored; the images in docs/images/ are copied from there by hand).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyWorkspace, startHost } from '../host/vscode-server.mjs';
import { restrictedScenarios, scenarios } from './scenarios.mjs';
import { tourScenarios } from './tourScenario.mjs';
import { webScenarios } from './webScenario.mjs';
import { webOnlyExtension } from '../web/webExtension.mjs';
import { loadScaled, settled } from './workbench.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = path.join(root, 'test-results', 'screenshots');
const filter = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const verbose = process.argv.includes('--verbose');

/**
 * Scenarios skipped in the full run (named on the output), still runnable by name. Empty: the three quarantined
 * on 2026-12-06 expected the example before its run history was learned (300 output tokens where the README
 * says 88) and the hover had lost the learned figures; they pass again.
 */
const QUARANTINED = new Set();

/** Runs scenarios in one VS Code session (server + browser) on a fresh copy of examples/. */
async function session(list, { workspaceTrust = false, web = false } = {}) {
  const selected = list.filter((s) => (!filter.length && !QUARANTINED.has(s.name)) || filter.some((f) => s.name.includes(f)));
  for (const s of list) if (!filter.length && QUARANTINED.has(s.name)) console.log(`  - ${s.name}: quarantined (see QUARANTINED)`);
  if (!selected.length) return { passed: 0, failed: 0 };
  const workspace = copyWorkspace(path.join(root, 'examples'));
  // VS Code for the Web: the extension as a web extension only (it then runs in the web-worker host).
  const extension = web ? webOnlyExtension(root) : root;
  // What a scenario needs on disk before the workbench opens the folder (a file written later may miss the watcher).
  for (const s of selected) await s.prepare?.({ workspace });
  const host = await startHost({ verbose, workspaceTrust });
  const { page } = host;
  let passed = 0;
  let failed = 0;
  try {
    await page.goto(
      host.url(workspace, [
        ['extensionDevelopmentPath', host.remote(extension)],
        ['skipWelcome', 'true'],
      ]),
    );
    await page.waitForSelector('.monaco-workbench .part.editor', { timeout: loadScaled(60_000) });
    // The extension's contributions are in (its activity-bar entry) and the workbench is still.
    await page
      .locator('.activitybar [aria-label^="Prompt Cost"]')
      .first()
      .waitFor({ timeout: loadScaled(60_000) });
    await settled(page);
    const ctx = { page, host, workspace, root, shot: (name) => page.screenshot({ path: path.join(outDir, `${name}.png`) }) };
    for (const s of selected) {
      const t0 = Date.now();
      try {
        await s.run(ctx);
        passed++;
        console.log(`  ✔ ${s.name} (${Date.now() - t0} ms)`);
      } catch (err) {
        failed++;
        console.log(`  ✘ ${s.name}: ${err.stack || err}`);
        await page.screenshot({ path: path.join(outDir, `FAILED-${s.name}.png`) }).catch(() => {});
      }
      // The tour works in a 1600×1000 window (a narrow one for a moment); the others expect the default.
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  } finally {
    if (failed > 0) {
      console.log('\n----- VS Code host log -----');
      console.log(host.log.filter((l) => !l.includes('[page:debug]')).join('\n'));
      console.log('----- end of host log -----');
    }
    await host.close();
    for (const s of selected) await s.cleanup?.();
    fs.rmSync(workspace, { recursive: true, force: true });
    if (web) fs.rmSync(extension, { recursive: true, force: true });
  }
  return { passed, failed };
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  // The README tour first, on the example workspace as a new user finds it.
  const trusted = await session([...tourScenarios, ...scenarios]);
  // A second session with Workspace Trust on, where the user declines to trust the folder.
  const restricted = await session(restrictedScenarios, { workspaceTrust: true });
  // A third with the extension in VS Code for the Web's web-worker extension host (issue 27).
  const browser = await session(webScenarios, { web: true });
  const passed = trusted.passed + restricted.passed + browser.passed;
  const failed = trusted.failed + restricted.failed + browser.failed;
  console.log(`screenshots in ${path.relative(root, outDir)}/`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[e2e] ${err.stack || err}`);
    if (err.hostLog) console.error(err.hostLog.join('\n'));
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  },
);
