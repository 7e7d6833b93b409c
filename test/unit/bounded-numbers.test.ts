// Bounded resources for numbers from files: each crafted flujo.toml, ledger, Flujo step cost, prompt
// budget and price setting below is handled in its own child process (test/support/bounded.ts) in
// seconds under a 256 MB heap — the old code ran `lint` on `prompt_tokens_per_1k = 1e999999999` for
// 2.5 min at 940 MB, crashed on 1e-999999999 (String.padStart: Invalid string length), hung `history`
// on a cost of "1e300000000" and wrote a 400 MB ledger. What Flujo makes of such a float is Python's
// float(text) (tomllib, python/cpython Lib/tomllib/_parser.py): inf beyond 1.8e308, 0.0 below ~2.5e-324.
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BoundedResult, compiled, runCliBounded, runCodeBounded } from '../support/bounded';
import { FLUJO_SCHEMA, openSqliteDb } from '../support/flujoFixture';
import { tempDir } from '../support/tempDir';
import { parsePromptDocument } from '../../src/core/prompt/document';

const HEAP_MB = 256;
/** Generous: each case takes well under a second; the old behaviour took minutes or died. */
const TIMEOUT_MS = 20_000;
/** Node alone is ~45 MB RSS; building 10^999999999 took ~940 MB. */
const MAX_RSS_MB = 200;
const MEGA_DIGITS = '7'.repeat(1_000_000);

const dirs: string[] = [];
function tmp(): string {
  const d = tempDir('pcl-bounded-numbers-');
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function assertBounded(r: BoundedResult, statuses: number[] = [0]): void {
  assert.equal(r.timedOut, false, `timed out after ${r.ms} ms`);
  assert.ok(statuses.includes(r.status ?? -1), `exit ${r.status} ${r.signal ?? ''}: ${r.stderr.slice(0, 1500)}`);
  assert.ok(r.peakRssMb !== undefined && r.peakRssMb < MAX_RSS_MB, `peak RSS ${r.peakRssMb} MB`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, 'no stack trace');
}

interface LintJson {
  diagnostics: { severity: string; code: string; message: string; line: number; column: number }[];
}

function lint(toml: string): { r: BoundedResult; out: LintJson } {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'flujo.toml'), toml);
  const r = runCliBounded(['lint', 'flujo.toml', '--json'], { cwd: dir, timeoutMs: TIMEOUT_MS, heapMb: HEAP_MB });
  assertBounded(r, [0, 1]); // 1 = findings
  return { r, out: JSON.parse(r.stdout) as LintJson };
}

const price = (v: string) => `[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = ${v}\ncompletion_tokens_per_1k = 0.01\n`;

