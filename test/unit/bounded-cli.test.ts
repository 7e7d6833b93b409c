// Bounded-resources tests for the CLI's input boundary (issue 17): a FIFO nobody writes to, /dev/zero,
// a directory, a 1 GB sparse file, a PNG and random bytes, given to every subcommand that reads files.
// Each run is the built CLI in a child process under a 256 MB heap; it must end in seconds with exit 2,
// a one-line message on stderr and, with --json, exactly one `{"error":{"code","message"}}` on stdout.
// (Before: a FIFO hung every subcommand; estimate/compare priced PNGs; --json errors were plain text.)
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BoundedResult, runCliBounded } from '../support/bounded';
import { tempDir } from '../support/tempDir';
import { fakeIO } from '../support/fakeIO';
import { main } from '../../src/cli/main';

const LIMITS = { timeoutMs: 15_000, heapMb: 256 };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // PNG spec §5.2

let dir: string;
/** name → path of each hostile input */
const inputs: Record<string, string> = {};

before(() => {
  dir = fs.realpathSync(tempDir('pcl-bounded-cli-'));
  // a git repository, so diff and check get as far as reading their PATH arguments
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  fs.writeFileSync(path.join(dir, 'ok.prompt'), '---\nmodel: openai:gpt-4o\n---\nHello {{name}}\n');
  inputs.fifo = path.join(dir, 'pipe.prompt');
  execFileSync('mkfifo', [inputs.fifo]);
  inputs['/dev/zero'] = '/dev/zero';
  inputs.directory = path.join(dir, 'folder.prompt');
  fs.mkdirSync(inputs.directory);
  inputs['1 GB sparse file'] = path.join(dir, 'huge.prompt');
  fs.closeSync(fs.openSync(inputs['1 GB sparse file'], 'w'));
  fs.truncateSync(inputs['1 GB sparse file'], 1024 * 1024 * 1024);
  inputs.png = path.join(dir, 'image.png');
  // a tiny PNG-like file: signature, then an IHDR chunk (with its NUL length bytes)
  fs.writeFileSync(inputs.png, Buffer.concat([PNG_SIGNATURE, Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex')]));
  inputs['random bytes'] = path.join(dir, 'noise.prompt');
  let seed = 17;
  fs.writeFileSync(
    inputs['random bytes'],
    Buffer.from(Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16)),
  );
});

function assertJsonError(r: BoundedResult, what: string): { code: string; message: string } {
  assert.equal(r.timedOut, false, `${what}: timed out`);
  assert.equal(r.status, 2, `${what}: exit ${r.status}, stderr ${r.stderr}`);
  let doc: { error?: { code: string; message: string } };
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    assert.fail(`${what}: stdout is not one JSON document: ${JSON.stringify(r.stdout.slice(0, 300))}`);
  }
  assert.ok(doc.error, `${what}: no error object in ${r.stdout.slice(0, 300)}`);
  assert.equal(typeof doc.error.message, 'string');
  assert.ok(['usage', 'input'].includes(doc.error.code), `${what}: code ${doc.error.code}`);
  assert.ok(r.stderr.trim().length > 0 && r.stderr.trim().split('\n').length <= 2, `${what}: stderr ${r.stderr}`);
  assert.ok(r.peakRssMb === undefined || r.peakRssMb < 400, `${what}: peak RSS ${r.peakRssMb} MB`);
  return doc.error;
}

/** What the message must say for each input (so a generic failure does not pass). */
const EXPECTED: Record<string, RegExp> = {
  fifo: /FIFO/,
  '/dev/zero': /character device/,
  directory: /directory|no flujo\.toml|no Flujo state database/,
  '1 GB sparse file': /larger than|not a SQLite database/,
  png: /binary file|not a SQLite database|not valid UTF-8/,
  'random bytes': /binary file|not a SQLite database|not valid UTF-8/,
};

/** Subcommand argument lists with the hostile path in them. */
const COMMANDS: Record<string, (file: string) => string[]> = {
  count: (f) => ['count', f],
  estimate: (f) => ['estimate', f],
  compare: (f) => ['compare', f],
  lint: (f) => ['lint', f],
  'history import': (f) => ['history', 'import', f],
  diff: (f) => ['diff', f],
  check: (f) => ['check', f],
};

describe('every subcommand refuses hostile input files within seconds under a 256 MB heap (exit 2, JSON error with --json)', () => {
  for (const [name, args] of Object.entries(COMMANDS)) {
    test(name, () => {
      for (const [kind, file] of Object.entries(inputs)) {
        // a folder is a valid PATH for lint (search start), diff and check (a subtree): not an error there
        if (kind === 'directory' && (name === 'diff' || name === 'check')) {
          const r = runCliBounded([...args(file), '--json'], { ...LIMITS, cwd: dir });
          assert.equal(r.timedOut, false);
          assert.equal(r.status, 0, `${name} on a folder: ${r.stderr}`);
          continue;
        }
        const r = runCliBounded([...args(file), '--json'], { ...LIMITS, cwd: dir });
        // lint reports binary content where it is (a located toml-syntax diagnostic, exit 1), as for any broken flujo.toml
        if (name === 'lint' && (kind === 'png' || kind === 'random bytes')) {
          assert.equal(r.timedOut, false);
          assert.equal(r.status, 1, r.stderr);
          // located at the first invalid byte (issue 25), so a TOML syntax error before it may come first
          const found = (JSON.parse(r.stdout).diagnostics as { code: string; message: string }[]).filter((d) => d.code === 'toml-syntax');
          assert.ok(
            found.some((d) => /not valid UTF-8/.test(d.message)),
            found.map((d) => d.message).join('\n'),
          );
          continue;
        }
        const error = assertJsonError(r, `${name} ${kind}`);
        assert.match(error.message, EXPECTED[kind], `${name} ${kind}: ${error.message}`);
      }
    });
  }

  test('history list/export: a FIFO, device or 1 GB ledger is refused; a binary ledger is read with corrupt lines skipped', () => {
    for (const sub of ['list', 'export']) {
      for (const kind of ['fifo', '/dev/zero', 'directory', '1 GB sparse file']) {
        const r = runCliBounded(['history', sub, '--ledger', inputs[kind], '--json'], { ...LIMITS, cwd: dir });
        assertJsonError(r, `history ${sub} --ledger ${kind}`);
      }
      // random bytes are a damaged ledger, not a refusal: every line is a located warning (issue 17: keep the rest)
      const r = runCliBounded(['history', sub, '--ledger', inputs['random bytes'], '--json'], { ...LIMITS, cwd: dir });
      assert.equal(r.timedOut, false);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(Array.isArray(JSON.parse(r.stdout).runs));
    }
  });

  test('a FIFO as --config (flujo.toml) is refused, not opened', () => {
    const r = runCliBounded(['estimate', path.join(dir, 'ok.prompt'), '--config', inputs.fifo, '--json'], { ...LIMITS, cwd: dir });
    assert.match(assertJsonError(r, 'estimate --config fifo').message, /FIFO/);
  });

  test('standard input is read up to the size limit, then refused (count - and estimate -)', () => {
    const big = Buffer.alloc(20 * 1024 * 1024, 'a');
    for (const cmd of ['count', 'estimate']) {
      const r = runCliBounded([cmd, '-', '--json'], { ...LIMITS, cwd: dir, input: big });
      assert.match(assertJsonError(r, `${cmd} - (20 MB)`).message, /standard input is larger than the 16 MB limit/);
    }
  });

  test('without --json: one line on stderr, nothing on stdout', () => {
    for (const cmd of ['estimate', 'compare']) {
      const r = runCliBounded([cmd, inputs.png], { ...LIMITS, cwd: dir });
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^prompt-cost (estimate|compare): .*image\.png: binary file \(contains NUL bytes\), not read\n$/);
    }
  });
});

