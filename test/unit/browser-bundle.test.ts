// The browser bundle (issue 27): VS Code for the Web loads the `browser` entry into a web worker. Per VS Code's
// web-extensions guide (https://code.visualstudio.com/api/extension-guides/web-extensions, "Web extension
// main file"), a web extension has the VS Code API but not Node.js APIs or module loading, and its code must
// be one file: no other modules, no importScripts. esbuild's metafile (scripts/build.mjs writes it next to
// the bundle) lists every module that went in and every import each one made: none may be a Node built-in.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { ROOT } from './tokenize/oracle';

interface Metafile {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
  outputs: Record<string, { imports: { path: string; external?: boolean }[]; entryPoint?: string }>;
}

const bundle = path.join(ROOT, 'dist', 'web', 'extension.js');
const meta = () => JSON.parse(fs.readFileSync(`${bundle}.meta.json`, 'utf8')) as Metafile;
const isBuiltin = (p: string) => p.startsWith('node:') || builtinModules.includes(p.split('/')[0]);
const shimDir = path.join(ROOT, 'src', 'core', 'browser', 'node');

describe('browser bundle (dist/web/extension.js)', () => {
  it('package.json declares it as the browser entry beside main, and the VSIX ships it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string; browser: string };
    assert.equal(pkg.browser, './dist/web/extension.js');
    assert.equal(pkg.main, './dist/extension.js');
    assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!dist\/web\/extension\.js$/m);
  });

  it('is one JavaScript file: no chunks', () => {
    const js = Object.keys(meta().outputs).filter((o) => o.endsWith('.js'));
    assert.deepEqual(js, ['dist/web/extension.js']);
  });

  it('imports no Node built-in, from any module that went into it', () => {
    const offenders: string[] = [];
    for (const [file, input] of Object.entries(meta().inputs))
      for (const imp of input.imports) if (isBuiltin(imp.path)) offenders.push(`${file} → ${imp.path}`);
    assert.deepEqual(offenders, []);
    // The Node-only code of the shared sources is there through its browser replacements.
    const inputs = Object.keys(meta().inputs);
    for (const shim of ['fs', 'path', 'crypto', 'worker_threads', 'child_process'])
      assert.ok(inputs.includes(`src/core/browser/node/${shim}.ts`), `${shim} shim in the bundle`);
    assert.ok(!inputs.some((i) => i.startsWith('node_modules/pg/')), 'the PostgreSQL client stays out');
  });

  it('leaves only `vscode` to the host: no other external import, require or importScripts', () => {
    const externals = new Set<string>();
    for (const input of Object.values(meta().inputs))
      for (const imp of input.imports) if (imp.external && !imp.path.startsWith(shimDir)) externals.add(imp.path);
    // esbuild lists unresolved relative `import type`s as external (erased from the output); check the output text.
    const text = fs.readFileSync(bundle, 'utf8');
    const required = new Set([...text.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]));
    assert.deepEqual([...required], ['vscode'], `externals listed: ${[...externals].join(', ')}`);
    assert.ok(!/\bimportScripts\s*\(/.test(text), 'no importScripts');
    assert.ok(!/\bimport\(\s*["'`]/.test(text), 'no dynamic import of a file (a chunk)');
  });
});
