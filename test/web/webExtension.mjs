// The extension as VS Code for the Web runs it: a folder whose package.json has `browser` and no `main`
// (VS Code then deduces the extension kind `web` and runs it in the browser's web-worker extension host,
// as on vscode.dev and github.dev, which have no Node extension host; see run-web-tests.mjs), with the
// shipped folders linked from the repository. Callers remove the folder when done.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function webOnlyExtension(root, testBundle, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-webext-'))) {
  fs.mkdirSync(dir, { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  delete pkg.main;
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  for (const entry of ['dist', 'media', 'schemas', 'README.md', 'CHANGELOG.md', 'LICENSE'])
    if (fs.existsSync(path.join(root, entry))) fs.symlinkSync(path.join(root, entry), path.join(dir, entry));
  if (testBundle) {
    fs.mkdirSync(path.join(dir, 'test'));
    fs.copyFileSync(testBundle, path.join(dir, 'test', 'suite.js'));
  }
  return dir;
}
