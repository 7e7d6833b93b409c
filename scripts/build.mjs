// Bundles the extension, the CLI and the tokenizer worker with esbuild; type-checking is `npm run typecheck`.
// Flags: --production (minify, no sourcemaps), --watch.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
/** `--only=extension` builds just the bundles whose output name contains that word. */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/**
 * The 340 KB price catalog stays a JSON file next to the bundles (read with require on first use):
 * inlined, it would be compiled on every activation and CLI start.
 */
const externalPriceData = {
  name: 'external-price-data',
  setup(build) {
    build.onResolve({ filter: /^\.\/reference-data\.json$/ }, () => ({ path: './reference-data.json', external: true }));
  },
};

/**
 * The PostgreSQL client (pg, its URI parser and .pgpass reader, src/core/history/flujo/pgDriver.ts) is its
 * own bundle, dist/pg.js, required on first use by the bundles next to it: only a Flujo project whose
 * state_uri is PostgreSQL ever loads it.
 */
const externalPgDriver = {
  name: 'external-pg-driver',
  setup(build) {
    build.onResolve({ filter: /^\.\/pgDriver$/ }, () => ({ path: './pg.js', external: true }));
  },
};

/**
 * The browser bundle (VS Code for the Web, `browser` in package.json): the Node built-ins the shared code
 * imports map to the small browser implementations in src/core/browser/node/ (POSIX paths, files the
 * extension fetched through vscode.workspace.fs, Web Crypto, "not available" for processes, worker threads
 * and PostgreSQL). Any other built-in fails the build; test/unit/browser-bundle.test.ts checks the metafile.
 */
const BROWSER_SHIMS = ['fs', 'path', 'os', 'crypto', 'worker_threads', 'child_process'];
const browserNodeShims = {
  name: 'browser-node-shims',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (BROWSER_SHIMS.includes(name)) return { path: path.join(root, 'src/core/browser/node', `${name}.ts`) };
      if (args.path.startsWith('node:') || builtinModules.includes(name))
        return { errors: [{ text: `Node built-in "${args.path}" has no browser implementation (imported by ${args.importer})` }] };
      return undefined;
    });
    build.onResolve({ filter: /^\.\/pgDriver$/ }, () => ({ path: path.join(root, 'src/core/browser/node/pgDriver.ts') }));
  },
};

const common = {
  plugins: [externalPriceData, externalPgDriver],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  define: { PACKAGE_VERSION: JSON.stringify(pkg.version) },
  absWorkingDir: root,
};

/** One esbuild context per bundle, as the VS Code samples do; entries that don't exist yet are skipped. */
const bundles = [
  // The banner timestamps the start of module evaluation, so activation reports what loading costs.
  {
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    banner: { js: 'var __pclLoadStart = performance.now();' },
  },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' }, // keeps the source's #! line
  { entryPoints: ['src/core/tokenize/worker.ts'], outfile: 'dist/tokenize-worker.js' },
  { entryPoints: ['src/core/estimate/worker.ts'], outfile: 'dist/estimate-worker.js' },
  { entryPoints: ['src/core/flujo/worker.ts'], outfile: 'dist/flujo-worker.js' },
  { entryPoints: ['src/core/history/learned/worker.ts'], outfile: 'dist/learn-worker.js' },
  // pg's optional native binding and Cloudflare socket are never used (pure JavaScript client).
  {
    entryPoints: ['src/core/history/flujo/pgDriver.ts'],
    outfile: 'dist/pg.js',
    plugins: [externalPriceData],
    external: ['pg-native', 'pg-cloudflare', 'cloudflare:sockets'],
  },
  // VS Code for the Web: one file (web extensions cannot load chunks or call importScripts), the price
  // catalog inlined (there is no require), Node built-ins replaced (browserNodeShims); its metafile is kept
  // for the bundle test and not packed.
  {
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/web/extension.js',
    external: ['vscode'],
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    plugins: [browserNodeShims],
    inject: ['src/core/browser/node/process.ts', 'src/core/browser/node/buffer.ts'],
    define: { ...common.define, PCL_BROWSER: 'true' },
    banner: { js: 'var __pclLoadStart = performance.now();' },
    metafile: true,
  },
  { entryPoints: ['src/webview/compare.ts'], outfile: 'media/compare.js', platform: 'browser', format: 'iife', target: 'es2022' },
]
  .filter((b) => fs.existsSync(path.join(root, b.entryPoints[0])))
  .filter((b) => !only || b.outfile.includes(only));

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
    const ctx = await esbuild.context({ ...common, ...b });
    await ctx.watch();
  }
  console.log('[watch] esbuild is watching src/ for changes');
} else {
  const results = await Promise.all(bundles.map((b) => esbuild.build({ ...common, ...b })));
  results.forEach((r, i) => r.metafile && fs.writeFileSync(path.join(root, `${bundles[i].outfile}.meta.json`), JSON.stringify(r.metafile)));
  // A production build has no source maps: remove those a development build left behind (not shipped).
  if (production) for (const b of bundles) fs.rmSync(path.join(root, `${b.outfile}.map`), { force: true });
  if (fs.existsSync(path.join(root, 'dist/cli.js'))) fs.chmodSync(path.join(root, 'dist/cli.js'), 0o755);
}
