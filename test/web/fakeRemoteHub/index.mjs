// Builds the stand-ins for github.dev's extensions into temporary folders: the GitHub Repositories extension
// (extension.ts, RemoteHub's id GitHub.remotehub, activated when a vscode-vfs: or github: file is read) and the
// GitHub Pull Requests extension (../fakePullRequests/extension.ts, GitHub.vscode-pull-request-github). Each is one
// web-worker bundle and a manifest with `browser` only. Callers remove the folders when done.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

async function standIn(root, entry, manifest, dir) {
  fs.mkdirSync(dir, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(root, 'test', 'web', ...entry)],
    outfile: path.join(dir, 'extension.js'),
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
    logLevel: 'warning',
  });
  const full = { version: '0.0.0', engines: { vscode: '^1.90.0' }, browser: './extension.js', ...manifest };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(full, null, 2));
  return dir;
}

export function fakeRemoteHubExtension(root, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-remotehub-'))) {
  return standIn(
    root,
    ['fakeRemoteHub', 'extension.ts'],
    {
      name: 'remotehub',
      publisher: 'GitHub',
      displayName: 'GitHub Repositories (test stand-in)',
      activationEvents: ['onFileSystem:vscode-vfs', 'onFileSystem:github'],
    },
    dir,
  );
}

export function fakePullRequestsExtension(root, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-ghpr-'))) {
  return standIn(
    root,
    ['fakePullRequests', 'extension.ts'],
    { name: 'vscode-pull-request-github', publisher: 'GitHub', displayName: 'GitHub Pull Requests (test stand-in)', activationEvents: [] },
    dir,
  );
}
