import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PriceCatalog, buildComparisonTable, renderCsv, renderMarkdown, rowToJson } from '../../src/core/pricing';

const catalog = new PriceCatalog();

test('comparison table: exact money, sorted by total, errors kept separate', () => {
  const table = buildComparisonTable({
    models: ['openai:gpt-4o', 'openai:gpt-4o-mini', 'anthropic:claude-3-5-sonnet-latest', 'nope:nothing', 'openai:gpt-4o-mini'],
    tokens: (id) => ({ tokens: 1000, encoding: id.startsWith('openai') ? 'o200k_base' : 'claude', approximate: !id.startsWith('openai') }),
    outputTokens: 500,
    requestsPerDay: 100,
    catalog,
  });
  assert.deepEqual(
    table.rows.map((r) => r.id),
    ['openai:gpt-4o-mini', 'openai:gpt-4o', 'anthropic:claude-3-5-sonnet-latest'],
  );
  const mini = rowToJson(table.rows[0]);
  assert.equal(mini.inputUsd, '0.00015');
  assert.equal(mini.outputUsd, '0.0003');
  assert.equal(mini.totalUsd, '0.00045');
  assert.equal(mini.cachedInputUsd, '0.000075');
  assert.equal(mini.batchUsd, '0.000225');
  assert.equal(mini.per1kRequestsUsd, '0.45');
  assert.equal(mini.monthlyUsd, '1.35');
  assert.equal(mini.contextWindow, 128000);
  assert.equal(mini.contextUsedPct, 1.17);
  assert.equal(mini.priceSource, 'reference');
  assert.equal(table.errors.length, 1);
  assert.equal(table.errors[0].id, 'nope:nothing');
});

test('CSV and Markdown renderers carry the same exact strings', () => {
  const table = buildComparisonTable({
    models: ['openai:gpt-4o-mini', 'anthropic:claude-3-haiku'],
    tokens: {
      'openai:gpt-4o-mini': { tokens: 1, encoding: 'o200k_base', approximate: false },
      'anthropic:claude-3-haiku': { tokens: 1, encoding: 'claude', approximate: true },
    },
    outputTokens: 0,
    requestsPerDay: 1,
    catalog,
  });
  const csv = renderCsv(table);
  const lines = csv.split('\r\n');
  assert.equal(lines[0].split(',')[0], 'Provider');
  assert.match(lines[1], /^openai,gpt-4o-mini,o200k_base,1,0.00000015,0,/);
  assert.match(lines[2], /≈ claude/);
  const md = renderMarkdown(table);
  assert.match(md, /^\| Provider \| Model \|/);
  assert.match(md, /\| openai \| gpt-4o-mini \| o200k_base \| 1 \| 0.00000015 \| 0 \|/);
  assert.equal(md.trim().split('\n').length, 4);
});

test('CSV neutralises formula-looking cells', () => {
  const table = buildComparisonTable({
    models: ['openai:gpt-4o-mini'],
    tokens: () => ({ tokens: 1, encoding: '=cmd|x', approximate: false }),
    outputTokens: 0,
    requestsPerDay: 1,
    catalog,
  });
  assert.match(renderCsv(table), /"'=cmd\|x"/);
});
