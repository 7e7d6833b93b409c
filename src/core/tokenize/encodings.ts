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

/** Every tokenizer we count with: OpenAI's encodings, `claude`, and the open-model families (families.ts). */
export type EncodingName = RankEncodingName | FamilyName;

/** OpenAI's encodings (tiktoken); the open-model families are FAMILY_NAMES, all of them TOKENIZER_NAMES. */
export const ENCODING_NAMES: readonly OpenAiEncodingName[] = ['o200k_base', 'cl100k_base', 'o200k_harmony', 'p50k_base', 'r50k_base'];

export const TOKENIZER_NAMES: readonly EncodingName[] = [...ENCODING_NAMES, 'llama3', 'qwen3', 'deepseek_v3', 'gemma3', 'tekken', 'claude'];

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
  `|\\p{N}{1,3}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n/]*|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`;

/** Mistral tekken: o200k's letter classes without contractions, single digits (tekken.json `config.pattern`). */
const TEKKEN =
  `[^\\r\\n\\p{L}\\p{N}]?${UPPERISH}*${LOWERISH}+|[^\\r\\n\\p{L}\\p{N}]?${UPPERISH}+${LOWERISH}*` +
  `|\\p{N}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n/]*|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`;

/** The JavaScript source of each encoding's split pattern (use with flags `gu`). */
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
