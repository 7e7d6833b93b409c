// Pure helpers the comparison panel shares between the extension and the webview: exact sorting,
// the cheapest row, money display, and exports in the displayed order (through the core renderers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PriceCatalog, buildComparisonTable, renderCsv, renderMarkdown, rowToJson } from '../../src/core/pricing';
import { Decimal } from '../../src/core/pricing/decimal';
import type { CompareRowJson as CoreRowJson, PriceSource as CorePriceSource } from '../../src/core/pricing';
import {
  CompareRowJson,
  PriceSource,
  cheapestIds,
  compareDecimalStrings,
  displayInt,
  displayUsd,
  nextSort,
  sortRows,
} from '../../src/protocol/compare';

/** Compile-time: the panel's row and price-source types are exactly the core's (the webview declares its own copy). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameRow: Same<CompareRowJson, CoreRowJson> = true;
const sameSource: Same<PriceSource, CorePriceSource> = true;

test('the panel row type is the core CompareRowJson', () => {
  assert.equal(sameRow && sameSource, true);
});

test('compareDecimalStrings orders exact decimals like Decimal.compare', () => {
  assert.equal(compareDecimalStrings('0.00045', '0.0045'), -1);
  assert.equal(compareDecimalStrings('10', '9.999999999999'), 1);
  assert.equal(compareDecimalStrings('1.50', '1.5'), 0);
  assert.equal(compareDecimalStrings('0', '0.000'), 0);
  assert.equal(compareDecimalStrings('-0.1', '0'), -1);
  assert.equal(compareDecimalStrings('-2', '-10'), 1);
  assert.equal(compareDecimalStrings('0.1', '0.10000000000000000001'), -1);
  const dec = fc
    .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 18 }))
    .map(([d, s]) => Decimal.parse(scaled(d, s)).toString());
  fc.assert(
    fc.property(dec, dec, (a, b) => {
      assert.equal(compareDecimalStrings(a, b), Math.sign(Decimal.parse(a).compare(Decimal.parse(b))));
    }),
  );
});

function scaled(digits: bigint, scale: number): string {
  const neg = digits < 0n;
  const s = (neg ? -digits : digits).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s}`;
}

const catalog = new PriceCatalog();
const table = buildComparisonTable({
  models: ['openai:gpt-4o', 'openai:gpt-4o-mini', 'anthropic:claude-3-5-sonnet-latest', 'openai:text-embedding-3-small'],
  tokens: (id) => ({
    tokens: 1200,
    encoding: id.startsWith('openai') ? 'o200k_base' : 'o200k_base',
    approximate: !id.startsWith('openai'),
  }),
  outputTokens: 400,
  requestsPerDay: 1000,
  catalog,
});
const rows = table.rows.map((r) => ({ ...rowToJson(r), id: r.id }));

test('sortRows: null keeps the given order; money sorts exactly; missing values go last both ways', () => {
  const natural = ['openai:gpt-4o', 'anthropic:claude-3-5-sonnet-latest', 'openai:gpt-4o-mini', 'openai:text-embedding-3-small'].map((id) =>
    rows.find((r) => r.id === id)!,
  );
  assert.deepEqual(
    sortRows(natural, null).map((r) => r.id),
    natural.map((r) => r.id),
  );
  const byTotal = sortRows(natural, { key: 'totalUsd', direction: 'asc' });
  assert.deepEqual(
    byTotal.map((r) => r.id),
    table.rows.map((r) => r.id),
    'ascending total = the core table order',
  );
  const desc = sortRows(natural, { key: 'totalUsd', direction: 'desc' });
  assert.deepEqual(
    desc.map((r) => r.id),
    [...byTotal].reverse().map((r) => r.id),
  );
  for (const direction of ['asc', 'desc'] as const) {
    const batch = sortRows(natural, { key: 'batchUsd', direction });
    const firstMissing = batch.findIndex((r) => r.batchUsd === null);
    if (firstMissing >= 0)
      assert.ok(
        batch.slice(firstMissing).every((r) => r.batchUsd === null),
        `nulls last (${direction})`,
      );
  }
  const byModel = sortRows(natural, { key: 'model', direction: 'asc' }).map((r) => r.model);
  assert.deepEqual(
    byModel,
    [...byModel].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base', numeric: true })),
  );
  // Stable: equal keys keep the given order.
  const byProvider = sortRows(natural, { key: 'provider', direction: 'asc' }).map((r) => r.id);
  assert.deepEqual(
    byProvider.filter((id) => id.startsWith('openai')),
    natural.map((r) => r.id).filter((id) => id.startsWith('openai')),
  );
  // Money strings that would sort wrongly as text or as floats.
  const fake = [
    { ...rows[0], id: 'a', totalUsd: '10' },
    { ...rows[0], id: 'b', totalUsd: '9.5' },
    { ...rows[0], id: 'c', totalUsd: '0.10000000000000000001' },
    { ...rows[0], id: 'd', totalUsd: '0.1' },
  ];
  assert.deepEqual(
    sortRows(fake, { key: 'totalUsd', direction: 'asc' }).map((r) => r.id),
    ['d', 'c', 'b', 'a'],
  );
});

test('cheapestIds: the minimum total, all of them when tied', () => {
  assert.deepEqual(cheapestIds(rows), [table.rows[0].id]);
  assert.deepEqual(cheapestIds([]), []);
  const tied = [
    { ...rows[0], id: 'x', totalUsd: '0.0010' },
    { ...rows[0], id: 'y', totalUsd: '0.001' },
    { ...rows[0], id: 'z', totalUsd: '0.002' },
  ];
  assert.deepEqual(cheapestIds(tied), ['x', 'y']);
});

test('nextSort: a new column starts ascending, the same column flips', () => {
  assert.deepEqual(nextSort(null, 'totalUsd'), { key: 'totalUsd', direction: 'asc' });
  assert.deepEqual(nextSort({ key: 'totalUsd', direction: 'asc' }, 'totalUsd'), { key: 'totalUsd', direction: 'desc' });
  assert.deepEqual(nextSort({ key: 'totalUsd', direction: 'desc' }, 'totalUsd'), { key: 'totalUsd', direction: 'asc' });
  assert.deepEqual(nextSort({ key: 'totalUsd', direction: 'desc' }, 'model'), { key: 'model', direction: 'asc' });
});

test('displayUsd rounds like every surface (3 significant digits below $1, cents above) and groups the integer part', () => {
  assert.equal(displayUsd('0.0000015'), '$0.0000015');
  assert.equal(displayUsd('0.012252'), '$0.0123');
  assert.equal(displayUsd('1234567.891'), '$1,234,567.89');
  assert.equal(displayUsd('135', true), '≈$135.00');
  assert.equal(displayUsd('-1000.5'), '−$1,000.50');
  assert.equal(displayInt(1234567), '1,234,567');
  assert.equal(displayInt(0), '0');
});

test('exports in the displayed order go through the core renderers unchanged', () => {
  const shown = sortRows(rows, { key: 'totalUsd', direction: 'desc' });
  const byId = new Map(table.rows.map((r) => [r.id, r]));
  const ordered = { ...table, rows: shown.map((j) => byId.get(j.id)!) };
  const csv = renderCsv(ordered).split('\r\n');
  assert.equal(csv.length, table.rows.length + 2);
  assert.ok(csv[1].includes(rowToJson(ordered.rows[0]).totalUsd));
  const md = renderMarkdown(ordered).trim().split('\n');
  assert.equal(md.length, table.rows.length + 2);
  assert.ok(md[2].includes(`| ${ordered.rows[0].model} |`), md[2]);
  assert.ok(md[md.length - 1].includes(`| ${table.rows[0].model} |`), 'cheapest last when sorted descending');
});