describe('bounded: flujo.toml numbers (prompt-cost lint)', () => {
  it('the 100-byte file: prompt_tokens_per_1k = 1e999999999 → absurd-value error on the value (Flujo reads inf)', () => {
    const { out } = lint(price('1e999999999'));
    const d = out.diagnostics.find((x) => x.code === 'absurd-value');
    assert.ok(d, JSON.stringify(out.diagnostics));
    assert.equal(d.severity, 'error');
    assert.deepEqual([d.line, d.column], [2, 24]);
    assert.match(d.message, /Flujo \(Python tomllib → float\) reads it as inf/);
  });

  it('1e-999999999: no crash; a warning that Flujo reads it as 0.0 (records $0)', () => {
    const { out } = lint(price('1e-999999999'));
    const d = out.diagnostics.find((x) => x.code === 'absurd-value');
    assert.ok(d, JSON.stringify(out.diagnostics));
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /reads it as 0\.0/);
  });

  const cousins: [string, string][] = [
    ['0e999999999 (zero, huge exponent)', '0e999999999'],
    ['an exponent of a million digits', `1e${'9'.repeat(1_000_000)}`],
    ['a negative exponent of a million digits', `1e-${'9'.repeat(1_000_000)}`],
    ['a 10^6-digit mantissa', `1.${MEGA_DIGITS}`],
    ['a 10^6-digit integer', MEGA_DIGITS],
    ['a 10^6-digit hex integer', `0x${'f'.repeat(1_000_000)}`],
    ['a numeric string with a huge exponent', '"1e999999999"'],
    ['a numeric string of 10^6 digits', `"${MEGA_DIGITS}"`],
    ['an array of huge exponents', '[1e999999999, -1e999999999, 1e-999999999]'],
  ];
  for (const [name, v] of cousins) {
    it(`every number position with ${name}`, () => {
      const toml = [
        price(v),
        `[cost.providers.openai."dall-e-3"]\nprompt_tokens_per_1k = 0.0\ncompletion_tokens_per_1k = ${v}\nprice_per_image_hd_1024x1024 = ${v}\n`,
        `[cost.estimators.openai."gpt-4o"]\nexpected_cost_usd = ${v}\nexpected_tokens = ${v}\n`,
        `[cost.historical.openai."gpt-4o"]\navg_cost_usd = ${v}\navg_tokens = ${v}\n`,
        `[budgets.default]\ntotal_cost_usd_limit = ${v}\ntotal_tokens_limit = ${v}\n`,
        `[budgets.pipeline."etl-*"]\ntotal_cost_usd_limit = ${v}\n`,
        `[settings]\nmax_retries = ${v}\n`,
        `[cost.learnable]\nenabled = ${v}\n`,
        `[cost.providers.anthropic]\n"claude-3-haiku" = { prompt_tokens_per_1k = ${v}, completion_tokens_per_1k = ${v} }\n`,
      ].join('\n');
      const { out } = lint(toml);
      for (const d of out.diagnostics) assert.ok(d.message.length < 2000, `bounded message: ${d.message.slice(0, 200)}…`);
    });
  }

  it('a 20k-line file of huge exponents stays bounded', () => {
    const lines = ['[cost.providers.openai."gpt-4o"]', 'prompt_tokens_per_1k = 0.0025', 'completion_tokens_per_1k = 0.01', '[settings]'];
    for (let i = 0; i < 20_000; i++) lines.push(`k${i} = 1e${999_999_999 - i}`);
    lint(lines.join('\n'));
  });
});

function ledgerDir(lines: string[]): { dir: string; ledger: string } {
  const dir = tmp();
  const ledger = path.join(dir, '.prompt-cost', 'runs.jsonl');
  fs.mkdirSync(path.dirname(ledger), { recursive: true });
  fs.writeFileSync(ledger, lines.map((l) => `${l}\n`).join(''));
  return { dir, ledger };
}

const run = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    v: 1,
    type: 'run',
    id,
    time: '2026-11-29T10:00:00.000Z',
    source: 'cli',
    status: 'ok',
    model: 'gpt-4o',
    costUsd: '0.0012',
    ...extra,
  });

