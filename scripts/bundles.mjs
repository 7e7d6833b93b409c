// The esbuild options of every bundle the extension ships: one definition for scripts/build.mjs and for the
// test that packs a production VSIX in a temporary folder (test/unit/vsix-size.test.ts), so the test
// measures what `npm run package` builds.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
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

/** Options every bundle shares (a bundle's own options override them). */
function commonOptions(production) {
  return {
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
}

/** One esbuild context per bundle, as the VS Code samples do; entries that don't exist yet are skipped. */
export function bundleOptions({ production = false, only } = {}) {
  const common = commonOptions(production);
  return [
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
    .filter((b) => !only || b.outfile.includes(only))
    .map((b) => ({ ...common, ...b }));
}
