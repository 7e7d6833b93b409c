// Issue 24, item 9 (diff/check): a base version of a prompt file that is 200 MB in git (zeros compress to
// ~200 KB, so a cloned repository carries it cheaply) was read whole from `git cat-file --batch` (and
// copied once more) before being skipped as larger than the 5 MB scan cap. The batch output is now
// parsed as it streams and an oversized blob is only counted past. The format is git's own
// (git-cat-file(1), BATCH OUTPUT: `<oid> SP <type> SP <size> LF <contents> LF`).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compiled } from '../support/bounded';
import { tempDir } from '../support/tempDir';
import { runCliAsync, runCodeAsync, withinBounds } from './support';

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    stdio: 'ignore',
  });
}

/** A repository whose committed big.prompt.md is 200 MB of zeros, now replaced by a small prompt; plus a small changed prompt. */
function repoWithHugeBase(): string {
  const dir = tempDir('pcl-sec-blob-');
  git(dir, 'init', '-q', '-b', 'main');
  const fd = fs.openSync(path.join(dir, 'big.prompt.md'), 'w');
  const mb = Buffer.alloc(1024 * 1024, 0x20); // spaces: text, not binary, so only the size skips it
  for (let i = 0; i < 200; i++) fs.writeSync(fd, mb);
  fs.closeSync(fd);
  fs.writeFileSync(path.join(dir, 'small.prompt.md'), 'Summarise the report.\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'base');
  fs.writeFileSync(path.join(dir, 'big.prompt.md'), 'Now a short prompt.\n');
  fs.writeFileSync(path.join(dir, 'small.prompt.md'), 'Summarise the report in two sentences.\n');
  return dir;
}

describe('security 9: a huge base version is skipped by its size, never read', () => {
  it('readBlobs streams: the 200 MB blob maps to its size, the small one to its bytes', async () => {
    const dir = repoWithHugeBase();
    const r = await runCodeAsync(
      `const { readBlobs } = require(${compiled('core/diff/git')});
       const m = await readBlobs(${JSON.stringify(dir)}, 'HEAD', ['big.prompt.md', 'small.prompt.md', 'nope.md'], 5 * 1024 * 1024);
       const show = (v) => v === undefined ? null : typeof v === 'number' ? v : v.toString('utf8');
       console.log(JSON.stringify([...m].map(([k, v]) => [k, show(v)])));`,
    );
    withinBounds('9 readBlobs with a 200 MB base blob', r);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      ['big.prompt.md', 200 * 1024 * 1024],
      ['small.prompt.md', 'Summarise the report.\n'],
      ['nope.md', null],
    ]);
  });

  it('prompt-cost diff --json: the big file is skipped (named), the small change is priced', async () => {
    const dir = repoWithHugeBase();
    const r = await runCliAsync(['diff', '--json', '--base', 'HEAD'], { cwd: dir });
    withinBounds('9 diff with a 200 MB base blob', r);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      out.skipped.map((s: { path: string; reason: string }) => [s.path, s.reason]),
      [['big.prompt.md', 'the base version is larger than 5 MB']],
    );
    assert.ok(out.changes.some((c: { path: string }) => c.path === 'small.prompt.md'));
  });
});
