// The one rule for "is this an embedding (or rerank) model": such a request sends the text alone, is billed
// for its input tokens only and returns no output tokens. Tokenizer framing (tokenize), the estimate's
// "no output" (estimate) and the price catalog's `embedding` flag (pricing: reference rows, flujo.toml and
// settings-only rows) all ask this function, so they cannot disagree.
//   OpenAI embeddings: `usage.prompt_tokens` of the input, nothing else (platform.openai.com/docs/api-reference/embeddings).
//   Voyage AI: every model is an embedding or a reranking model (docs.voyageai.com; mongodb.com/docs/voyageai/models).
//   Cohere `embed-*` priced per input token, `rerank-*` per search (docs.cohere.com/v2/docs/how-does-cohere-pricing-work).
// test/unit/embedding-models.test.ts walks the whole reference catalog against a hand-made list.
import { parseModelSpelling } from './modelSpelling';

/** What the rule reads of a price catalog row (pricing/reference.ts `ReferenceModel`), without importing pricing. */
export interface EmbeddingRowFacts {
  readonly provider: string;
  readonly id: string;
  /** The catalog's display name (`Titan Embeddings G1 - Text`, `BGE Base English v1.5`). */
  readonly name?: string;
  /** The row's match logic (genai-prices): the ids it answers for (Azure's `ada` row answers `text-embedding-ada-002`). */
  readonly match?: unknown;
}

/** Words in a model's own name that make it an embedding or rerank model, anywhere in the name. */
const EMBEDDING_WORD = /embed|rerank/;
/**
 * Model families that are embedding models whose names do not say so (first word of the name):
 * Voyage AI (`voyage-3`, `voyage-code-3`), BAAI BGE (`bge-m3`, `bge-multilingual-gemma2`),
 * Alibaba GTE (`gte-large`, `gte-Qwen2-7B-instruct`), intfloat E5 (`e5-mistral-7b-instruct`, `multilingual-e5-large`).
 */
const EMBEDDING_FAMILY = /^(?:voyage|bge|gte|e5|multilingual-e5)(?:-|$)/;
/** Providers that serve only embedding and rerank models. */
const EMBEDDING_PROVIDERS: ReadonlySet<string> = new Set(['voyage', 'voyageai']);

/** Every name the rules above accept contains one of these (case aside): the cheap test that skips parsing most ids. */
const MAY_SAY_EMBEDDING = /embed|rerank|voyage|bge|gte|e5/i;

function nameSaysEmbedding(text: string): boolean {
  if (!MAY_SAY_EMBEDDING.test(text)) return false;
  const spelling = parseModelSpelling(text);
  if (spelling.host && EMBEDDING_PROVIDERS.has(spelling.host)) return true;
  return EMBEDDING_WORD.test(spelling.name) || EMBEDDING_FAMILY.test(spelling.name);
}

/** The ids a genai-prices match rule names (`equals`, `starts_with`, `contains` values), depth first. */
function matchIds(match: unknown, out: string[] = []): string[] {
  if (!match || typeof match !== 'object') return out;
  for (const [key, value] of Object.entries(match as Record<string, unknown>)) {
    if (Array.isArray(value)) for (const m of value) matchIds(m, out);
    else if (typeof value === 'string' && (key === 'equals' || key === 'starts_with' || key === 'contains')) out.push(value);
  }
  return out;
}

/**
 * True when `modelId` (any spelling: `voyageai:voyage-3`, `@cf/baai/bge-m3`, `amazon.titan-embed-text-v1`) is an
 * embedding or rerank model; with the catalog row it resolved to, the row's provider, name and match ids count too.
 */
export function isEmbeddingModel(modelId: string, row?: EmbeddingRowFacts): boolean {
  if (nameSaysEmbedding(modelId)) return true;
  if (!row) return false;
  if (EMBEDDING_PROVIDERS.has(row.provider)) return true;
  // A display name reads as words (`BGE Base English v1.5`): parseModelSpelling joins them with `-`.
  const names = [row.id, ...(row.name ? [row.name] : []), ...matchIds(row.match)];
  return names.some(nameSaysEmbedding);
}
