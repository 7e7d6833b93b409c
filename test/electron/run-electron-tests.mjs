// `npm run test:electron`: the same integration suites in desktop VS Code downloaded by
// @vscode/test-electron. Needs network access to update.code.visualstudio.com (not available in CI here).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { copyWorkspace } from '../host/vscode-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const version = process.env.VSCODE_VERSION || 'stable'; // e.g. VSCODE_VERSION=1.90.0 for the minimum engine

try {
  await runTests({
    version,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'test', 'host', 'suite', 'index.js'),
    launchArgs: [copyWorkspace(path.join(root, 'examples')), '--disable-extensions', '--disable-workspace-trust'],
  });
  console.log('electron: integration suites passed');
} catch (err) {
  console.error(`electron: ${err.message || err}`);
  process.exit(1);
}
