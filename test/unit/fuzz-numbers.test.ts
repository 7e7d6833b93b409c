// Fuzz tests for numbers read from files: Decimal parsing (src/core/pricing/decimal.ts), the flujo.toml
// analysis on arbitrary and mutated TOML, and the run ledger reader (src/core/history/ledger.ts) on
// arbitrary lines and mutated valid records. Documented errors: Decimal.parse throws RangeError
// (AbsurdNumberError past its limits); analyzeFlujoToml and parseLedgerLines never throw.
// Python float semantics the TOML checks rely on: tomllib turns a TOML float into float(text)
// (python/cpython Lib/tomllib/_parser.py, parse_float defaults to float), which is IEEE 754
// round-to-nearest like JavaScript's Number(text): beyond ±1.8e308 it is inf, below ~2.5e-324 it is 0.0.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AbsurdNumberError, DECIMAL_LIMITS, Decimal, MONEY_LIMITS } from '../../src/core/pricing/decimal';
import { analyzeFlujoToml, completeFlujoToml, hoverFlujoToml, quickFixes } from '../../src/core/flujo';
import { parseLedgerLines, ledgerWarnings } from '../../src/core/history/ledger';
import { RunRecord, validateEntry } from '../../src/core/history/record';
import { describeRun, formatTotalCost, groupRuns, runsToCsv, totalsOf } from '../../src/core/history/group';

const RUNS = 600;

/** Decimal text from parts, and what its value is, written independently of Decimal.parse. */
interface NumberParts {
  sign: '' | '-' | '+';
  whole: string;
  frac: string;
  exp: number | undefined;
}

const digitString = (max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: max });

const numberParts: fc.Arbitrary<NumberParts> = fc.record({
  sign: fc.constantFrom('' as const, '-' as const, '+' as const),
  whole: digitString(30).map((s) => s || '0'),
  frac: digitString(30),
  exp: fc.option(fc.oneof(fc.integer({ min: -40, max: 40 }), fc.integer({ min: -1200, max: 1200 }), fc.integer()), { nil: undefined }),
});

function textOf(p: NumberParts): string {
  return `${p.sign}${p.whole}${p.frac ? `.${p.frac}` : ''}${p.exp === undefined ? '' : `e${p.exp}`}`;
}

/** The plain decimal text of the value (no exponent, no trailing zeros), by string shifting only; undefined for zero. */
function referencePlain(p: NumberParts): { plain: string; significant: number; leading: number } | undefined {
  const all = p.whole + p.frac;
  const lead = all.search(/[1-9]/);
  if (lead < 0) return undefined;
  const trimmed = all.replace(/0+$/, '');
  const significant = trimmed.length - lead;
  const point = p.whole.length + (p.exp ?? 0); // decimal point position within `all`
  const leading = point - 1 - lead;
  if (Math.abs(leading) > 5000) return { plain: '', significant, leading };
  let digits = trimmed;
  let at = point;
  if (at < 0) {
    digits = '0'.repeat(-at) + digits;
    at = 0;
  }
  if (at > digits.length) digits = digits + '0'.repeat(at - digits.length);
  let int = digits.slice(0, at).replace(/^0+(?=\d)/, '') || '0';
  const frac = digits.slice(at).replace(/0+$/, '');
  if (!int) int = '0';
  const body = frac ? `${int}.${frac}` : int;
  return { plain: p.sign === '-' ? `-${body}` : body, significant, leading };
}

