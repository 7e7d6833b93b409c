// Runs the mocha suites of test/web/suite in VS Code for the Web: the web workbench of the VS Code 1.96.4
// server that code-server ships on npm (the same offline host as test/host), with the extension under
// development loaded into the web-worker extension host. The workbench runs an extension there when its
// kinds are ['web'], which VS Code deduces for a manifest with `browser` and no `main`
// (src/vs/workbench/services/extensions/common/extensionManifestPropertiesService.ts, deduceExtensionKind;
// running location: extensionRunningLocationTracker.ts, pickRunningLocation). The payload option
// `extensionDevelopmentKind` does not work in a browser workbench of 1.96: the browser environment service
// exposes it as `extensionDevelopmentLocationKind`, while the tracker reads `extensionDevelopmentKind`.
// So the harness loads a web-only copy of the manifest (webOnlyExtension), as vscode.dev and github.dev
// (which have no Node extension host) run the extension. @vscode/test-web cannot be used
// offline: it needs a web-standalone build downloaded from Microsoft's update service or a VS Code source
// build (out/vs/workbench/workbench.web.main*.js), neither of which the npm package has (docs/dev/testing.md).
// Env: PCL_HOST_GREP (a mocha grep), HOST_TEST_TIMEOUT_MS.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyWorkspace, startHost } from '../host/vscode-server.mjs';
import { reportResults, runHarness, runInWorkbench, summarize } from '../host/harness.mjs';
import { webExpectations } from './expectations.mjs';
import { webOnlyExtension } from './webExtension.mjs';
import { answerUiQueries } from './uiQueries.mjs';
import { fakePullRequestsExtension, fakeRemoteHubExtension } from './fakeRemoteHub/index.mjs';
import { startFakeCountServer } from './fakeCountServer.mjs';
import { startFakeGitHubApi } from './fakeGitHubApi.mjs';
import { walOnlyFlujoDb } from './walFixture.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TIMEOUT_MS = Number(process.env.HOST_TEST_TIMEOUT_MS || 10 * 60_000);
const verbose = process.argv.includes('--verbose');
const suiteBundle = path.join(root, 'out', 'test', 'web', 'suite.js');
const TEST_KEY = 'sk-ant-web-test-0123456789';

/** The 1-minute load per core, 1–8, as test/support/timing.ts loadFactor (the suite cannot see the machine). */
function loadFactor() {
  return Math.min(8, Math.max(1, os.loadavg()[0] / Math.max(1, os.cpus().length)));
}

/** Keeps `.pcl-web/load.json` current (every 5 s): the suites stretch their waits by it (test/web/suite/support.ts). */
function publishLoad(dataDir) {
  const write = () => fs.writeFileSync(path.join(dataDir, 'load.json'), JSON.stringify({ factor: loadFactor() }));
  write();
  const timer = setInterval(write, 5_000);
  return () => clearInterval(timer);
}

