// jsonErrorOffset (src/core/promptBudgets/jsonErrorOffset.ts) against V8's own JSON.parse, the parser
// prompt-cost.json is read with: the same texts are valid, and where V8's message names a position
// ("… in JSON at position N", ECMA-262 JSON.parse), the offset is that position.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonErrorOffset } from '../../src/core/promptBudgets/jsonErrorOffset';

function v8Position(src: string): number | 'valid' | undefined {
  try {
    JSON.parse(src);
    return 'valid';
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    return m ? Number(m[1]) : undefined;
  }
}

/** JSON-ish text: real JSON, then one edit (insert, delete or replace a character from JSON's alphabet). */
const jsonish = fc
  .tuple(
    fc.jsonValue({ maxDepth: 4 }),
    fc.boolean(),
    fc.nat(),
    fc.constantFrom('', ',', ':', '{', '}', '[', ']', '"', 'x', '1', ' ', '\\', '\\u', '-', 'e', '.'),
    fc.nat(2),
  )
  .map(([v, pretty, at, ch, mode]) => {
    const s = JSON.stringify(v, null, pretty ? 1 : undefined) ?? 'null';
    const i = at % (s.length + 1);
    return mode === 0 ? s.slice(0, i) + ch + s.slice(i) : mode === 1 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + ch + s.slice(i + 1);
  });

describe('jsonErrorOffset', () => {
  it('valid exactly when JSON.parse accepts; the position V8 names where it names one', () => {
    fc.assert(
      fc.property(jsonish, (src) => {
        const v8 = v8Position(src);
        const ours = jsonErrorOffset(src);
        if (v8 === 'valid') assert.equal(ours, -1, `valid: ${JSON.stringify(src)}`);
        else {
          assert.ok(ours >= 0 && ours <= src.length, `invalid: ${JSON.stringify(src)} → ${ours}`);
          if (v8 !== undefined) assert.equal(ours, v8, `position of ${JSON.stringify(src)}`);
        }
      }),
      { numRuns: 3000, seed: 24 },
    );
  });

  it('hand cases: where each mistake is', () => {
    assert.equal(jsonErrorOffset('{"a": 1,}'), 8); // trailing comma: the `}`
    assert.equal(jsonErrorOffset('{"a" 1}'), 5);
    assert.equal(jsonErrorOffset('[1, 2'), 5); // ends too early: the end
    assert.equal(jsonErrorOffset(''), 0);
    assert.equal(jsonErrorOffset('{"a": tru}'), 9);
    assert.equal(jsonErrorOffset('"\\x"'), 2);
    assert.equal(jsonErrorOffset('[01]'), 2);
    assert.equal(jsonErrorOffset('{"a": [1, {"b": null}]} x'), 24);
    assert.equal(jsonErrorOffset(' {"a": [1, {"b": -1.5e+3}], "c": "\\u00e9"} '), -1);
    // A bad \u escape: at its first character that is not a hex digit, where V8 says "Bad Unicode escape in
    // JSON at position N" (a 15-fold run of the property above found `"\u     "`, where it was the `u`).
    assert.equal(jsonErrorOffset('["\\u     "]'), 4);
    assert.equal(jsonErrorOffset('["","\\u12"]'), 9);
    assert.equal(jsonErrorOffset('"\\u12G4"'), 5);
    assert.equal(jsonErrorOffset('"\\u12'), 5); // ends too early: the end
    for (const src of ['["\\u     "]', '["","\\u12"]', '"\\u12G4"', '"\\u12']) assert.equal(jsonErrorOffset(src), v8Position(src), src);
  });

  it('1 MB of rules with a mistake at the end: linear (the located offset, under a second)', () => {
    const src = '{"budgets": [' + '{"files": "a", "max_input_tokens": 1},\n'.repeat(25_000) + 'x]}';
    const t = process.hrtime.bigint();
    assert.equal(jsonErrorOffset(src), src.length - 3);
    assert.ok(Number(process.hrtime.bigint() - t) / 1e6 < 1000);
  });
});