describe('--json: every error path prints the JSON error object on stdout and exits 2', () => {
  const cases: [string, string[]][] = [
    ['unknown command', ['nope', '--json']],
    ['--json without a command', ['--json']],
    ['unknown option', ['count', '--bogus', '--json', 'x']],
    ['missing value', ['estimate', '--json', 'x', '--model']],
    ['count without files', ['count', '--json']],
    ['estimate with two files', ['estimate', 'a', 'b', '--json']],
    ['compare: missing file', ['compare', 'missing.prompt', '--json']],
    ['lint: too many args', ['lint', 'a', 'b', '--json']],
    ['history: unknown subcommand', ['history', 'frobnicate', '--json']],
    ['history list: bad --group', ['history', 'list', '--group', 'week', '--json']],
    ['diff: --json with --markdown', ['diff', '--json', '--markdown']],
    ['check: bad --max-increase', ['check', '--max-increase', 'lots', '--json']],
  ];
  for (const [what, argv] of cases) {
    test(what, async () => {
      const io = fakeIO(dir);
      const code = await main(argv, io);
      assert.equal(code, 2, `${what}: ${io.err}`);
      const doc = JSON.parse(io.out);
      assert.ok(doc.error && typeof doc.error.code === 'string' && typeof doc.error.message === 'string', io.out);
      assert.ok(io.err.length > 0);
    });
  }
});
