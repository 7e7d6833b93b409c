// Numbers as CPython itself reads them for Flujo v0.6.11 (aandresalvarez/flujo, tag v0.6.11):
// 1. tomllib's integers: CPython Lib/tomllib/_re.py match_to_number converts a TOML integer with
//    `int(match.group(), 0)`; for a decimal literal that is a base-10 conversion, which raises ValueError past
//    sys.int_info.default_max_str_digits = 4300 digits (CPython gh-95778, CVE-2020-10735; sign and underscores
//    are not digits, 0x/0o/0b literals are exempt). tomllib lets the ValueError through and Flujo's
//    ConfigManager.load_config turns it into ConfigurationError (flujo/infra/config_manager.py:508-509
//    `except (OSError, ValueError)`): the file does not load.
// 2. Estimator and historical keys: Flujo's estimators call Python's float()/int() on them
//    (flujo/application/core/runtime/estimation.py:110 `float(c or 0.0)`, `int(t or 0)`; :252 the same for
//    [cost.historical]), not pydantic: src/core/flujo/analysis/pythonNumbers.ts models CPython's
//    Objects/floatobject.c, Python/pystrtod.c and Objects/longobject.c; differential-tested here on ~500 strings.
// Each case is checked against the real python3 on this machine (tomllib, Python ≥ 3.11) where it is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { analyzeFlujoToml } from '../../src/core/flujo';
import { pythonFloatString, pythonIntString } from '../../src/core/flujo/analysis/pythonNumbers';
import { flujoRecording } from '../../src/core/pricing/flujo';

const MINI = '[cost.providers.openai."gpt-4o-mini"]\nprompt_tokens_per_1k = 0.00015\ncompletion_tokens_per_1k = 0.0006\n';

/** Runs `script` with JSON on stdin in python3; undefined (with why) when python3 ≥ 3.11 is not there. */
function python(script: string, input: unknown): { out?: unknown; why?: string } {
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error || r.status !== 0)
    return { why: `python3 ≥ 3.11 not usable here: ${r.error?.message ?? r.stderr.split('\n').slice(-2).join(' ')}` };
  return { out: JSON.parse(r.stdout) };
}

const d = (n: number) => '7'.repeat(n);

/** [what, TOML text, Flujo loads it]: the expectation is written from the CPython source named above. */
const INTEGER_CASES: [string, string, boolean][] = [
  ['4,300 digits', `x = ${d(4300)}\n`, true],
  ['4,301 digits', `x = ${d(4301)}\n`, false],
  ['a minus sign is not a digit', `x = -${d(4300)}\n`, true],
  ['a plus sign is not a digit', `x = +${d(4300)}\n`, true],
  ['… but 4,301 digits with a sign fail', `x = -${d(4301)}\n`, false],
  ['underscores are not digits (4,300)', `x = ${d(2150)}_${d(2150)}\n`, true],
  ['underscores are not digits (4,301)', `x = ${d(2150)}_${d(2151)}\n`, false],
  ['hexadecimal has no limit', `x = 0x${'f'.repeat(6000)}\n`, true],
  ['octal has no limit', `x = 0o${d(6000)}\n`, true],
  ['binary has no limit', `x = 0b${'1'.repeat(20000)}\n`, true],
  ['a float is float(): no limit (inf)', `x = ${d(5000)}.0\n`, true],
  ['a float exponent form', `x = 1${'0'.repeat(5000)}e-4990\n`, true],
  ['inside an array', `x = [1, ${d(4301)}]\n`, false],
  ['inside an inline table', `x = { y = ${d(4301)} }\n`, false],
  ['in an array of inline tables', `x = [{ y = [${d(4301)}] }]\n`, false],
  ['a string of digits is a string', `x = "${d(5000)}"\n`, true],
  ['digits in a comment', `# ${d(5000)}\nx = 1\n`, true],
  ['a price with 4,301 digits', `${MINI.replace('0.00015', d(4301))}`, false],
];

