// Bundles the extension, the CLI and the tokenizer worker with esbuild; type-checking is `npm run typecheck`.
// Flags: --production (minify, no sourcemaps), --watch.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleOptions, root } from './bundles.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
/** `--only=extension` builds just the bundles whose output name contains that word. */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const bundles = bundleOptions({ production, only });

async function buildAssets() {
  // Encoding tables are generated once from the rank files into dist/encodings (see scripts/encodings.mjs).
  const gen = path.join(root, 'scripts', 'encodings.mjs');
  if (fs.existsSync(gen)) {
    const { buildEncodings } = await import(gen);
    await buildEncodings(path.join(root, 'dist', 'encodings'));
  }
  // The open-model families' vocabularies (scripts/vocabularies.mjs) and their licence notices.
  const vocabDir = path.join(root, 'assets', 'vocab');
  if (fs.existsSync(vocabDir)) {
    fs.mkdirSync(path.join(root, 'dist', 'encodings'), { recursive: true });
    for (const f of fs.readdirSync(vocabDir)) fs.copyFileSync(path.join(vocabDir, f), path.join(root, 'dist', 'encodings', f));
  }
  // WASM and data assets that bundles load at run time.
  const copies = [
    ['node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm'],
    ['src/core/pricing/reference-data.json', 'dist/reference-data.json'],
  ];
  for (const [from, to] of copies) {
    const src = path.join(root, from);
    if (fs.existsSync(src)) {
      fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
      fs.copyFileSync(src, path.join(root, to));
    }
  }
}

await buildAssets();
if (watch) {
  for (const b of bundles) {
    const ctx = await esbuild.context(b);
    await ctx.watch();
  }
  console.log('[watch] esbuild is watching src/ for changes');
} else {
  const results = await Promise.all(bundles.map((b) => esbuild.build(b)));
  results.forEach((r, i) => r.metafile && fs.writeFileSync(path.join(root, `${bundles[i].outfile}.meta.json`), JSON.stringify(r.metafile)));
  // A production build has no source maps: remove those a development build left behind (not shipped).
  if (production) for (const b of bundles) fs.rmSync(path.join(root, `${b.outfile}.map`), { force: true });
  if (fs.existsSync(path.join(root, 'dist/cli.js'))) fs.chmodSync(path.join(root, 'dist/cli.js'), 0o755);
}
