// Issue 24, item 4: globs a cloned repository writes (flujo.toml `[budgets.pipeline."<glob>"]`,
// prompt-cost.json `budgets[].files`) match in bounded time: one tokenizing two-pointer matcher
// (src/core/prompt/glob.ts), compiled once, with a length and brace cap. Fuzzed for equal answers
// against the references: Python's own `fnmatch.fnmatchcase` (Lib/fnmatch.py, run with python3) for
// the budget globs, and picomatch (test-only devDependency, the matcher behind micromatch/chokidar)
// for the VS Code-style globs.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { compiled } from '../support/bounded';
import { compileFnmatch, compileGlob, GlobError, MAX_GLOB_LENGTH } from '../../src/core/prompt/glob';
import { runCodeAsync, withinBounds } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const picomatch = require('picomatch') as (glob: string, options?: Record<string, unknown>) => (path: string) => boolean;

describe('security 4: hostile globs match in bounded time', () => {
  it('flujo.toml budget glob "*a*a…b" (75 bytes) against a 60-character pipeline name: no ReDoS', async () => {
    const pattern = `${'*a'.repeat(37)}b`;
    const r = await runCodeAsync(
      `const { resolveBudget, summarizeBudgets } = require(${compiled('core/history/budgets')});
       const budgets = { pipeline: { ${JSON.stringify(pattern)}: { totalCostUsdLimit: 1 } }, default: { totalCostUsdLimit: 2 } };
       const names = [];
       for (let n = 1; n <= 60; n++) names.push('a'.repeat(n));
       const sources = names.map((n) => resolveBudget(budgets, n).source);
       console.log(JSON.stringify(sources.filter((s) => s === 'default').length));`,
    );
    withinBounds('4 flujo budget glob *a*a…b vs 60 a', r);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout), 60, 'no name without a b matches the pipeline glob');
  });

  it('prompt-cost.json: an unclosed [ against a long name, {×20k, and 10k rules against 20 files: bounded, located errors, no stack', async () => {
    const r = await runCodeAsync(
      `const { parseBudgetConfig } = require(${compiled('core/promptBudgets/index')});
       const out = {};
       let t = Date.now();
       const unclosed = parseBudgetConfig(JSON.stringify({ budgets: [{ files: '[' + '*a'.repeat(400), max_input_tokens: 1 }] }), 'prompt-cost.json');
       out.unclosedMatches = unclosed.config.rules[0].matches('a'.repeat(200000));
       const braces = parseBudgetConfig(JSON.stringify({ budgets: [{ files: '{'.repeat(20000), max_input_tokens: 1 }] }), 'prompt-cost.json');
       out.braces = braces.errors.map((e) => [e.message, e.line]);
       const nested = parseBudgetConfig(JSON.stringify({ budgets: [{ files: '{a,'.repeat(100) + '}'.repeat(100), max_input_tokens: 1 }] }), 'prompt-cost.json');
       out.nested = nested.errors.map((e) => e.message);
       const rules = [];
       for (let i = 0; i < 10000; i++) rules.push({ files: 'prompts/p' + i + '/**/*.{md,prompt}', max_input_tokens: i });
       const text = JSON.stringify({ budgets: rules }, null, 1);
       const many = parseBudgetConfig(text, 'prompt-cost.json');
       out.rules = many.config.rules.length;
       out.lastLine = many.config.rules[9999].line;
       out.expectedLastLine = 2 + 4 * 9999; // JSON.stringify(…, null, 1): "budgets": [ on line 1, four lines a rule
       let hits = 0;
       for (let f = 0; f < 20; f++) for (const rule of many.config.rules) if (rule.matches('prompts/p' + f + '/a/b.md')) hits++;
       out.hits = hits;
       console.log(JSON.stringify(out));`,
    );
    withinBounds('4 prompt-cost.json unclosed [, {x20k, 10k rules x 20 files', r);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.unclosedMatches, false);
    assert.equal(out.braces.length, 1);
    assert.match(out.braces[0][0], /^budgets\[0\]\.files: a glob of 20000 characters is longer than the 1024-character limit$/);
    assert.match(out.nested[0], /^budgets\[0\]\.files: (braces nested more than 16 deep|more than 256 alternatives)/);
    assert.equal(out.rules, 10000);
    assert.equal(out.lastLine, out.expectedLastLine);
    assert.equal(out.hits, 20);
  });

  it('compiled once: the same pattern gives the same compiled matcher; caps throw GlobError', () => {
    assert.equal(compileGlob('prompts/**/*.md'), compileGlob('prompts/**/*.md'));
    assert.throws(() => compileGlob('a'.repeat(MAX_GLOB_LENGTH + 1)), GlobError);
    assert.throws(() => compileGlob('{a,b}'.repeat(9)), /more than 256 alternatives/);
  });
});