test('tomllib refuses a decimal integer past 4,300 digits (int() max str digits): the load fails, located, $0 recorded', () => {
  for (const [what, text, loads] of INTEGER_CASES) {
    const a = analyzeFlujoToml(text);
    assert.equal(a.pricing.loadError === undefined, loads, `${what}: ${a.pricing.loadError}`);
    const limit = a.diagnostics.filter((x) => /Python's int\(\) converts at most 4,300/.test(x.message));
    assert.equal(limit.length, loads ? 0 : 1, what);
    if (!loads) {
      assert.equal(limit[0].code, 'toml-syntax');
      assert.equal(limit[0].severity, 'error');
    }
  }
  // Located at the first such literal (tomllib stops there), the whole literal underlined.
  const two = `${MINI}a = 1\nb = ${d(4301)}\nc = ${d(4400)}\n`;
  const [diag] = analyzeFlujoToml(two).diagnostics.filter((x) => x.code === 'toml-syntax');
  assert.deepEqual(diag.range, { start: { line: 4, character: 4 }, end: { line: 4, character: 4305 } });
  assert.match(diag.message, /This integer has 4,301 digits/);
  // Flujo records $0: nothing in the file applies (flujo/cost.py extract_usage_metrics on a ConfigurationError).
  const a = analyzeFlujoToml(two);
  assert.equal(flujoRecording(a.pricing, 'openai:gpt-4o-mini').kind, 'zero');
});

test('the real tomllib agrees on every integer case (python3 ≥ 3.11, when installed)', (t) => {
  const script = [
    'import json, sys, tomllib',
    'out = []',
    'for text in json.load(sys.stdin):',
    '    try:',
    '        tomllib.loads(text); out.append("loads")',
    '    except tomllib.TOMLDecodeError as e:',
    '        out.append("TOMLDecodeError")',
    '    except ValueError as e:',
    '        out.append("ValueError: " + str(e)[:70])',
    'print(json.dumps(out))',
  ].join('\n');
  const r = python(script, [...INTEGER_CASES.map(([, text]) => text), `x = ${d(4301)}\n`]);
  if (r.why) {
    t.skip(r.why);
    return;
  }
  const got = r.out as string[];
  // The error really is ValueError, not TOMLDecodeError (so load_config's `except (OSError, ValueError)` takes it).
  assert.match(got[got.length - 1], /^ValueError: Exceeds the limit \(4300 digits\) for integer string conversion/);
  assert.deepEqual(
    got.slice(0, -1).map((g, i) => [INTEGER_CASES[i][0], g === 'loads']),
    INTEGER_CASES.map(([what, , loads]) => [what, loads]),
  );
});

/** Strings written to probe float()/int(): signs, underscores (PEP 515), spaces of every kind, inf/nan, Unicode digits. */
const CURATED = [
  '1_000',
  ' 1_000',
  '1_000 ',
  '1_.5',
  '1._5',
  '1__0',
  '_1',
  '1_',
  '+_1',
  '1_e5',
  '1e_5',
  '1e5_0',
  '1_0e1_0',
  '0_0',
  '1.',
  '.5',
  '.',
  '',
  ' ',
  '1e',
  'e5',
  '1e+',
  '1E-3',
  '+1.5',
  '-.5e-2',
  '++1',
  '+-1',
  '- 1',
  '1 000',
  '0x10',
  '1e999',
  '-1e999',
  '1e-999',
  'inf',
  'INF',
  '+inf',
  '-Inf',
  'infinity',
  'Infinity',
  '-INFINITY',
  'infinit',
  'infinityy',
  'nan',
  'NaN',
  '-nan',
  '+NAN',
  'nan(1)',
  ' \t\n\v\f\r5\r\n',
  '\x1c5',
  '5\x1f',
  '\xa05\u3000',
  '\u20075\u2028',
  '\u00855',
  '5\x7f',
  '\x7f',
  '٣',
  '１２.５',
  '１_０',
  '𝟗𝟗',
  '߁',
  '²',
  '5²',
  '٣e٢',
  'Ⅻ',
  '1\x000',
  '5\u0660',
  '\u0660x',
  '00012',
  '-0',
  '-0.0',
  '0.1',
  '3.141592653589793238462643383279',
  '9007199254740993',
  '123456789012345678901234567890',
  '2.5',
  '5.0',
  '+5',
  '-5',
  '٠٠٧',
  ' -7 ',
  '7_7_7',
  '1e308',
  '2e308',
  '4.9e-324',
  '2e-324',
];

/** A deterministic generator (mulberry32) of short strings over the pieces float() and int() care about. */
function generated(count: number): string[] {
  let seed = 0x5eed;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pieces = [
    '1',
    '0',
    '9',
    '5',
    '_',
    '.',
    'e',
    'E',
    '-',
    '+',
    ' ',
    '\t',
    '\x1c',
    '\xa0',
    '\u3000',
    'inf',
    'nan',
    'inity',
    '٣',
    '１',
    '𝟗',
    '²',
    'x',
    '\x7f',
  ];
  const weights = pieces.map((p) => (/^[0-9]$/.test(p) ? 6 : p === '_' || p === '.' ? 3 : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const pick = () => {
    let r = rand() * total;
    for (let i = 0; i < pieces.length; i++) if ((r -= weights[i]) < 0) return pieces[i];
    return pieces[0];
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(Array.from({ length: 1 + Math.floor(rand() * 7) }, pick).join(''));
  return out;
}

const PROBES = [...CURATED, ...generated(420), '7'.repeat(4300), '7'.repeat(4301), ` ${'7'.repeat(2000)}_${'7'.repeat(2301)} `];

test("Python's float() and int() of a string, differential against the real python3 (~500 strings)", (t) => {
  const script = [
    'import json, sys',
    'def f(s):',
    '    try: return repr(float(s))',
    '    except ValueError: return "error"',
    'def i(s):',
    '    try: return str(int(s))',
    '    except ValueError: return "error"',
    'print(json.dumps([[f(s), i(s)] for s in json.load(sys.stdin)]))',
  ].join('\n');
  const r = python(script, PROBES);
  if (r.why) {
    t.skip(r.why);
    return;
  }
  const got = r.out as [string, string][];
  const pyNumber = (x: string) => (x === 'inf' ? Infinity : x === '-inf' ? -Infinity : x === 'nan' ? NaN : Number(x));
  const mismatches: string[] = [];
  PROBES.forEach((s, k) => {
    const [pf, pi] = got[k];
    const f = pythonFloatString(s);
    const floatAgrees = f === undefined ? pf === 'error' : pf !== 'error' && Object.is(Number(f), pyNumber(pf));
    const n = pythonIntString(s);
    const intAgrees = n === undefined ? pi === 'error' : String(n) === pi;
    if (!floatAgrees || !intAgrees)
      mismatches.push(`${JSON.stringify(s).slice(0, 60)}: python ${pf} / ${pi.slice(0, 20)}, ours ${f} / ${n}`);
  });
  assert.deepEqual(mismatches, []);
  // The probes reach both outcomes of each reader (a test that cannot fail would not).
  assert.ok(got.filter(([f]) => f === 'error').length > 50 && got.filter(([f]) => f !== 'error').length > 50);
  assert.ok(got.filter(([, i]) => i === 'error').length > 50 && got.filter(([, i]) => i !== 'error').length > 50);
});

test('estimator and historical values as Flujo reads them: float()/int(), not pydantic', () => {
  const shown = (key: string, value: string) =>
    analyzeFlujoToml(`[cost.estimators.openai."gpt-4o"]\n${key} = ${value}\n`).diagnostics.map(
      (x) => `${x.code}${x.data?.kind === 'replace-value' ? ` → ${x.data.replacement}` : ''}`,
    );
  const cost = (v: string) => shown('expected_cost_usd', v);
  const tokens = (v: string) => shown('expected_tokens', v);
  // float(" 1_000") is 1000.0 (pydantic-core refuses it: its underscore fallback does not trim).
  assert.deepEqual(cost('" 1_000"'), ['lax-value → 1000.0']);
  // "1_.5": an underscore before a dot (PEP 515) — float() raises (pydantic-core reads 1.5).
  assert.deepEqual(cost('"1_.5"'), ['wrong-type']);
  assert.deepEqual(cost('"١٢.٥"'), ['lax-value → 12.5']); // Unicode digits
  assert.deepEqual(cost('""'), ['lax-value → 0.0']); // `c or 0.0`: an empty string is 0.0, not an error
  assert.deepEqual(cost('[]'), ['lax-value → 0.0']);
  assert.deepEqual(cost('[1]'), ['wrong-type']); // float([1]) is a TypeError
  assert.deepEqual(cost('true'), ['lax-value → 1.0']);
  assert.deepEqual(cost('0.02'), []);
  assert.deepEqual(cost('"-0.5"'), ['lax-value → -0.5', 'negative-value']);
  assert.deepEqual(tokens('" 1_000 "'), ['lax-value → 1000']);
  assert.deepEqual(tokens('"5.0"'), ['wrong-type']); // int("5.0") raises (pydantic reads 5)
  assert.deepEqual(tokens('2.7'), ['lax-value → 2']); // int(2.7) truncates
  assert.deepEqual(tokens('-2.7'), ['lax-value → -2', 'negative-value']);
  assert.deepEqual(tokens(`"${'7'.repeat(4301)}"`), ['absurd-value', 'wrong-type']); // int()'s 4,300-digit limit (absurd besides)
  // [cost.historical] the same way (estimation.py:252).
  const hist = analyzeFlujoToml('[cost.historical.openai."gpt-4o"]\navg_cost_usd = "\u00a00.5"\navg_tokens = "x"\n').diagnostics;
  assert.deepEqual(
    hist.map((x) => x.code),
    ['lax-value', 'wrong-type'],
  );
  assert.match(hist[0].message, /Flujo \(Python's float\(\)\) reads "\u00a00\.5" as 0\.5/);
  assert.match(hist[1].message, /Flujo's int\(\) fails on it and it skips this estimate/);
});
