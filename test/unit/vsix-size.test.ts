// The size budget of issue 27 (and 11): the VSIX — both bundles, the encoding tables and the open-model
// vocabularies — is at most 8 MiB, and the browser bundle, which VS Code for the Web fetches and evaluates
// before the extension can start, stays within its own budget. The test packs the real thing: the production
// bundles (scripts/bundles.mjs, the same options `npm run package` builds with) in a temporary copy of the
// package, and @vscode/vsce's own createVSIX (vsce 3.x, src/package.ts: its .vscodeignore rules, where a `!`
// pattern re-includes a file whatever its order, and its zip) — not a re-implementation of either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const MiB = 1024 * 1024;
/** The VSIX budget of issue 27 ("≤ 8 MiB total"). */
const VSIX_BUDGET = 8 * MiB;
/** The minified browser bundle (dist/web/extension.js, the price catalog inlined): 0.99 MiB (1,041,966 bytes) on 2026-12-06, when this
 * test's VSIX was 8,073,599 bytes, byte for byte the size `npm run package` produced. */
const WEB_BUNDLE_BUDGET = 1.25 * MiB;

// scripts/*.mjs are ES modules; the tests compile to CommonJS, whose import() would become require().
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<Record<string, unknown>>;

interface BundleOptions {
  outfile: string;
  [key: string]: unknown;
}

test('the production VSIX is at most 8 MiB and the minified browser bundle at most 1.25 MiB', async () => {
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  const vsce = (await import('@vscode/vsce')) as typeof import('@vscode/vsce');
  const { bundleOptions } = (await importEsm(path.join(root, 'scripts', 'bundles.mjs'))) as {
    bundleOptions: (o: { production: boolean }) => BundleOptions[];
  };
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-vsix-'));
  try {
    // Everything vsce packs from the repository (dist/ as `npm run build` left it), except the bundles and
    // their source maps: those are built again, minified, into the copy.
    const bundles = bundleOptions({ production: true });
    const outputs = new Set(bundles.flatMap((b) => [b.outfile, `${b.outfile}.map`]));
    const listed = await vsce.listFiles({ cwd: root, packageManager: vsce.PackageManager.None });
    for (const rel of [...listed.filter((f) => !outputs.has(f)), '.vscodeignore']) {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.copyFileSync(path.join(root, rel), path.join(tmp, rel));
    }
    await Promise.all(bundles.map((b) => esbuild.build({ ...b, outfile: path.join(tmp, b.outfile), metafile: false })));
    for (const b of bundles) assert.ok(fs.existsSync(path.join(tmp, b.outfile)), `${b.outfile} built`);

    const vsix = path.join(tmp, 'prompt-cost-lens.vsix');
    // The same base URL `npm run package` passes (vsce refuses relative README images without one).
    const baseImagesUrl = /--baseImagesUrl (\S+)/.exec(pkg.scripts.package)?.[1];
    assert.ok(baseImagesUrl, 'the package script passes --baseImagesUrl');
    await vsce.createVSIX({ cwd: tmp, packagePath: vsix, dependencies: false, baseImagesUrl });
    const vsixBytes = fs.statSync(vsix).size;
    const webBytes = fs.statSync(path.join(tmp, 'dist', 'web', 'extension.js')).size;
    const packed = await vsce.listFiles({ cwd: tmp, packageManager: vsce.PackageManager.None });
    console.log(
      `VSIX ${vsixBytes.toLocaleString('en-US')} bytes (${(vsixBytes / MiB).toFixed(2)} MiB of 8), ` +
        `${packed.length} files; browser bundle ${webBytes.toLocaleString('en-US')} bytes`,
    );
    assert.ok(vsixBytes <= VSIX_BUDGET, `VSIX ${vsixBytes} bytes > ${VSIX_BUDGET}`);
    assert.ok(webBytes <= WEB_BUNDLE_BUDGET, `dist/web/extension.js ${webBytes} bytes > ${WEB_BUNDLE_BUDGET}`);
    // The package is the extension: both entry points and the browser's data files are in it.
    for (const f of [pkg.main, pkg.browser, 'dist/encodings/o200k_base.bin', 'dist/encodings/claude.bin'])
      assert.ok(packed.includes(String(f).replace(/^\.\//, '')), `${f} packed`);
    assert.ok(!packed.some((f) => f.endsWith('.map') || f.endsWith('.meta.json')), 'no source maps or metafiles packed');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
