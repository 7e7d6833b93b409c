import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { appendRun, deleteRun, LedgerFollower, readLedger, readLedgerSince, restoreRun } from '../../src/core/history/ledger';
import { buildRunRecord, RunRecord } from '../../src/core/history/record';
import { Decimal } from '../../src/core/pricing/decimal';
import { ProviderError } from '../../src/core/providers/types';
import { tempDir } from '../support/tempDir';

const LEDGER_JS = path.resolve(__dirname, '../../src/core/history/ledger.js');

function tmpFile(): string {
  const dir = tempDir('pcl-ledger-');
  return path.join(dir, '.prompt-cost', 'runs.jsonl');
}

function rec(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    v: 1,
    type: 'run',
    id,
    time: '2025-01-02T03:04:05.000Z',
    source: 'test',
    status: 'ok',
    model: 'gpt-4o',
    costUsd: '0.0001',
    ...extra,
  };
}

/** Runs `writers` processes of `script` at once (argv: the ledger, the writer's number); their exit codes. */
function runWriters(script: string, ledger: string, writers: number): Promise<(number | null)[]> {
  return Promise.all(
    Array.from(
      { length: writers },
      (_, w) =>
        new Promise<number | null>((resolve) =>
          spawn(process.execPath, ['-e', script, ledger, String(w)], { stdio: 'inherit' }).on('exit', resolve),
        ),
    ),
  );
}

