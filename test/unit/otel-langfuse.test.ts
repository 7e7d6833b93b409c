// Reading the team's runs back from Langfuse, against a loopback server whose every response body is
// checked against Langfuse's published OpenAPI spec before it is sent (test/fixtures/otel/
// langfuse-openapi-observations-v2.json, taken from langfuse/langfuse web/public/generated/api/openapi.yml,
// see SOURCES.md), and whose every query parameter we send must be one the spec declares. The meaning of
// the usage keys is Langfuse's OTel ingestion (packages/shared/src/server/otel/OtelIngestionProcessor.ts:
// `input` without cache reads/writes, `output` without reasoning).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { readLedger } from '../../src/core/history/ledger';
import { readLangfuseRuns } from '../../src/core/history/otel/langfuse';
import { fakeIO } from '../support/fakeIO';
import { FakeLangfuse, observation } from '../support/fakeLangfuse';
import { tempDir } from '../support/tempDir';

describe('Langfuse read-back (GET /api/public/v2/observations)', () => {
  let lf: FakeLangfuse;
  before(async () => {
    lf = await new FakeLangfuse().start();
  });
  after(() => lf.stop());

  it('pages through the cursor, maps usage, cost, member and prompt; bodies conform to the spec', async () => {
    lf.pages = [
      [observation(1), observation(2, { level: 'ERROR', statusMessage: 'rate limited' })],
      [observation(3, { type: 'GENERATION', promptName: null })],
    ];
    const r = await readLangfuseRuns({ baseUrl: lf.url, publicKey: 'pk-lf-1', secretKey: 'sk-lf-1', limit: 2 });
    assert.deepEqual(lf.problems, []);
    assert.equal(r.pages, 2);
    assert.equal(r.records.length, 3);
    assert.equal(lf.auth[0], `Basic ${Buffer.from('pk-lf-1:sk-lf-1').toString('base64')}`);
    assert.equal(lf.queries[0].get('type'), 'GENERATION');
    const a = r.records[0];
    assert.equal(a.id, 'langfuse:obs-1');
    assert.equal(a.member, 'bob');
    assert.equal(a.promptFile, 'prompts/a.prompt.md');
    assert.deepEqual(a.usage, {
      inputTokens: 900,
      cachedInputTokens: 100,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 220,
      reasoningTokens: 20,
    });
    assert.equal(a.costUsd, '0.00027');
    assert.equal(a.latencyMs, 900);
    assert.equal(r.records[1].status, 'error');
    assert.equal(r.records[2].promptFile, undefined);
  });

  it('our own exported run keeps its id (metadata.attributes prompt_cost.run.id): never counted twice', async () => {
    lf.pages = [
      [
        observation(4, {
          metadata: {
            attributes: {
              'prompt_cost.run.id': 'mine-1',
              'prompt_cost.cost_usd': '0.000270001',
              'prompt_cost.prompt.file': 'prompts/b.prompt.md',
            },
          },
        }),
      ],
    ];
    const r = await readLangfuseRuns({ baseUrl: lf.url, publicKey: 'p', secretKey: 's' });
    assert.equal(r.records[0].id, 'mine-1');
    assert.equal(r.records[0].costUsd, '0.000270001');
    assert.equal(r.records[0].promptFile, 'prompts/b.prompt.md');
  });

  it('bounded: stops after maxPages and says so', async () => {
    lf.pages = [[observation(5)], [observation(6)], [observation(7)]];
    const r = await readLangfuseRuns({ baseUrl: lf.url, publicKey: 'p', secretKey: 's', maxPages: 2 });
    assert.equal(r.pages, 2);
    assert.equal(r.truncated, true);
    assert.equal(r.records.length, 2);
  });

  it('prompt-cost history import --langfuse: keys from the environment, incremental, a 401 is a clear error', async () => {
    lf.pages = [[observation(8), observation(9)]];
    const dir = tempDir('pcl-lf-');
    fs.mkdirSync(path.join(dir, '.prompt-cost'));
    const env = { LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk', LANGFUSE_BASE_URL: lf.url };
    const io = fakeIO(dir, env);
    assert.equal(await main(['history', 'import', '--langfuse', '--json'], io), 0, io.err);
    assert.equal(JSON.parse(io.out).added, 2);
    const io2 = fakeIO(dir, env);
    assert.equal(await main(['history', 'import', '--langfuse', '--json'], io2), 0, io2.err);
    const second = JSON.parse(io2.out);
    assert.equal(second.added, 0);
    assert.equal(
      second.fromStartTime,
      new Date(Date.UTC(2026, 3, 1, 11, 0, 9)).toISOString(),
      'from the newest imported run, less an hour',
    );
    assert.equal(lf.queries.at(-1)?.get('fromStartTime'), second.fromStartTime);
    const ledger = await readLedger(path.join(dir, '.prompt-cost', 'runs.jsonl'));
    assert.equal(ledger.runs.length, 2);
    lf.status = 401;
    const io3 = fakeIO(dir, env);
    assert.equal(await main(['history', 'import', '--langfuse'], io3), 2);
    assert.match(io3.err, /HTTP 401 \(check the public and secret key\)/);
    lf.status = 200;
    const io4 = fakeIO(dir, { LANGFUSE_BASE_URL: lf.url });
    assert.equal(await main(['history', 'import', '--langfuse'], io4), 2);
    assert.match(io4.err, /LANGFUSE_PUBLIC_KEY/);
  });
});
