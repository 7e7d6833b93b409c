// Chunk-split property and IncrementalCounter against full counts, for every encoding.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { oracleCount } from './tokenize/oracle';
import { mixedText, runs } from './tokenize/arbitraries';
import { CODE, PROSE } from './tokenize/corpus';
import { ENCODING_NAMES, IncrementalCounter, countTokens, isChunkBoundary, splitChunks } from '../../src/core/tokenize';

const RUNS = Number(process.env.TOKENIZE_FC_RUNS ?? 300);

/** Lines and words joined by the separators that matter for the boundary rules. */
const lineText = fc
  .array(
    fc.tuple(
      fc.oneof(
        mixedText(12),
        runs.map((s) => s.slice(0, 30)),
      ),
      fc.constantFrom('\n', '\r\n', '\r', ' \n', '  \n', '!\n', '\n\n', ' ', '\t', '\n/', '\n ', ''),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.map(([a, b]) => a + b).join(''));

for (const encoding of ENCODING_NAMES) {
  describe(`chunk boundaries: ${encoding}`, () => {
    it('cutting at every safe boundary leaves the total unchanged', () => {
      fc.assert(
        fc.property(lineText, (t) => {
          const full = countTokens(t, encoding);
          for (let p = 1; p < t.length; p++) {
            if (isChunkBoundary(t, p, encoding) && countTokens(t.slice(0, p), encoding) + countTokens(t.slice(p), encoding) !== full)
              return false;
          }
          return true;
        }),
        { numRuns: RUNS },
      );
    });
    it('the property holds for the oracle too (boundaries are a property of tiktoken, not of our port)', () => {
      for (const t of [...PROSE, ...CODE, 'a!\n/b', 'x  \ny', 'p\r\nq\rr']) {
        for (let p = 1; p < t.length; p++) {
          if (isChunkBoundary(t, p, encoding))
            assert.equal(
              oracleCount(t.slice(0, p), encoding) + oracleCount(t.slice(p), encoding),
              oracleCount(t, encoding),
              `${JSON.stringify(t)} @${p}`,
            );
        }
      }
    });
    it('splitting before any non-whitespace char after "\\n" is safe except the documented cases', () => {
      // The plain rule from the issue holds for cl100k_base; o200k needs "not '/'" and r50k/p50k "no whitespace before the \n".
      const t = 'a!\n/b';
      const o200k = encoding.startsWith('o200k');
      assert.equal(isChunkBoundary(t, 3, encoding), !o200k);
      const u = 'x  \ny';
      assert.equal(isChunkBoundary(u, 4, encoding), encoding === 'cl100k_base' || o200k);
    });
    it('splitChunks pieces concatenate to the text and counts add up', () => {
      fc.assert(
        fc.property(lineText, fc.integer({ min: 1, max: 40 }), (t, size) => {
          const chunks = splitChunks(t, encoding, size);
          return chunks.join('') === t && chunks.reduce((a, c) => a + countTokens(c, encoding), 0) === countTokens(t, encoding);
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe(`IncrementalCounter: ${encoding}`, () => {
    it('equals a full count after random edits', () => {
      const edit = fc.tuple(
        fc.nat(),
        fc.nat({ max: 8 }),
        fc.oneof(fc.constantFrom('', '\n', ' ', 'x', '/', '\r\n', "'s", '  \n'), mixedText(6)),
      );
      fc.assert(
        fc.property(lineText, fc.array(edit, { maxLength: 12 }), fc.integer({ min: 16, max: 64 }), (initial, edits, chunkSize) => {
          const c = new IncrementalCounter(encoding, { chunkSize });
          let text = initial;
          if (c.setText(text) !== countTokens(text, encoding)) return false;
          for (const [o, d, ins] of edits) {
            const offset = text.length === 0 ? 0 : o % (text.length + 1);
            const del = Math.min(d, text.length - offset);
            text = text.slice(0, offset) + ins + text.slice(offset + del);
            const got = c.applyEdit(offset, del, ins);
            if (got !== countTokens(text, encoding) || c.total !== got || c.text !== text) return false;
          }
          return true;
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
    });
    it('handles deleting everything and typing into an empty document', () => {
      const c = new IncrementalCounter(encoding, { chunkSize: 16 });
      const t = PROSE.join('\n');
      c.setText(t);
      assert.equal(c.applyEdit(0, t.length, ''), 0);
      assert.equal(c.applyEdit(0, 0, 'hello'), countTokens('hello', encoding));
      assert.throws(() => c.applyEdit(10, 1, ''), RangeError);
    });
  });
}

describe("the issue's plain rule (cut before any non-whitespace char after \\n) is not always safe", () => {
  it('o200k: "!\\n/" is one piece; r50k/p50k: whitespace before the \\n changes the pieces', () => {
    const cut = (t: string, p: number, e: Parameters<typeof oracleCount>[1]) => oracleCount(t.slice(0, p), e) + oracleCount(t.slice(p), e);
    assert.notEqual(cut('a!\n/b', 3, 'o200k_base'), oracleCount('a!\n/b', 'o200k_base'));
    assert.notEqual(cut('a \n\nb', 4, 'r50k_base'), oracleCount('a \n\nb', 'r50k_base'));
    assert.equal(isChunkBoundary('a!\n/b', 3, 'o200k_base'), false);
    assert.equal(isChunkBoundary('a \n\nb', 4, 'r50k_base'), false);
  });
});

describe('IncrementalCounter on a large document', () => {
  it('keeps a 200 kB document exact through edits at the start, middle and end', () => {
    let text = '';
    for (let i = 0; text.length < 200_000; i++) text += PROSE[i % PROSE.length] + (i % 3 ? '\n' : ' ') + CODE[i % CODE.length];
    const c = new IncrementalCounter('o200k_base');
    assert.equal(c.setText(text), countTokens(text, 'o200k_base'));
    assert.ok(c.chunkCount > 50);
    for (const offset of [0, 1, 99_999, text.length - 1, text.length]) {
      text = text.slice(0, offset) + 'Z' + text.slice(offset);
      assert.equal(c.applyEdit(offset, 0, 'Z'), countTokens(text, 'o200k_base'));
    }
  });
});