/** Small random patterns and names over an alphabet where the two syntaxes agree. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('security 4: the matcher agrees with the references (fuzz, small inputs)', () => {
  it('fnmatch (flujo budget globs) = Python fnmatch.fnmatchcase on 3,000 random pairs', () => {
    const rand = rng(24);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const patAtoms = ['a', 'b', '/', '-', '*', '?', '[ab]', '[!a]', '[a-c]', '[]a]', '[', ']', '!', '^', '[^a]', '[b-a]', '.'];
    const nameAtoms = ['a', 'b', 'c', '/', '-', '[', ']', '!', '^', '.'];
    const pairs: [string, string][] = [];
    for (let i = 0; i < 3000; i++) {
      const pat = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(patAtoms)).join('');
      const name = Array.from({ length: Math.floor(rand() * 8) }, () => pick(nameAtoms)).join('');
      pairs.push([pat, name]);
    }
    const py = spawnSync(
      process.env.PYTHON || 'python3',
      ['-c', 'import sys, json, fnmatch; print(json.dumps([fnmatch.fnmatchcase(n, p) for p, n in json.load(sys.stdin)]))'],
      { input: JSON.stringify(pairs), encoding: 'utf8' },
    );
    assert.equal(py.status, 0, py.stderr);
    const expected = JSON.parse(py.stdout) as boolean[];
    const started = Date.now();
    const diffs = pairs
      .filter(([p, n], i) => compileFnmatch(p)(n) !== expected[i])
      .map(([p, n]) => `${JSON.stringify(p)} vs ${JSON.stringify(n)}`);
    assert.deepEqual(diffs.slice(0, 10), []);
    assert.ok(Date.now() - started < 2000);
  });

  it('VS Code-style globs = picomatch (dot: true) on 3,000 random pairs', () => {
    const rand = rng(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    // picomatch differs by design on `[!…]` next to braces, a leading `./` and a trailing `*/**`: not compared
    const segAtoms = ['a', 'b', '*', '?', '[ab]', '[a-c]', '{a,b}', '{a,bb}'];
    const nameAtoms = ['a', 'b', 'c'];
    const diffs: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const segs = Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
        rand() < 0.2 ? '**' : Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(segAtoms)).join(''),
      );
      const pattern = segs.join('/');
      const path = Array.from({ length: 1 + Math.floor(rand() * 4) }, () =>
        Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(nameAtoms)).join(''),
      ).join('/');
      // `**` is special only as a whole segment here (`***`, `**a` are a `*`): picomatch reads those otherwise
      if (/\*\/\*\*$/.test(pattern) || segs.some((g) => g !== '**' && g.includes('**'))) continue;
      const ours = compileGlob(pattern)(path);
      const ref = picomatch(pattern, { dot: true })(path);
      if (ours !== ref) diffs.push(`${pattern} vs ${path}: ours ${ours}, picomatch ${ref}`);
    }
    assert.deepEqual(diffs.slice(0, 10), []);
  });
});