describe('fuzz: Decimal.parse', () => {
  it('equals an independent string-shifting reference, and refuses exactly what is past the limits', () => {
    fc.assert(
      fc.property(numberParts, (p) => {
        const text = textOf(p);
        const ref = referencePlain(p);
        for (const limits of [DECIMAL_LIMITS, MONEY_LIMITS]) {
          const absurd =
            ref !== undefined &&
            (ref.significant > limits.maxSignificantDigits || ref.leading > limits.maxExponent || ref.leading < limits.minExponent);
          let got: string | Error;
          try {
            got = Decimal.parse(text, limits).toString();
          } catch (err) {
            got = err as Error;
          }
          if (absurd) assert.ok(got instanceof AbsurdNumberError, `${text} should be absurd, got ${String(got)}`);
          else assert.equal(got, ref ? ref.plain : '0', text);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('arbitrary text: only RangeError, never another throw', () => {
    const numberish = fc.string({ unit: fc.constantFrom(...'0123456789eE+-._ xinfa'), maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), numberish), (text) => {
        try {
          Decimal.parse(text);
          Decimal.parse(text, MONEY_LIMITS);
        } catch (err) {
          assert.ok(err instanceof RangeError, `${JSON.stringify(text)} threw ${String(err)}`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('every finite double round-trips through fromNumber (shortest text, within MONEY_LIMITS)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const d = Decimal.fromNumber(x);
        assert.equal(d.toNumber(), x === 0 ? 0 : x);
        Decimal.parse(String(x), MONEY_LIMITS); // never absurd
      }),
      { numRuns: 3000 },
    );
  });
});

/** Number texts a hostile or careless flujo.toml holds. */
const hostileNumber = fc.oneof(
  fc.constantFrom(
    '1e999999999',
    '1e-999999999',
    '-1e999999999',
    '0e999999999',
    'inf',
    '-inf',
    'nan',
    '+nan',
    '1e308',
    '1e309',
    '5e-324',
    '2e-324',
    '1.7976931348623157e308',
    '0x7fffffffffffffff',
    '0xffffffffffffffffffff',
    '99999999999999999999999',
    '7'.repeat(320), // an integer past a float's range: never handed on as a price (found by this fuzz test)
    '1_000.000_1',
    '"1e999"',
    '"0.005"',
    '"1e-999"',
    '[1e999, 2]',
  ),
  numberParts.map(textOf),
  fc.integer({ min: 1, max: 400 }).map((n) => `1.${'7'.repeat(n)}`),
);

const POSITIONS = [
  (v: string) => `[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = ${v}\ncompletion_tokens_per_1k = 0.01\n`,
  (v: string) => `[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 0.0025\ncompletion_tokens_per_1k = ${v}\n`,
  (v: string) =>
    `[cost.providers.openai."dall-e-3"]\nprompt_tokens_per_1k = 0.0\ncompletion_tokens_per_1k = 0.0\nprice_per_image_hd_1024x1024 = ${v}\n`,
  (v: string) => `[budgets.default]\ntotal_cost_usd_limit = ${v}\ntotal_tokens_limit = ${v}\n`,
  (v: string) => `[budgets.pipeline."etl-*"]\ntotal_cost_usd_limit = ${v}\n`,
  (v: string) => `[cost.estimators.openai."gpt-4o"]\nexpected_cost_usd = ${v}\nexpected_tokens = ${v}\n`,
  (v: string) => `[cost.historical.openai."gpt-4o"]\navg_cost_usd = ${v}\n`,
  (v: string) => `[cost]\nstrict = ${v}\n`,
  (v: string) => `[settings]\nmax_retries = ${v}\n`,
  (v: string) => `[cost.providers.openai]\n"gpt-4o" = { prompt_tokens_per_1k = ${v}, completion_tokens_per_1k = ${v} }\n`,
  (v: string) => `[cost.learnable]\nenabled = ${v}\n`,
];

function assertAnalysisSane(text: string): void {
  const a = analyzeFlujoToml(text);
  const lines = text.split('\n').length;
  for (const d of a.diagnostics) {
    assert.ok(d.range.start.line >= 0 && d.range.end.line < lines + 1, `range of ${d.code} inside the file`);
    assert.ok(d.message.length < 2000, `message of ${d.code} is bounded (${d.message.length} chars)`);
    assert.ok(!/undefined|NaN/.test(d.message), `no undefined/NaN in: ${d.message}`);
    quickFixes(text, d);
    hoverFlujoToml(text, d.range.start);
  }
  for (let line = 0; line < Math.min(lines, 4); line++) completeFlujoToml(text, { line, character: 25 });
  for (const byModel of a.pricing.providers.values())
    for (const price of byModel.values())
      for (const d of [price.promptPer1k, price.completionPer1k, ...Object.values(price.images ?? {})])
        if (d) assert.ok(Number.isFinite(d.toNumber()), 'every price the analysis hands on is a finite number');
}

describe('fuzz: flujo.toml analysis on hostile numbers', () => {
  it('every number position: never throws, bounded messages, prices handed on are finite', () => {
    fc.assert(
      fc.property(hostileNumber, fc.integer({ min: 0, max: POSITIONS.length - 1 }), (v, i) => assertAnalysisSane(POSITIONS[i](v))),
      { numRuns: RUNS, includeErrorInReport: true },
    );
  });

  it('a float beyond the double range in a price is an absurd-value error on the value (Flujo reads inf)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 309, max: 2_000_000_000 }), fc.integer({ min: 1, max: 9 }), (e, m) => {
        const text = POSITIONS[0](`${m}e${e}`);
        const d = analyzeFlujoToml(text).diagnostics.find((x) => x.code === 'absurd-value');
        assert.ok(d, text);
        assert.equal(d.severity, 'error');
        assert.match(d.message, /reads it as inf/);
        assert.deepEqual([d.range.start.line, d.range.start.character], [1, 23]);
      }),
      { numRuns: 200 },
    );
  });

  it('mutated TOML (characters inserted, deleted, replaced around numbers) never throws', () => {
    const mutation = fc.record({
      at: fc.nat(),
      del: fc.nat({ max: 4 }),
      ins: fc.string({ maxLength: 6, unit: fc.constantFrom(...'0123456789eE+-._"[]{}=,\n xinf') }),
    });
    fc.assert(
      fc.property(hostileNumber, fc.integer({ min: 0, max: POSITIONS.length - 1 }), fc.array(mutation, { maxLength: 4 }), (v, i, ms) => {
        let text = POSITIONS[i](v);
        for (const m of ms) {
          const at = m.at % (text.length + 1);
          text = text.slice(0, at) + m.ins + text.slice(at + m.del);
        }
        assertAnalysisSane(text);
      }),
      { numRuns: RUNS, includeErrorInReport: true },
    );
  });
});

// ---- ledger ----

function validRecord(id: string, cost: string, tokens: number): RunRecord {
  return {
    v: 1,
    type: 'run',
    id,
    time: '2026-11-29T10:00:00.000Z',
    source: 'cli',
    status: 'ok',
    provider: 'openai',
    model: 'gpt-4o',
    costUsd: cost,
    usage: { inputTokens: tokens, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 7 },
    estimate: { inputTokens: tokens, outputTokens: 7, costUsd: '0.001' },
    latencyMs: 120,
    steps: [{ name: 's', success: true, tokens: 3, costUsd: '0.0001', latencyMs: 5 }],
  };
}

const FIELDS = [
  ['costUsd'],
  ['usage', 'inputTokens'],
  ['usage', 'outputTokens'],
  ['usage'],
  ['estimate', 'costUsd'],
  ['estimate', 'inputTokens'],
  ['estimate'],
  ['latencyMs'],
  ['totalTokens'],
  ['status'],
  ['time'],
  ['id'],
  ['v'],
  ['type'],
  ['steps'],
  ['steps', '0'],
  ['steps', '0', 'costUsd'],
  ['error'],
  ['warnings'],
  ['flujo'],
] as const;

const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('1e300000000', '1e-999999999', 'zz', '', '-1', '0.5', 0.5, -1, 1e300, 2, '2', null, [], {}),
);

function mutate(rec: RunRecord, path: readonly string[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(rec)) as Record<string, unknown>;
  let o: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) return copy;
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1]] = value;
  return copy;
}

