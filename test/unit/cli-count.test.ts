import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, oracleCount } from './tokenize/oracle';
import { runCount } from '../../src/cli/count';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';

describe('prompt-cost count', () => {
  let dir: string;
  const a = 'Hello, world! <|endoftext|> is plain text here.\n';
  const b = '{"messages":[{"role":"user","content":"Résumé: 東京 🙂"}]}\n';
  before(() => {
    dir = tempDir('pc-count-');
    fs.writeFileSync(path.join(dir, 'a.txt'), a);
    fs.writeFileSync(path.join(dir, 'b.json'), '\ufeff' + b); // BOM is not counted
    fs.writeFileSync(path.join(dir, 'bin.dat'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
    fs.writeFileSync(path.join(dir, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  });

  it('--json: files, encoding, tokens, approximate, totalTokens (special tokens count as text)', async () => {
    const io = fakeIO(dir);
    assert.equal(await runCount(['--json', 'a.txt', 'b.json'], io), 0);
    const doc = JSON.parse(io.out);
    assert.deepEqual(doc, {
      files: [
        { path: 'a.txt', encoding: 'o200k_base', tokens: oracleCount(a, 'o200k_base'), approximate: false },
        { path: 'b.json', encoding: 'o200k_base', tokens: oracleCount(b, 'o200k_base'), approximate: false },
      ],
      totalTokens: oracleCount(a, 'o200k_base') + oracleCount(b, 'o200k_base'),
    });
    assert.equal(io.err, '');
  });
  it('--encoding and --model choose the encoding; approximate models say so', async () => {
    let io = fakeIO(dir);
    assert.equal(await runCount(['--encoding', 'cl100k_base', '--json', 'a.txt'], io), 0);
    assert.equal(JSON.parse(io.out).files[0].tokens, oracleCount(a, 'cl100k_base'));
    io = fakeIO(dir);
    assert.equal(await runCount(['--model=openai:gpt-3.5-turbo', '--json', 'a.txt'], io), 0);
    assert.equal(JSON.parse(io.out).files[0].encoding, 'cl100k_base');
    io = fakeIO(dir);
    assert.equal(await runCount(['--model', 'anthropic:claude-3-5-sonnet-latest', 'a.txt'], io), 0);
    assert.match(io.out, /≈\d+ {2}a\.txt/);
    assert.match(io.out, /Approximate/);
    io = fakeIO(dir);
    assert.equal(await runCount(['--model', 'gpt-9000', '--json', 'a.txt'], io), 0);
    assert.match(io.err, /unknown OpenAI model 'gpt-9000'.*o200k_base/);
  });
  it('- reads standard input', async () => {
    const io = fakeIO(dir, {}, 'from stdin\n');
    assert.equal(await runCount(['--json', '-'], io), 0);
    assert.deepEqual(JSON.parse(io.out).files, [
      { path: '-', encoding: 'o200k_base', tokens: oracleCount('from stdin\n', 'o200k_base'), approximate: false },
    ]);
  });
  it('binary, non-UTF-8 and missing files: one-line error each, exit 2, others still counted', async () => {
    const io = fakeIO(dir);
    assert.equal(await runCount(['--json', 'bin.dat', 'a.txt', 'missing.txt', 'latin1.txt', '.'], io), 2);
    assert.deepEqual(
      JSON.parse(io.out).files.map((f: { path: string }) => f.path),
      ['a.txt'],
    );
    const lines = io.err.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0], /bin\.dat: binary file/);
    assert.match(lines[1], /cannot read .*missing\.txt: no such file or folder$/);
    assert.match(lines[2], /latin1\.txt: not valid UTF-8/);
    assert.match(lines[3], /\. is a directory, not a regular file/);
  });
  it('human output: counts, total and method', async () => {
    const io = fakeIO(dir);
    assert.equal(await runCount(['a.txt', 'b.json'], io), 0);
    assert.match(io.out, /a\.txt\n.*b\.json\n.*total\n\(Exact: o200k_base\.\)/);
  });
  it('usage errors', async () => {
    await assert.rejects(runCount([], fakeIO(dir)), /no input files/);
    await assert.rejects(runCount(['--encoding', 'gpt2', 'a.txt'], fakeIO(dir)), /unknown encoding 'gpt2'/);
    await assert.rejects(runCount(['--encoding', 'o200k_base', '--model', 'gpt-4o', 'a.txt'], fakeIO(dir)), /either --encoding or --model/);
    await assert.rejects(runCount(['--frobnicate', 'a.txt'], fakeIO(dir)), /unknown option --frobnicate/);
    await assert.rejects(runCount(['--model'], fakeIO(dir)), /--model needs a value/);
  });
  it('end to end through dist/cli.js when it is built', { skip: !fs.existsSync(path.join(ROOT, 'dist', 'cli.js')) }, () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'count', '--json', 'a.txt', 'bin.dat', '-'], {
      cwd: dir,
      input: 'piped',
      encoding: 'utf8',
    });
    assert.equal(r.status, 2);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.files.map((f: { path: string }) => f.path),
      ['a.txt', '-'],
    );
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});
