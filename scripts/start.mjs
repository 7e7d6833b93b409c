// `npm start`: builds the extension and serves it in the browser VS Code (the same server the tests
// use) on examples/, then prints the URL to open. Ctrl+C stops it. PORT=… picks the port.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareVSCode } from '../test/host/prepare-vscode.mjs';
import { freePort, serverArgs } from '../test/host/vscode-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const serverMain = prepareVSCode();
const port = Number(process.env.PORT) || (await freePort());
const dataDir = path.join(os.tmpdir(), 'prompt-cost-lens-start');
fs.mkdirSync(dataDir, { recursive: true });
const workspace = path.join(root, 'examples');
const server = spawn(process.execPath, serverArgs({ serverMain, port, dataDir, host: process.env.HOST || '127.0.0.1' }), {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${root}`]];
const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
let printed = false;
server.stdout.setEncoding('utf8');
server.stdout.on('data', (d) => {
  if (process.env.VERBOSE) process.stdout.write(d);
  if (!printed && /Server bound to|Extension host agent listening/.test(d)) {
    printed = true;
    console.log(
      `\nPrompt Cost Lens is running in VS Code ${'1.96.4'} on examples/.\nOpen this URL in a browser:\n\n  ${url}\n\n(Ctrl+C stops the server. After a change, run \`npm run build\` — or keep \`npm run watch\` running — and reload the page.)`,
    );
  }
});
const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 0));
