// Issue 25, round three: numbers as Flujo v0.6.11 (aandresalvarez/flujo, tag v0.6.11) really reads them.
// flujo.toml is read with CPython's tomllib (flujo/infra/config_manager.py:398-399) and validated by pydantic
// v2 models in lax mode (pydantic>=2.11.7,<2.13 in Flujo's pyproject.toml:32 → pydantic-core 2.33–2.41).
// Strings in float fields follow pydantic-core src/input/shared.rs `str_as_float` (v2.41.5 lines 101-109:
// Rust's f64 parse of the trimmed text, else of the text with single underscores removed), strings in int
// fields `str_as_int` + `clean_int_str` (lines 77-169), floats in int fields `float_as_int` (lines 202-212).
// Every expectation below was written from that source; where python3 with pydantic 2 is installed the
// last test also runs the real pydantic on the same cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFlujoToml, applyEdits, decodeTomlBytes, lintFlujoToml, quickFixes } from '../../src/core/flujo';
import { pydanticFloatText, pydanticIntString } from '../../src/core/flujo/analysis/values';
import { readFlujoHistoryConfig } from '../../src/core/flujo/historyConfig';
import { budgetsFromToml, checkLimits, costLimitOf, summarizeBudgets, tokensLimitOf } from '../../src/core/history/budgets';
import { budgetRowView } from '../../src/features/history/viewModel';
import { shownValue } from '../../src/core/untrustedText';
import { PriceCatalog } from '../../src/core/pricing';
import { Decimal } from '../../src/core/pricing/decimal';
import { main } from '../../src/cli/main';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';

/** total_cost_usd_limit (Optional[float], ge=0, flujo/domain/models.py:409): string → what pydantic keeps. */
const COST_STRINGS: [string, string | 'inf' | 'reject'][] = [
  ['5', '5'],
  [' 5 ', '5'], // trimmed (Rust str::trim)
  ['\u00855\u3000', '5'], // Rust's trim is Unicode White_Space: NEL and ideographic space too
  ['\ufeff5', 'reject'], // … but not U+FEFF, which JavaScript's trim would strip
  ['1_000', '1000'], // strip_underscores
  ['1_.5', '1.5'], // only leading, trailing and doubled underscores are refused
  [' 1_000', 'reject'], // the underscore path does not trim
  ['1__000', 'reject'],
  ['_1', 'reject'],
  ['1_', 'reject'],
  ['5.', '5'],
  ['.5', '0.5'],
  ['1E3', '1000'],
  ['+5', '5'],
  ['-0', '0'],
  ['1e', 'reject'],
  ['0x10', 'reject'],
  ['--5', 'reject'],
  ['', 'reject'],
  ['inf', 'inf'], // Rust parses inf/infinity/nan case-insensitively: no limit
  ['Infinity', 'inf'],
  ['+INFINITY', 'inf'],
  ['in_f', 'inf'],
  ['1e999', 'inf'], // beyond a double: inf
  ['-inf', 'reject'], // ge=0
  ['NaN', 'reject'], // nan >= 0 is false: ge=0 rejects it
  ['-5', 'reject'],
];

/** total_tokens_limit (Optional[int], ge=0, flujo/domain/models.py:410): string → what pydantic keeps. */
const TOKEN_STRINGS: [string, string | 'reject'][] = [
  ['5', '5'],
  ['5.0', '5'], // clean_int_str strips a `.0…` tail
  ['5.00', '5'],
  ['5.', 'reject'],
  ['5.0_0', 'reject'],
  ['5e3', 'reject'],
  [' 5 ', '5'],
  ['1_000', '1000'],
  ['1__000', 'reject'],
  ['0_7', '7'], // strip_leading_zeros takes underscores among the zeros
  ['007', '7'],
  ['00', '0'],
  ['0_.0', 'reject'],
  ['+5', '5'],
  ['+-1', 'reject'],
  ['-+1', 'reject'],
  ['_5', 'reject'],
  ['0x10', 'reject'],
  ['0-5', 'reject'], // "-5" after the zeros: -5, then ge=0
  ['9007199254740993', '9007199254740993'],
  ['123456789012345678901234567890', '123456789012345678901234567890'],
  ['1'.repeat(4300), '1'.repeat(4300)],
  ['1'.repeat(4301), 'reject'], // int_parsing_size
];

