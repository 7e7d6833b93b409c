// step_history read one step at a time (core/history/flujo/stepHistory.ts, issue 24 item 9): the element
// splitter must accept exactly the texts JSON.parse accepts as an array (ECMA-404 / RFC 8259 grammar, as V8's
// JSON.parse implements it) and yield the same elements; the steps beyond the per-run cap are summed so a
// run's cost and tokens are what the whole list adds up to (Flujo sums StepResult.cost_usd the same way:
// flujo/domain/models.py PipelineResult.total_cost_usd).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { forEachArrayElement, MAX_STEPS_PER_RUN, parseSteps } from '../../src/core/history/flujo/stepHistory';
import { RowWarnings } from '../../src/core/history/flujo/values';

/** Our splitter + per-element JSON.parse; undefined where it refuses the text. */
function split(text: string): unknown[] | undefined {
  const out: unknown[] = [];
  const ok = forEachArrayElement(text, (s, e) => {
    try {
      out.push(JSON.parse(text.slice(s, e)));
      return true;
    } catch {
      return false;
    }
  });
  return ok ? out : undefined;
}

/** The reference: one JSON.parse, an array or refused. */
function reference(text: string): unknown[] | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** JSON text pieces that stress the splitter: brackets, commas and quotes inside strings, escapes, white space. */
const piece = fc.constantFrom(
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '"',
  '\\',
  '\\"',
  ' ',
  '\n',
  '\t',
  '1',
  '-0.5e3',
  'true',
  'null',
  '"a,]"',
  '"\\u005d"',
  'x',
);

describe('forEachArrayElement agrees with JSON.parse', () => {
  it('on arrays JSON.stringify writes (any JSON values, any spacing)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 4 })), fc.constantFrom(undefined, 1, '\t'), (values, space) => {
        const text = JSON.stringify(values, null, space);
        assert.deepEqual(split(text), reference(text));
      }),
      { numRuns: 400 },
    );
  });

  it('on near-JSON junk built from the tricky pieces (accepts exactly what JSON.parse accepts as an array)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (parts) => {
        const text = parts.join('');
        assert.deepEqual(split(text), reference(text), JSON.stringify(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('on hand-picked edge cases', () => {
    for (const text of [
      '[]',
      ' [ ] ',
      '[1,]',
      '[,1]',
      '[1 2]',
      '[1],',
      '["]"]',
      '["\\\\"]',
      '[{"a":[1,{"b":"}"}]}]',
      '[1]x',
      '\ufeff[1]',
      '[',
      '[[]',
      '[]]',
    ]) {
      assert.deepEqual(split(text), reference(text), text);
    }
  });

  it('is linear: 2 M nested brackets inside one element and 1 M elements each take well under a second of work', () => {
    const deep = `[${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}]`;
    let calls = 0;
    assert.equal(
      forEachArrayElement(deep, () => (calls++, true)),
      true,
    );
    assert.equal(calls, 1);
    const wide = `[${'0,'.repeat(999_999)}0]`;
    calls = 0;
    assert.equal(
      forEachArrayElement(wide, () => (calls++, true)),
      true,
    );
    assert.equal(calls, 1_000_000);
  });
});

describe('parseSteps: the per-run cap', () => {
  const where = 'workflow_state rowid 1 (run "r")';

  it(`keeps ${MAX_STEPS_PER_RUN} steps and sums the rest, exactly`, () => {
    const n = MAX_STEPS_PER_RUN + 250;
    const list = Array.from({ length: n }, (_, i) => ({ name: `s${i}`, cost_usd: 0.1, token_counts: 3, latency_s: 0.25, success: true }));
    const warnings: string[] = [];
    const steps = parseSteps(JSON.stringify(list), (m) => warnings.push(m), where, new RowWarnings(warnings))!;
    assert.equal(steps.length, MAX_STEPS_PER_RUN + 1);
    const rest = steps[MAX_STEPS_PER_RUN];
    assert.equal(rest.name, '(250 more steps, summed)');
    assert.equal(rest.costUsd!.toString(), '25'); // 250 × 0.1, exact decimal (a float sum gives 24.999999999999844)
    assert.equal(rest.tokens, 750);
    assert.equal(rest.latencyMs, 62_500);
    assert.equal(rest.success, true);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^workflow_state rowid 1 \(run "r"\), step_history: 1,250 steps; the first 1,000 are kept/);
  });

  it('an unknown token count or a null cost among the summed steps makes the sum unknown, as for a kept step', () => {
    const list: Record<string, unknown>[] = Array.from({ length: MAX_STEPS_PER_RUN + 2 }, () => ({
      name: 's',
      cost_usd: 0.5,
      token_counts: 1,
    }));
    list[MAX_STEPS_PER_RUN + 1] = { name: 's', cost_usd: null };
    const steps = parseSteps(JSON.stringify(list), () => {}, where, new RowWarnings([]))!;
    const rest = steps[MAX_STEPS_PER_RUN];
    assert.equal(rest.tokens, undefined);
    assert.equal(rest.costUnusable, true);
  });

  it('value problems are located by step index, and not reported for a list that turns out invalid', () => {
    const warnings: string[] = [];
    const ok = parseSteps('[{"name":"a","token_counts":-5}]', () => {}, where, new RowWarnings(warnings));
    assert.equal(ok!.length, 1);
    assert.deepEqual(warnings, [`${where}, step_history[0].token_counts: -5 is out of range; left unknown`]);
    const none: string[] = [];
    const skipped: string[] = [];
    assert.equal(
      parseSteps('[{"name":"a","token_counts":-5}', (m) => skipped.push(m), where, new RowWarnings(none)),
      undefined,
    );
    assert.deepEqual(none, []);
    assert.deepEqual(skipped, [`${where}, step_history: not valid JSON; steps skipped`]);
    assert.equal(
      parseSteps('{"name":"a"}', (m) => skipped.push(m), where, new RowWarnings(none)),
      undefined,
    );
    assert.equal(skipped[1], `${where}, step_history: not a list; steps skipped`);
  });
});
