// Differential tests for the open-model families: our counts must equal Hugging Face tokenizers'
// (the Rust library, npm `tokenizers`, loading the same tokenizer.json; see tokenize/hfOracle.ts)
// for Llama 3, Qwen, DeepSeek V3 and Gemma 3 — 0 mismatches. fast-check shrinks any mismatch.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ROOT } from './tokenize/oracle';
import { CODE, EDGE, PROSE, WHITESPACE_AND_FORMAT, realFiles } from './tokenize/corpus';
import { mixedText, runs, unicodeText } from './tokenize/arbitraries';
import { oracleFamilyCount, oracleFamilyCounts, tokenizerJson } from './tokenize/hfOracle';
import { FAMILY_NAMES, FamilyName, IncrementalCounter, countTokens, isChunkBoundary, loadedVocabularies } from '../../src/core/tokenize';
import { FamilyEncoder } from '../../src/core/tokenize/hfbpe';
import { FAMILIES } from '../../src/core/tokenize/families';
import { loadVocabulary } from '../../src/core/tokenize/vocab';

const RUNS = Number(process.env.TOKENIZE_FC_RUNS ?? 200);

async function sameAll(texts: string[], family: FamilyName, encode: (t: string) => number = (t) => countTokens(t, family)): Promise<void> {
  const theirs = await oracleFamilyCounts(texts, family);
  texts.forEach((t, i) => {
    const ours = encode(t);
    if (ours !== theirs[i]) assert.fail(`${family}: ours ${ours} ≠ tokenizers ${theirs[i]} for ${JSON.stringify(t.slice(0, 200))}`);
  });
}

const asyncSame =
  (family: FamilyName, encode: (t: string) => number = (t) => countTokens(t, family)) =>
  async (t: string) =>
    encode(t) === (await oracleFamilyCount(t, family));

/** The family's added/special token strings, written into ordinary text. */
function specialsAsText(family: FamilyName): string[] {
  const added = (tokenizerJson(family).added_tokens as { content: string }[]).map((a) => a.content);
  const some = added.filter((_, i) => i < 40 || i % 97 === 0);
  return [some.join(''), some.join(' '), some.map((s) => `x${s}y`).join('\n'), `Hello ${some[0]} world${some[1] ?? ''}!`];
}

describe('families: lazy loading', () => {
  it('loads one family at a time, on first use', () => {
    const before = loadedVocabularies();
    if (!before.includes('qwen3')) {
      countTokens('hi', 'qwen3');
      assert.deepEqual(
        loadedVocabularies().filter((f) => !before.includes(f)),
        ['qwen3'],
      );
    }
  });
});

