// Starts the VS Code server (from code-server's npm package) and drives it with Debian Chromium
// through playwright-core: the offline "real VS Code" of ../shared/VSCODE-HOST.md.
// Everything started here is killed by close(), which callers run on success, failure and timeout.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareVSCode } from './prepare-vscode.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function waitForHttp(port, timeoutMs, isDead) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (isDead()) return reject(new Error('VS Code server exited before it answered HTTP'));
      const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 2000 }, (res) => {
        res.resume();
        resolve();
      });
      req.on('error', retry);
      req.on('timeout', () => req.destroy(new Error('timeout')));
    };
    const retry = () =>
      Date.now() > deadline
        ? reject(new Error(`VS Code server did not answer on port ${port} within ${timeoutMs} ms`))
        : setTimeout(attempt, 200);
    attempt();
  });
}

/** The VS Code server's command line (VSCODE-HOST.md §2): loopback, no token, fresh data dirs. */
export function serverArgs({ serverMain, port, dataDir, host = '127.0.0.1', trust = true }) {
  return [
    serverMain,
    '--host',
    host,
    '--port',
    String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--server-data-dir',
    path.join(dataDir, 'server'),
    '--user-data-dir',
    path.join(dataDir, 'user'),
    '--extensions-dir',
    path.join(dataDir, 'ext'),
    ...(trust ? [] : ['--disable-workspace-trust']),
    '--telemetry-level',
    'off',
  ];
}

/**
 * The server's environment: the extension gallery off. code-server's product configuration takes the
 * gallery from `EXTENSIONS_GALLERY` (JSON), else product.json, else open-vsx.org; an empty gallery has
 * no service URL, so neither the server nor the workbench in the browser queries a marketplace
 * (offline, that was `[network] … open-vsx.org ENOTFOUND` on the Extensions view).
 */
export function serverEnv(env = process.env) {
  return { ...env, EXTENSIONS_GALLERY: '{}' };
}

/**
 * A server stderr line that is noise for `npm start`: the workbench asks for vsda, a signing module only
 * Microsoft's builds ship (without it the connection is simply not signed), and the server logs
 * "File not found" for it. Every other line is shown.
 */
export function isServerNoise(line) {
  return /^File not found: .*[\\/]vsda[\\/]/.test(line);
}

/**
 * Starts server + browser. Workspace Trust is off (everything trusted) unless `workspaceTrust` is set. Returns { port, page, browser, log, url(folder, payload), close() }.
 * `log` collects server output and page console lines, printed by callers on failure.
 */
export async function startHost({ verbose = false, workspaceTrust = false } = {}) {
  const serverMain = prepareVSCode();
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-host-'));
  const log = [];
  const push = (line) => {
    log.push(line);
    if (verbose) console.log(line);
  };
  const server = spawn(process.execPath, serverArgs({ serverMain, port, dataDir, trust: workspaceTrust }), {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let serverExited = false;
  server.on('exit', (code, signal) => {
    serverExited = true;
    push(`[server] exited code=${code} signal=${signal}`);
  });
  for (const stream of [server.stdout, server.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (d) =>
      d
        .split('\n')
        .filter(Boolean)
        .forEach((l) => push(`[server] ${l}`)),
    );
  }

  let browser;
  const close = async () => {
    try {
      await browser?.close();
    } catch {
      /* already gone */
    }
    if (!serverExited) {
      try {
        process.kill(-server.pid, 'SIGKILL'); // the whole process group: server + extension hosts
      } catch {
        /* already gone */
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHttp(port, 60_000, () => serverExited);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'dark' });
    const page = await context.newPage();
    page.on('console', (msg) => push(`[page:${msg.type()}] ${msg.text()}`));
    page.on('pageerror', (err) => push(`[page:error] ${err.message}`));
    const url = (folder, payload = []) =>
      `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const remote = (absPath) => `vscode-remote://127.0.0.1:${port}${absPath}`;
    return { port, page, browser, context, log, url, remote, close, dataDir };
  } catch (err) {
    await close();
    err.hostLog = log;
    throw err;
  }
}

/** Copies a folder to a fresh temp dir so tests can edit files without touching the repo. */
export function copyWorkspace(src) {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-ws-'));
  fs.cpSync(src, dest, { recursive: true });
  return dest;
}
