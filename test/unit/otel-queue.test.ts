// The editor's persisted export queue against a loopback OTLP receiver that decodes with the official
// opentelemetry-proto definitions (test/support/otlpReceiver.ts). Faults from the issue: collector down,
// 500s, 413, a restart of VS Code with a full queue — nothing lost, nothing duplicated, enqueue never waits.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunRecord } from '../../src/core/history/record';
import { OtlpExportQueue } from '../../src/core/history/otel/queue';
import { exportRunsToOtlp } from '../../src/core/history/otel/exportRuns';
import { spanIdOf } from '../../src/core/history/otel/model';
import { tempDir } from '../support/tempDir';
import { OtlpReceiver } from '../support/otlpReceiver';
import { NO_OTLP_PROTO } from '../support/otlpProto';

function run(i: number): RunRecord {
  return {
    v: 1,
    type: 'run',
    id: `q-${i}`,
    time: new Date(Date.UTC(2026, 2, 1, 0, 0, i)).toISOString(),
    source: 'vscode',
    status: 'ok',
    provider: 'openai',
    model: 'gpt-4o-mini',
    promptFile: 'p.prompt.md',
    usage: { inputTokens: 10, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 5 },
  };
}

/** Timers the test fires by hand (the queue never sleeps on its own here). */
function manualTimers() {
  const pending: { fn: () => void; ms: number; live: boolean }[] = [];
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => {
      const t = { fn, ms, live: true };
      pending.push(t);
      return { cancel: () => void (t.live = false) };
    },
    /** Fires the live timers; returns their delays. */
    fire(): number[] {
      const live = pending.splice(0).filter((t) => t.live);
      for (const t of live) t.fn();
      return live.map((t) => t.ms);
    },
  };
}

function queueFor(rx: OtlpReceiver | string, file: string, timers: ReturnType<typeof manualTimers>, maxRuns?: number) {
  const url = typeof rx === 'string' ? rx : `${rx.url}/v1/traces`;
  return new OtlpExportQueue({
    file,
    maxRuns,
    setTimer: timers.setTimer,
    send: (records) => exportRunsToOtlp(records, { url, maxAttempts: 1, timeoutMs: 5000 }),
  });
}

describe('live export queue', { skip: NO_OTLP_PROTO }, () => {
  it('enqueue returns at once and the run reaches the receiver in the background', async () => {
    const rx = await new OtlpReceiver().start();
    try {
      rx.delayMs = 300;
      const timers = manualTimers();
      const q = queueFor(rx, path.join(tempDir('pcl-q-'), 'queue.json'), timers);
      const t0 = performance.now();
      q.enqueue(run(1));
      assert.ok(performance.now() - t0 < 250, 'enqueue does not wait for the network');
      assert.equal(rx.requests.length, 0);
      timers.fire();
      await q.drain();
      assert.equal(rx.spans.size, 1);
      assert.equal(q.stats.queued, 0);
      assert.deepEqual(rx.problems, []);
    } finally {
      await rx.stop();
    }
  });

  it('collector down, then a restart of the editor with a full queue: everything arrives once', async () => {
    const dir = tempDir('pcl-q-');
    const file = path.join(dir, 'queue.json');
    const rx = await new OtlpReceiver().start();
    const url = `${rx.url}/v1/traces`;
    await rx.stop(); // down
    const timers = manualTimers();
    const q1 = queueFor(url, file, timers, 50);
    for (let i = 0; i < 60; i++) q1.enqueue(run(i));
    timers.fire();
    await q1.drain();
    assert.equal(q1.stats.queued, 50, 'bounded: the 10 oldest dropped');
    assert.equal(q1.stats.dropped, 10);
    assert.match(q1.stats.lastError ?? '', /127\.0\.0\.1/);
    const backoff = timers.fire();
    assert.deepEqual(backoff, [2000], 'retries after a back-off');
    await q1.drain();
    assert.deepEqual(timers.fire(), [4000], 'the back-off doubles');
    await q1.drain();
    q1.dispose(); // VS Code quits
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).length, 50);

    // the collector comes back on another port; the next session reads the queue
    const back = await new OtlpReceiver().start();
    try {
      const timers2 = manualTimers();
      const q2 = queueFor(back, file, timers2, 50);
      q2.load();
      timers2.fire();
      await q2.drain();
      assert.equal(back.spans.size, 50);
      assert.equal(back.received.length, 50, 'each once');
      assert.ok(back.spans.has(spanIdOf('q-59')) && !back.spans.has(spanIdOf('q-9')));
      assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).length, 0);
    } finally {
      await back.stop();
    }
  });

  it('500 and 503 are retried later; 400 drops the batch (logged), the queue goes on', async () => {
    const rx = await new OtlpReceiver().start();
    try {
      const timers = manualTimers();
      const q = queueFor(rx, path.join(tempDir('pcl-q-'), 'queue.json'), timers);
      rx.failWith = [500, 503];
      q.enqueue(run(1));
      timers.fire();
      await q.drain();
      timers.fire();
      await q.drain();
      assert.equal(q.stats.queued, 1);
      timers.fire();
      await q.drain();
      assert.equal(rx.spans.size, 1);
      assert.equal(q.stats.queued, 0);
      rx.failWith = [400];
      q.enqueue(run(2));
      timers.fire();
      await q.drain();
      assert.equal(q.stats.queued, 0);
      assert.equal(q.stats.failedPermanently, 1);
    } finally {
      await rx.stop();
    }
  });

  it('a damaged queue file is logged and replaced, not a crash', () => {
    const file = path.join(tempDir('pcl-q-'), 'queue.json');
    fs.writeFileSync(file, '[{"v":1,"type":"run"');
    const logs: string[] = [];
    const q = new OtlpExportQueue({ file, send: async () => assert.fail('nothing to send'), log: (m) => logs.push(m) });
    q.load();
    assert.equal(q.stats.queued, 0);
    assert.match(logs[0], /queue unreadable/);
  });
});