for (const family of FAMILY_NAMES) {
  describe(`tokenize differential vs Hugging Face tokenizers: ${family}`, () => {
    it('edge cases: empty, 1-char, NUL/control, CR/LF, runs, contractions', async () => {
      await sameAll(EDGE, family);
    });
    it('special and added token strings count as plain text', async () => {
      await sameAll(specialsAsText(family), family);
    });
    it('non-special added tokens are matched as the tokenizer does (newline/space runs, HTML tags, <think>, <｜User｜>)', async () => {
      const added = (tokenizerJson(family).added_tokens as { content: string; special: boolean }[])
        .filter((a) => !a.special)
        .map((a) => a.content);
      const texts = [
        'line one\n\nline two\n\n\n\nthree\n',
        '<table><tr><td>1</td></tr></table>\n<h1>Title</h1>',
        '<think>\nreasoning\n</think>\n\nanswer <tool_call>{"a":1}</tool_call>',
        '<｜User｜>hi<｜Assistant｜>hello',
        added.slice(0, 60).join(' x '),
        `${'\n'.repeat(40)}end${'\u2581'.repeat(40)}`,
      ];
      await sameAll(texts, family);
    });
    it('every Unicode whitespace and format character, alone and in context', async () => {
      const texts: string[] = [];
      for (const c of WHITESPACE_AND_FORMAT)
        texts.push(c, c + c + c, `a${c}b`, `a ${c} b`, `${c}\n`, `\n${c}x`, `x${c}`, `1${c}2`, `!${c}!`, `${c} x`, `  ${c}`);
      await sameAll(texts, family);
    });
    it('multilingual prose, emoji/ZWJ, combining marks (NFC for Qwen), code, JSON', async () => {
      await sameAll([...PROSE, PROSE.join('\n\n'), ...CODE, 'e\u0301\u0323 Å Å ｶﾞ ﬁ ㌀ 한\u1100\u1161'], family);
    });
    it('digits: runs of every length, grouped and mixed with letters and CJK', async () => {
      const texts = [];
      for (let n = 1; n <= 12; n++) texts.push('7'.repeat(n), `x${'1234567890'.slice(0, n)}y`, `${'٣'.repeat(n)} ${'½'.repeat(n)}`);
      texts.push('2024-11-29T23:59:59Z', 'v1.2.3', '3.14159265358979', '中文123日本語456', '1,000,000.00', '0x7fffffff');
      await sameAll(texts, family);
    });
    it('real files (repository sources, TypeScript lib)', async () => {
      const files = realFiles(ROOT, 12);
      await sameAll(
        files.map((f) => f.text),
        family,
      );
    });
    it('long single pieces (heap merge) up to 8k', async () => {
      await sameAll(
        [
          'a'.repeat(8000),
          ' '.repeat(3000),
          'ab'.repeat(3000),
          '7'.repeat(5000),
          '!'.repeat(4000),
          'é'.repeat(3000),
          'QmFzZTY0'.repeat(800),
          '\u3000'.repeat(2000),
          '\n'.repeat(3000),
          ' \n'.repeat(1000),
        ],
        family,
      );
    });
    it('generated: mixed special classes / ASCII / all of Unicode', async () => {
      await fc.assert(fc.asyncProperty(mixedText(48), asyncSame(family)), { numRuns: RUNS });
    });
    it('generated: random strings over all code points and UTF-16 units (lone surrogates)', async () => {
      await fc.assert(fc.asyncProperty(unicodeText(30), asyncSame(family)), { numRuns: RUNS });
    });
    it('generated: long digit / whitespace / punctuation / letter runs', async () => {
      await fc.assert(fc.asyncProperty(runs, asyncSame(family)), { numRuns: Math.ceil(RUNS / 3) });
    });
    it('heap merge equals the oracle when forced for every piece', async () => {
      const { vocab, meta } = loadVocabulary(family);
      const heapOnly = new FamilyEncoder(FAMILIES[family], vocab, { heapThreshold: 1, addedTokens: meta.addedTokens });
      const count = (t: string) => heapOnly.count(t);
      await sameAll([...EDGE, ...PROSE, ...CODE], family, count);
      await fc.assert(fc.asyncProperty(fc.oneof(mixedText(48), runs), asyncSame(family, count)), { numRuns: RUNS });
    });
  });
}

describe('families: incremental counting', () => {
  const lineText = fc
    .array(fc.tuple(mixedText(12), fc.constantFrom('\n', '\r\n', ' \n', '  \n', '!\n', '\n\n', ' ', '\t', '\n ', '')), { maxLength: 12 })
    .map((parts) => parts.map(([a, b]) => a + b).join(''));
  for (const family of FAMILY_NAMES) {
    it(`${family}: cutting at every safe boundary leaves the total unchanged`, () => {
      fc.assert(
        fc.property(lineText, (t) => {
          const full = countTokens(t, family);
          for (let p = 1; p < t.length; p++) {
            if (isChunkBoundary(t, p, family) && countTokens(t.slice(0, p), family) + countTokens(t.slice(p), family) !== full)
              return false;
          }
          return true;
        }),
        { numRuns: 150 },
      );
    });
    it(`${family}: IncrementalCounter follows edits exactly`, () => {
      const base = PROSE.join('\n') + '\n' + CODE.join('\n');
      const c = new IncrementalCounter(family, { chunkSize: 64 });
      c.setText(base);
      assert.equal(c.total, countTokens(base, family));
      let text = base;
      for (const [at, del, ins] of [
        [10, 0, 'x'],
        [100, 5, ''],
        [200, 0, '\n\n  '],
        [0, 3, '1234'],
      ] as [number, number, string][]) {
        text = text.slice(0, at) + ins + text.slice(at + del);
        assert.equal(c.applyEdit(at, del, ins), countTokens(text, family));
      }
    });
  }
});
