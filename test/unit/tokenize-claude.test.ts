// Claude's offline approximation (issue 11): our rank-BPE engine on the Claude vocabulary that
// ai-tokenizer (coder/ai-tokenizer, MIT) ships must count exactly as OpenAI's tiktoken (Rust, the
// `tiktoken` WASM package — the library Anthropic's own @anthropic-ai/tokenizer ran this
// vocabulary with) does with the same ranks and pattern (encode_ordinary), and a Claude model
// id's estimate is that count × 1.1 (ai-tokenizer's models table: contentMultiplier 1.1 for every
// Claude 3–4.5 model). ai-tokenizer's own JavaScript port differs only where JavaScript's `\s`
// differs from Rust's (U+FEFF), which the last test pins down.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { ROOT } from './tokenize/oracle';
import { CODE, EDGE, PROSE, WHITESPACE_AND_FORMAT, realFiles } from './tokenize/corpus';
import { mixedText, runs, unicodeText } from './tokenize/arbitraries';
import { countForModel, countTokens, tokenizerForModel } from '../../src/core/tokenize';
import { Encoder } from '../../src/core/tokenize/bpe';
import { loadRankTable } from '../../src/core/tokenize/ranks';

const RUNS = Number(process.env.TOKENIZE_FC_RUNS ?? 200);
const aiDir = path.join(ROOT, '.oracle', 'node_modules', 'ai-tokenizer');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ai = require(aiDir) as { Tokenizer: new (enc: unknown) => { encodeOrdinary(t: string): number[] } };
interface ClaudeEncoding {
  pat_str: string;
  stringEncoder: Record<string, number>;
  binaryEncoder: [Record<string, number>, number][];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const claudeEncoding = require(path.join(aiDir, 'dist', 'encoding', 'claude.cjs')) as ClaudeEncoding;
const theirs = new ai.Tokenizer(claudeEncoding);

/** tiktoken's rank file format ("! <first rank> <base64 token>…" per run of consecutive ranks). */
function tiktokenRanks(enc: ClaudeEncoding): string {
  const tokens: [Buffer, number][] = [
    ...Object.entries(enc.stringEncoder).map(([s, r]): [Buffer, number] => [Buffer.from(s, 'utf8'), r]),
    ...enc.binaryEncoder.map(([o, r]): [Buffer, number] => [Buffer.from(Object.values(o)), r]),
  ].sort((a, b) => a[1] - b[1]);
  const lines: string[] = [];
  let line: string[] = [];
  tokens.forEach(([b, r], i) => {
    if (i === 0 || r !== tokens[i - 1][1] + 1) {
      if (line.length) lines.push(line.join(' '));
      line = ['!', String(r)];
    }
    line.push(b.toString('base64'));
  });
  lines.push(line.join(' '));
  return lines.join('\n');
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tiktoken = require('tiktoken') as typeof import('tiktoken');
const rust = new tiktoken.Tiktoken(tiktokenRanks(claudeEncoding), {}, claudeEncoding.pat_str);
const oracle = (t: string) => rust.encode_ordinary(t).length;

function same(t: string, count: (t: string) => number = (x) => countTokens(x, 'claude')): void {
  const ours = count(t);
  const expected = oracle(t);
  if (ours !== expected) assert.fail(`claude: ours ${ours} ≠ tiktoken ${expected} for ${JSON.stringify(t.slice(0, 200))}`);
}

describe('claude vocabulary vs tiktoken (Rust) on the same ranks', () => {
  it('edge cases, whitespace and format characters, prose, code', () => {
    for (const t of [...EDGE, ...PROSE, ...CODE, PROSE.join('\n\n')]) same(t);
    for (const c of WHITESPACE_AND_FORMAT) for (const t of [c, c + c + c, `a${c}b`, `${c}\n`, `\n${c}x`, `  ${c}`]) same(t);
  });
  it('real files and long single pieces', () => {
    for (const f of realFiles(ROOT, 12)) same(f.text);
    for (const t of ['a'.repeat(5000), ' '.repeat(3000), 'QmFzZTY0'.repeat(500), '7'.repeat(3000), '\n'.repeat(2000)]) same(t);
  });
  it('generated: mixed classes, all of Unicode, runs', () => {
    fc.assert(
      fc.property(mixedText(48), (t) => countTokens(t, 'claude') === oracle(t)),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(unicodeText(30), (t) => countTokens(t, 'claude') === oracle(t)),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(runs, (t) => countTokens(t, 'claude') === oracle(t)),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
  it('heap merge forced for every piece', () => {
    const heapOnly = new Encoder('claude', loadRankTable('claude'), { heapThreshold: 1 });
    for (const t of [...EDGE, ...PROSE, ...CODE]) same(t, (x) => heapOnly.count(x));
  });
  it("ai-tokenizer's JavaScript port agrees except where JavaScript's \\s is not Rust's (U+FEFF)", () => {
    for (const t of [...PROSE, ...CODE]) assert.equal(countTokens(t, 'claude'), theirs.encodeOrdinary(t).length, t);
    assert.notEqual(oracle('\ufeff\n'), theirs.encodeOrdinary('\ufeff\n').length);
    assert.equal(countTokens('\ufeff\n', 'claude'), oracle('\ufeff\n'));
  });
  // ai-tokenizer rounds a text's count × 1.1 (Math.round, coder/ai-tokenizer src/sdk.ts); tokenize-claude-pipeline.test.ts
  it('a Claude model id: round(count × 1.1), approximate, with the source of its band', () => {
    const text = 'Summarise the following report in three bullet points.\n';
    for (const id of ['anthropic:claude-sonnet-4-5', 'claude-3-5-haiku-latest', 'bedrock/anthropic.claude-3-opus']) {
      const { tokens, encoding, approximate } = countForModel(text, id);
      assert.deepEqual(
        { tokens, encoding, approximate },
        { tokens: Math.round(oracle(text) * 1.1), encoding: 'claude', approximate: true },
      );
      assert.match(tokenizerForModel(id).method, /ai-tokenizer/);
    }
  });
});
