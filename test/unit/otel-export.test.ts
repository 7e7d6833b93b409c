// `prompt-cost history export --otlp URL | --otlp-file FILE` and `history import --otlp-file` end to end:
// a loopback OTLP/HTTP receiver decodes every body with the official opentelemetry-proto (from the oracles)
// definitions (test/support/otlpReceiver.ts); answers follow the OTLP/HTTP spec (opentelemetry-proto
// docs/specification.md: retryable 429/502/503/504, 400 never retried, 413 too large).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { appendRun, readLedger } from '../../src/core/history/ledger';
import { RunRecord } from '../../src/core/history/record';
import { exportRunsToOtlp } from '../../src/core/history/otel/exportRuns';
import { spanIdOf } from '../../src/core/history/otel/model';
import { learnFromRuns } from '../../src/core/history/learned/learner';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';
import { OtlpReceiver, attr } from '../support/otlpReceiver';
import { NO_OTLP_PROTO } from '../support/otlpProto';

function run(i: number, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    v: 1,
    type: 'run',
    id: `run-${i}`,
    time: new Date(Date.UTC(2026, 2, 1, 0, 0, i)).toISOString(),
    source: 'cli',
    status: 'ok',
    provider: 'openai',
    model: 'gpt-4o-mini',
    promptFile: 'prompts/a.prompt.md',
    usage: { inputTokens: 100 + i, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 40 + i },
    costUsd: '0.000039',
    latencyMs: 800,
    ...extra,
  };
}

async function workspace(n: number): Promise<{ dir: string; ledger: string }> {
  const dir = tempDir('pcl-otel-');
  const ledger = path.join(dir, '.prompt-cost', 'runs.jsonl');
  for (let i = 0; i < n; i++) await appendRun(ledger, run(i));
  return { dir, ledger };
}

