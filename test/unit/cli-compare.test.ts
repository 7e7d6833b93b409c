import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { fakeIO } from '../support/fakeIO';

import { PriceCatalog, buildComparisonTable, rowToJson } from '../../src/core/pricing';
import { approximateChatTokens, tokenizerForModel } from '../../src/core/tokenize';
import { tempDir } from '../support/tempDir';

const dir = tempDir('pcl-compare-');
const prompt = 'Translate to French: the quick brown fox jumps over the lazy dog.';
fs.writeFileSync(path.join(dir, 'p.txt'), prompt);

test('compare --json: the core table, same numbers, sorted by total', async () => {
  const models = ['openai:gpt-4o', 'openai:gpt-4o-mini', 'anthropic:claude-3-5-haiku-latest'];
  const io = fakeIO(dir);
  assert.equal(
    await main(['compare', 'p.txt', '--models', models.join(','), '--output-tokens', '200', '--requests-per-day', '500', '--json'], io),
    0,
    io.err,
  );
  const j = JSON.parse(io.out);
  const expected = buildComparisonTable({
    models,
    tokens: (id) => {
      // The panel's numbers: one user message with chat overhead, scaled for approximate models (Claude: as
      // ai-tokenizer counts it, tokenize-claude-pipeline.test.ts).
      const t = tokenizerForModel(id);
      return { tokens: approximateChatTokens([{ role: 'user', content: prompt }], t), encoding: t.encoding, approximate: t.approximate };
    },
    outputTokens: 200,
    requestsPerDay: 500,
    catalog: new PriceCatalog(),
  });
  // The panel's row, with the model id spelled `provider:model` as in `estimate`, plus per-message tokens.
  assert.deepEqual(
    j.rows.map(({ messageTokens: _m, priceStandIn: _s, countSource: _c, calibration: _k, ...r }: Record<string, unknown>) => r),
    // --output-tokens 200 is the user's number (source `flag`); this folder has no run history.
    expected.rows.map((r) => ({
      ...rowToJson(r),
      model: r.id,
      outputTokensSource: 'flag',
      outputTokensP50: null,
      outputTokensP90: null,
      reasoningTokensP50: null,
      reasoningTokensP90: null,
      historyRuns: 0,
      outputTokensBorrowedFrom: null,
      outputTokensUpTo: null,
    })),
  );
  assert.equal(j.rows[0].model, 'openai:gpt-4o-mini');
  const totals = j.rows.map((r: { totalUsd: string }) => Number(r.totalUsd));
  assert.deepEqual(
    [...totals].sort((a, b) => a - b),
    totals,
  );
  assert.equal(j.rows.find((r: { model: string }) => r.model === 'anthropic:claude-3-5-haiku-latest').approximate, true);
});

test('compare human output, defaults and errors', async () => {
  let io = fakeIO(dir);
  assert.equal(await main(['compare', 'p.txt'], io), 0, io.err);
  assert.match(io.out, /500 output tokens \(default\), 1,000 requests\/day/);
  assert.match(io.out, /gpt-4o-mini/);
  io = fakeIO(dir);
  assert.equal(await main(['compare', 'p.txt', '--models', 'nope:x'], io), 2);
  io = fakeIO(dir);
  assert.equal(await main(['compare', 'p.txt', '--requests-per-day', 'many'], io), 2);
  assert.match(io.err, /requests-per-day/);
});
