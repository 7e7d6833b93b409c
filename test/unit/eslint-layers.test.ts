// The layering rule (scripts/eslint-layers.mjs) reports each kind of import that crosses a layer
// downward-only boundary, and lets the allowed ones through. Run through ESLint with the repo's config.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

async function layerErrors(file: string, code: string): Promise<string[]> {
  // eslint is an ES module-friendly CJS package; loaded here so other tests do not pay for it.
  const { ESLint } = await import('eslint');
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'layers/imports').map((m) => m.message);
}

describe('layers/imports', () => {
  it('core: no vscode, features, cli, webview or protocol, in any import form', async () => {
    const errors = await layerErrors(
      'src/core/pricing/x.ts',
      [
        "import * as vscode from 'vscode';",
        "import { Services } from '../../features/services';",
        "export { main } from '../../cli/main';",
        "export * from '../../protocol/compare';",
        "export async function f() { return import('../../webview/compare'); }",
        "export type T = import('../../features/estimator').Estimator;",
        "import fs = require('../../cli/io');",
        "import { parse } from 'smol-toml';",
        "import { Decimal } from '../pricing/decimal';",
        'void vscode; void fs; void parse; void Decimal;',
        'export type S = Services;',
      ].join('\n'),
    );
    assert.equal(errors.length, 7, errors.join('\n'));
    assert.match(errors[0], /src\/core must not import vscode/);
    assert.match(errors[1], /src\/core must not import src\/features/);
  });

  it('cli may use core but not features; features may use core and protocol but not cli or webview', async () => {
    assert.equal((await layerErrors('src/cli/x.ts', "import '../core/pricing';\nimport '../features/config';")).length, 1);
    const features = await layerErrors(
      'src/features/x.ts',
      "import 'vscode';\nimport '../core/pricing';\nimport '../protocol/compare';\nimport '../cli/io';\nimport '../webview/compare';",
    );
    assert.deepEqual(
      features.map((m) => m.split(' (')[0]),
      ['src/features must not import src/cli', 'src/features must not import src/webview'],
    );
  });

  it('webview may import only the protocol module; the protocol imports nothing', async () => {
    const webview = await layerErrors('src/webview/x.ts', "import '../protocol/compare';\nimport '../core/pricing';\nimport 'node:path';");
    assert.equal(webview.length, 2, webview.join('\n'));
    assert.equal((await layerErrors('src/protocol/x.ts', "import '../core/pricing/decimal';")).length, 1);
  });

  it('the source tree as it is passes', async () => {
    const { ESLint } = await import('eslint');
    const results = await new ESLint({ cwd: root }).lintFiles(['src']);
    const broken = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === 'layers/imports').map((m) => `${r.filePath}: ${m.message}`),
    );
    assert.deepEqual(broken, []);
  });
});
