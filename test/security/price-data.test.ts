// Issue 24, item 8: downloaded price data (genai-prices' data.json shape, pydantic/genai-prices
// prices/data.json: providers[].models[].match with `regex` clauses) within the 20 MB download cap. 50,000
// models with a distinct regex each made every lookup of an unknown id compile and try all of them
// (minutes, 4 GB in the probe). The real data has 43 regex rules of 1,161 characters in all (the bundled
// src/core/pricing/reference-data.json): the catalog now takes at most 1,000 rules / 32 KiB of pattern.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { compiled } from '../support/bounded';
import { runCodeAsync, withinBounds } from './support';

/** Price data with `n` models, each matched by its own ~`len`-character regex; then lookups of unknown ids. */
function probe(n: number, len: number): string {
  return `const { validateCatalogData, loadReferenceCatalog } = require(${compiled('core/pricing/reference')});
    const pad = 'x'.repeat(${len});
    const models = Array.from({ length: ${n} }, (_, i) => ({
      id: 'm' + i, match: { regex: '^m' + i + '-(a|b)+' + pad + '$' }, prices: { input_mtok: 1, output_mtok: 2 } }));
    const data = [{ id: 'p', name: 'P', models }];
    const text = JSON.stringify(data);
    const v = validateCatalogData(JSON.parse(text));
    let found = 0;
    if (v.ok) {
      const cat = loadReferenceCatalog(data, { source: 'updated' });
      for (let k = 0; k < 20; k++) if (cat.find('p', 'unknown-' + k)) found++;
      if (cat.find('p', 'm7-ab' + pad)) found++;
    }
    console.log(JSON.stringify({ bytes: text.length, ok: v.ok, errors: v.errors.slice(0, 2), found }));`;
}

describe('security 8: price data with hostile match patterns', () => {
  it('50,000 pattern models (≈ 5 MB, under the 20 MB cap): rejected as a whole by the rule cap, at once', async () => {
    const r = await runCodeAsync(probe(50_000, 10));
    withinBounds('8 price data: 50k regex models', r);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.bytes < 20 * 1024 * 1024, `${out.bytes} bytes`);
    assert.equal(out.ok, false);
    assert.match(
      out.errors[0],
      /models\[1000\] \(m1000\)\.match\.regex: more than 1000 regex rules or 32768 pattern characters in the whole file/,
    );
  });

  it('long patterns: the character cap holds before the rule cap', async () => {
    const r = await runCodeAsync(probe(400, 250));
    withinBounds('8 price data: 400 regex models of 260 characters', r);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, false);
    assert.match(out.errors[0], /pattern characters in the whole file/);
  });

  it('just under the caps (1,000 short patterns): accepted, and lookups stay bounded and right', async () => {
    const r = await runCodeAsync(probe(1_000, 10));
    withinBounds('8 price data: 1,000 regex models (accepted)', r);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, true, JSON.stringify(out.errors));
    assert.equal(out.found, 1, 'm7-ab… found by its rule, the 20 unknown ids by none');
  });
});
