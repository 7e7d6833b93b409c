// Issue 24, items 1, 10, 11: files we write in a repository the user cloned. A committed symlink must
// never be written through (ledger, SARIF, provider-count cache), a file-system error is one line with
// exit 2 and leaves the ledger as it was, and a lock that cannot be a live writer's does not stall
// every append. Each case runs the real CLI (dist/cli.js) or the compiled core in a bounded child.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compiled } from '../support/bounded';
import { tempDir } from '../support/tempDir';
import { assertNoStack, flujoDb, runCliAsync, runCodeAsync, withinBounds } from './support';

const PAYLOAD = '$(touch ~/pwned)';
const RC = '# my shell rc\nexport PATH=/usr/bin\n';

/** A cloned repository next to a "home" file that a symlink in the repository points at. */
function repoWithVictim(): { repo: string; victim: string; db: string } {
  const home = tempDir('pcl-sec-home-');
  const victim = path.join(home, '.bashrc');
  fs.writeFileSync(victim, RC);
  const repo = path.join(home, 'repo');
  fs.mkdirSync(path.join(repo, '.prompt-cost'), { recursive: true });
  const db = flujoDb(home, PAYLOAD);
  return { repo, victim, db };
}

describe('security 1: a committed symlink is never written through', () => {
  it('history import refuses .prompt-cost/runs.jsonl → ../../.bashrc, says why, leaves the target alone', async () => {
    const { repo, victim, db } = repoWithVictim();
    fs.symlinkSync('../../.bashrc', path.join(repo, '.prompt-cost', 'runs.jsonl'));
    const r = await runCliAsync(['history', 'import', db], { cwd: repo });
    withinBounds('1 ledger symlink (history import)', r);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /runs\.jsonl is a symbolic link .*not written through it/);
    assertNoStack(r.stderr);
    assert.equal(fs.readFileSync(victim, 'utf8'), RC);
  });

  it('history import refuses a committed .prompt-cost folder that links out of the repository', async () => {
    const { repo, victim, db } = repoWithVictim();
    fs.rmSync(path.join(repo, '.prompt-cost'), { recursive: true });
    const outside = path.join(path.dirname(victim), 'elsewhere');
    fs.mkdirSync(outside);
    fs.symlinkSync(outside, path.join(repo, '.prompt-cost'));
    const r = await runCliAsync(['history', 'import', db, '--json'], { cwd: repo });
    withinBounds('1 ledger folder symlink (history import)', r);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(JSON.parse(r.stdout).error.message, /outside .*symbolic link/);
    assert.deepEqual(fs.readdirSync(outside), []);
  });

  it('an explicit --ledger outside the repository is the user’s choice and is written (not a symlink)', async () => {
    const { repo, db } = repoWithVictim();
    const mine = path.join(tempDir('pcl-sec-mine-'), 'runs.jsonl');
    const r = await runCliAsync(['history', 'import', db, '--ledger', mine], { cwd: repo });
    withinBounds('1 explicit ledger (history import)', r);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.readFileSync(mine, 'utf8').includes('$(touch ~/pwned)'), 'the run is recorded as data, in the ledger');
  });

  it('check --sarif refuses a committed prompt-cost.sarif symlink and leaves its target alone', async () => {
    const { repo, victim } = repoWithVictim();
    fs.writeFileSync(path.join(repo, 'a.prompt'), 'Hello {{name}}\n');
    fs.symlinkSync(victim, path.join(repo, 'prompt-cost.sarif'));
    const r = await runCliAsync(['check', '--sarif', 'prompt-cost.sarif', 'a.prompt'], { cwd: repo });
    withinBounds('1 sarif symlink (check --sarif)', r);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /prompt-cost\.sarif is a symbolic link/);
    assert.equal(fs.readFileSync(victim, 'utf8'), RC);
    assert.ok(fs.lstatSync(path.join(repo, 'prompt-cost.sarif')).isSymbolicLink());
  });

  it('check --sarif replaces a regular file whole (temp file + rename, no temp left behind)', async () => {
    const { repo } = repoWithVictim();
    fs.writeFileSync(path.join(repo, 'a.prompt'), 'Hello {{name}}\n');
    fs.writeFileSync(path.join(repo, 'prompt-cost.sarif'), 'old');
    const r = await runCliAsync(['check', '--sarif', 'prompt-cost.sarif', 'a.prompt'], { cwd: repo });
    withinBounds('1 sarif regular file (check --sarif)', r);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    assert.equal(JSON.parse(fs.readFileSync(path.join(repo, 'prompt-cost.sarif'), 'utf8')).version, '2.1.0');
    assert.deepEqual(
      fs.readdirSync(repo).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  it('the editor’s ledger append and the provider-count cache refuse symlinks (core, as the extension calls them)', async () => {
    const { repo, victim } = repoWithVictim();
    fs.symlinkSync(victim, path.join(repo, '.prompt-cost', 'runs.jsonl'));
    fs.symlinkSync(victim, path.join(repo, '.prompt-cost', 'provider-counts.json'));
    const r = await runCodeAsync(
      `const { appendEntry } = require(${compiled('core/history/ledger')});
       const { ProviderCountCache } = require(${compiled('core/providers/countTokens')});
       const out = [];
       try { await appendEntry(${JSON.stringify(path.join(repo, '.prompt-cost', 'runs.jsonl'))},
         { v: 1, type: 'delete', id: 'x', time: new Date().toISOString(), target: 'y' }, { root: ${JSON.stringify(repo)} });
         out.push('appended'); } catch (e) { out.push(e.message); }
       try { new ProviderCountCache(${JSON.stringify(path.join(repo, '.prompt-cost', 'provider-counts.json'))})
         .set('${'a'.repeat(64)}', { tokens: 1, provider: 'anthropic', model: 'm', source: 's', at: 'now' });
         out.push('cached'); } catch (e) { out.push(e.message); }
       console.log(JSON.stringify(out));`,
    );
    withinBounds('1 editor ledger + provider-count cache symlinks', r);
    assert.equal(r.status, 0, r.stderr);
    const [ledger, cache] = JSON.parse(r.stdout) as string[];
    assert.match(ledger, /runs\.jsonl is a symbolic link/);
    assert.match(cache, /provider-counts\.json is a symbolic link/);
    assert.equal(fs.readFileSync(victim, 'utf8'), RC);
  });
});

/** A preload for the CLI child that makes ledger writes fail as a full or read-only disk would. */
function failingFs(dir: string, code: 'ENOSPC' | 'EROFS' | 'EACCES' | 'EPERM'): string {
  const file = path.join(dir, `fail-${code}.cjs`);
  // ENOSPC: the first write of a ledger batch goes half through (a torn fragment), the rest fail.
  // EROFS/EACCES/EPERM: opening the ledger for writing fails, as on a read-only or foreign file.
  fs.writeFileSync(
    file,
    `const fs = require('fs');
const code = ${JSON.stringify(code)};
const fail = (p) => Object.assign(new Error(code + ': simulated, open ' + JSON.stringify(p)), { code, errno: -28, syscall: 'write', path: p });
const open = fs.promises.open;
fs.promises.open = async function (p, flags, mode) {
  const isLedger = String(p).endsWith('runs.jsonl');
  const writes = typeof flags === 'number' ? (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR)) !== 0 : /[wa+]/.test(String(flags ?? 'r'));
  if (isLedger && code !== 'ENOSPC' && writes) throw fail(String(p));
  const fh = await open.call(this, p, flags, mode);
  if (isLedger && code === 'ENOSPC') {
    const write = fh.write.bind(fh);
    let calls = 0;
    fh.write = async (buf, off, len, pos) => {
      if (calls++ === 0 && typeof buf !== 'string' && len > 1) return write(buf, off, Math.floor(len / 2), pos);
      throw fail(String(p));
    };
  }
  return fh;
};`,
  );
  return file;
}

describe('security 10: file-system errors are one line, exit 2, and the ledger is left as it was', () => {
  for (const code of ['ENOSPC', 'EROFS', 'EACCES', 'EPERM'] as const) {
    it(`history import on ${code}`, async () => {
      const { repo, db } = repoWithVictim();
      const ledger = path.join(repo, '.prompt-cost', 'runs.jsonl');
      const before = '{"v":1,"type":"delete","id":"d1","time":"2025-01-01T00:00:00.000Z","target":"zz"}\n';
      fs.writeFileSync(ledger, before);
      const preload = failingFs(tempDir('pcl-sec-fs-'), code);
      const r = await runCliAsync(['history', 'import', db], { cwd: repo, env: { NODE_OPTIONS: `--require ${preload}` } });
      withinBounds(`10 history import ${code}`, r);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assertNoStack(r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(code));
      assert.equal(fs.readFileSync(ledger, 'utf8'), before, 'the ledger is as it was (no torn fragment)');
    });
  }
});

describe('security 11: a lock that cannot be a live writer’s is taken over, not waited on', () => {
  const cases: [string, (lock: string) => void][] = [
    [
      'dated in the future',
      (lock) => {
        fs.writeFileSync(lock, '');
        const future = new Date(Date.now() + 365 * 24 * 3600 * 1000);
        fs.utimesSync(lock, future, future);
      },
    ],
    ['a directory', (lock) => fs.mkdirSync(path.join(lock, 'inner'), { recursive: true })],
    ['a dangling symlink', (lock) => fs.symlinkSync('/nonexistent/target', lock)],
  ];
  for (const [name, make] of cases) {
    it(`a lock ${name}: three appends finish quickly, with the lock`, async () => {
      const dir = tempDir('pcl-sec-lock-');
      const ledger = path.join(dir, 'runs.jsonl');
      make(`${ledger}.lock`);
      const r = await runCodeAsync(
        `const { appendEntry } = require(${compiled('core/history/ledger')});
         for (let i = 0; i < 3; i++)
           await appendEntry(${JSON.stringify(ledger)}, { v: 1, type: 'delete', id: 'd' + i, time: new Date().toISOString(), target: 't' });`,
        { timeoutMs: 40_000 },
      );
      withinBounds(`11 stale lock, ${name}`, r, { wallMs: 8000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(fs.readFileSync(ledger, 'utf8').trim().split('\n').length, 3);
      assert.equal(fs.existsSync(`${ledger}.lock`), false, 'the lock is released after the takeover');
    });
  }
});
