// One rule for "embedding (or rerank) model" (src/core/embeddingModel.ts), checked row by row over the WHOLE bundled
// reference catalog (genai-prices data, src/core/pricing/reference-data.json) against a list written here by hand from
// the providers' own documentation — not from the rule:
//   OpenAI text-embedding-*: the embeddings API bills usage.prompt_tokens only (platform.openai.com/docs/api-reference/embeddings;
//     openai/openai-openapi CreateEmbeddingResponse.usage). Azure serves the same models; its `ada` row answers
//     `text-embedding-ada-002` (the row's own match rule).
//   Amazon Titan Text Embeddings (docs.aws.amazon.com/bedrock/latest/userguide/titan-embedding-models.html).
//   Cloudflare Workers AI: the BGE models, BGE reranker, PLaMo and Qwen3 embedding are priced "per M input tokens" only
//     (cloudflare/cloudflare-docs src/content/docs/workers-ai/platform/pricing.mdx).
//   Cohere embed-* priced per input token, rerank-* per search (docs.cohere.com/v2/docs/how-does-cohere-pricing-work).
//   Google gemini-embedding-* (ai.google.dev/gemini-api/docs/embeddings); Qwen3-Embedding (huggingface.co/Qwen/Qwen3-Embedding-8B);
//   BAAI BGE (huggingface.co/BAAI/bge-m3, bge-multilingual-gemma2: "an LLM-based multilingual embedding model").
//   Mistral: mistral-embed is its embedding model, billed on input ($0.10 / 1M input, $0 output: opencode.ai/data/mistral/mistral-embed;
//     docs.mistral.ai capabilities/embeddings).
//   Voyage AI: "Voyage AI provides state-of-the-art embedding and reranking models" — every model it serves
//     (mongodb.com/docs/voyageai/models; docs.voyageai.com; LiteLLM docs.litellm.ai/docs/providers/voyage calls each with embedding()).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isEmbeddingModel } from '../../src/core/embeddingModel';
import { bundledReferenceCatalog, ReferenceModel } from '../../src/core/pricing/reference';
import { PriceCatalog, parseSettingsOverrides } from '../../src/core/pricing/catalog';
import { computeCost } from '../../src/core/pricing/cost';

/** provider/id of every embedding or rerank row of the bundled catalog, by hand (sources above). */
const EMBEDDING_ROWS = new Set([
  'aws/amazon.titan-embed-text-v1',
  'azure/ada',
  'azure/text-embedding-3-large',
  'azure/text-embedding-3-small',
  'cloudflare/@cf/baai/bge-base-en-v1.5',
  'cloudflare/@cf/baai/bge-large-en-v1.5',
  'cloudflare/@cf/baai/bge-m3',
  'cloudflare/@cf/baai/bge-reranker-base',
  'cloudflare/@cf/baai/bge-small-en-v1.5',
  'cloudflare/@cf/pfnet/plamo-embedding-1b',
  'cloudflare/@cf/qwen/qwen3-embedding-0.6b',
  'cohere/embed-v4.0',
  'doubleword/Qwen/Qwen3-Embedding-8B',
  'google/gemini-embedding-001',
  'google/gemini-embedding-2',
  'mistral/mistral-embed',
  'openai/text-embedding-3-large',
  'openai/text-embedding-3-small',
  'openai/text-embedding-ada-002',
  'ovhcloud/bge-base-en-v1.5',
  'ovhcloud/bge-m3',
  'ovhcloud/bge-multilingual-gemma2',
]);
/** Every Voyage AI row is one (Voyage's docs above); the data has 22 of them. */
const VOYAGE_PROVIDER = 'voyageai';
const VOYAGE_ROWS = 22;

/** Where the data and the docs disagree: an embedding row that the data gives an output price. */
const DATA_DISAGREES = new Map([
  [
    'mistral/mistral-embed',
    'output_mtok 0.1 in the data; Mistral bills embeddings on input only (opencode.ai/data/mistral/mistral-embed: $0.00 output)',
  ],
]);
/** Rows with a text input price and no output price that are NOT embedding models, each with why. */
const INPUT_ONLY_NOT_EMBEDDING = new Map([
  ['azure/babbage', 'GPT-3 base completion model babbage-002: generates text (platform.openai.com/docs/deprecations)'],
  ['azure/curie', 'GPT-3 completion model text-curie-001 (platform.openai.com/docs/deprecations)'],
  ['azure/davinci', 'GPT-3 completion model davinci-002 / text-davinci-002 (platform.openai.com/docs/deprecations)'],
  [
    'cloudflare/@cf/huggingface/distilbert-sst-2-int8',
    'a text classifier (sentiment labels), not a vector model (Workers AI model catalog: Text Classification)',
  ],
  ['typesafe/jev-1.13.0', 'no documentation found that calls it an embedding model; its name does not'],
]);
/** The one row whose id alone does not say embedding: Azure's `ada` (bare `ada` is GPT-3's completion model); its match rule does. */
const ID_NEEDS_ROW = new Set(['azure/ada']);

const key = (m: ReferenceModel) => `${m.provider}/${m.id}`;
const expected = (m: ReferenceModel) => m.provider === VOYAGE_PROVIDER || EMBEDDING_ROWS.has(key(m));
/** The ids a row answers for (genai-prices match rules: equals / starts_with / contains). */
function matchIds(match: unknown): string[] {
  if (!match || typeof match !== 'object') return [];
  return Object.entries(match as Record<string, unknown>).flatMap(([k, v]) =>
    Array.isArray(v) ? v.flatMap(matchIds) : typeof v === 'string' && ['equals', 'starts_with', 'contains'].includes(k) ? [v] : [],
  );
}