/** Floats (as tomllib makes them) in the int field: float_as_int. */
const TOKEN_FLOATS: [number, string | 'reject'][] = [
  [5.0, '5'],
  [5.5, 'reject'],
  [9.2e18, '9200000000000000000'],
  [9.3e18, 'reject'], // not inside ±i64::MAX
  [Infinity, 'reject'],
  [-1, 'reject'],
];

function costLimitText(v: unknown): string {
  const c = costLimitOf(v);
  return c === undefined ? 'reject' : c === 'inf' ? 'inf' : c.toString();
}

function tokensText(v: unknown): string {
  const k = tokensLimitOf(v);
  if (k === undefined) return 'reject';
  return typeof v === 'string' ? String(pydanticIntString(v)) : String(BigInt(k));
}

test('pydantic-core str_as_float: float fields take "5", " 5 ", "1_000", "inf", "Infinity" as pydantic does', () => {
  for (const [s, want] of COST_STRINGS) assert.equal(costLimitText(s), want, JSON.stringify(s));
  assert.equal(pydanticFloatText('NaN'), 'NaN'); // parsed (then refused by ge=0 only)
  // A 100,000-digit string with no match costs a linear scan, not a backtracking one.
  const t0 = Date.now();
  assert.equal(pydanticFloatText('1'.repeat(100_000) + 'x'), undefined);
  assert.ok(Date.now() - t0 < 2000);
});

test('pydantic-core str_as_int/clean_int_str and float_as_int: int fields', () => {
  for (const [s, want] of TOKEN_STRINGS) assert.equal(tokensText(s), want, s.slice(0, 40));
  for (const [f, want] of TOKEN_FLOATS) assert.equal(tokensText(f), want, String(f));
  // tomllib keeps integers of any size; pydantic's int keeps them too (ge=0 holds).
  assert.equal(tokensLimitOf(2n ** 100n), 2n ** 100n);
  assert.equal(tokensLimitOf(-(2n ** 100n)), undefined);
  // A Python int in a float field becomes a double; past 1.8e308 pydantic refuses it (float_type).
  assert.equal(costLimitText(2n ** 70n), '1180591620717411303424');
  assert.equal(costLimitText(10n ** 400n), 'reject');
});

