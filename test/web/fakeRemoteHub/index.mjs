// Builds the stand-in GitHub Repositories extension (extension.ts) into a temporary folder: one web-worker
// bundle and a manifest with RemoteHub's id (GitHub.remotehub) and `browser` only, activated when a
// vscode-vfs: or github: file is read. Callers remove the folder when done.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export async function fakeRemoteHubExtension(root, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-remotehub-'))) {
  fs.mkdirSync(dir, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(root, 'test', 'web', 'fakeRemoteHub', 'extension.ts')],
    outfile: path.join(dir, 'extension.js'),
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
    logLevel: 'warning',
  });
  const manifest = {
    name: 'remotehub',
    publisher: 'GitHub',
    displayName: 'GitHub Repositories (test stand-in)',
    version: '0.0.0',
    engines: { vscode: '^1.90.0' },
    browser: './extension.js',
    activationEvents: ['onFileSystem:vscode-vfs', 'onFileSystem:github'],
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  return dir;
}
