// `npm start`: builds the extension and serves it in the browser VS Code (the same server the tests use)
// on a scratch copy of examples/, opened on a prompt file, then prints the URL. One progress line per
// step. Never writes tracked files: VS Code's autosave and your experiments land in the scratch copy.
// Ctrl+C stops it. PORT=… picks the port, HOST=… the interface, VERBOSE=1 shows the server log.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION, prepareVSCode, vscodeDir } from '../test/host/prepare-vscode.mjs';
import { freePort, isServerNoise, serverArgs, serverEnv } from '../test/host/vscode-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const STEPS = 4;
let stepNo = 0;
let stepStart = 0;
function step(what) {
  stepNo++;
  stepStart = Date.now();
  process.stdout.write(`[${stepNo}/${STEPS}] ${what} … `);
}
function done(note = '') {
  console.log(`done in ${((Date.now() - stepStart) / 1000).toFixed(1)} s${note ? ` (${note})` : ''}`);
}

step('build: bundling the extension, CLI and webview with esbuild into dist/');
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
if (build.status !== 0) {
  console.log('failed');
  process.stderr.write(build.stdout + build.stderr);
  process.exit(build.status ?? 1);
}
done();

const version = () => JSON.parse(fs.readFileSync(path.join(vscodeDir, 'package.json'), 'utf8')).version;
const cached = fs.existsSync(path.join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`, '.prepared'));
step(
  cached
    ? 'VS Code server: using the copy in .vscode-test/'
    : `VS Code server: installing the VS Code server that code-server@${CODE_SERVER_VERSION} ships on npm into .vscode-test/ (once; about a minute)`,
);
const serverMain = prepareVSCode({ quiet: true });
done(`VS Code ${version()}`);

// A scratch copy, replaced on every start (a stable path, so a reload of the browser tab keeps working).
// One per checkout, so two clones on one machine do not share it.
const scratchRoot = path.join(os.tmpdir(), `prompt-cost-lens-start-${createHash('sha256').update(root).digest('hex').slice(0, 8)}`);
const workspace = path.join(scratchRoot, 'examples');
step(`example workspace: copying examples/ to ${workspace}`);
fs.rmSync(workspace, { recursive: true, force: true });
fs.mkdirSync(scratchRoot, { recursive: true });
fs.cpSync(path.join(root, 'examples'), workspace, { recursive: true });
done('edits and runs stay there; examples/ is never written');

const port = Number(process.env.PORT) || (await freePort());
const host = process.env.HOST || '127.0.0.1';
step(`VS Code server: starting on http://${host}:${port}`);
const dataDir = path.join(scratchRoot, 'data');
fs.mkdirSync(dataDir, { recursive: true });
// Workspace Trust off: the scratch copy is our own example, so ▶ Run works without a trust prompt.
// The extension gallery off (serverEnv): nothing but this server is contacted.
const server = spawn(process.execPath, serverArgs({ serverMain, port, dataDir, host, trust: false }), {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: serverEnv(),
});
// Server errors pass through, but not the known noise (isServerNoise: the vsda module it does not ship).
let errBuffer = '';
server.stderr.setEncoding('utf8');
server.stderr.on('data', (d) => {
  errBuffer += d;
  const lines = errBuffer.split('\n');
  errBuffer = lines.pop();
  for (const line of lines) if (process.env.VERBOSE || !isServerNoise(line)) process.stderr.write(`${line}\n`);
});
const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
const payload = [
  ['extensionDevelopmentPath', remote(root)],
  ['skipWelcome', 'true'],
  ['openFile', remote(path.join(workspace, 'prompts', 'support-triage.prompt.md'))],
];
const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
let printed = false;
server.stdout.setEncoding('utf8');
server.stdout.on('data', (d) => {
  if (process.env.VERBOSE) process.stdout.write(d);
  if (!printed && /Server bound to|Extension host agent listening/.test(d)) {
    printed = true;
    done();
    console.log(
      [
        '',
        `Prompt Cost Lens is running (${((Date.now() - started) / 1000).toFixed(0)} s). Open this URL in a browser:`,
        '',
        `  ${url}`,
        '',
        `It opens prompts/support-triage.prompt.md of the scratch copy ${workspace}.`,
        'See README.md "The first five minutes" for a tour. Ctrl+C stops the server; after a code change run',
        '`npm run build` (or keep `npm run watch` running) and reload the page.',
      ].join('\n'),
    );
  }
});
const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 0));
