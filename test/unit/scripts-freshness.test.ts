// `npm run test:fast` skips the build and the tests' tsc when nothing they read or wrote changed
// (scripts/freshness.mjs). A skipped step that should have run would test stale code, so every kind of
// change must make the step run again: edits (also to an older mtime), new, deleted and renamed files,
// changed outputs, other flags, a failed step, and an edit made while the step was running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../support/tempDir';

type Step = { fresh(): boolean; run(step: () => Promise<boolean>): Promise<boolean> };
type Freshness = {
  fingerprint(root: string, paths: string[], ignore?: (rel: string) => boolean): string;
  cachedStep(o: { root: string; stamp: string; key: string; inputs: string[]; outputs: string[]; ignore?: (rel: string) => boolean }): Step;
  pruneCompiled(
    root: string,
    o: { sources: string[]; outDir: string; buildInfo: string; skip?: string[] },
  ): { removed: string[]; buildInfoRemoved: boolean };
};
// scripts/freshness.mjs is an ES module; the tests compile to CommonJS, whose import() would become require().
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<Freshness>;
const load = () => importEsm(path.join(__dirname, '..', '..', '..', 'scripts', 'freshness.mjs'));

function project() {
  const root = tempDir('pcl-fresh-');
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  write('src/a.ts', 'export const a = 1;\n');
  write('src/sub/b.ts', 'export const b = 2;\n');
  write('config.json', '{}');
  return { root, write };
}

/** A "build" that copies src/ to out/, counting its runs. */
async function setUp(key = 'dev') {
  const { cachedStep } = await load();
  const p = project();
  let runs = 0;
  const make = (k = key) =>
    cachedStep({ root: p.root, stamp: 'out/.stamp.json', key: k, inputs: ['src', 'config.json'], outputs: ['out'] });
  const build = async (step = make()) =>
    step.run(async () => {
      runs++;
      fs.cpSync(path.join(p.root, 'src'), path.join(p.root, 'out'), { recursive: true });
      return true;
    });
  await build();
  return { ...p, make, build, runs: () => runs };
}

test('fresh after a successful run, and stays fresh while nothing changes', async () => {
  const s = await setUp();
  assert.equal(s.runs(), 1);
  assert.equal(s.make().fresh(), true);
  assert.equal(s.make().fresh(), true);
});

test('never fresh before the first run', async () => {
  const { cachedStep } = await load();
  const p = project();
  assert.equal(cachedStep({ root: p.root, stamp: 'out/.s', key: 'k', inputs: ['src'], outputs: ['out'] }).fresh(), false);
});

test('every kind of input change makes it stale: edit, edit to an older mtime, new, deleted, renamed, new top-level input', async () => {
  const changes: Array<[string, (root: string, write: (rel: string, t: string) => void) => void]> = [
    ['edit', (_r, w) => w('src/a.ts', 'export const a = 10;\n')],
    [
      'same size, mtime set back an hour',
      (r) => {
        fs.writeFileSync(path.join(r, 'src/a.ts'), 'export const a = 9;\n');
        const old = new Date(Date.now() - 3_600_000);
        fs.utimesSync(path.join(r, 'src/a.ts'), old, old);
      },
    ],
    ['new file', (_r, w) => w('src/sub/c.ts', 'export {};\n')],
    ['deleted file', (r) => fs.rmSync(path.join(r, 'src/sub/b.ts'))],
    ['renamed file', (r) => fs.renameSync(path.join(r, 'src/sub/b.ts'), path.join(r, 'src/sub/bb.ts'))],
    ['the config', (_r, w) => w('config.json', '{"x":1}')],
    ['an input that did not exist appears', () => undefined],
  ];
  for (const [what, change] of changes) {
    const s = await setUp();
    if (what === 'an input that did not exist appears') {
      const { cachedStep } = await load();
      const step = () => cachedStep({ root: s.root, stamp: 'out/.s2', key: 'k', inputs: ['src', 'later.json'], outputs: [] });
      await step().run(async () => true);
      assert.equal(step().fresh(), true);
      s.write('later.json', '{}');
      assert.equal(step().fresh(), false, what);
      continue;
    }
    change(s.root, s.write);
    assert.equal(s.make().fresh(), false, what);
    await s.build();
    assert.equal(s.make().fresh(), true, `${what}: fresh again after the rerun`);
  }
});

test('changed or missing outputs and other flags make it stale', async () => {
  let s = await setUp();
  fs.rmSync(path.join(s.root, 'out', 'sub', 'b.ts'));
  assert.equal(s.make().fresh(), false, 'an output deleted');
  s = await setUp();
  fs.writeFileSync(path.join(s.root, 'out', 'a.ts'), 'overwritten by another build');
  assert.equal(s.make().fresh(), false, 'an output rewritten');
  s = await setUp('dev');
  assert.equal(s.make('production').fresh(), false, 'another key');
});

test('a failed step leaves no stamp, also when it had succeeded before', async () => {
  const s = await setUp();
  assert.equal(await s.make().run(async () => false), false);
  assert.equal(s.make().fresh(), false);
  assert.equal(fs.existsSync(path.join(s.root, 'out', '.stamp.json')), false);
});

test('an input edited while the step runs makes the result stale (the inputs are fingerprinted before it starts)', async () => {
  const s = await setUp();
  s.write('src/a.ts', 'export const a = 3;\n');
  await s.make().run(async () => {
    s.write('src/a.ts', 'export const a = 4; // saved during the build\n');
    return true;
  });
  assert.equal(s.make().fresh(), false);
});

test('ignored paths (caches inside the output folder) do not make it stale', async () => {
  const { cachedStep } = await load();
  const p = project();
  const step = () =>
    cachedStep({
      root: p.root,
      stamp: 'out/.s',
      key: 'k',
      inputs: ['src'],
      outputs: ['out'],
      ignore: (rel) => rel === path.join('out', '.cache'),
    });
  await step().run(async () => {
    p.write('out/a.js', 'x');
    return true;
  });
  p.write('out/.cache/eslint', 'cache');
  assert.equal(step().fresh(), true);
  p.write('out/b.js', 'y');
  assert.equal(step().fresh(), false);
});

test('pruneCompiled deletes compiled files of removed sources and the build info when an output is missing', async () => {
  const { pruneCompiled } = await load();
  const p = project();
  p.write('src/types.d.ts', 'declare const x: number;\n');
  p.write('src/webview/w.ts', 'export {};\n');
  for (const f of ['out/src/a.js', 'out/src/a.js.map', 'out/src/sub/b.js', 'out/src/gone.js', 'out/src/gone.js.map', 'out/src/data.json'])
    p.write(f, '');
  p.write('out/.tsbuildinfo', '{}');
  const opts = { sources: ['src'], outDir: 'out', buildInfo: 'out/.tsbuildinfo', skip: [path.join('src', 'webview')] };
  let r = pruneCompiled(p.root, opts);
  assert.deepEqual(r.removed.sort(), [path.join('out', 'src', 'gone.js'), path.join('out', 'src', 'gone.js.map')]);
  assert.equal(r.buildInfoRemoved, false, 'every source has its output (.d.ts and the skipped webview need none)');
  assert.ok(fs.existsSync(path.join(p.root, 'out', 'src', 'data.json')), 'JSON copied by resolveJsonModule stays');
  fs.rmSync(path.join(p.root, 'out', 'src', 'sub', 'b.js'));
  r = pruneCompiled(p.root, opts);
  assert.equal(r.buildInfoRemoved, true);
  assert.equal(fs.existsSync(path.join(p.root, 'out', '.tsbuildinfo')), false);
});
