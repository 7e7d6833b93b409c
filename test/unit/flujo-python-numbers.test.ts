// Numbers as CPython itself reads them for Flujo v0.6.11 (aandresalvarez/flujo, tag v0.6.11):
// 1. tomllib's integers: CPython Lib/tomllib/_re.py match_to_number converts a TOML integer with
//    `int(match.group(), 0)`; for a decimal literal that is a base-10 conversion, which raises ValueError past
//    sys.int_info.default_max_str_digits = 4300 digits (CPython gh-95778, CVE-2020-10735; sign and underscores
//    are not digits, 0x/0o/0b literals are exempt). tomllib lets the ValueError through and Flujo's
//    ConfigManager.load_config turns it into ConfigurationError (flujo/infra/config_manager.py:508-509
//    `except (OSError, ValueError)`): the file does not load.
// Each case is checked against the real python3 on this machine (tomllib, Python ≥ 3.11) where it is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { analyzeFlujoToml } from '../../src/core/flujo';
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
