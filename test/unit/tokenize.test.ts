// Differential tests: our counts must equal tiktoken's (WASM, the oracle) encode_ordinary
// counts for every exact encoding. fast-check shrinks any mismatch to the smallest input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { oracleCount, ROOT } from './tokenize/oracle';
import { CODE, EDGE, PROSE, WHITESPACE_AND_FORMAT, realFiles } from './tokenize/corpus';
import { mixedText, runs, unicodeText } from './tokenize/arbitraries';
import { ENCODING_NAMES, OpenAiEncodingName, countTokens, getEncoder, loadedRankTables } from '../../src/core/tokenize';
import { Encoder, toWellFormed } from '../../src/core/tokenize/bpe';
import { loadRankTable } from '../../src/core/tokenize/ranks';
import { tableFor } from '../../src/core/tokenize/encodings';

const RUNS = Number(process.env.TOKENIZE_FC_RUNS ?? 300);

function same(text: string, encoding: OpenAiEncodingName): void {
  const ours = countTokens(text, encoding);
  const theirs = oracleCount(text, encoding);
  if (ours !== theirs) assert.fail(`${encoding}: ours ${ours} ≠ tiktoken ${theirs} for ${JSON.stringify(text)}`);
}

describe('tokenize: lazy loading', () => {
  it('loads no rank table before first use', () => {
    // other test files in this process may have loaded tables; only assert on what this file does first
    const before = loadedRankTables();
    countTokens('hi', 'r50k_base');
    assert.ok(loadedRankTables().includes('r50k_base'));
    assert.ok(loadedRankTables().length <= before.length + 1);
  });
  it('o200k_harmony shares the o200k_base table', () => {
    assert.equal(getEncoder('o200k_harmony').ranks, getEncoder('o200k_base').ranks);
  });
});

for (const encoding of ENCODING_NAMES) {
  describe(`tokenize differential vs tiktoken: ${encoding}`, () => {
    it('edge cases: empty, 1-char, NUL/control, CR/LF, runs, contractions, specials as text', () => {
      for (const t of EDGE) same(t, encoding);
    });
    it('every Unicode whitespace and format character, alone and in context', () => {
      for (const c of WHITESPACE_AND_FORMAT) {
        for (const t of [c, c + c + c, `a${c}b`, `a ${c} b`, `${c}\n`, `\n${c}x`, `x${c}`, `1${c}2`, `!${c}!`, `${c} x`, `  ${c}`])
          same(t, encoding);
      }
    });
    it('multilingual prose, emoji/ZWJ, combining marks', () => {
      for (const t of PROSE) same(t, encoding);
      same(PROSE.join('\n\n'), encoding);
    });
    it('code and JSON', () => {
      for (const t of CODE) same(t, encoding);
    });
    it('real files (repository sources, TypeScript lib)', () => {
      for (const f of realFiles(ROOT, 25)) {
        const ours = countTokens(f.text, encoding);
        assert.equal(ours, oracleCount(f.text, encoding), f.name);
      }
    });
    it('long single pieces (heap merge) up to 8k', () => {
      for (const t of [
        'a'.repeat(8000),
        ' '.repeat(3000),
        'ab'.repeat(3000),
        '7'.repeat(5000),
        '!'.repeat(4000),
        'é'.repeat(3000),
        'QmFzZTY0'.repeat(800),
        '\u3000'.repeat(2000),
      ])
        same(t, encoding);
    });
    it('generated: mixed special classes / ASCII / all of Unicode', () => {
      fc.assert(
        fc.property(mixedText(48), (t) => countTokens(t, encoding) === oracleCount(t, encoding)),
        { numRuns: RUNS },
      );
    });
    it('generated: random strings over all code points and UTF-16 units (lone surrogates)', () => {
      fc.assert(
        fc.property(unicodeText(30), (t) => countTokens(t, encoding) === oracleCount(t, encoding)),
        { numRuns: RUNS },
      );
    });
    it('generated: long digit / whitespace / punctuation / letter runs', () => {
      fc.assert(
        fc.property(runs, (t) => countTokens(t, encoding) === oracleCount(t, encoding)),
        { numRuns: Math.ceil(RUNS / 3) },
      );
    });
    it('heap merge equals the oracle when forced for every piece', () => {
      const heapOnly = new Encoder(encoding, loadRankTable(tableFor(encoding)), { heapThreshold: 1 });
      for (const t of [...EDGE, ...PROSE, ...CODE]) assert.equal(heapOnly.count(t), oracleCount(t, encoding), JSON.stringify(t));
      fc.assert(
        fc.property(fc.oneof(mixedText(48), runs), (t) => heapOnly.count(t) === oracleCount(t, encoding)),
        { numRuns: RUNS },
      );
    });
  });
}

describe('tokenize: pieces', () => {
  it('the split regex covers every character (pieces concatenate to the text)', () => {
    for (const encoding of ENCODING_NAMES) {
      const e = getEncoder(encoding);
      fc.assert(
        fc.property(mixedText(40), (t) => e.split(t).join('') === toWellFormed(t)),
        { numRuns: 200 },
      );
    }
  });
});
