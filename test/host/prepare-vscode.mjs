// Installs (once) the VS Code 1.96.4 server that code-server ships on npm, into .vscode-test/,
// following ../shared/VSCODE-HOST.md. A second run finds the marker file and returns at once.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.96.4';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheDir = path.join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const vscodeDir = path.join(cacheDir, 'node_modules', 'code-server', 'lib', 'vscode');
export const serverMain = path.join(vscodeDir, 'out', 'server-main.js');
const marker = path.join(cacheDir, '.prepared');

function run(cmd, args, cwd) {
  execFileSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
  });
}

export function prepareVSCode({ quiet = false } = {}) {
  if (fs.existsSync(marker) && fs.existsSync(serverMain)) return serverMain;
  const log = (m) => quiet || console.log(`[host] ${m}`);
  log(`installing VS Code server from code-server@${CODE_SERVER_VERSION} into ${path.relative(root, cacheDir)} (once)`);
  fs.rmSync(cacheDir, { recursive: true, force: true });
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(path.join(cacheDir, 'package.json'), JSON.stringify({ name: 'vscode-host-cache', private: true }));
  run('npm', ['install', '--ignore-scripts', '--no-save', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], cacheDir);
  // Its shrinkwrap pins @vscode/proxy-agent to an unreachable git+ssh URL: use the identical npm tarball.
  const shrinkwrap = path.join(vscodeDir, 'npm-shrinkwrap.json');
  const text = fs
    .readFileSync(shrinkwrap, 'utf8')
    .replace(
      /"resolved": "git\+ssh:\/\/git@github\.com\/microsoft\/vscode-proxy-agent\.git#0803e0a7d1249bcb64ae9d256d0ee732b7246ea5"/g,
      '"resolved": "https://registry.npmjs.org/@vscode/proxy-agent/-/proxy-agent-0.27.0.tgz"',
    );
  fs.writeFileSync(shrinkwrap, text);
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--loglevel=error'], vscodeDir);
  const asar = path.join(vscodeDir, 'node_modules.asar');
  fs.rmSync(asar, { force: true });
  fs.symlinkSync('node_modules', asar);
  try {
    // Optional native modules; only removes log noise when they fail to build.
    run('npm', ['rebuild', '@parcel/watcher', '@vscode/spdlog', 'node-pty', 'native-watchdog', '--loglevel=error'], vscodeDir);
  } catch {
    log('optional native rebuild failed (harmless)');
  }
  // @vscode/ripgrep downloads its binary in a postinstall script, which cannot run offline:
  // use Debian's ripgrep (installed by .ci/run) so Quick Open and search work.
  const rg = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  const systemRg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => fs.existsSync(p));
  if (systemRg) {
    fs.mkdirSync(path.dirname(rg), { recursive: true });
    fs.rmSync(rg, { force: true });
    fs.symlinkSync(systemRg, rg);
  } else {
    log('ripgrep not found (apt-get install -y ripgrep): Quick Open file search will not work');
  }
  fs.writeFileSync(marker, new Date().toISOString());
  return serverMain;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(prepareVSCode());
}
