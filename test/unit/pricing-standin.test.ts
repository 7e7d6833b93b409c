// Prices for the names people deploy under, and which price stood in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PriceCatalog, loadReferenceCatalog } from '../../src/core/pricing';

const catalog = new PriceCatalog();

function standIn(id: string): { model?: string; note?: string } {
  const r = catalog.resolve(id);
  assert.ok(r.ok, `${id}: ${!r.ok && r.message}`);
  return { model: r.ok ? `${r.price.reference?.provider}:${r.price.reference?.id}` : undefined, note: r.ok ? r.price.standIn : undefined };
}

test("genai-prices fallback_model_providers: azure falls back to openai's models, and says so", () => {
  const r = standIn('azure:gpt-4o');
  assert.equal(r.model, 'openai:gpt-4o');
  assert.match(r.note!, /openai:gpt-4o's price stands in for azure:gpt-4o \(genai-prices lists openai as a fallback for azure\)/);
  const direct = catalog.resolve('openai:gpt-4o');
  assert.ok(direct.ok && !direct.price.standIn);
});

test('the fallback chain is followed in the data (our own two-provider catalog)', () => {
  const ref = loadReferenceCatalog({
    dataDate: '2026-01-01',
    providers: [
      {
        id: 'host',
        name: 'Host',
        fallback_model_providers: ['maker'],
        models: [{ id: 'own', match: { equals: 'own' }, prices: { input_mtok: 1 } }],
      },
      { id: 'maker', name: 'Maker', models: [{ id: 'm-1', match: { starts_with: 'm-1' }, prices: { input_mtok: 2, output_mtok: 4 } }] },
    ],
  });
  assert.equal(ref.find('host', 'own')?.provider, 'host');
  assert.equal(ref.find('host', 'm-1-2026')?.provider, 'maker');
  assert.equal(ref.find('maker', 'own'), undefined);
  assert.deepEqual(ref.providers[0].fallbacks, ['maker']);
});

test('host spellings of a maker model: Azure gpt-35-turbo, Vertex @version, OpenRouter vendor/model, provider aliases', () => {
  assert.equal(standIn('azure:gpt-35-turbo').model, 'openai:gpt-3.5-turbo');
  assert.match(standIn('azure:gpt-35-turbo').note!, /stands in for azure:gpt-35-turbo/);
  assert.equal(standIn('azure_openai:gpt-4o-mini').model, 'openai:gpt-4o-mini');
  assert.equal(standIn('vertex_ai:gemini-1.5-pro').model, 'google:gemini-1.5-pro');
  assert.match(standIn('litellm:gpt-4o').note!, /openai:gpt-4o's price stands in for litellm:gpt-4o \(litellm may charge differently\)/);
  // OpenRouter lists its own prices: no stand-in needed.
  assert.equal(standIn('openrouter:openai/gpt-4o').note, undefined);
});

test('a deployment name that is no model name stays unpriced, until the user maps it', () => {
  const r = catalog.resolve('azure:support-bot-prod');
  assert.equal(r.ok, false);
  const mapped = new PriceCatalog({ deployments: new Map([['azure:support-bot-prod', 'openai:gpt-4o-mini']]) });
  const m = mapped.resolve('azure:support-bot-prod');
  assert.ok(m.ok);
  assert.equal(m.ok && m.price.ref.id, 'azure:support-bot-prod');
  assert.match(
    m.ok ? m.price.standIn! : '',
    /openai:gpt-4o-mini's price stands in for azure:support-bot-prod \(the model chosen for this deployment\)/,
  );
  assert.equal(m.ok && m.price.input?.base.toString(), catalog.resolve('openai:gpt-4o-mini').ok ? '0.15' : '');
  // A mapping to itself or in a loop prices nothing rather than looping.
  const loop = new PriceCatalog({
    deployments: new Map([
      ['azure:a', 'azure:b'],
      ['azure:b', 'azure:a'],
    ]),
  });
  assert.equal(loop.resolve('azure:a').ok, false);
});