describe('fuzz: ledger reader', () => {
  it('valid records survive next to arbitrary lines; every skipped line has a located warning', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 60 }).map((s) => s.replace(/\n/g, ' ')),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.tuple(fc.constantFrom(...FIELDS), hostileValue).map(([p, v]) => JSON.stringify(mutate(validRecord('m', '0.01', 5), p, v))),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(line, fc.constant(null)), { maxLength: 20 }), (items) => {
        const lines: string[] = [];
        const expected: string[] = [];
        items.forEach((l, i) => {
          if (l === null) {
            const id = `good-${i}`;
            expected.push(id);
            lines.push(JSON.stringify(validRecord(id, `0.00${i + 1}`, i)));
          } else lines.push(l);
        });
        const chunk = parseLedgerLines(Buffer.from(lines.map((l) => `${l}\n`).join('')), 0, 1);
        const ids = chunk.entries.map((e) => e.entry.id);
        for (const id of expected) assert.ok(ids.includes(id), `valid record ${id} kept`);
        // Every non-blank line is either an entry or a located warning, never both, never neither.
        const nonBlank = lines.map((l, i) => (l.trim() ? i + 1 : 0)).filter(Boolean);
        assert.deepEqual(
          [...chunk.entries.map((e) => e.line), ...chunk.corrupt.map((c) => c.line)].sort((a, b) => a - b),
          nonBlank,
        );
        for (const w of ledgerWarnings('runs.jsonl', chunk.corrupt)) assert.match(w.message, /^runs\.jsonl:\d+: skipped /);
      }),
      { numRuns: RUNS, includeErrorInReport: true },
    );
  });

  it('whatever passes validation, every consumer reads without throwing, and totals print no undefined or NaN', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...FIELDS), hostileValue), { maxLength: 3 }), (muts) => {
        let value: unknown = validRecord('x', '0.25', 10);
        for (const [p, v] of muts) value = mutate(value as RunRecord, p, v);
        const reason = validateEntry(value);
        if (reason !== undefined) {
          assert.ok(reason.length < 400, 'reasons are bounded');
          return;
        }
        const r = value as RunRecord;
        if (r.type !== 'run') return;
        const t = totalsOf([r, validRecord('y', '0.5', 3)]);
        const shown = [
          formatTotalCost(t),
          describeRun(r),
          runsToCsv([r]),
          JSON.stringify(t, (_k, v: unknown) => (v instanceof Decimal ? v.toString() : v)),
        ].join('\n');
        assert.ok(!/undefined|NaN/.test(shown), shown);
        groupRuns([r], 'model');
        groupRuns([r], 'day');
      }),
      { numRuns: 2000 },
    );
  });

  it('a v2 entry is reported as from a newer version, never read as v1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1000 }), fc.jsonValue({ maxDepth: 1 }), (v, extra) => {
        const line = JSON.stringify({ ...validRecord('n', '0.1', 1), v, extra });
        const chunk = parseLedgerLines(Buffer.from(`${line}\n`), 0, 1);
        assert.equal(chunk.entries.length, 0);
        assert.equal(chunk.corrupt[0].newerVersion, v);
      }),
      { numRuns: 200 },
    );
  });
});