describe('history export --otlp to a loopback receiver', { skip: NO_OTLP_PROTO }, () => {
  let rx: OtlpReceiver;
  before(async () => {
    rx = await new OtlpReceiver().start();
  });
  after(() => rx.stop());

  it('sends protobuf to /v1/traces with the headers of OTEL_EXPORTER_OTLP_HEADERS; re-export duplicates nothing', async () => {
    const { dir } = await workspace(3);
    const io = fakeIO(dir, { OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20cGs6c2s=,x-scope=team' });
    assert.equal(await main(['history', 'export', '--otlp', rx.url, '--member', 'ana', '--json'], io), 0, io.err);
    const out = JSON.parse(io.out);
    assert.equal(out.sentRuns, 3);
    assert.equal(rx.requests.at(-1)?.headers.authorization, 'Basic cGs6c2s=');
    assert.equal(rx.requests.at(-1)?.headers['x-scope'], 'team');
    assert.deepEqual(rx.problems, []);
    const s = rx.spans.get(spanIdOf('run-2'))!;
    assert.deepEqual(attr(s, 'gen_ai.usage.input_tokens'), { intValue: '102' });
    assert.deepEqual(attr(s, 'user.id'), { stringValue: 'ana' });
    const io2 = fakeIO(dir);
    assert.equal(await main(['history', 'export', '--otlp', `${rx.url}/v1/traces`], io2), 0, io2.err);
    assert.equal(rx.spans.size, 3, 'same span ids: a store keyed on span id holds 3 runs');
    assert.equal(rx.received.length, 6);
  });

  it('503 and 429 are retried; 400 is not (exit 2, the run named)', async () => {
    const { dir } = await workspace(1);
    rx.failWith = [503, 429];
    const before = rx.requests.length;
    const io = fakeIO(dir);
    assert.equal(await main(['history', 'export', '--otlp', rx.url], io), 0, io.err);
    assert.equal(rx.requests.length - before, 3);
    rx.failWith = [400];
    const io2 = fakeIO(dir);
    assert.equal(await main(['history', 'export', '--otlp', rx.url, '--json'], io2), 2);
    assert.deepEqual(JSON.parse(io2.out).failures[0].runIds, ['run-0']);
    assert.match(io2.err, /HTTP 400/);
  });

  it('413 splits the batch until each part fits; nothing lost, nothing twice', async () => {
    const runs = Array.from({ length: 40 }, (_, i) => run(1000 + i));
    const fresh = await new OtlpReceiver().start();
    try {
      fresh.maxBodyBytes = 12_000;
      const r = await exportRunsToOtlp(runs, { url: `${fresh.url}/v1/traces`, sleep: async () => undefined });
      assert.deepEqual(r.failures, []);
      assert.equal(r.sentRuns, 40);
      assert.equal(fresh.spans.size, 40);
      assert.equal(fresh.received.length, 40);
      assert.ok(fresh.requests.some((q) => q.status === 413));
      // one run larger than the limit: reported, not retried forever
      fresh.maxBodyBytes = 100;
      const big = await exportRunsToOtlp([run(1)], { url: `${fresh.url}/v1/traces`, sleep: async () => undefined });
      assert.equal(big.failures.length, 1);
      assert.match(big.failures[0].message, /413/);
    } finally {
      await fresh.stop();
    }
  });

  it('a receiver that is down or too slow: bounded tries, then the runs are reported as not sent', async () => {
    const down = await new OtlpReceiver().start();
    const url = `${down.url}/v1/traces`;
    await down.stop();
    const waits: number[] = [];
    const r = await exportRunsToOtlp([run(1)], { url, maxAttempts: 3, sleep: async (ms) => void waits.push(ms) });
    assert.equal(r.failures.length, 1);
    assert.equal(r.requests, 3);
    assert.deepEqual(waits, [1000, 2000]);
    const slow = await new OtlpReceiver().start();
    try {
      slow.delayMs = 3000;
      const t0 = Date.now();
      const s = await exportRunsToOtlp([run(1)], { url: `${slow.url}/v1/traces`, timeoutMs: 200, maxAttempts: 1 });
      assert.equal(s.failures.length, 1);
      assert.match(s.failures[0].message, /no answer in time/);
      assert.ok(Date.now() - t0 < 2500);
    } finally {
      await slow.stop();
    }
  });
});

describe('the OTLP JSON Lines file as the team store', () => {
  it('export --otlp-file then import into another ledger: the runs, each once, feed the learned statistics', async () => {
    const a = await workspace(4);
    const shared = tempDir('pcl-otel-shared-');
    const io = fakeIO(a.dir);
    assert.equal(await main(['history', 'export', '--otlp-file', path.join(shared, 'ana.jsonl'), '--member', 'ana'], io), 0, io.err);
    // a second member's file, and the first file copied again (a CI artifact): duplicates by span id
    fs.copyFileSync(path.join(shared, 'ana.jsonl'), path.join(shared, 'ana-copy.jsonl'));
    const b = tempDir('pcl-otel-b-');
    fs.mkdirSync(path.join(b, '.prompt-cost'));
    const io2 = fakeIO(b);
    assert.equal(await main(['history', 'import', '--otlp-file', shared, '--json'], io2), 0, io2.err);
    const res = JSON.parse(io2.out);
    assert.equal(res.added, 4);
    assert.equal(res.duplicateSpans, 4);
    const ledger = await readLedger(path.join(b, '.prompt-cost', 'runs.jsonl'));
    assert.equal(ledger.runs.length, 4);
    assert.ok(ledger.runs.every((r) => r.member === 'ana' && r.origin?.startsWith('otlp-file')));
    const learned = learnFromRuns(ledger.runs);
    assert.equal(learned.length, 1, 'team runs feed learned output');
    assert.equal(learned[0].prompt, 'prompts/a.prompt.md');
    // again: nothing added
    const io3 = fakeIO(b);
    assert.equal(await main(['history', 'import', '--otlp-file', shared, '--json'], io3), 0, io3.err);
    assert.equal(JSON.parse(io3.out).added, 0);
    // importing one's own export does not touch one's own runs
    const io4 = fakeIO(a.dir);
    assert.equal(await main(['history', 'import', '--otlp-file', path.join(shared, 'ana.jsonl'), '--json'], io4), 0, io4.err);
    assert.equal(JSON.parse(io4.out).unchanged, 4);
  });

  it('a broken file is a located warning, not a crash', async () => {
    const b = tempDir('pcl-otel-bad-');
    fs.writeFileSync(path.join(b, 'bad.jsonl'), '{"resourceSpans": 3}\nnot json\n');
    const io = fakeIO(b);
    assert.equal(await main(['history', 'import', '--otlp-file', 'bad.jsonl', '--ledger', 'runs.jsonl'], io), 0, io.err);
    assert.match(io.err, /bad\.jsonl:1: not an OTLP trace request/);
    assert.match(io.err, /bad\.jsonl:2: not JSON/);
  });
});