/** One CommonJS file for the web worker (no chunks, no Node), mocha's browser build inside. */
async function bundleSuite() {
  await esbuild.build({
    entryPoints: [path.join(root, 'test', 'web', 'suite', 'index.ts')],
    outfile: suiteBundle,
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
    logLevel: 'warning',
    absWorkingDir: root,
    // The extension modules a suite imports come with their Node imports: the same browser replacements as
    // dist/web/extension.js (scripts/build.mjs).
    plugins: [
      {
        name: 'browser-node-shims',
        setup(build) {
          build.onResolve({ filter: /^node:[a-z_]+$/ }, (args) => ({
            path: path.join(root, 'src', 'core', 'browser', 'node', `${args.path.slice(5)}.ts`),
          }));
        },
      },
    ],
    inject: ['src/core/browser/node/process.ts', 'src/core/browser/node/buffer.ts'],
  });
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'web', 'extension.js')))
    throw new Error('dist/web/extension.js missing: run `npm run build` first');
  await bundleSuite();
  const workspace = copyWorkspace(path.join(root, 'examples'));
  const dataDir = path.join(workspace, '.pcl-web');
  fs.mkdirSync(dataDir, { recursive: true });
  // The suites record and import runs themselves: the example history is put aside for the Runs view test.
  fs.copyFileSync(path.join(workspace, '.prompt-cost', 'runs.jsonl'), path.join(dataDir, 'example-runs.jsonl'));
  fs.copyFileSync(path.join(workspace, '.flujo', 'state.db'), path.join(dataDir, 'example-flujo-state.db'));
  for (const d of ['.prompt-cost', '.flujo']) fs.rmSync(path.join(workspace, d), { recursive: true, force: true });
  fs.writeFileSync(path.join(dataDir, 'options.json'), JSON.stringify({ grep: process.env.PCL_HOST_GREP || undefined }));
  // A Flujo state database whose runs are only in its -wal (walFixture.mjs), beside the example one.
  const wal = await walOnlyFlujoDb(root, dataDir);
  fs.writeFileSync(path.join(dataDir, 'expected.json'), JSON.stringify({ ...(await webExpectations(workspace)), ...wal }));
  const resultsFile = path.join(dataDir, 'results.json');
  // One development folder with three extensions in it (VS Code scans a folder without a package.json as several;
  // a second extensionDevelopmentPath in the payload replaces the first): ours, and a stand-in for the GitHub
  // Repositories extension that serves github.dev's repository (test/web/fakeRemoteHub/), and one for GitHub Pull
  // Requests (test/web/fakePullRequests/), which names the pull request github.dev opened.
  const devRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-webdev-'));
  const extension = webOnlyExtension(root, suiteBundle, path.join(devRoot, 'prompt-cost-lens'));
  await fakeRemoteHubExtension(root, path.join(devRoot, 'remotehub'));
  await fakePullRequestsExtension(root, path.join(devRoot, 'pull-requests'));
  const started = Date.now();
  const host = await startHost({ verbose });
  let code;
  const stopLoad = publishLoad(dataDir);
  // The providers' count endpoints, CORS included (fakeCountServer.mjs); the key is a test key, never a real one.
  const countServer = await startFakeCountServer({ apiKey: TEST_KEY });
  fs.writeFileSync(path.join(dataDir, 'count-server.json'), JSON.stringify({ url: countServer.url, apiKey: TEST_KEY }));
  // GitHub's REST API for a pull request's base (fakeGitHubApi.mjs).
  const gitHubApi = await startFakeGitHubApi();
  fs.writeFileSync(path.join(dataDir, 'github-api.json'), JSON.stringify({ url: gitHubApi.url, pulls: gitHubApi.pulls }));
  const stopAnswering = answerUiQueries(host.page, path.join(dataDir, 'ui'));
  try {
    code = await runInWorkbench(
      host,
      host.url(workspace, [
        ['extensionDevelopmentPath', host.remote(devRoot)],
        // Inside the extension's folder: the workbench runs a test module in the host of the extension that
        // contains it (abstractExtensionService.ts, _findTestExtensionHost), else in the remote Node host.
        ['extensionTestsPath', host.remote(path.join(extension, 'test', 'suite.js'))],
        ['skipWelcome', 'true'],
      ]),
      TIMEOUT_MS,
      'web',
    );
  } finally {
    stopAnswering();
    stopLoad();
    await countServer.close();
    await gitHubApi.close();
    const results = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : null;
    const metricsFile = path.join(dataDir, 'metrics.json');
    reportResults({
      results,
      code,
      tag: `vscode ${results?.vscodeVersion} ${results?.uiKind}`,
      log: host.log,
      logTitle: 'VS Code for the Web log',
      extra: () =>
        fs.existsSync(metricsFile) && console.log(`web: start figures ${fs.readFileSync(metricsFile, 'utf8').replace(/\s+/g, ' ')}`),
    });
    await host.close();
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(devRoot, { recursive: true, force: true });
    code = summarize('web', results, code, started);
  }
  return code;
}

runHarness('web', main);
