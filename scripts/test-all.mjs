// `npm test`: build, then every test layer in turn — static checks, core unit tests (node:test), the
// security suite (node:test, bounded hostile inputs), the integration
// suites inside a real VS Code host, and the browser-level e2e/screenshot step. Ends with one
// summary line CI reads: "N passed, N failed". Exit code is non-zero when anything failed.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedStep, pruneCompiled } from './freshness.mjs';
import { isSlowUnitFile } from './slow-tests.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// e.g. `npm test -- unit` or `npm test -- host e2e`; `--fast` (npm run test:fast) leaves out the slow unit files.
const fast = process.argv.includes('--fast');
const only = process.argv.slice(2).filter((a) => a !== '--fast');

const started = Date.now();

function run(cmd, args, { capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      if (capture) out += d;
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** The compiled test files of test/<dir>, listed from the sources: a renamed or deleted test never runs from a stale copy. */
function listTests(dir) {
  const src = path.join(root, 'test', dir);
  if (!fs.existsSync(src)) return [];
  return fs
    .readdirSync(src, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join(root, 'out', 'test', dir, f.replace(/\.ts$/, '.js')));
}

/** Runs a harness script that ends with "<prefix>: N passed, N failed"; no such line counts as a failure. */
async function summaryLine(script, prefix) {
  const { code, out } = await run(process.execPath, [script], { capture: true });
  const m = new RegExp(`^${prefix}: (\\d+) passed, (\\d+) failed`, 'm').exec(out);
  const passed = m ? Number(m[1]) : 0;
  const failed = m ? Number(m[2]) : 1;
  return { passed, failed: failed + (code !== 0 && failed === 0 ? 1 : 0), code };
}

/**
 * The fast-check seed of this run (scripts/property-seed.cjs): PCL_FC_SEED if it is a number, none (random) if it
 * is `random`, else one from the commit under test, so that CI and an earlier run of the same commit agree.
 */
function propertySeed() {
  const given = process.env.PCL_FC_SEED;
  if (given === 'random') return undefined;
  if (given && Number.isSafeInteger(Number(given))) return { seed: Number(given), from: 'PCL_FC_SEED' };
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const sha = git.status === 0 ? git.stdout.trim() : '';
  return /^[0-9a-f]{40}$/.test(sha) ? { seed: parseInt(sha.slice(0, 8), 16) | 0, from: `commit ${sha.slice(0, 7)}` } : undefined;
}

/** Runs compiled node:test files, `concurrency` files at a time; counts from the spec reporter's "ℹ pass N" / "ℹ fail N". */
async function runNodeTests(files, concurrency) {
  if (!files.length) return { passed: 0, failed: 0, code: 0 };
  const args = [
    '--require',
    path.join(root, 'scripts', 'property-seed.cjs'),
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    ...files,
  ];
  const { code, out } = await run(process.execPath, args, { capture: true });
  const count = (name) => Number(new RegExp(`^\\S+ ${name} (\\d+)$`, 'm').exec(out)?.[1] ?? NaN);
  const passed = count('pass');
  const failed = count('fail');
  if (Number.isNaN(passed)) return { passed: 0, failed: 1, code };
  return { passed, failed: failed + (code !== 0 && failed === 0 ? 1 : 0), code };
}

/**
 * The node:test files of test/<dir>. With `quickInParallel` (the unit layer) the quick files run one per core
 * at a time (node's default is one fewer than the cores: one at a time on a 2-core machine); the slow ones
 * (scripts/slow-tests.mjs: time and memory bounds, worker threads, dozens of processes) keep running one at a
 * time, after them, and only without --fast. Without it (the security layer: every file is bounded in time)
 * every file runs one at a time.
 */
async function nodeTests(dir, { quickInParallel = false } = {}) {
  const files = listTests(dir);
  if (!files.length) return { passed: 0, failed: 1, code: 1 };
  if (!quickInParallel) return runNodeTests(files, 1);
  const slow = files.filter((f) => isSlowUnitFile(path.basename(f)));
  const quick = await runNodeTests(
    files.filter((f) => !slow.includes(f)),
    Math.max(2, os.availableParallelism()),
  );
  if (fast) return quick;
  const rest = await runNodeTests(slow, 1);
  return { passed: quick.passed + rest.passed, failed: quick.failed + rest.failed, code: quick.code || rest.code };
}

/** ESLint's and Prettier's own caches (content-keyed), under out/.cache; ESLint's is per config and layer-rule source. */
function lintCaches() {
  const hash = createHash('sha256');
  for (const f of ['eslint.config.mjs', 'scripts/eslint-layers.mjs', 'node_modules/.package-lock.json'])
    if (fs.existsSync(path.join(root, f))) hash.update(fs.readFileSync(path.join(root, f)));
  const dir = path.join(root, 'out', '.cache');
  return {
    eslint: ['--cache', '--cache-strategy', 'content', '--cache-location', path.join(dir, `eslint-${hash.digest('hex').slice(0, 16)}`)],
    prettier: ['--cache', '--cache-strategy', 'content', '--cache-location', path.join(dir, 'prettier')],
  };
}

const layers = {
  /** Type-check (extension, CLI, tests, webview), ESLint and Prettier: one check each. */
  async static() {
    const caches = lintCaches();
    const checks = [
      ['typecheck', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'src/webview']],
      ['eslint', ['node_modules/eslint/bin/eslint.js', ...caches.eslint, 'src', 'test', 'scripts', 'bench']],
      ['prettier', ['node_modules/prettier/bin/prettier.cjs', ...caches.prettier, '--check', 'src', 'test', 'scripts', 'bench']],
    ];
    let passed = 0;
    let failed = 0;
    for (const [name, args] of checks) {
      const { code } = await run(process.execPath, args);
      console.log(`  ${code === 0 ? '✔' : '✘'} ${name}`);
      if (code === 0) passed++;
      else failed++;
    }
    return { passed, failed, code: failed ? 1 : 0 };
  },
  unit: () => nodeTests('unit', { quickInParallel: true }),
  /** Issue 24: each hostile-input case under a time and memory bound (test/security/). */
  security: () => nodeTests('security'),
  host: () => summaryLine('test/host/run-host-tests.mjs', 'host'),
  /** The browser bundle in VS Code for the Web's web-worker extension host (issue 27). */
  web: () => summaryLine('test/web/run-web-tests.mjs', 'web'),
  e2e: () => summaryLine('test/e2e/screenshots.mjs', 'e2e'),
};

/** The bundles (scripts/build.mjs): skipped when src/, the assets, scripts/ and the installed packages are as they were after the last build and dist/ is as it left it. */
const buildStep = cachedStep({
  root,
  stamp: 'dist/.test-all-build.json',
  key: 'development',
  inputs: [
    'src',
    'assets',
    'package.json',
    'tsconfig.json',
    // all of scripts/: build.mjs imports bundles.mjs and encodings.mjs, and may import more
    'scripts',
    'node_modules/.package-lock.json',
  ],
  outputs: ['dist', 'media/compare.js', 'media/compare.js.map'],
});

/** The tests' strict tsc into out/ (incremental): skipped when nothing it reads or wrote changed since it last passed. */
const compileStep = cachedStep({
  root,
  stamp: 'out/.test-all-tsc.json',
  key: 'tsconfig.test.json',
  inputs: ['src', 'test', 'tsconfig.json', 'tsconfig.test.json', 'node_modules/.package-lock.json'],
  outputs: ['out'],
  ignore: (rel) => rel === path.join('out', '.cache') || rel === path.join('src', 'webview'),
});

async function main() {
  console.log('> build');
  if (buildStep.fresh()) console.log('  up to date (nothing under src/, assets/ or scripts/ changed)');
  else if (!(await buildStep.run(async () => (await run(process.execPath, ['scripts/build.mjs'])).code === 0)))
    return finish([['build', { passed: 0, failed: 1 }]]);
  if (!only.length || only.includes('unit') || only.includes('security')) {
    // The test-only oracles (Hugging Face tokenizers + the families' tokenizer.json, ~700 MB) live in
    // .oracle/, installed once by this separate, cached step rather than by `npm install`.
    console.log('> test oracles (.oracle/, cached)');
    const r = await run(process.execPath, ['scripts/oracle.mjs']);
    if (r.code !== 0) return finish([['oracle', { passed: 0, failed: 1 }]]);
  }
  console.log('> compile tests (tsc)');
  if (compileStep.fresh()) console.log('  up to date (nothing under src/ or test/ changed since tsc last passed)');
  else {
    pruneCompiled(root, { sources: ['src', 'test'], outDir: 'out', buildInfo: 'out/.tsbuildinfo', skip: [path.join('src', 'webview')] });
    const tsc = () => run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json']);
    if (!(await compileStep.run(async () => (await tsc()).code === 0))) return finish([['tsc', { passed: 0, failed: 1 }]]);
  }
  const property = propertySeed();
  if (property) process.env.PCL_FC_SEED = String(property.seed); // inherited by every test process
  console.log(
    property
      ? `> property tests: fast-check seed ${property.seed} (from ${property.from}; PCL_FC_SEED=random for fresh inputs)`
      : '> property tests: random fast-check seeds (each failure prints its seed; PCL_FC_SEED=<seed> repeats it)',
  );
  const results = [];
  for (const name of Object.keys(layers)) {
    if (only.length && !only.includes(name)) continue;
    console.log(`\n> ${name} tests`);
    results.push([name, await layers[name]()]);
  }
  return finish(results);
}

function finish(results) {
  let passed = 0;
  let failed = 0;
  console.log('\nSummary');
  for (const [name, r] of results) {
    console.log(`  ${name.padEnd(6)} ${r.passed} passed, ${r.failed} failed`);
    passed += r.passed;
    failed += r.failed;
  }
  console.log(`Time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main();
