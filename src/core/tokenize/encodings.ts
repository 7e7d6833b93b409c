// Encoding names and their pre-tokenizer (split) regexes, translated from tiktoken's Rust
// (fancy-regex) patterns into JavaScript so that both split text identically:
//  - `\s` in Rust is Unicode White_Space; JavaScript's `\s` differs (it adds U+FEFF and lacks
//    U+0085), so whitespace is spelled out as an explicit class.
//  - `(?i:'s|...)` (inline case-insensitive groups) is not available in Node 20, so the
//    contractions are written as character classes with Unicode simple case folding
//    (`s` also matches U+017F LATIN SMALL LETTER LONG S, as in Rust's regex crate).
// The differential test suite checks these against the `tiktoken` WASM package.

import type { FamilyName } from './families';

/** OpenAI's tiktoken encodings. */
export type OpenAiEncodingName = 'o200k_base' | 'cl100k_base' | 'o200k_harmony' | 'p50k_base' | 'r50k_base';

/**
 * Rank-BPE tables counted by the tiktoken-style engine (bpe.ts): OpenAI's encodings, and `claude`,
 * the Claude vocabulary ai-tokenizer ships (p50k_base's split pattern) — the base of Claude's
 * offline approximation, not an exact tokenizer of any current Claude model; and `tekken`,
 * Mistral's tiktoken-style tokenizer of Mistral NeMo (tekken 240718).
 */
export type RankEncodingName = OpenAiEncodingName | 'claude' | 'tekken';

/**
 * Model versions whose tokenizer.json is a family's vocabulary and merges with fewer added tokens (families.ts
 * VERSION_ENCODINGS): Qwen2 and Qwen2.5 lack Qwen3's `<think>`, `<tool_response>`… — the same text counts differently.
 */
export type VersionEncodingName = 'qwen2' | 'qwen2_5';

/** Every tokenizer we count with: OpenAI's encodings, `claude`, the open-model families (families.ts) and their versions. */
export type EncodingName = RankEncodingName | FamilyName | VersionEncodingName;

/** OpenAI's encodings (tiktoken); the open-model families are FAMILY_NAMES, all of them TOKENIZER_NAMES. */
export const ENCODING_NAMES: readonly OpenAiEncodingName[] = ['o200k_base', 'cl100k_base', 'o200k_harmony', 'p50k_base', 'r50k_base'];

export const TOKENIZER_NAMES: readonly EncodingName[] = [
  ...ENCODING_NAMES,
  'llama3',
  'qwen3',
  'qwen2_5',
  'qwen2',
  'deepseek_v3',
  'gemma3',
  'tekken',
  'claude',
];

/** True for any tokenizer name (an OpenAI encoding or an open-model family). */
export function isEncodingName(name: string): name is EncodingName {
  return (TOKENIZER_NAMES as readonly string[]).includes(name);
}

export function isOpenAiEncoding(name: string): name is OpenAiEncodingName {
  return (ENCODING_NAMES as readonly string[]).includes(name);
}

/** The rank table file an encoding reads: o200k_harmony shares o200k_base's mergeable ranks. */
export function tableFor(encoding: RankEncodingName): string {
  return encoding === 'o200k_harmony' ? 'o200k_base' : encoding;
}

/** Unicode White_Space (what Rust's `\s` matches). */
export const WS = '\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const S = `[${WS}]`;
const NOT_S = `[^${WS}]`;

/** Case-insensitive contraction suffixes as Rust's `(?i:...)` matches them. */
const CI_CONTRACTIONS = "'[sS\\u017f]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]";

const P50K = `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|${S}+(?!${NOT_S})|${S}+`;

const CL100K =
  `(?:${CI_CONTRACTIONS})|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*` +
  `|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`;

const UPPERISH = '[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]';
const LOWERISH = '[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]';
const O200K =
  `[^\\r\\n\\p{L}\\p{N}]?${UPPERISH}*${LOWERISH}+(?:${CI_CONTRACTIONS})?` +
  `|[^\\r\\n\\p{L}\\p{N}]?${UPPERISH}+${LOWERISH}*(?:${CI_CONTRACTIONS})?` +
  `|\\p{N}{1,3}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n\\/]*|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`;

/** Mistral tekken: o200k's letter classes without contractions, single digits (tekken.json `config.pattern`). */
const TEKKEN =
  `[^\\r\\n\\p{L}\\p{N}]?${UPPERISH}*${LOWERISH}+|[^\\r\\n\\p{L}\\p{N}]?${UPPERISH}+${LOWERISH}*` +
  `|\\p{N}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n\\/]*|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`;

/** The JavaScript source of each encoding's split pattern (use with flags `gu`). */
/**
 * Letters, digits, marks, punctuation and symbols first assigned in Unicode 17.0 (Sept 2025): CJK
 * Extension J (U+323B0–U+3347F) and Ext C/E additions, Sidetic, Tolong Siki, Beria Erfe, Tai Yo,
 * new emoji symbols… Hugging Face tokenizers matches Split patterns with Oniguruma, and tiktoken
 * (OpenAI's, also inside mistral-common) with Rust's regex crate; both have Unicode 16 tables, so
 * for them these are unassigned: in no `\p{…}` class. Node 20.20 (ICU 78) has Unicode 17 tables
 * and would count them as letters. The servers tokenize with those libraries (vLLM, TGI and
 * transformers with HF tokenizers), so we take these out of every property class.
 * Found by probing every code point that is in \p{L}/\p{N}/\p{P}/\p{S}/\p{M} here against the
 * oracle (test/unit/tokenize-unicode-version.test.ts). Runtimes with older tables do not know
 * these anyway (but then miss Unicode 16's letters, which Oniguruma knows: not fixed here).
 */
export const UNICODE_17_ADDITIONS =
  '[\\u088F\\u0C5C\\u0CDC\\u1ACF-\\u1ADD\\u1AE0-\\u1AEB\\u20C1\\u2B96\\uA7CE\\uA7CF\\uA7D2\\uA7D4\\uA7F1\\uFBC3-\\uFBD2\\uFD90\\uFD91\\uFDC8-\\uFDCE' +
  '\\u{10940}-\\u{10959}\\u{10EC5}-\\u{10EC7}\\u{10ED0}-\\u{10ED8}\\u{10EFA}\\u{10EFB}\\u{11B60}-\\u{11B67}\\u{11DB0}-\\u{11DDB}\\u{11DE0}-\\u{11DE9}\\u{16EA0}-\\u{16EB8}' +
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

export const SPLIT_PATTERNS: Record<RankEncodingName, string> = {
  o200k_base: O200K,
  o200k_harmony: O200K,
  cl100k_base: CL100K,
  p50k_base: P50K,
  r50k_base: P50K,
  claude: P50K,
  tekken: TEKKEN,
};

/** The original tiktoken pattern strings (documentation; what the oracle uses). */
export const TIKTOKEN_PATTERNS: Record<OpenAiEncodingName, string> = {
  o200k_base:
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  o200k_harmony:
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  cl100k_base:
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  p50k_base: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  r50k_base: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
};

/** True for a UTF-16 code unit that is Unicode White_Space (all White_Space chars are in the BMP). */
export function isWhiteSpaceCode(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}
