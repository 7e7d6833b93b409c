// What the CLI prints from files and servers reaches the terminal without ESC, C0/C1 controls or bidi
// overrides (ECMA-48 CSI/OSC sequences; CVE-2021-42574 "Trojan Source"), while --json keeps the exact
// value, written as \u escapes (issue 17: ANSI/OSC escapes in pipeline names were printed raw).
/* eslint-disable no-control-regex -- the test looks for raw control characters */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { appendRun } from '../../src/core/history/ledger';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';

const RAW = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;
const EVIL_PIPELINE = 'nightly\u001b]0;owned\u0007\u001b[2J\u009b31m\u202egnp.exe';
const EVIL_MODEL = 'gpt-4o\u001b]8;;https://evil.example\u001b\\';

test('history list / export: a pipeline name with OSC/CSI/C1/bidi is shown escaped; --json keeps it exact', async () => {
  const dir = tempDir('pcl-term-');
  const ledger = path.join(dir, '.prompt-cost', 'runs.jsonl');
  await appendRun(ledger, {
    v: 1,
    type: 'run',
    id: 'r\u001b[1m1',
    time: '2026-01-01T00:00:00.000Z',
    source: 'flujo',
    status: 'error',
    pipeline: EVIL_PIPELINE,
    model: EVIL_MODEL,
    error: { kind: 'server', message: 'bad\u001b[31m request\u202e' },
  });
  for (const argv of [
    ['history', 'list'],
    ['history', 'list', '--group', 'pipeline'],
    ['history', 'export', '--csv'],
  ]) {
    const io = fakeIO(dir);
    assert.equal(await main(argv, io), 0, io.err);
    assert.doesNotMatch(io.out + io.err, RAW, argv.join(' '));
    assert.match(io.out, /\\x1b/, argv.join(' '));
  }
  for (const argv of [
    ['history', 'list', '--json'],
    ['history', 'export', '--json'],
  ]) {
    const io = fakeIO(dir);
    assert.equal(await main(argv, io), 0, io.err);
    assert.doesNotMatch(io.out, RAW);
    assert.match(io.out, /\\u009b/); // JSON escapes, not the visible \x escapes
    assert.equal(JSON.parse(io.out).runs[0].pipeline, EVIL_PIPELINE);
  }
});

test('estimate / compare / count: a model name or file name with escapes is printed escaped', async () => {
  const dir = tempDir('pcl-term-');
  const name = 'p\u001b[2Jrompt\u202e.prompt';
  fs.writeFileSync(path.join(dir, name), `---\nmodel: ${JSON.stringify(EVIL_MODEL)}\n---\nHello\n`);
  for (const argv of [
    ['estimate', name],
    ['compare', name],
    ['count', name],
    ['estimate', name, '--model', EVIL_MODEL],
  ]) {
    const io = fakeIO(dir);
    await main(argv, io);
    assert.doesNotMatch(io.out + io.err, RAW, argv.join(' '));
    assert.match(io.out + io.err, /\\x1b/, argv.join(' '));
  }
  const io = fakeIO(dir);
  assert.equal(await main(['estimate', name, '--json'], io), 0, io.err);
  assert.doesNotMatch(io.out, RAW);
  assert.equal(JSON.parse(io.out).file, name);
});
