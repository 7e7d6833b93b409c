import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Decimal,
  FlujoPricing,
  PriceCatalog,
  computeCost,
  flujoDefaultsVsReference,
  loadReferenceCatalog,
  monthlyCost,
  parseModelId,
  parseSettingsOverrides,
  strictPricingMessage,
  tokenCost,
  validateCatalogData,
  bundledReferenceCatalog,
  bundledDataDate,
} from '../../src/core/pricing';

const ref = bundledReferenceCatalog();

function flujo(
  strict: boolean,
  prices: Record<string, Record<string, { p?: string; c?: string; images?: Record<string, string> }>>,
): FlujoPricing {
  const providers = new Map(
    Object.entries(prices).map(([p, ms]) => [
      p,
      new Map(
        Object.entries(ms).map(([m, v]) => [
          m,
          {
            promptPer1k: v.p ? Decimal.parse(v.p) : undefined,
            completionPer1k: v.c ? Decimal.parse(v.c) : undefined,
            images: v.images ? Object.fromEntries(Object.entries(v.images).map(([k, x]) => [k, Decimal.parse(x)])) : undefined,
          },
        ]),
      ),
    ]),
  );
  return { strict, providers, date: '2026-11-01' };
}

test('one gpt-4o-mini input token costs exactly $0.00000015', () => {
  const r = new PriceCatalog().resolve('gpt-4o-mini');
  assert.ok(r.ok);
  const c = computeCost(r.price, { inputTokens: 1 });
  assert.equal(c.inputUsd.toString(), '0.00000015');
  assert.equal(c.totalUsd.toString(), '0.00000015');
  assert.equal(r.price.source, 'reference');
  assert.equal(r.price.date, bundledDataDate());
});

test('a million single-token costs sum exactly (no drift, no truncation)', () => {
  const r = new PriceCatalog().resolve('openai:gpt-4o-mini');
  assert.ok(r.ok);
  let sum = Decimal.ZERO;
  const one = computeCost(r.price, { inputTokens: 1 }).totalUsd;
  for (let i = 0; i < 1_000_000; i++) sum = sum.plus(one);
  assert.equal(sum.toString(), '0.15');
  // FastroAI-style integer micro-dollars would have truncated each to 0.
  assert.equal(Math.trunc(0.00000015 * 1e6), 0);
});

test('property: cost is linear in tokens and sums exactly', () => {
  const r = new PriceCatalog().resolve('anthropic:claude-3-5-sonnet-latest');
  assert.ok(r.ok);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 50 }), fc.integer({ min: 0, max: 10_000 }), (parts, out) => {
      const total = parts.reduce((a, b) => a + b, 0);
      const whole = computeCost(r.price, { inputTokens: total, outputTokens: out }).totalUsd;
      const pieces = Decimal.sum(parts.map((n) => computeCost(r.price, { inputTokens: n }).inputUsd)).plus(
        computeCost(r.price, { inputTokens: 0, outputTokens: out }).outputUsd,
      );
      return whole.compare(pieces) === 0;
    }),
    { numRuns: 200 },
  );
});

test('property: Decimal.fromNumber recovers short decimal text exactly', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 12 }), (digits, scale) => {
      const text = Decimal.parse(`${digits}e-${scale}`).toString();
      return Decimal.fromNumber(Number(text)).toString() === text;
    }),
    { numRuns: 500 },
  );
});

test('model ids: provider:model, inference for bare names, exact case', () => {
  assert.deepEqual(parseModelId('openai:gpt-4o'), { provider: 'openai', model: 'gpt-4o', id: 'openai:gpt-4o' });
  for (const m of ['gpt-4o', 'dall-e-3', 'text-embedding-3-small', 'embedding-x', 'o1-mini', 'o3', 'o4-mini'])
    assert.equal(parseModelId(m).provider, 'openai', m);
  assert.equal(parseModelId('claude-3-haiku').provider, 'anthropic');
  assert.equal(parseModelId('gemini-1.5-pro').provider, 'google');
  assert.equal(parseModelId('llama-3').provider, undefined);
  assert.equal(parseModelId('GPT-4o').provider, undefined, 'case-sensitive');
});

