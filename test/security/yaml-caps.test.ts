// Issue 24, item 5: YAML and JSON from a cloned repository are bounded before a parser sees them. The
// `yaml` library's duplicate-key check is quadratic (25k keys in 240 KB: ~20 s per read), its memory
// grows with nesting (`x: - - - …` after a key slipped past the old depth guard), `check` read front
// matter budgets with no cap at all (1.3 MB: 33 s), and prompt-cost.json's error locator ran the YAML
// parser over the whole invalid file (1 MB: 954 MB in the probe). Each case runs the real CLI in a
// bounded child (≤ 5 s CPU, ≤ 300 MB).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../support/tempDir';
import { assertNoStack, runCliAsync, withinBounds } from './support';

const BUDGETS = JSON.stringify({ budgets: [{ files: '**/*.prompt.md', max_input_tokens: 1000 }] });

function workspace(files: Record<string, string>): string {
  const dir = tempDir('pcl-sec-yaml-');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const manyKeys = (n: number) => `---\nmodel: openai:gpt-4o\n${Array.from({ length: n }, (_, i) => `k${i}: 1\n`).join('')}---\nHello\n`;

describe('security 5: front matter is bounded before the YAML parser', () => {
  it('25k keys in 240 KB (under the size cap): read in linear time by estimate and check; duplicates still found', async () => {
    const dir = workspace({ 'p.prompt.md': manyKeys(25_000), 'prompt-cost.json': BUDGETS });
    assert.ok(fs.statSync(path.join(dir, 'p.prompt.md')).size < 256 * 1024);
    const est = await runCliAsync(['estimate', 'p.prompt.md', '--json'], { cwd: dir });
    withinBounds('5 front matter 25k keys (estimate)', est);
    assert.equal(est.status, 0, est.stderr);
    assert.equal(JSON.parse(est.stdout).estimates[0].model, 'openai:gpt-4o', 'the front matter was read');
    const check = await runCliAsync(['check', 'p.prompt.md', '--json', '--no-lint'], { cwd: dir });
    withinBounds('5 front matter 25k keys (check)', check);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    // the one-pass duplicate check (yamlGuard.duplicateKeys) reports what `uniqueKeys: true` did
    fs.writeFileSync(path.join(dir, 'p.prompt.md'), manyKeys(25_000).replace('k24999: 1', 'k7: 2'));
    const dup = await runCliAsync(['check', 'p.prompt.md', '--no-lint'], { cwd: dir });
    withinBounds('5 front matter 25k keys, one duplicate (check)', dup);
    assert.equal(dup.status, 1, dup.stdout);
    assert.match(dup.stdout, /p\.prompt\.md:25002:1: error prompt\/front-matter: Front matter YAML: Map keys must be unique/);
  });

  it('1.3 MB of front matter: check reports it unread at once (it parsed it whole for the budget)', async () => {
    const dir = workspace({ 'p.prompt.md': manyKeys(110_000), 'prompt-cost.json': BUDGETS });
    const r = await runCliAsync(['check', 'p.prompt.md', '--no-lint'], { cwd: dir });
    withinBounds('5 front matter 1.3 MB (check)', r);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /Front matter is larger than 262144 characters and was not read/);
  });

  for (const [name, fm] of [
    ['x: - - - … after a key (200 KB)', `x: ${'- '.repeat(100_000)}a\n`],
    ['? ? ? … and : : : … (200 KB)', `${'? '.repeat(50_000)}a\nb${': '.repeat(50_000)}c\n`],
  ] as const) {
    it(`nesting ${name}: not parsed, a located note; estimate and check bounded`, async () => {
      const dir = workspace({ 'p.prompt.md': `---\n${fm}---\nHello\n`, 'prompt-cost.json': BUDGETS });
      const est = await runCliAsync(['estimate', 'p.prompt.md', '--json'], { cwd: dir });
      withinBounds(`5 front matter ${name} (estimate)`, est);
      const check = await runCliAsync(['check', 'p.prompt.md', '--no-lint'], { cwd: dir });
      withinBounds(`5 front matter ${name} (check)`, check);
      assert.match(
        check.stdout,
        /p\.prompt\.md:1:1: error prompt\/front-matter: Front matter nests deeper than 1000 levels and was not read/,
      );
    });
  }

  it('a Semantic Kernel YAML prompt with 25k keys is bounded too', async () => {
    const dir = workspace({
      'sk.yaml': `name: big\ntemplate: Hello {{$name}}\n${Array.from({ length: 25_000 }, (_, i) => `k${i}: 1\n`).join('')}`,
    });
    const r = await runCliAsync(['estimate', 'sk.yaml', '--model', 'openai:gpt-4o', '--json'], { cwd: dir });
    withinBounds('5 Semantic Kernel YAML 25k keys (estimate)', r);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).estimates[0].inputTokens > 0);
  });
});

describe('security 5: an invalid prompt-cost.json is located without the YAML parser', () => {
  it('1 MB of rules with a mistake on the last line: the error names that line, bounded', async () => {
    const rules = '{"files": "a.prompt.md", "max_input_tokens": 1},\n'.repeat(20_000);
    const dir = workspace({ 'prompt-cost.json': `{"budgets": [\n${rules}x]}\n`, 'a.prompt.md': 'Hello\n' });
    assert.ok(fs.statSync(path.join(dir, 'prompt-cost.json')).size <= 1024 * 1024);
    const r = await runCliAsync(['check', '--no-lint'], { cwd: dir });
    withinBounds('5 invalid prompt-cost.json 1 MB (check)', r);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /prompt-cost\.json:20002:1: prompt-cost\.json is not valid JSON/);
    assertNoStack(r.stderr);
  });
});