describe('bounded: ledger numbers (prompt-cost history)', () => {
  const hostile = [
    run('big-cost', { costUsd: '1e300000000' }),
    run('tiny-cost', { costUsd: '1e-999999999' }),
    run('mega-cost', { costUsd: MEGA_DIGITS }),
    run('big-estimate', { estimate: { inputTokens: 1, costUsd: '1e300000000' } }),
    run('big-step', { steps: [{ name: 's', costUsd: '1e300000000' }] }),
    run('float-tokens', {
      usage: { inputTokens: 1e300, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 1 },
    }),
    run('number-cost', { costUsd: 0.5 }),
    run('string-usage', {
      usage: { inputTokens: '12', cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 1 },
    }),
    run('zz-estimate', { estimate: { inputTokens: 1, costUsd: 'zz' } }),
    JSON.stringify({ v: 2, type: 'run', id: 'from-v2', time: '2026-11-29T10:00:00.000Z', cost: { usd: '1' } }),
  ];

  for (const args of [
    ['history', 'list'],
    ['history', 'list', '--json'],
    ['history', 'export', '--csv'],
    ['history', 'export', '--json'],
  ]) {
    it(`${args.join(' ')}: every bad line skipped with a located warning, the good runs kept, nothing written`, () => {
      const { dir, ledger } = ledgerDir([run('good-1'), ...hostile, run('good-2', { costUsd: undefined })]);
      const size = fs.statSync(ledger).size;
      const r = runCliBounded(args, { cwd: dir, timeoutMs: TIMEOUT_MS, heapMb: HEAP_MB });
      assertBounded(r);
      assert.equal(fs.statSync(ledger).size, size, 'reading never writes the ledger');
      assert.doesNotMatch(r.stdout, /undefined|NaN/);
      for (let line = 2; line <= hostile.length + 1; line++)
        assert.match(r.stderr, new RegExp(`runs\\.jsonl:${line}: skipped `), `line ${line}`);
      assert.match(r.stderr, /runs\.jsonl:2: skipped an invalid entry: costUsd: absurd value 1e300000000/);
      assert.match(r.stderr, /runs\.jsonl:11: skipped an entry from a newer version: ledger v2/);
      assert.match(r.stdout, /good-1/);
      assert.match(r.stdout, /good-2/);
      if (args.includes('--json')) {
        const out = JSON.parse(r.stdout) as { warnings: { line: number; field?: string }[]; totals?: { costUnknownRuns: number } };
        assert.equal(out.warnings.length, hostile.length);
        assert.deepEqual(
          out.warnings.filter((w) => w.field === 'costUsd').map((w) => w.line),
          [2, 3, 4, 8],
        );
        if (out.totals) assert.equal(out.totals.costUnknownRuns, 1);
      } else if (args[1] === 'list') assert.match(r.stdout, /cost unknown/);
    });
  }

  it('a Flujo step cost of "1e300000000": history import stays bounded and writes no huge ledger line', () => {
    const dir = tmp();
    const db = path.join(dir, 'flujo_ops.db');
    const sqlite = openSqliteDb(db);
    sqlite.exec(FLUJO_SCHEMA);
    sqlite.exec(`INSERT INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at)
      VALUES ('r1', 'pid', 'pipe', '1', 1, '[{"name":"s","cost_usd":"1e300000000","token_counts":10},{"name":"t","cost_usd":"${MEGA_DIGITS}","token_counts":1}]', 'completed', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
      INSERT INTO runs (run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at)
      VALUES ('r1', 'pid', 'pipe', '1', 'completed', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');`);
    sqlite.close();
    const ledger = path.join(dir, 'l.jsonl');
    let r = runCliBounded(['history', 'import', db, '--ledger', ledger], { cwd: dir, timeoutMs: TIMEOUT_MS, heapMb: HEAP_MB });
    assertBounded(r);
    assert.ok(fs.statSync(ledger).size < 10_000, `ledger is ${fs.statSync(ledger).size} bytes`);
    r = runCliBounded(['history', 'list', '--ledger', ledger], { cwd: dir, timeoutMs: TIMEOUT_MS, heapMb: HEAP_MB });
    assertBounded(r);
    assert.match(r.stdout, /pipe/);
  });
});

