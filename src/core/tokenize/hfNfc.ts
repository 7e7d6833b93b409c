// NFC as Hugging Face tokenizers applies it (the `{"type": "NFC"}` normalizer of Qwen's tokenizer.json).
// HF's NFC uses the Unicode 9.0 tables of unicode-normalization-alignments 0.1.12; String#normalize uses the
// runtime's (Unicode 15–17). For HF a character assigned after 9.0 is an inert starter: combining class 0,
// no decomposition, no composition — so the text is cut around each such character (hfNfcData.ts, generated
// by scripts/hf-nfc.mjs from the oracle) and the pieces are normalised apart. Exact because everything else
// agrees (Unicode's stability policy: assigned characters keep their class and decomposition).
import { HF_NFC_INERT } from './hfNfcData';

const INERT_GLOBAL = new RegExp(HF_NFC_INERT.source, 'gu');

export function hfNfc(text: string): string {
  if (!HF_NFC_INERT.test(text)) return text.normalize('NFC');
  let out = '';
  let last = 0;
  INERT_GLOBAL.lastIndex = 0;
  for (let m = INERT_GLOBAL.exec(text); m !== null; m = INERT_GLOBAL.exec(text)) {
    out += text.slice(last, m.index).normalize('NFC') + m[0];
    last = INERT_GLOBAL.lastIndex;
  }
  return out + text.slice(last).normalize('NFC');
}