describe('one embedding-model rule, right for every row of the reference catalog', () => {
  const catalog = bundledReferenceCatalog();

  it('the catalog flag and the rule agree with the hand-made list on every row', () => {
    assert.ok(catalog.models.length > 1000, `the whole catalog: ${catalog.models.length} rows`);
    const wrong = catalog.models.filter((m) => m.embedding !== expected(m) || isEmbeddingModel(m.id, m) !== expected(m)).map(key);
    assert.deepEqual(wrong, []);
    assert.equal(catalog.models.filter((m) => m.provider === VOYAGE_PROVIDER).length, VOYAGE_ROWS);
    for (const k of EMBEDDING_ROWS)
      assert.ok(
        catalog.models.some((m) => key(m) === k),
        `${k} is in the data`,
      );
  });

  it('the data: every text-input-only row is an embedding row or hand-listed; an embedding row with an output price is hand-listed', () => {
    for (const m of catalog.models) {
      const inputOnly = m.prices.input !== undefined && m.prices.output === undefined;
      if (inputOnly) assert.ok(expected(m) || INPUT_ONLY_NOT_EMBEDDING.has(key(m)), `${key(m)}: input price only, not listed`);
      if (expected(m) && !inputOnly) assert.ok(DATA_DISAGREES.has(key(m)), `${key(m)}: has an output price, not listed`);
    }
    for (const k of INPUT_ONLY_NOT_EMBEDDING.keys())
      assert.ok(
        catalog.models.some((m) => key(m) === k),
        `${k} is in the data`,
      );
  });

  it('the id alone (tokenizer framing, estimate) says the same as the row, for the row id and every id its match rule names', () => {
    for (const m of catalog.models) {
      const want = expected(m) && !ID_NEEDS_ROW.has(key(m));
      assert.equal(isEmbeddingModel(`${m.provider}:${m.id}`), want, `${m.provider}:${m.id}`);
      if (!expected(m)) for (const id of matchIds(m.match)) assert.equal(isEmbeddingModel(id), false, `${key(m)} answers ${id}: a chat id`);
    }
    assert.equal(isEmbeddingModel('ada'), false, 'bare ada: GPT-3 completions');
    assert.equal(isEmbeddingModel('azure:text-embedding-ada-002'), true);
  });

  it('ids outside the catalog, as users and SDKs write them', () => {
    const yes: [string, string][] = [
      ['cohere:rerank-v3.5', 'docs.cohere.com rerank models'],
      ['cohere:rerank-english-v3.0', 'docs.cohere.com rerank models'],
      ['cohere:embed-english-v3.0', 'docs.cohere.com embed models'],
      ['bedrock/cohere.embed-multilingual-v3', 'AWS Bedrock model ids (cohere.embed-multilingual-v3)'],
      ['voyage/rerank-2', 'LiteLLM Voyage rerank (docs.litellm.ai/docs/providers/voyage)'],
      ['voyageai:rerank-2.5-lite', 'mongodb.com/docs/voyageai/models: rerank-2.5-lite'],
      ['voyage/voyage-3.5', 'docs.litellm.ai/docs/providers/voyage'],
      ['voyage-multimodal-3', 'docs.voyageai.com multimodal embeddings'],
      ['ollama:nomic-embed-text', 'ollama.com/library/nomic-embed-text'],
      ['ollama:mxbai-embed-large', 'ollama.com/library/mxbai-embed-large'],
      ['intfloat/e5-mistral-7b-instruct', 'huggingface.co/intfloat/e5-mistral-7b-instruct (an embedding model)'],
      ['intfloat/multilingual-e5-large', 'huggingface.co/intfloat/multilingual-e5-large'],
      ['Alibaba-NLP/gte-Qwen2-7B-instruct', 'huggingface.co/Alibaba-NLP/gte-Qwen2-7B-instruct (an embedding model)'],
      ['BAAI/bge-reranker-v2-m3', 'huggingface.co/BAAI/bge-reranker-v2-m3'],
      ['vertex_ai/text-embedding-005', 'cloud.google.com Vertex AI text embeddings'],
    ];
    for (const [id, where] of yes) assert.equal(isEmbeddingModel(id), true, `${id} (${where})`);
    const no = [
      'gpt-4o',
      'mistral:mistral-large-latest',
      'mistralai/Mistral-7B-Instruct-v0.3',
      'Qwen/Qwen2-7B-Instruct',
      'ollama:gemma2:9b',
      'cohere:command-r-plus',
      'claude-sonnet-4-5',
      'text-davinci-003',
    ];
    for (const id of no) assert.equal(isEmbeddingModel(id), false, id);
  });

  it('every price source bills no output for an embedding model: reference (Voyage, mistral-embed) and settings-only rows', () => {
    const prices = new PriceCatalog({
      settings: parseSettingsOverrides({ 'together:BAAI/bge-large-en-v1.5': { input_per_mtok: 0.02, output_per_mtok: 5 } }).overrides,
    });
    for (const id of ['voyageai:voyage-3', 'mistral:mistral-embed', 'together:BAAI/bge-large-en-v1.5']) {
      const r = prices.resolve(id);
      assert.ok(r.ok, id);
      assert.equal(r.price.embedding, true, id);
      const cost = computeCost(r.price, { inputTokens: 1_000_000, outputTokens: 1_000_000 });
      assert.equal(cost.totalUsd.toString(), r.price.input!.base.toString(), `${id}: the input price alone`);
    }
    const chat = prices.resolve('mistral:mistral-small-latest');
    assert.ok(chat.ok);
    assert.equal(chat.price.embedding, false);
  });
});