describe('bounded: money in prompt budgets, price settings and Decimal itself', () => {
  it('front matter and prompt-cost.json budgets with huge exponents, 50,000 and 10^6 digits: located absurd-value or size errors', () => {
    const r = runCodeBounded(
      `const b = require(${compiled('core/promptBudgets/index')});
       const out = [];
       // 50,000 digits: far past a money value's 100 significant digits, and the front matter (the value three
       // times) still under the 256 KiB YAML cap, so the number check is what answers.
       const mega = '7'.repeat(5e4);
       for (const v of ['1e999999999', '1e-999999999', '"1e300000000"', '"' + mega + '"', mega, '.inf']) {
         const fm = b.readFrontMatterBudget('model: gpt-4o\\nbudget:\\n  max_cost_per_request: ' + v + '\\n  max_monthly_cost: ' + v + '\\n  requests_per_day: ' + v + '\\n', 1);
         out.push(...fm.errors.map((e) => e.line + ':' + e.message.slice(0, 300)));
       }
       // 10^6 digits: the front matter is refused by its size before any parse (the front matter reader
       // reports it, front-matter-too-large): no limits, no budget errors of its own.
       const huge = b.readFrontMatterBudget('model: gpt-4o\\nbudget:\\n  max_cost_per_request: ' + '7'.repeat(1e6) + '\\n', 1);
       out.push('huge:' + JSON.stringify(huge));
       const cfg = b.parseBudgetConfig('{"budgets":[{"files":"**","max_monthly_cost":1e999999999,"max_cost_per_request":"1e300000000"}],"requests_per_day":1e400}', 'prompt-cost.json');
       out.push(...cfg.errors.map((e) => e.line + ':' + e.message.slice(0, 300)));
       console.log(JSON.stringify(out));`,
      { timeoutMs: TIMEOUT_MS, heapMb: HEAP_MB },
    );
    assertBounded(r);
    const errors = JSON.parse(r.stdout) as string[];
    assert.ok(
      errors.some((e) => /^3:budget\.max_cost_per_request: absurd value 1e-999999999: closer to zero/.test(e)),
      errors.join('\n'),
    );
    assert.ok(errors.some((e) => /budget\.max_cost_per_request: absurd value 1e300000000: beyond 10\^308/.test(e)));
    assert.ok(
      errors.some((e) => /significant digits/.test(e)),
      errors.join('\n'),
    );
    assert.ok(errors.includes('huge:{"errors":[]}'), errors.join('\n'));
    assert.ok(errors.some((e) => /budgets\[0\]\.max_monthly_cost: .*absurd value/.test(e)));
    assert.ok(errors.every((e) => e.length < 400));
    const doc = parsePromptDocument(`---\nmodel: gpt-4o\nbudget:\n  max_cost_per_request: ${'7'.repeat(1e6)}\n---\nHi\n`, 'p.prompt.md');
    assert.ok(
      doc.diagnostics.some((d) => d.code === 'front-matter-too-large'),
      'the size refusal is reported by the front matter reader',
    );
  });

  it('--requests-per-day of 400 digits (Infinity as a number) is a usage error, not a stack trace', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'p.prompt.md'), '---\nmodel: openai:gpt-4o\n---\nHello\n');
    for (const json of [[], ['--json']]) {
      const r = runCliBounded(['compare', 'p.prompt.md', '--requests-per-day', '9'.repeat(400), ...json], {
        cwd: dir,
        timeoutMs: TIMEOUT_MS,
        heapMb: HEAP_MB,
      });
      assertBounded(r, [2]);
      assert.match(r.stderr, /--requests-per-day: absurd value 9{24}…/);
    }
  });

  it('pricingOverrides with absurd prices are refused with a reason', () => {
    const r = runCodeBounded(
      `const c = require(${compiled('core/pricing/catalog')});
       const mega = '7'.repeat(1e6);
       const { overrides, errors } = c.parseSettingsOverrides({ 'gpt-4o': { input_per_mtok: '1e999999999', output_per_mtok: mega }, 'gpt-4o-mini': { input_per_mtok: 0.15, output_per_mtok: 0.6 } });
       console.log(JSON.stringify({ keys: [...overrides.keys()], errors }));`,
      { timeoutMs: TIMEOUT_MS, heapMb: HEAP_MB },
    );
    assertBounded(r);
    const out = JSON.parse(r.stdout) as { keys: string[]; errors: string[] };
    assert.deepEqual(out.keys, ['gpt-4o-mini']);
    assert.match(out.errors.join('\n'), /input_per_mtok: expected a number >= 0, got absurd value 1e999999999/);
  });

  it('Decimal.parse on the crafted texts: AbsurdNumberError in microseconds, no allocation', () => {
    const r = runCodeBounded(
      `const { Decimal, AbsurdNumberError, MONEY_LIMITS } = require(${compiled('core/pricing/decimal')});
       const mega = '7'.repeat(1e6);
       const texts = ['1e999999999', '1e-999999999', '1e300000000', mega, '1.' + mega, '1e' + '9'.repeat(1e6), '-0.' + '0'.repeat(1e6) + '1'];
       const out = texts.map((t) => { try { Decimal.parse(t); return 'parsed'; } catch (e) { return e instanceof AbsurdNumberError ? 'absurd' : 'other'; } });
       out.push(Decimal.parse('0e999999999').toString(), Decimal.parse('1e1000').toString().length, Decimal.parse('1.5e-7', MONEY_LIMITS).toString());
       console.log(JSON.stringify(out));`,
      { timeoutMs: TIMEOUT_MS, heapMb: HEAP_MB },
    );
    assertBounded(r);
    assert.deepEqual(JSON.parse(r.stdout), ['absurd', 'absurd', 'absurd', 'absurd', 'absurd', 'absurd', 'absurd', '0', 1001, '0.00000015']);
  });
});
