// state_uri and [budgets] for the run-history views: read in-process for a small flujo.toml and in the
// flujo worker (dist/flujo-worker.js) for a big one, with the same answer and the same TOML error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readFlujoHistoryConfig } from '../../src/core/flujo/historyConfig';
import { FLUJO_WORKER_MIN_CHARS, FlujoAnalysisWorker } from '../../src/core/flujo/workerClient';

const workerScript = path.resolve(__dirname, '..', '..', '..', 'dist', 'flujo-worker.js');

/** smol-toml's tables have no prototype; the worker's answer is a structured clone: compare as data. */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

const SMALL = `state_uri = "sqlite:///.flujo/state.db"

[budgets.default]
total_cost_usd_limit = 5.0

[budgets.pipeline."nightly-*"]
total_tokens_limit = 1000
`;

/** The same config followed by enough price tables to cross the worker threshold. */
function big(): string {
  const tables: string[] = [];
  for (let i = 0; tables.join('').length < FLUJO_WORKER_MIN_CHARS; i++)
    tables.push(`[cost.providers.openai."model-${i}"]\nprompt_tokens_per_1k = 0.001\ncompletion_tokens_per_1k = 0.002\n\n`);
  return SMALL + '\n' + tables.join('');
}

test('readFlujoHistoryConfig: state_uri and the [budgets] table as parsed', () => {
  assert.deepEqual(plain(readFlujoHistoryConfig(SMALL)), {
    stateUri: 'sqlite:///.flujo/state.db',
    budgets: { default: { total_cost_usd_limit: 5 }, pipeline: { 'nightly-*': { total_tokens_limit: 1000 } } },
  });
  assert.deepEqual(readFlujoHistoryConfig('[settings]\n'), {});
  assert.deepEqual(readFlujoHistoryConfig('state_uri = 5\n'), {}, 'a state_uri that is not a string is not a path');
  assert.throws(() => readFlujoHistoryConfig('[budgets\n'), /Invalid TOML document/);
});

test('the flujo worker reads a big flujo.toml the same way, and reports its TOML error', async () => {
  assert.ok(fs.existsSync(workerScript), 'dist/flujo-worker.js is built (node scripts/build.mjs)');
  const text = big();
  assert.ok(text.length >= FLUJO_WORKER_MIN_CHARS);
  const worker = new FlujoAnalysisWorker(workerScript);
  try {
    assert.deepEqual(plain(await worker.historyConfig(text)), plain(readFlujoHistoryConfig(text)));
    const broken = text + '\n[budgets.default\n';
    let inProcess = '';
    try {
      readFlujoHistoryConfig(broken);
    } catch (err) {
      inProcess = (err as Error).message;
    }
    assert.ok(inProcess);
    await assert.rejects(worker.historyConfig(broken), (err: Error) => err.message === inProcess);
  } finally {
    worker.dispose();
  }
});
