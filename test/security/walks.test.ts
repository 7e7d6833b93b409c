// Issue 24, items 13 and 9 (walks): folder trees a cloned repository shaped. Two links to `.` under each
// other made `check` (without git) walk 2^depth paths; one dangling link aborted it with exit 2; and
// `lint`/`check` over many large code files held an object per model mention (200 × 1 MB: 0.7–2.5 GB).
// Each case runs the real CLI (dist/cli.js) in a bounded child, outside any git repository.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../support/tempDir';
import { assertNoStack, runCliAsync, withinBounds } from './support';

const PROMPT = '---\nmodel: openai:gpt-4o\n---\nSummarise the report in two sentences.\n';

describe('security 13: walks follow each real folder once and skip dangling links', () => {
  it('check: two self-links per folder (2^20 paths before) are walked once; the prompt is checked once', async () => {
    const dir = tempDir('pcl-sec-loop-');
    fs.writeFileSync(path.join(dir, 'p.prompt.md'), PROMPT);
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'q.prompt.md'), PROMPT);
    fs.symlinkSync('.', path.join(dir, 'a'));
    fs.symlinkSync('.', path.join(dir, 'b'));
    fs.symlinkSync('..', path.join(dir, 'sub', 'up'));
    const r = await runCliAsync(['check', '--json', '--no-lint'], { cwd: dir });
    withinBounds('13 check over two self-symlinks', r);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).promptsChecked, 2, 'p.prompt.md and sub/q.prompt.md, each once');
  });

  it('check: a dangling link is skipped with a warning naming it, not exit 2', async () => {
    const dir = tempDir('pcl-sec-dangling-');
    fs.writeFileSync(path.join(dir, 'p.prompt.md'), PROMPT);
    fs.symlinkSync('missing.prompt.md', path.join(dir, 'gone.prompt.md'));
    fs.symlinkSync('gone-folder', path.join(dir, 'gone'));
    const r = await runCliAsync(['check', '--json', '--no-lint'], { cwd: dir });
    withinBounds('13 check with a dangling symlink', r);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).promptsChecked, 1);
    assert.match(r.stderr, /warning: gone\.prompt\.md: a symbolic link to missing\.prompt\.md that does not exist; skipped/);
    assert.match(r.stderr, /warning: gone: a symbolic link to gone-folder that does not exist; skipped/);
    assertNoStack(r.stderr);
  });

  it('check: a PATH the user names that does not exist is still a usage error (exit 2)', async () => {
    const dir = tempDir('pcl-sec-nopath-');
    const r = await runCliAsync(['check', 'nope', '--no-lint'], { cwd: dir });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /nope/);
  });

  it('lint: code folders linked into each other are scanned once (usages not doubled)', async () => {
    const dir = tempDir('pcl-sec-lint-loop-');
    fs.writeFileSync(path.join(dir, 'flujo.toml'), '[cost]\nstrict = true\n');
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'agent.py'), 'make_agent_async("openai:gpt-4o-mini")\n');
    fs.symlinkSync('..', path.join(dir, 'src', 'loop'));
    fs.symlinkSync('src', path.join(dir, 'twin'));
    const r = await runCliAsync(['lint', '--json'], { cwd: dir });
    withinBounds('13 lint over linked code folders', r);
    const d = JSON.parse(r.stdout).diagnostics.find((x: { code: string }) => x.code === 'unpriced-model');
    assert.ok(d, r.stdout);
    assert.match(d.message, /Used in (src|twin)[/\\]agent\.py:1\.$/, 'one use, found once');
  });
});

describe('security 9: lint and check over many large code files stay bounded', () => {
  it('200 × 1 MB Python files, 9k model mentions each: counted, not held one by one', async () => {
    const dir = tempDir('pcl-sec-bigcode-');
    fs.writeFileSync(path.join(dir, 'flujo.toml'), '[cost]\nstrict = true\n');
    fs.mkdirSync(path.join(dir, 'src'));
    const line = (i: number) =>
      `client.chat.completions.create(model="openai:gpt-4o", messages=[{"role":"user","content":"hello ${i}"}])\n`;
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < 1024 * 1024 - 200; i++) {
      lines.push(line(i));
      size += lines[lines.length - 1].length;
    }
    const body = Buffer.from(lines.join(''));
    for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(dir, 'src', `f${i}.py`), body);
    const lint = await runCliAsync(['lint', '--json'], { cwd: dir, heapMb: 1024 });
    // 200 MB of input: the time bound is scaled, the memory bound is the suite's 300 MB
    withinBounds('9 lint over 200 × 1 MB code files', lint, { ms: 25_000 });
    const d = JSON.parse(lint.stdout).diagnostics.find((x: { code: string }) => x.code === 'unpriced-model');
    assert.match(
      d.message,
      new RegExp(`Used in src[/\\\\]f\\d+\\.py:1, .* and ${200 * lines.length - 3} more\\.$`),
      'every mention counted',
    );
    const check = await runCliAsync(['check', '--json'], { cwd: dir, heapMb: 1024 });
    withinBounds('9 check over 200 × 1 MB code files', check, { ms: 25_000 });
    assert.equal(check.status, 1, check.stderr);
    assert.ok(JSON.parse(check.stdout).findings.some((f: { ruleId: string }) => f.ruleId === 'flujo/unpriced-model'));
  });
});
