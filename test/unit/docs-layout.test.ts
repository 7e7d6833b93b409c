// The documentation layout (issue 28): README.md is the short Marketplace page, docs/user and docs/dev hold
// the rest. Every relative link in the README and in docs/ must point at a file that exists (images
// included), the README must keep showing the test command, and the VSIX allow-list (.vscodeignore) must
// pack README and CHANGELOG but not docs/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

function markdownFiles(): string[] {
  const out = ['README.md', 'CHANGELOG.md'];
  for (const dir of ['docs', 'docs/user', 'docs/dev']) {
    for (const name of fs.readdirSync(path.join(ROOT, dir))) if (name.endsWith('.md')) out.push(`${dir}/${name}`);
  }
  return out;
}

/** Markdown heading → GitHub's anchor: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  let fence = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    const m = !fence && /^#{1,6} (.*)$/.exec(line);
    if (m)
      anchors.add(
        m[1]
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replace(/ /g, '-'),
      );
  }
  return anchors;
}

test('every relative link in README.md, CHANGELOG.md and docs/ reaches an existing file and heading', () => {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
      const [rel, anchor] = target.split('#');
      const resolved = rel ? path.join(path.dirname(path.join(ROOT, file)), rel) : path.join(ROOT, file);
      if (!fs.existsSync(resolved)) {
        broken.push(`${file}: ${target} (no such file)`);
        continue;
      }
      if (anchor && resolved.endsWith('.md') && !anchorsOf(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
        broken.push(`${file}: ${target} (no such heading)`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

test('README.md is the short page: at most 180 lines, shows `npm test`, and links into docs/user and docs/dev', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  assert.ok(readme.split('\n').length <= 180, `README.md has ${readme.split('\n').length} lines`);
  assert.match(readme, /^npm test\b/m);
  assert.match(readme, /\]\(docs\/user\/[a-z-]+\.md/);
  assert.match(readme, /\]\(docs\/dev\/[a-z-]+\.md/);
});

test('the VSIX allow-list packs README.md and CHANGELOG.md, and nothing under docs/', () => {
  const rules = fs
    .readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));
  assert.equal(rules[0], '**', 'the file is an allow-list: everything is excluded first');
  assert.ok(rules.includes('!README.md'));
  assert.ok(rules.includes('!CHANGELOG.md'));
  assert.deepEqual(
    rules.filter((r) => r.startsWith('!docs')),
    [],
  );
});

test('npm run test:fast: static + unit --fast, shown in the README; each slow pattern names real unit files and most files stay', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.scripts['test:fast'], 'node scripts/test-all.mjs static unit --fast');
  assert.match(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), /^npm run test:fast\b/m);
  // scripts/slow-tests.mjs is an ES module; the tests compile to CommonJS, whose import() would become require().
  const importEsm = new Function('specifier', 'return import(specifier)') as (
    s: string,
  ) => Promise<{ SLOW_UNIT_FILES: RegExp[]; isSlowUnitFile(name: string): boolean }>;
  const { SLOW_UNIT_FILES, isSlowUnitFile } = await importEsm(path.join(ROOT, 'scripts', 'slow-tests.mjs'));
  const files = fs.readdirSync(path.join(ROOT, 'test', 'unit')).filter((f) => f.endsWith('.test.ts'));
  for (const re of SLOW_UNIT_FILES)
    assert.ok(
      files.some((f) => re.test(f.replace(/\.ts$/, '.js'))),
      `${re} matches no test file`,
    );
  const kept = files.filter((f) => !isSlowUnitFile(f));
  assert.ok(kept.length >= files.length / 2, `${kept.length} of ${files.length} unit files in test:fast`);
  for (const f of ['cli-compare.test.ts', 'docs-layout.test.ts', 'pricing.test.ts', 'tokenize.test.ts']) assert.ok(kept.includes(f), f);
});