test('lint, estimate and the Budgets view agree on "5", "1_000", "inf" (flujo/domain/models.py:409-410)', () => {
  const toml =
    '[cost.providers.openai."gpt-4o-mini"]\nprompt_tokens_per_1k = "0_0.000_15"\ncompletion_tokens_per_1k = " 0.0006 "\n' +
    '[budgets.default]\ntotal_cost_usd_limit = "5"\ntotal_tokens_limit = "1_000"\n' +
    '[budgets.pipeline]\n"free" = { total_cost_usd_limit = "inf" }\n"big" = { total_cost_usd_limit = "Infinity", total_tokens_limit = "5.0" }\n';
  const a = analyzeFlujoToml(toml);
  assert.deepEqual(
    a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
    'nothing here stops Flujo from loading the file',
  );
  assert.equal(a.pricing.loadError, undefined);
  assert.equal(a.pricing.costInvalid, undefined);
  // "0_0.000_15": Rust refuses the text, strip_underscores gives "00.00015" → 0.00015.
  const res = new PriceCatalog({ flujo: a.pricing }).resolve('openai:gpt-4o-mini');
  assert.ok(res.ok && res.price.source === 'flujo.toml');
  assert.equal(res.price.input?.base.toString(), '0.15');
  assert.equal(res.price.output?.base.toString(), '0.6');
  // "inf" / "Infinity" budget limits: no limit, said so (absurd-value warning), never a load failure.
  const inf = a.diagnostics.filter((d) => d.code === 'absurd-value');
  assert.equal(inf.length, 2);
  assert.match(inf[0].message, /pydantic's float parsing\) reads it as inf: 'total_cost_usd_limit' is then no limit at all/);
  // The Budgets view reads the same file the same way.
  const { budgets, problems } = budgetsFromToml(readFlujoHistoryConfig(toml).budgets);
  assert.deepEqual(problems, []);
  assert.equal(budgets.default?.totalCostUsdLimit?.toString(), '5');
  assert.equal(budgets.default?.totalTokensLimit, 1000);
  assert.deepEqual(budgets.pipeline.free, {});
  assert.deepEqual(budgets.pipeline.big, { totalTokensLimit: 5 });
  // A $6 run is over "5", under "inf".
  const run = (pipeline: string) =>
    ({
      v: 1,
      type: 'run',
      id: pipeline,
      time: '2025-01-01T00:00:00Z',
      source: 'flujo',
      status: 'ok',
      pipeline,
      costUsd: '6',
      totalTokens: 1,
    }) as const;
  const rows = summarizeBudgets(budgets, [run('free'), run('other')]);
  assert.equal(rows.find((r) => r.key === 'free')?.status, 'ok');
  assert.equal(rows.find((r) => r.key === 'default')?.status, 'over');
});

test('a limit pydantic rejects fails the load: lint and the Budgets view say so; nan/-inf too', () => {
  for (const bad of ['"NaN"', '"-inf"', '"five"', '" 1_000"']) {
    const a = analyzeFlujoToml(`[budgets.default]\ntotal_cost_usd_limit = ${bad}\n`);
    assert.ok(a.pricing.loadError, bad);
    assert.ok(
      a.diagnostics.some((d) => d.severity === 'error' && (d.code === 'budget-invalid' || d.code === 'absurd-value')),
      bad,
    );
    assert.equal(budgetsFromToml(readFlujoHistoryConfig(`[budgets.default]\ntotal_cost_usd_limit = ${bad}\n`).budgets).problems.length, 1);
  }
});

test('integers past 2^53 and past 64 bits: tomllib loads them, so no TOML syntax error; pydantic judges the value', () => {
  const toml =
    '[cost.providers.openai."gpt-4o-mini"]\nprompt_tokens_per_1k = 0.00015\ncompletion_tokens_per_1k = 0.0006\n' +
    '[budgets.default]\ntotal_tokens_limit = 9007199254740993\n' +
    '[budgets.pipeline]\n"x" = { total_tokens_limit = 123456789012345678901234567890 }\n"y" = { total_cost_usd_limit = 99999999999999999999 }\n"z" = { total_tokens_limit = -99999999999999999999 }\n';
  const ds = lintFlujoToml(toml);
  assert.deepEqual(
    ds.filter((d) => d.code === 'toml-syntax'),
    [],
  );
  // -99999999999999999999 fails ge=0: located, and the file does not load.
  const neg = ds.filter((d) => d.code === 'budget-invalid');
  assert.equal(neg.length, 1);
  assert.equal(neg[0].range.start.line, 8);
  const cfg = readFlujoHistoryConfig(toml);
  assert.match(cfg.loadError ?? '', /budgets\.pipeline\.z\.total_tokens_limit/);
  const ok = readFlujoHistoryConfig(toml.replace(/"z".*\n/, ''));
  assert.equal(ok.loadError, undefined);
  const { budgets, problems } = budgetsFromToml(ok.budgets);
  assert.deepEqual(problems, []);
  // Kept exactly (a bigint past 2^53, as smol-toml's integersAsBigInt 'asNeeded' gives it): pydantic's int is exact.
  assert.equal(budgets.default?.totalTokensLimit, 9007199254740993n);
  assert.equal(budgets.pipeline.x.totalTokensLimit, 123456789012345678901234567890n);
  assert.equal(budgets.pipeline.y.totalCostUsdLimit?.compare(Decimal.parse('99999999999999999999')), 0);
});

test('a token limit past 2^53 is shown and compared with all its digits: CLI text and JSON, the Budgets view', async () => {
  // tomllib int() and pydantic's int keep every digit (CPython Lib/tomllib/_parser.py parse_value → int(..., 0));
  // a double would show 123456789012345678901 as 123,456,789,012,345,680,000.
  const dir = tempDir('pcl-big-limit-');
  fs.mkdirSync(path.join(dir, '.prompt-cost'));
  fs.writeFileSync(
    path.join(dir, 'flujo.toml'),
    '[budgets.default]\ntotal_tokens_limit = 123456789012345678901\n[budgets.pipeline."p"]\ntotal_tokens_limit = "9007199254740995"\n',
  );
  // The ledger holds safe integers only (core/history/record.ts: count), so no run reaches these limits.
  const run = { v: 1, type: 'run', id: 'r1', time: '2025-01-01T00:00:00Z', source: 'cli', pipeline: 'p', costUsd: '0', status: 'ok' };
  fs.writeFileSync(path.join(dir, '.prompt-cost', 'runs.jsonl'), JSON.stringify({ ...run, totalTokens: 100 }) + '\n');
  const text = fakeIO(dir);
  await main(['history'], text);
  assert.match(text.out, /default: limit 123,456,789,012,345,678,901 tokens/);
  assert.match(text.out, /OK +p: limit 9,007,199,254,740,995 tokens; 1 run\(s\), max run \$0 \/ 100 tokens/);
  const json = fakeIO(dir);
  await main(['history', '--json'], json);
  // A JSON number with every digit (RFC 8259 §6 sets no precision); Python's json reads it exactly.
  assert.match(json.out, /"totalTokensLimit": 123456789012345678901,/);
  const py = spawnSync(
    'python3',
    ['-c', 'import json,sys; print(*[r["totalTokensLimit"] for r in json.load(sys.stdin)["budgets"]["rows"]])'],
    {
      input: json.out,
      encoding: 'utf8',
    },
  );
  if (py.status === 0) assert.equal(py.stdout.trim(), '9007199254740995 123456789012345678901');
  // The Budgets view's tooltip (features/history/viewModel.ts budgetRowView).
  const { budgets } = budgetsFromToml({ default: { total_tokens_limit: 123456789012345678901n } });
  const [row] = summarizeBudgets(budgets, []).map(budgetRowView);
  assert.match(row.tooltip, /Limits: 123,456,789,012,345,678,901 tokens per run/);
  // A message that quotes such a value shows its digits (it said "bigint": JSON.stringify throws on one).
  assert.equal(shownValue(2n ** 70n, 40), '1180591620717411303424');
  // Compared exactly: 2^53 + 4 tokens are over 9007199254740995 (as doubles both are 9007199254740996), and the
  // 80 % mark of 10^20 is 8e19 exactly (the double just below it is not a warning).
  assert.equal(checkLimits(Decimal.ZERO, 2 ** 53 + 4, { totalTokensLimit: 9007199254740995n }).status, 'over');
  const limits = { totalTokensLimit: 10n ** 20n };
  assert.equal(checkLimits(Decimal.ZERO, 8e19, limits).status, 'warning');
  assert.equal(checkLimits(Decimal.ZERO, 8e19 - 16384, limits).status, 'ok');
  assert.equal(checkLimits(Decimal.ZERO, 1e20 + 16384, limits).status, 'over');
  assert.equal(checkLimits(Decimal.ZERO, 1e20, limits).status, 'warning');
});

test('a UTF-8 BOM: tomllib.load decodes without stripping it and stops at 1:1, so Flujo loads nothing', () => {
  // CPython Lib/tomllib/_parser.py load(): `s = b.decode()`; loads(): U+FEFF is no key, '[' or '#' →
  // "Invalid statement"; flujo/infra/config_manager.py:504 → ConfigurationError.
  const text = decodeTomlBytes(
    Buffer.from('\ufeff[cost.providers.openai."gpt-4o-mini"]\nprompt_tokens_per_1k = 1.0\ncompletion_tokens_per_1k = 2.0\n'),
  ).text;
  const a = analyzeFlujoToml(text);
  assert.equal(a.diagnostics[0].code, 'toml-syntax');
  assert.deepEqual(a.diagnostics[0].range.start, { line: 0, character: 0 });
  assert.match(a.diagnostics[0].message, /byte-order mark: .*Invalid statement \(at line 1, column 1\)/);
  assert.equal(a.pricing.loadError, 'it starts with a byte-order mark');
  // Flujo records $0 and we do not price from it.
  const res = new PriceCatalog({ flujo: a.pricing }).resolve('openai:gpt-4o-mini');
  assert.ok(res.ok && res.price.source !== 'flujo.toml');
  assert.match(res.warnings.join('\n'), /Flujo itself would record \$0 .*does not load \(it starts with a byte-order mark\)/);
});

test('invalid UTF-8: UnicodeDecodeError is a ValueError → ConfigurationError (config_manager.py:508-509); located, not priced', () => {
  const { text, encodingError } = decodeTomlBytes(
    Buffer.concat([
      Buffer.from('# caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n[cost.providers.openai."gpt-4o-mini"]\nprompt_tokens_per_1k = 1.0\ncompletion_tokens_per_1k = 2.0\n'),
    ]),
  );
  const a = analyzeFlujoToml(text, { encodingError });
  assert.equal(a.diagnostics[0].code, 'toml-syntax');
  assert.deepEqual(a.diagnostics[0].range.start, { line: 0, character: 5 });
  assert.match(a.diagnostics[0].message, /UnicodeDecodeError/);
  assert.equal(a.pricing.loadError, 'it is not valid UTF-8');
  const res = new PriceCatalog({ flujo: a.pricing }).resolve('openai:gpt-4o-mini');
  assert.ok(res.ok && res.price.source !== 'flujo.toml');
});

test('CLI: estimate does not price from a BOM or non-UTF-8 flujo.toml, check fails on it, lint locates it', async () => {
  for (const [name, head] of [
    ['bom', Buffer.from([0xef, 0xbb, 0xbf])],
    ['latin1', Buffer.from([0x23, 0xe9, 0x0a])],
  ] as const) {
    const dir = tempDir(`pcl-lax-${name}-`);
    fs.writeFileSync(
      path.join(dir, 'flujo.toml'),
      Buffer.concat([
        head,
        Buffer.from('[cost.providers.openai."gpt-4o-mini"]\nprompt_tokens_per_1k = 1.0\ncompletion_tokens_per_1k = 2.0\n'),
      ]),
    );
    fs.writeFileSync(path.join(dir, 'p.prompt'), 'hello there\n');
    const est = fakeIO(dir);
    assert.equal(await main(['estimate', 'p.prompt', '--model', 'openai:gpt-4o-mini', '--json'], est), 0, est.err);
    assert.doesNotMatch(est.out, /"priceSource":\s*"flujo\.toml"/, name);
    assert.match(est.err, /Flujo itself would record \$0 for openai:gpt-4o-mini: flujo\.toml does not load/, name);
    const lint = fakeIO(dir);
    assert.equal(await main(['lint', 'flujo.toml'], lint), 1, name);
    assert.match(
      lint.out,
      name === 'bom'
        ? /^flujo\.toml:1:1: error toml-syntax: .*byte-order mark/m
        : /^flujo\.toml:1:2: error toml-syntax: .*not valid UTF-8/m,
    );
  }
});

test('flujo/application/runner.py:267-283: a flujo.toml that does not load applies no TOML budget — history shows none "over"', async () => {
  const dir = tempDir('pcl-lax-settings-');
  // [settings] broken (a value pydantic rejects): FlujoConfig(**config_data) raises, runner.py keeps the code's limits only.
  fs.writeFileSync(path.join(dir, 'flujo.toml'), '[settings]\nmax_iters = "many"\n[budgets.default]\ntotal_cost_usd_limit = 0.000001\n');
  fs.mkdirSync(path.join(dir, '.prompt-cost'));
  fs.writeFileSync(
    path.join(dir, '.prompt-cost', 'runs.jsonl'),
    JSON.stringify({
      v: 1,
      type: 'run',
      id: 'r1',
      time: '2025-01-01T00:00:00Z',
      source: 'cli',
      model: 'openai:gpt-4o-mini',
      costUsd: '0.5',
      status: 'ok',
    }) + '\n',
  );
  assert.ok(readFlujoHistoryConfig(fs.readFileSync(path.join(dir, 'flujo.toml'), 'utf8')).loadError);
  const io = fakeIO(dir);
  await main(['history', '--json'], io);
  assert.match(io.err, /Flujo cannot load this file \('settings\.max_iters' is not an integer\), so it applies none of its \[budgets\]/);
  assert.doesNotMatch(io.out, /"over"/);
  // The same file with [settings] fixed: the budget applies and the run is over it.
  fs.writeFileSync(path.join(dir, 'flujo.toml'), '[settings]\nmax_iters = 5\n[budgets.default]\ntotal_cost_usd_limit = 0.000001\n');
  const fixed = fakeIO(dir);
  await main(['history', '--json'], fixed);
  assert.match(fixed.out, /"over"/);
});

test('provider-name case: [cost.providers.OpenAI."gpt-4o"] is never used (flujo/infra/config.py:70, model_utils.py:200-201)', () => {
  const toml = '[cost.providers.OpenAI."gpt-4o"]\nprompt_tokens_per_1k = 0.0025\ncompletion_tokens_per_1k = 0.01\n';
  const a = analyzeFlujoToml(toml);
  const [d] = a.diagnostics.filter((x) => x.code === 'unknown-model');
  assert.equal(d.severity, 'warning');
  assert.deepEqual(d.range, { start: { line: 0, character: 16 }, end: { line: 0, character: 22 } });
  assert.match(d.message, /Provider 'OpenAI' differs only in case from 'openai'.*never uses this price table/);
  assert.deepEqual(d.data, { kind: 'replace-key', replacement: 'openai', suggestions: ['openai'] });
  // The quick fix writes the provider Flujo looks up; the table is then used and the warning is gone.
  const [fix] = quickFixes(toml, d);
  assert.equal(fix.title, "Change to 'openai'");
  const fixed = applyEdits(toml, fix.edits);
  assert.equal(fixed.split('\n')[0], '[cost.providers.openai."gpt-4o"]');
  const after = analyzeFlujoToml(fixed);
  assert.deepEqual(
    after.diagnostics.filter((x) => x.code === 'unknown-model'),
    [],
  );
  const used = new PriceCatalog({ flujo: after.pricing }).resolve('openai:gpt-4o');
  assert.ok(used.ok && used.price.source === 'flujo.toml');
  // Flujo looks up 'openai' exactly: this table prices nothing.
  const res = new PriceCatalog({ flujo: a.pricing }).resolve('openai:gpt-4o');
  assert.ok(res.ok && res.price.source !== 'flujo.toml');
  // An unknown provider in any case is only "not in the catalog"; a lower-case twin gets no rename fix.
  assert.equal(analyzeFlujoToml(toml.replace('OpenAI', 'Acme')).diagnostics.find((x) => x.code === 'unknown-model')?.severity, 'info');
  const twin = analyzeFlujoToml(toml + toml.replace('OpenAI', 'openai')).diagnostics.find((x) => x.code === 'unknown-model');
  assert.equal(twin?.data, undefined);
  assert.match(twin!.message, /already exists: remove this one/);
});

test('the real pydantic agrees on every case (python3 + pydantic 2, when installed)', (t) => {
  const probe = spawnSync('python3', ['-c', 'import pydantic, sys; sys.stdout.write(pydantic.VERSION)'], { encoding: 'utf8' });
  if (probe.status !== 0 || !/^2\./.test(probe.stdout)) {
    t.skip('python3 with pydantic 2 is not installed: the expectations above come from pydantic-core src/input/shared.rs');
    return;
  }
  // The model Flujo validates [budgets] limits with (flujo/domain/models.py:406-410), verbatim fields.
  const script = [
    'import json, sys',
    'from typing import Optional',
    'from pydantic import BaseModel, Field',
    'class UsageLimits(BaseModel):',
    '    total_cost_usd_limit: Optional[float] = Field(None, ge=0)',
    '    total_tokens_limit: Optional[int] = Field(None, ge=0)',
    'def one(field, v):',
    '    try:',
    '        r = getattr(UsageLimits(**{field: v}), field)',
    "        return 'inf' if r == float('inf') else repr(r)",
    '    except Exception:',
    "        return 'reject'",
    'cases = json.load(sys.stdin)',
    "print(json.dumps([one('total_cost_usd_limit', s) for s in cases['cost']] + [one('total_tokens_limit', s) for s in cases['tokens']] + [one('total_tokens_limit', float(f)) for f in cases['floats']]))",
  ].join('\n');
  const floats = TOKEN_FLOATS.filter(([f]) => Number.isFinite(f)).map(([f]) => f);
  // Floats as text: JSON would hand Python 9.3e18 as an int.
  const input = JSON.stringify({ cost: COST_STRINGS.map(([s]) => s), tokens: TOKEN_STRINGS.map(([s]) => s), floats: floats.map(String) });
  const r = spawnSync('python3', ['-c', script], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, PYTHONINTMAXSTRDIGITS: '0' },
  });
  assert.equal(r.status, 0, r.stderr);
  const got: string[] = JSON.parse(r.stdout);
  const ours = [
    ...COST_STRINGS.map(([s]) => costLimitText(s)),
    ...TOKEN_STRINGS.map(([s]) => tokensText(s)),
    ...floats.map((f) => tokensText(f)),
  ];
  const norm = (x: string) => (x === 'reject' || x === 'inf' ? x : x.replace(/\.0$/, '').replace(/^-0$/, '0'));
  assert.deepEqual(
    got.map((x) => (/^[\d.e+-]+$/.test(x) && x.includes('e') ? BigInt(Number(x)).toString() : norm(x))),
    ours.map(norm),
    `pydantic ${probe.stdout}`,
  );
});