describe('run ledger', () => {
  it('appends and reads back; later versions supersede; delete and undo', async () => {
    const f = tmpFile();
    await appendRun(f, rec('a'));
    await appendRun(f, rec('b'));
    await appendRun(f, rec('a', { costUsd: '0.5' }));
    let r = await readLedger(f);
    assert.deepEqual(
      r.runs.map((x) => [x.id, x.costUsd]),
      [
        ['a', '0.5'],
        ['b', '0.0001'],
      ],
    );
    assert.deepEqual(r.corrupt, []);
    await deleteRun(f, 'a');
    r = await readLedger(f);
    assert.deepEqual(
      r.runs.map((x) => x.id),
      ['b'],
    );
    assert.deepEqual(
      r.deleted.map((x) => x.id),
      ['a'],
    );
    await restoreRun(f, 'a');
    r = await readLedger(f);
    assert.deepEqual(
      r.runs.map((x) => x.id),
      ['a', 'b'],
    );
    // Append-only: every operation is a line.
    assert.equal(fs.readFileSync(f, 'utf8').trim().split('\n').length, 5);
  });

  it('a missing ledger is empty; an invalid record is refused before writing', async () => {
    const f = tmpFile();
    assert.deepEqual((await readLedger(f)).runs, []);
    await assert.rejects(appendRun(f, { ...rec('x'), status: 'weird' as never }), /invalid run record/);
    assert.equal(fs.existsSync(f), false);
  });

  it('reports corrupt lines with their numbers instead of dropping them silently', async () => {
    const f = tmpFile();
    await appendRun(f, rec('a'));
    fs.appendFileSync(f, 'this is not json\n{"type":"run"}\n');
    await appendRun(f, rec('b'));
    const r = await readLedger(f);
    assert.deepEqual(
      r.runs.map((x) => x.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      r.corrupt.map((c) => [c.line, c.reason]),
      [
        [2, 'not valid JSON (torn or hand-edited line)'],
        [3, 'missing id'],
      ],
    );
  });

  it('a torn last line is tolerated, and the next append cannot be swallowed by it', async () => {
    const f = tmpFile();
    await appendRun(f, rec('a'));
    fs.appendFileSync(f, '{"v":1,"type":"run","id":"torn","ti');
    let r = await readLedger(f);
    assert.deepEqual(
      r.runs.map((x) => x.id),
      ['a'],
    );
    assert.deepEqual(r.corrupt, []);
    assert.equal(r.tornTail?.line, 2);
    await appendRun(f, rec('b'));
    r = await readLedger(f);
    assert.deepEqual(
      r.runs.map((x) => x.id),
      ['a', 'b'],
    );
    assert.equal(r.tornTail, undefined);
    assert.deepEqual(
      r.corrupt.map((c) => c.line),
      [2],
    );
  });

  it('reads only new bytes since an offset; an unterminated tail stays pending', async () => {
    const f = tmpFile();
    await appendRun(f, rec('a'));
    const c1 = await readLedgerSince(f, 0, 1);
    assert.equal(c1.entries.length, 1);
    await appendRun(f, rec('b'));
    fs.appendFileSync(f, '{"v":1,"type":"run","id":"c","time":"2025-01-01T00:00:00Z","source":"t","status":"ok"}'); // no newline yet
    const c2 = await readLedgerSince(f, c1.nextOffset, c1.nextLine);
    assert.deepEqual(
      c2.entries.map((e) => [e.line, e.entry.id]),
      [[2, 'b']],
    );
    assert.ok(c2.pendingBytes > 0);
    fs.appendFileSync(f, '\n');
    const c3 = await readLedgerSince(f, c2.nextOffset, c2.nextLine);
    assert.deepEqual(
      c3.entries.map((e) => [e.line, e.entry.id]),
      [[3, 'c']],
    );
  });

  it('LedgerFollower: incremental polls, reset when the file is replaced', async () => {
    const f = tmpFile();
    const follower = new LedgerFollower(f);
    assert.equal((await follower.poll()).changed, false);
    await appendRun(f, rec('a'));
    let u = await follower.poll();
    assert.deepEqual(
      u.entries.map((e) => e.id),
      ['a'],
    );
    await deleteRun(f, 'a');
    u = await follower.poll();
    assert.equal(u.changed, true);
    assert.deepEqual(follower.state().runs, []);
    fs.unlinkSync(f);
    await appendRun(f, rec('z'));
    u = await follower.poll();
    assert.equal(u.reset, true);
    assert.deepEqual(
      follower.state().runs.map((r) => r.id),
      ['z'],
    );
  });

  it('buildRunRecord: exact cost, text only with storeText, errors without secrets', () => {
    const prices = { inputPerMTok: Decimal.parse('2.5'), cachedInputPerMTok: Decimal.parse('1.25'), outputPerMTok: Decimal.parse('10') };
    const ok = buildRunRecord({
      source: 'vscode',
      provider: 'openai',
      model: 'gpt-4o',
      promptFile: 'prompts/a.prompt.md',
      promptContent: 'Hello',
      estimate: { inputTokens: 1200, outputTokens: 50, costUsd: '0.0035' },
      result: {
        text: 'Hi!',
        usage: { inputTokens: 200, cachedInputTokens: 1000, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 50 },
        latencyMs: 321,
      },
      prices,
      storeText: false,
    });
    assert.equal(ok.status, 'ok');
    assert.equal(ok.costUsd, '0.00225'); // 200×2.5 + 1000×1.25 + 50×10 = 2250 / 1e6
    assert.equal(ok.promptHash, 'sha256:185f8db32271fe25f561a6fc938b2e264306ec304eda518007d1764826381969');
    assert.equal(ok.promptText, undefined);
    assert.equal(ok.answerText, undefined);
    const withText = buildRunRecord({
      source: 'vscode',
      provider: 'openai',
      model: 'm',
      promptContent: 'Hello',
      result: { text: 'Hi!', latencyMs: 1 },
      storeText: true,
    });
    assert.equal(withText.promptText, 'Hello');
    assert.equal(withText.answerText, 'Hi!');
    const cancelled = buildRunRecord({
      source: 'vscode',
      provider: 'openai',
      model: 'm',
      error: new ProviderError('cancelled', 'Request was cancelled.', { provider: 'openai', partialText: 'H' }),
      storeText: false,
    });
    assert.equal(cancelled.status, 'cancelled');
    const internal = buildRunRecord({
      source: 'vscode',
      provider: 'openai',
      model: 'm',
      error: new Error('boom key=sk-abcdefgh12345'),
      storeText: false,
      secrets: ['sk-abcdefgh12345'],
    });
    assert.equal(internal.status, 'error');
    assert.ok(!JSON.stringify(internal).includes('sk-abcdefgh12345'));
  });

  it('several processes appending at once lose nothing', async () => {
    const f = tmpFile();
    const writers = 4;
    const each = 40;
    const script = `
      const { appendRun } = require(${JSON.stringify(LEDGER_JS)});
      (async () => {
        for (let i = 0; i < ${each}; i++) {
          await appendRun(process.argv[1], { v: 1, type: 'run', id: 'w' + process.argv[2] + '-' + i, time: new Date().toISOString(), source: 'test', status: 'ok', answerText: 'x'.repeat(3000 + i) });
        }
      })().catch((e) => { console.error(e); process.exit(1); });`;
    assert.deepEqual(await runWriters(script, f, writers), Array(writers).fill(0));
    const r = await readLedger(f);
    assert.deepEqual(r.corrupt, []);
    assert.equal(r.tornTail, undefined);
    assert.equal(r.runs.length, writers * each);
    for (let w = 0; w < writers; w++) for (let i = 0; i < each; i++) assert.ok(r.runs.some((x) => x.id === `w${w}-${i}`));
  });

  it('20 writers finding a torn last line at once end it with one newline: no blank lines, nothing lost', async () => {
    const f = tmpFile();
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, '{"v":1,"type":"run","id":"torn-by-a-dead-writer","ti');
    const writers = 20;
    const each = 3;
    const script = `
      const { appendRun } = require(${JSON.stringify(LEDGER_JS)});
      Promise.all(Array.from({ length: ${each} }, (_, i) =>
        appendRun(process.argv[1], { v: 1, type: 'run', id: 'c' + process.argv[2] + '-' + i, time: new Date().toISOString(), source: 'test', status: 'ok' })
      )).catch((e) => { console.error(e); process.exit(1); });`;
    assert.deepEqual(await runWriters(script, f, writers), Array(writers).fill(0));
    const text = fs.readFileSync(f, 'utf8');
    assert.equal(text.split('\n').filter((l) => l === '').length, 1, 'only the final newline: no blank line');
    assert.equal(fs.existsSync(`${f}.lock`), false, 'the lock file is gone');
    const r = await readLedger(f);
    assert.equal(r.runs.length, writers * each);
    assert.deepEqual(
      r.corrupt.map((c) => c.line),
      [1],
    );
  });

  it('a writer killed with SIGKILL mid-stream: every acknowledged record is there, the file stays readable', async () => {
    const f = tmpFile();
    const script = `
      const { appendRun } = require(${JSON.stringify(LEDGER_JS)});
      (async () => {
        for (let i = 0; ; i++) {
          await appendRun(process.argv[1], { v: 1, type: 'run', id: 'k' + i, time: new Date().toISOString(), source: 'test', status: 'ok', answerText: 'y'.repeat(20000) });
          process.stdout.write('ack k' + i + '\\n');
        }
      })();`;
    const child = spawn(process.execPath, ['-e', script, f], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: string[] = [];
    await new Promise<void>((resolve) => {
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) if (l.startsWith('ack ')) acked.push(l.slice(4));
        if (acked.length >= 25 && !child.killed) {
          child.kill('SIGKILL');
        }
      });
      child.on('exit', () => resolve());
    });
    const r = await readLedger(f);
    const ids = new Set(r.runs.map((x) => x.id));
    for (const id of acked) assert.ok(ids.has(id), `acknowledged ${id} missing`);
    assert.deepEqual(r.corrupt, []);
    // And the ledger still takes appends after the crash.
    await appendRun(f, rec('after-crash'));
    const r2 = await readLedger(f);
    assert.ok(r2.runs.some((x) => x.id === 'after-crash'));
    assert.equal(r2.tornTail, undefined);
  });
});