test('flujo.toml prices win (per 1K → exact), then settings (per 1M), then reference', () => {
  const catalog = new PriceCatalog({
    flujo: flujo(false, { openai: { 'gpt-4o': { p: '0.005', c: '0.015' } } }),
    settings: parseSettingsOverrides({
      'gpt-4o': { input_per_mtok: 2.0, output_per_mtok: 8.0 },
      'openai:gpt-4o-mini': { input_per_mtok: 0.1, output_per_mtok: 0.4 },
    }).overrides,
  });
  const a = catalog.resolve('openai:gpt-4o');
  assert.ok(a.ok);
  assert.equal(a.price.source, 'flujo.toml');
  assert.equal(a.price.date, '2026-11-01');
  assert.equal(computeCost(a.price, { inputTokens: 1000, outputTokens: 1000 }).totalUsd.toString(), '0.02');
  const b = catalog.resolve('gpt-4o-mini');
  assert.ok(b.ok);
  assert.equal(b.price.source, 'settings');
  assert.equal(computeCost(b.price, { inputTokens: 1, outputTokens: 1 }).totalUsd.toString(), '0.0000005');
  assert.match(b.warnings[0], /Flujo itself would use its built-in default price for openai:gpt-4o-mini \(\$0.00015\/1K prompt/);
  const c = catalog.resolve('anthropic:claude-3-haiku-20240307');
  assert.ok(c.ok);
  assert.equal(c.price.source, 'reference');
  const s = new PriceCatalog({
    settings: parseSettingsOverrides({ 'gpt-4o': { input_per_mtok: 2.0, output_per_mtok: 8.0 } }).overrides,
  }).resolve('openai:gpt-4o');
  assert.ok(s.ok);
  assert.equal(s.price.source, 'settings');
  assert.equal(s.warnings.length, 0);
});

test('strict mode: Flujo exact error text; exact, case-sensitive match', () => {
  const catalog = new PriceCatalog({ flujo: flujo(true, { openai: { 'gpt-4o': { p: '0.0025', c: '0.01' } } }) });
  const r = catalog.resolve('openai:gpt-4o-mini');
  assert.equal(r.ok, false);
  assert.equal(
    !r.ok && r.message,
    "Strict pricing is enabled, but no configuration was found for provider='openai', model='gpt-4o-mini' in flujo.toml.",
  );
  assert.equal(catalog.resolve('openai:GPT-4o').ok, false);
  assert.equal(catalog.resolve('gpt-4o').ok, true);
  assert.equal(
    strictPricingMessage(undefined, 'llama'),
    "Strict pricing is enabled, but no configuration was found for provider=None, model='llama' in flujo.toml.",
  );
});

test('settings overrides: validation errors', () => {
  const { overrides, errors } = parseSettingsOverrides({ a: { input_per_mtok: -1 }, b: 3, c: { foo: 1, input_per_mtok: '0.5' } });
  assert.equal(overrides.size, 1);
  assert.equal(overrides.get('c')!.inputPerMtok!.toString(), '0.5');
  assert.equal(errors.length, 3);
});

test('cached input, Anthropic cache writes 5m/1h, batch 50%', () => {
  const r = new PriceCatalog().resolve('anthropic:claude-3-5-sonnet-latest');
  assert.ok(r.ok);
  const c = computeCost(r.price, {
    inputTokens: 1_000_000,
    cacheReadTokens: 500_000,
    cacheWrite5mTokens: 200_000,
    cacheWrite1hTokens: 100_000,
    outputTokens: 0,
  });
  assert.equal(c.inputUsd.toString(), '0.6'); // 200k × $3/M
  assert.equal(c.cacheReadUsd.toString(), '0.15'); // 500k × $0.30/M
  assert.equal(c.cacheWriteUsd.toString(), '1.35'); // 200k × 3.75 + 100k × 6
  const b = computeCost(r.price, { inputTokens: 1000, outputTokens: 1000, batch: true });
  assert.equal(b.totalUsd.toString(), '0.009');
  assert.equal(b.batch, true);
  // Flujo-priced Anthropic model: cache prices follow the configured input price.
  const f = new PriceCatalog({ flujo: flujo(false, { anthropic: { 'claude-3-haiku': { p: '0.001', c: '0.002' } } }) }).resolve(
    'anthropic:claude-3-haiku',
  );
  assert.ok(f.ok);
  assert.equal(f.price.cacheRead!.base.toString(), '0.1');
  assert.equal(f.price.cacheWrite5m!.base.toString(), '1.25');
  assert.equal(f.price.cacheWrite1h!.base.toString(), '2');
  assert.throws(() => computeCost(r.price, { inputTokens: 1, cacheReadTokens: 2 }), RangeError);
});

test('embeddings: input only; images: per quality and size', () => {
  const e = new PriceCatalog().resolve('text-embedding-3-small');
  assert.ok(e.ok);
  assert.equal(e.price.embedding, true);
  const c = computeCost(e.price, { inputTokens: 1000, outputTokens: 500 });
  assert.equal(c.totalUsd.toString(), '0.00002');
  assert.equal(c.outputUsd.toString(), '0');
  const img = new PriceCatalog({
    flujo: flujo(true, { openai: { 'dall-e-3': { images: { standard_1024x1024: '0.040', hd_1024x1792: '0.120' } } } }),
  }).resolve('openai:dall-e-3');
  assert.ok(img.ok);
  const ic = computeCost(img.price, {
    inputTokens: 0,
    images: [
      { quality: 'standard', size: '1024x1024', count: 3 },
      { quality: 'hd', size: '1024x1792', count: 1 },
      { quality: 'hd', size: '1792x1024', count: 1 },
    ],
  });
  assert.equal(ic.imagesUsd.toString(), '0.24');
  assert.deepEqual(ic.missing, ['image hd 1792x1024']);
});

test('long-context tiers reprice the whole request above the threshold', () => {
  const r = new PriceCatalog().resolve('openai:gpt-5.4');
  assert.ok(r.ok);
  assert.ok(r.price.input!.tiers.length > 0);
  const start = r.price.input!.tiers[0].start;
  const below = computeCost(r.price, { inputTokens: start });
  const above = computeCost(r.price, { inputTokens: start + 1 });
  assert.equal(below.inputUsd.toString(), tokenCost(start, r.price.input!.base).toString());
  assert.equal(above.inputUsd.toString(), tokenCost(start + 1, r.price.input!.tiers[0].price).toString());
  assert.equal(above.tierStart, start);
});

test('monthly = per request × requests/day × 30', () => {
  assert.equal(monthlyCost(Decimal.parse('0.00000015'), 1000).toString(), '0.0045');
  assert.equal(monthlyCost(Decimal.parse('0.01'), 2.5).toString(), '0.75');
  assert.throws(() => monthlyCost(Decimal.ZERO, -1), RangeError);
});

test('reference catalog: size, context windows, data date, staleness', () => {
  assert.ok(ref.models.length > 1000);
  assert.match(ref.dataDate, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(ref.find('openai', 'gpt-4o')!.contextWindow, 128000);
  assert.equal(ref.find('openai', 'gpt-4o-2024-08-06')!.id, 'gpt-4o');
  assert.equal(ref.find('google-gla', 'gemini-1.5-pro')!.provider, 'google');
  const d = Date.parse(ref.dataDate);
  assert.equal(ref.isStale(new Date(d + 90 * 86_400_000)), false);
  assert.equal(ref.isStale(new Date(d + 91 * 86_400_000)), true);
});

test('validateCatalogData accepts upstream data.json shape, rejects bad data', () => {
  const good = [
    {
      id: 'acme',
      name: 'Acme',
      models: [{ id: 'm1', match: { equals: 'm1' }, context_window: 1000, prices: { input_mtok: 0.15, output_mtok: 0.6 } }],
    },
  ];
  assert.deepEqual(validateCatalogData(good), { ok: true, errors: [] });
  const cat = loadReferenceCatalog(good, { dataDate: '2026-11-20' });
  assert.equal(cat.dataDate, '2026-11-20');
  assert.equal(cat.find('acme', 'M1')!.prices.input!.base.toString(), '0.15');
  for (const bad of [
    null,
    {},
    [],
    [{ id: 1 }],
    [{ id: 'a', models: [{ id: 'x', match: { nope: 1 }, prices: {} }] }],
    [{ id: 'a', models: [{ id: 'x', match: { equals: 'x' }, prices: { input_mtok: -1 } }] }],
    [{ id: 'a', models: [{ id: 'x', match: { regex: '(' }, prices: {} }] }],
  ]) {
    assert.equal(validateCatalogData(bad).ok, false, JSON.stringify(bad));
  }
  assert.throws(() => loadReferenceCatalog({ providers: 'x' }), RangeError);
});

test('dated prices: the set in force at `now` is used', () => {
  const data = [
    {
      id: 'acme',
      name: 'Acme',
      models: [
        {
          id: 'm',
          match: { equals: 'm' },
          prices: [
            { prices: { input_mtok: 1 } },
            { constraint: { start_date: '2026-06-01', type: 'start_date' }, prices: { input_mtok: 2 } },
          ],
        },
      ],
    },
  ];
  assert.equal(
    loadReferenceCatalog(data, { now: new Date('2026-01-01') })
      .find('acme', 'm')!
      .prices.input!.base.toString(),
    '1',
  );
  assert.equal(
    loadReferenceCatalog(data, { now: new Date('2026-07-01') })
      .find('acme', 'm')!
      .prices.input!.base.toString(),
    '2',
  );
});

test("Flujo's built-in defaults vs the reference", () => {
  const diffs = flujoDefaultsVsReference(ref);
  const ids = new Set(diffs.map((d) => d.id));
  assert.ok(ids.has('openai:gpt-4o'));
  assert.ok(!ids.has('openai:gpt-4o-mini'));
});
