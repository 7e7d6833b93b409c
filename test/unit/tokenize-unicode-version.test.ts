// The Unicode version of the regex tables. Hugging Face tokenizers matches the Split pre-tokenizer
// patterns with Oniguruma (tokenizers/src/utils/onig.rs, SysRegex), whose property tables are
// Unicode 16; Node 20.20's V8 uses ICU 78, Unicode 17. A character first assigned in Unicode 17 —
// e.g. U+323B0, the first CJK Extension J ideograph, found by the fast-check property "chat framing:
// llama3" with the counterexample "𲎰.A" (seed -291670891) — is a letter for `\p{L}` here but
// unassigned for Oniguruma, so the pieces (and counts) differed. vLLM, TGI and transformers count
// with HF tokenizers, so Oniguruma's answer is the servers' answer. tiktoken (openai/tiktoken, Rust
// `fancy_regex` on the regex crate's Unicode 16 tables; the WASM oracle here) has the same tables.
// encodings.ts takes the Unicode 17 additions out of every property class (splitRegex). This suite
// checks every letter, digit, mark, punctuation and symbol this runtime knows, in three contexts,
// against the oracles.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { oracleCount } from './tokenize/oracle';
import { fullOracle, ordinaryOracle } from './tokenize/hfOracle';
import { FamilyName, countTokens } from '../../src/core/tokenize';
import { countFamilyChat, renderChat } from '../../src/core/tokenize/framing';

const CONTEXTS: ((c: string) => string)[] = [(c) => `${c}.A`, (c) => `a${c}a`, (c) => ` ${c}1!`];

function codePoints(test: RegExp): string[] {
  const out: string[] = [];
  for (let c = 0x80; c <= 0x10ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const s = String.fromCodePoint(c);
    if (test.test(s)) out.push(s);
  }
  return out;
}

async function mismatches(family: FamilyName, chars: string[]): Promise<string[]> {
  const oracle = ordinaryOracle(family);
  const bad = new Set<string>();
  for (const context of CONTEXTS) {
    for (let i = 0; i < chars.length; i += 4000) {
      const texts = chars.slice(i, i + 4000).map(context);
      const encodings = await oracle.encodeBatch(texts, { addSpecialTokens: false });
      encodings.forEach((e, j) => {
        if (e.getIds().length !== countTokens(texts[j], family)) bad.add(chars[i + j]);
      });
    }
  }
  return [...bad].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`);
}

describe('Unicode version of the pre-tokenizer classes (Oniguruma, Unicode 16)', () => {
  it('the flaky counterexample: "𲎰.A" (U+323B0, CJK Ext. J, Unicode 17.0) in Llama 3 chat framing', async () => {
    const msgs = [{ role: 'user', content: '𲎰.A' }];
    const rendered = renderChat('llama3', msgs);
    const oracle = (await fullOracle('llama3').encode(rendered, null, { addSpecialTokens: false })).getIds().length;
    assert.equal(countFamilyChat('llama3', msgs).tokens, oracle);
    for (const family of ['llama3', 'qwen3', 'deepseek_v3'] as const) {
      const n = (await ordinaryOracle(family).encode('x 𲎰.A', null, { addSpecialTokens: false })).getIds().length;
      assert.equal(countTokens('x 𲎰.A', family), n, family);
    }
  });
  const chars = codePoints(/[\p{L}\p{N}\p{M}\p{P}\p{S}]/u);
  for (const encoding of ['cl100k_base', 'o200k_base'] as const) {
    it(`${encoding}: every letter, digit, mark, punctuation and symbol of this runtime counts as tiktoken does`, () => {
      const bad = new Set<string>();
      for (const context of CONTEXTS)
        for (const c of chars) if (countTokens(context(c), encoding) !== oracleCount(context(c), encoding)) bad.add(c);
      assert.deepEqual(
        [...bad].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`),
        [],
      );
    });
  }
  for (const family of ['llama3', 'qwen3', 'deepseek_v3'] as const) {
    it(`${family}: every letter, digit, mark, punctuation and symbol of this runtime (${process.versions.unicode}) counts as the oracle does`, async () => {
      assert.deepEqual(await mismatches(family, chars), []);
    });
  }
});
