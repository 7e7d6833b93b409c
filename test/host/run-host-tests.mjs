// Runs the mocha suites in test/host/suite inside a real VS Code 1.96 extension host
// (VS Code server + headless Chromium), passes the exit code through and prints the host log on failure.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyWorkspace, startHost } from './vscode-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TIMEOUT_MS = Number(process.env.HOST_TEST_TIMEOUT_MS || 10 * 60_000);
const resultsFile = path.join(root, 'out', 'test', 'host', 'suite', 'host-results.json');
const verbose = process.argv.includes('--verbose');

async function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) throw new Error('dist/extension.js missing: run `npm run build` first');
  if (!fs.existsSync(path.join(root, 'out', 'test', 'host', 'suite', 'index.js')))
    throw new Error('out/test/host/suite/index.js missing: run `npm run compile-tests` first');
  fs.rmSync(resultsFile, { force: true });
  const workspace = copyWorkspace(path.join(root, 'examples'));
  // The suites record and import runs themselves: start them without the example history.
  for (const d of ['.prompt-cost', '.flujo']) fs.rmSync(path.join(workspace, d), { recursive: true, force: true });
  const started = Date.now();
  const host = await startHost({ verbose });
  let code;
  try {
    const exit = new Promise((resolve) => host.page.exposeFunction('codeAutomationExit', (c) => resolve(Number(c))));
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS));
    await host.page.goto(
      host.url(workspace, [
        ['extensionDevelopmentPath', host.remote(root)],
        ['extensionTestsPath', host.remote(path.join(root, 'out', 'test', 'host', 'suite', 'index.js'))],
        ['skipWelcome', 'true'],
      ]),
    );
    code = await Promise.race([exit, timeout]);
    if (code === 'timeout') {
      console.error(`[host] tests did not finish within ${TIMEOUT_MS} ms`);
      code = 1;
    }
  } finally {
    const results = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : null;
    if (results) {
      for (const t of results.tests)
        console.log(
          `${t.state === 'passed' ? '  ✔' : '  ✘'} [vscode ${results.vscodeVersion}] ${t.title}${t.state === 'passed' ? ` (${t.duration} ms)` : ''}`,
        );
      for (const t of results.tests.filter((t) => t.state !== 'passed'))
        console.log(`\n  ✘ ${t.title}\n    ${String(t.error).split('\n').join('\n    ')}`);
    }
    if (code !== 0 || !results) {
      console.log('\n----- VS Code host log -----');
      console.log(host.log.join('\n'));
      console.log('----- end of host log -----');
    }
    await host.close();
    fs.rmSync(workspace, { recursive: true, force: true });
    const passed = results ? results.tests.filter((t) => t.state === 'passed').length : 0;
    const failed = results ? results.tests.length - passed : 1;
    console.log(`host: ${passed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s (exit code ${code})`);
    if (!results && code === 0) code = 1; // no results means the suite never really ran
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[host] ${err.stack || err}`);
    if (err.hostLog) console.error(err.hostLog.join('\n'));
    process.exit(1);
  },
);
