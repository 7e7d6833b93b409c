// `npm start` is quiet and offline (issue 29 item 13): the VS Code server it starts (code-server's,
// cached in .vscode-test/) gets no extension gallery, so neither the server nor the workbench in the
// browser asks a marketplace for anything; and the one known noise line of its stderr (the vsda module
// it does not ship) is dropped while every other line passes. Checked against the real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../support/tempDir';

const ROOT = path.resolve(__dirname, '../../..');
const SERVER_MAIN = path.join(
  ROOT,
  '.vscode-test',
  'code-server-4.96.4',
  'node_modules',
  'code-server',
  'lib',
  'vscode',
  'out',
  'server-main.js',
);

interface ServerModule {
  freePort(): Promise<number>;
  serverArgs(o: { serverMain: string; port: number; dataDir: string; trust?: boolean }): string[];
  serverEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  isServerNoise(line: string): boolean;
}
// The harness is an ES module; the tests compile to CommonJS, whose import() would become require().
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<ServerModule>;

test(
  'the served product configuration has no extension gallery, and only the vsda line of stderr is dropped',
  { skip: !fs.existsSync(SERVER_MAIN) && 'the VS Code server is not installed (node test/host/prepare-vscode.mjs)' },
  async () => {
    const server = await importEsm(path.join(ROOT, 'test', 'host', 'vscode-server.mjs'));
    const port = await server.freePort();
    const child = spawn(
      process.execPath,
      server.serverArgs({ serverMain: SERVER_MAIN, port, dataDir: tempDir('pcl-start-'), trust: false }),
      {
        env: server.serverEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    try {
      const deadline = Date.now() + 120_000; // a loaded machine: the server's own start is the wait
      while (!/Extension host agent listening|Server bound to/.test(stdout)) {
        assert.ok(Date.now() < deadline && child.exitCode === null, `the server did not start:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      const meta = /<meta id="vscode-workbench-web-configuration" data-settings="([^"]*)"/.exec(html);
      assert.ok(meta, 'no workbench configuration in the page');
      const settings = JSON.parse(meta[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
      assert.deepEqual(settings.productConfiguration.extensionsGallery, {});
      assert.doesNotMatch(meta[1], /open-vsx\.org/);

      // The request the workbench makes for vsda, and one for another missing file.
      const base = /^\.\/(stable-[0-9a-f]+)\/callback$/.exec(String(settings.callbackRoute))?.[1];
      assert.ok(base, `no commit path in ${settings.callbackRoute}`);
      for (const p of ['node_modules/vsda/rust/web/vsda_bg.wasm', 'node_modules/no-such-module/x.js'])
        assert.equal((await fetch(`http://127.0.0.1:${port}/${base}/static/${p}`)).status, 404);
      const until = Date.now() + 10_000;
      while (!/no-such-module/.test(stderr) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      const lines = stderr.split('\n').filter((l) => /File not found/.test(l));
      assert.deepEqual(
        lines.map((l) => [/vsda/.test(l) ? 'vsda' : 'other', server.isServerNoise(l)]),
        [
          ['vsda', true],
          ['other', false],
        ],
        stderr,
      );
    } finally {
      child.kill();
    }
  },
);

test('npm start spawns the server with that environment and that filter', () => {
  const start = fs.readFileSync(path.join(ROOT, 'scripts', 'start.mjs'), 'utf8');
  assert.match(start, /env: serverEnv\(\)/);
  assert.match(start, /!isServerNoise\(line\)/);
});
