// Runs the mocha suites in test/host/suite inside a real VS Code 1.96 extension host
// (VS Code server + headless Chromium), passes the exit code through and prints the host log on failure.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyWorkspace, startHost } from './vscode-server.mjs';
import { reportResults, runHarness, runInWorkbench, summarize } from './harness.mjs';

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
  // A suite that starts a PostgreSQL cluster registers it here; whatever is still running when the host is gone
  // (a test killed by a timeout never reaches its `after`) is stopped below. The extension host inherits this.
  const pgClusters = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-pg-clusters-'));
  process.env.PCL_PG_CLUSTERS = pgClusters;
  const started = Date.now();
  const host = await startHost({ verbose });
  let code;
  try {
    code = await runInWorkbench(
      host,
      host.url(workspace, [
        ['extensionDevelopmentPath', host.remote(root)],
        ['extensionTestsPath', host.remote(path.join(root, 'out', 'test', 'host', 'suite', 'index.js'))],
        ['skipWelcome', 'true'],
      ]),
      TIMEOUT_MS,
      'host',
    );
  } finally {
    const results = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : null;
    const tag = `vscode ${results?.vscodeVersion}`;
    reportResults({ results, code, tag, log: host.log, logTitle: 'VS Code host log' });
    await host.close();
    const { stopRegisteredClusters } = createRequire(import.meta.url)(path.join(root, 'out', 'test', 'support', 'postgresServer.js'));
    for (const dir of stopRegisteredClusters(pgClusters)) console.log(`[host] stopped a PostgreSQL cluster a suite left running: ${dir}`);
    fs.rmSync(pgClusters, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
    code = summarize('host', results, code, started);
  }
  return code;
}

runHarness('host', main);
