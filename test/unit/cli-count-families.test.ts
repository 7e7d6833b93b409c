// `prompt-cost count --model ID --json` for the open-model families (issue 11): exact counts,
// `approximate: false`, equal to Hugging Face tokenizers on the family's tokenizer.json.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCount } from '../../src/cli/count';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';
import { oracleFamilyCount } from './tokenize/hfOracle';
import { FamilyName } from '../../src/core/tokenize';

describe('prompt-cost count --model: open-model families are exact', () => {
  let dir: string;
  const text = 'System: you are terse.\nUser: 1234567 naïve cafés — 東京 🙂 <|eot_id|> <start_of_turn>\n\n  indented\tcode();\n';
  before(() => {
    dir = tempDir('pc-count-fam-');
    fs.writeFileSync(path.join(dir, 'p.txt'), text);
  });
  const cases: [string, FamilyName][] = [
    ['meta-llama/Llama-3.1-8B-Instruct', 'llama3'],
    ['groq:llama-3.1-8b-instant', 'llama3'],
    ['bedrock:meta.llama3-1-70b-instruct-v1:0', 'llama3'],
    ['Qwen/Qwen3-32B', 'qwen3'],
    ['deepseek:deepseek-chat', 'deepseek_v3'],
    ['deepseek-reasoner', 'deepseek_v3'],
    ['gemma-3-27b-it', 'gemma3'],
  ];
  for (const [model, family] of cases) {
    it(`${model}: ${family}, approximate false, the oracle's count`, async () => {
      const io = fakeIO(dir);
      assert.equal(await runCount(['--model', model, '--json', 'p.txt'], io), 0, io.err);
      const expected = await oracleFamilyCount(text, family);
      assert.deepEqual(JSON.parse(io.out), {
        files: [{ path: 'p.txt', encoding: family, tokens: expected, approximate: false }],
        totalTokens: expected,
      });
    });
  }
  it('--encoding accepts a family name', async () => {
    const io = fakeIO(dir);
    assert.equal(await runCount(['--encoding', 'qwen3', '--json', 'p.txt'], io), 0, io.err);
    assert.equal(JSON.parse(io.out).files[0].tokens, await oracleFamilyCount(text, 'qwen3'));
  });
});
