/* eslint-disable no-control-regex -- matching control characters is what these escapers are for */
// Fuzz tests for the output escapers of untrusted text (src/core/untrustedText.ts).
// Markdown: rendered with marked 14.0.0, the Markdown renderer VS Code 1.96.4 bundles for hovers and
// tooltips (microsoft/vscode src/vs/base/common/marked/marked.js, "marked v14.0.0"), GFM on as there.
// CSV: OWASP "CSV Injection" (owasp.org/www-community/attacks/CSV_Injection) and RFC 4180 §2.6–2.7.
// Terminal: ECMA-48 C0/C1 controls and the Unicode bidi controls of CVE-2021-42574 ("Trojan Source").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Marked } from 'marked';
import {
  csvCell,
  csvRow,
  escapeIcons,
  escapeMarkdown,
  markdownCode,
  sanitizeTerminal,
  terminalSafeJson,
} from '../../src/core/untrustedText';
import { runsToCsv } from '../../src/core/history/group';
import type { RunRecord } from '../../src/core/history/record';
import type { BudgetRow } from '../../src/core/history/budgets';
import { Decimal } from '../../src/core/pricing/decimal';
import { budgetRowView, runTooltipMarkdown, type ViewRun } from '../../src/features/history/viewModel';

const RUNS = 2000;
const marked = new Marked({ gfm: true, breaks: false });
const render = (md: string) => marked.parse(md, { async: false }) as string;

/** Strings biased towards Markdown, HTML, autolink and terminal syntax, mixed with arbitrary Unicode. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '[',
        ']',
        '(',
        ')',
        '![x](https://evil.example/p.png)',
        '[click](https://evil.example)',
        '[r]: https://evil.example',
        '<https://evil.example>',
        'https://evil.example/a?b=c',
        'http://x.y',
        'www.evil.example',
        'xWWW.evil.example',
        '_a_',
        'a_b_',
        '1) ',
        '===',
        '+ ',
        'user@evil.example',
        'mailto:a@b.c',
        '<img src=x onerror=alert(1)>',
        '<a href="command:workbench.action.terminal.new">',
        '<script>',
        '</p>',
        '&amp;',
        '&#x3c;',
        '&lt;',
        '*',
        '**',
        '_',
        '~~',
        '`',
        '```',
        '|',
        '\\',
        '\n',
        '\r\n',
        '# ',
        '- ',
        '1. ',
        '> ',
        '    ',
        '---',
        '$(alert)',
        '\u001b]8;;https://evil.example\u0007',
        '\u0000',
        '\u2028',
      ),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

const anyText = fc.oneof(hostile, fc.string({ unit: 'binary', maxLength: 40 }));

const HTML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
/** Entities back to characters; the no-break spaces escapeMarkdown puts for leading indentation back to spaces. */
const decodeHtml = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => HTML_ENTITIES[e]).replace(/\u00a0/g, ' ');
/** What escapeMarkdown promises to show: the text with line breaks and controls as spaces (no-break spaces compared as spaces). */
const flatten = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\u00a0/g, ' ');

function assertNoActiveMarkup(html: string, allowed: RegExp): void {
  assert.doesNotMatch(html, /<a[\s>]|<img[\s>]/i);
  for (const tag of html.match(/<\/?[a-z][^>]*>/gi) ?? []) assert.match(tag, allowed, `unexpected tag ${tag} in ${html}`);
}

test('escapeMarkdown: no string renders a link, image or HTML tag, and the text shows literally (paragraph; marked 14 as in VS Code 1.96)', () => {
  fc.assert(
    fc.property(anyText, (s) => {
      const html = render(`x ${escapeMarkdown(s)} y`);
      assertNoActiveMarkup(html, /^<\/?p>$/);
      const body = html
        .trim()
        .replace(/^<p>/, '')
        .replace(/<\/p>$/, '');
      // CommonMark strips trailing spaces before a paragraph's end only; the `y` anchor keeps them.
      assert.equal(decodeHtml(body), `x ${flatten(s)} y`.replace(/\u0000/g, '\ufffd'));
    }),
    { numRuns: RUNS },
  );
});

test('escapeMarkdown: safe at the start of a line, after a blank line (no heading, list, quote, rule, code)', () => {
  fc.assert(
    fc.property(anyText, fc.constantFrom('', '1', '12', '  ', '-', '#', '>'), (s, lead) => {
      const text = lead + s;
      const html = render(`**title**\n\n${escapeMarkdown(text)}\n\nnext`);
      assertNoActiveMarkup(html, /^<\/?(p|strong)>$/);
      const paragraphs = [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => decodeHtml(m[1]).trim()).filter(Boolean);
      const shown = flatten(text)
        .replace(/\u0000/g, '\ufffd')
        .trim();
      // an all-space text leaves no paragraph; otherwise it is the second one, as written (edges trimmed)
      assert.deepEqual(paragraphs, shown ? ['<strong>title</strong>', shown, 'next'] : ['<strong>title</strong>', 'next']);
    }),
    { numRuns: RUNS }, // a random seed each run: fast-check prints it (and the shrunk counterexample) on failure
  );
});

// The counterexample the property above once found (seed -1305963869): `#` followed by U+2000 EN QUAD.
// CommonMark 0.31 §4.2 wants a space or tab after the `#`s, but marked 14 opens a heading on any JavaScript
// `\s` (markedjs/marked src/rules.ts: `heading: /^ {0,3}(#{1,6})(?=\s|$)(.*)(?:\n+|$)/`), so every Unicode
// space after a block marker must be escaped too, after 0–3 spaces of indentation.
test('escapeMarkdown: a block marker followed by any Unicode space is escaped too (marked reads \\s, not just U+0020)', () => {
  for (const space of [' ', '\u00a0', '\u1680', '\u2000', '\u2003', '\u200a', '\u202f', '\u205f', '\u3000', '\ufeff'])
    for (const indent of ['', ' ', '   '])
      for (const marker of ['#', '##', '-', '+', '=', '1.', '2)']) {
        const text = `${indent}${marker}${space}x`;
        const html = render(`**title**\n\n${escapeMarkdown(text)}\n\nnext`);
        assert.doesNotMatch(html, /<h\d|<ul|<ol|<hr/, JSON.stringify(text));
        assert.match(html, /<p>[\s\S]*x<\/p>/, JSON.stringify(text));
      }
});

test('escapeMarkdown: model names stay readable in the raw Markdown', () => {
  for (const name of ['gpt-4o-mini', 'openai:gpt-4o', 'gpt-3.5-turbo', 'o200k_base', 'claude-3-5-sonnet-latest'])
    assert.equal(escapeMarkdown(name), name);
});

test('escapeMarkdown: safe inside a GFM table cell (no cell split, no link, literal text)', () => {
  fc.assert(
    fc.property(anyText, anyText, (a, b) => {
      const html = render(`| model | note |\n|---|---|\n| ${escapeMarkdown(a)} | ${escapeMarkdown(b)} |\n`);
      assertNoActiveMarkup(html, /^<\/?(table|thead|tbody|tr|th|td)>$/);
      const cells = [...html.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => decodeHtml(m[1]).trim());
      assert.deepEqual(
        cells,
        [flatten(a).trim(), flatten(b).trim()].map((c) => c.replace(/\u0000/g, '\ufffd')),
      );
    }),
    { numRuns: RUNS },
  );
});

test('escapeMarkdown: the attacks from issue 17 render as text', () => {
  for (const name of ['![x](https://evil.example/p.png)', '[free credits](https://evil.example)', 'https://evil.example', '<img src=x>']) {
    const html = render(`**Prompt Cost** for ${escapeMarkdown(name)}`);
    assert.doesNotMatch(html, /<a|<img/);
    assert.ok(decodeHtml(html).includes(name), html);
  }
});

test('markdownCode: any text is one code span showing exactly that text', () => {
  fc.assert(
    fc.property(anyText, (s) => {
      const html = render(`x ${markdownCode(s)} y`);
      const flat = flatten(s);
      if (!flat) {
        assert.equal(markdownCode(s), '');
        return;
      }
      assertNoActiveMarkup(html, /^<\/?(p|code)>$/);
      const m = /^<p>x <code>([\s\S]*)<\/code> y<\/p>$/.exec(html.trim());
      assert.ok(m, html);
      assert.equal(decodeHtml(m[1]), flat.replace(/\u0000/g, '\ufffd'));
    }),
    { numRuns: RUNS },
  );
});

/** How a spreadsheet decides: the cell's first character after CSV unquoting. */
function parseCsvRecord(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else cell += line[i++];
      }
    } else while (i < line.length && line[i] !== ',') cell += line[i++];
    cells.push(cell);
    if (i >= line.length) return cells;
    assert.equal(line[i], ',', `stray character after a quoted cell in ${JSON.stringify(line)}`);
    i++;
  }
}

test('csvCell: no cell starts a formula after RFC 4180 unquoting; text round-trips (OWASP CSV Injection)', () => {
  const cellValue = fc.oneof(
    anyText,
    fc.constantFrom('=HYPERLINK("https://evil.example","x")', '+1+cmd|/c calc!A1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '＝1+1'),
    fc.double({ noNaN: true }).map(String),
    fc.integer().map(String),
  );
  fc.assert(
    fc.property(fc.array(cellValue, { minLength: 1, maxLength: 5 }), (values) => {
      const parsed = parseCsvRecord(csvRow(values));
      assert.equal(parsed.length, values.length);
      parsed.forEach((cell, i) => {
        const plainNumber = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(values[i]);
        if (!plainNumber) assert.doesNotMatch(cell, /^[=+\-@\t\r\n\u0000＝＋－＠]/, `cell ${JSON.stringify(cell)}`);
        // the value survives: either as written or behind the one quote that makes it text
        assert.ok(cell === values[i] || cell === `'${values[i]}`, `${JSON.stringify(values[i])} → ${JSON.stringify(cell)}`);
      });
    }),
    { numRuns: RUNS },
  );
});

test('csvCell: numbers stay numbers, empty stays empty', () => {
  assert.equal(csvCell(-12.5), '-12.5');
  assert.equal(csvCell('-0.25'), '-0.25');
  assert.equal(csvCell('1e-3'), '1e-3');
  assert.equal(csvCell(undefined), '');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell('-1+1'), `"'-1+1"`);
  assert.equal(csvCell('2026-11-30T01:02:03.000Z'), '2026-11-30T01:02:03.000Z');
  assert.equal(csvCell('=1,2'), `"'=1,2"`);
});

const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;

test('sanitizeTerminal: no ESC, C0/C1 control or bidi override survives; safe text is unchanged', () => {
  const withControls = fc
    .array(
      fc.oneof(
        fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)),
        fc.constantFrom(
          '\u001b[31m',
          '\u001b]0;title\u0007',
          '\u001b]52;c;ZXZpbA==\u0007',
          '\u009b2J',
          '\u202e',
          '\u2066',
          '\u200f',
          '\r',
          '\r\n',
        ),
        fc.string({ unit: 'grapheme', maxLength: 4 }),
      ),
      { maxLength: 20 },
    )
    .map((p) => p.join(''));
  fc.assert(
    fc.property(fc.oneof(withControls, fc.string({ unit: 'binary', maxLength: 60 })), (s) => {
      const out = sanitizeTerminal(s);
      assert.doesNotMatch(out, TERMINAL_UNSAFE);
      if (!TERMINAL_UNSAFE.test(s)) assert.equal(out, s);
      // idempotent: the visible escapes are themselves safe text
      assert.equal(sanitizeTerminal(out), out);
    }),
    { numRuns: RUNS },
  );
  assert.equal(sanitizeTerminal('pipe\u001b[2Jline\u202eevil\r\nok\tok'), 'pipe\\x1b[2Jline\\u202eevil\r\nok\tok');
});

test('terminalSafeJson: parses back to the same value; no raw control, C1 or bidi character in the text', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.string({ unit: 'binary', maxLength: 30 }), (v, s) => {
      const value = { v, s, nested: [s, { s }] };
      const text = terminalSafeJson(value);
      assert.doesNotMatch(text, TERMINAL_UNSAFE);
      assert.doesNotMatch(text, /[\u2028\u2029]/);
      assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
    }),
    { numRuns: RUNS },
  );
});

// ---- every writer uses the escapers -------------------------------------------------------------

const FORMULA = '=HYPERLINK("https://evil.example","x")';
const LINK = '[free credits](https://evil.example) ![p](https://evil.example/p.png) https://evil.example';

test('runsToCsv: every column of a hostile ledger record is neutralised (time, hashes, tokens, latency too)', () => {
  const hostile = {
    v: 1,
    type: 'run',
    id: FORMULA,
    time: '+cmd|/c calc!A1',
    source: '@SUM(1)',
    status: '-2+3',
    statusDetail: FORMULA,
    provider: FORMULA,
    model: FORMULA,
    pipeline: FORMULA,
    promptFile: FORMULA,
    promptHash: '=1+1',
    usage: {
      inputTokens: '=1',
      cachedInputTokens: '+1',
      cacheWrite5mTokens: '-1+1',
      cacheWrite1hTokens: '@1',
      outputTokens: '=2',
      reasoningTokens: '\t=3',
    },
    estimate: { inputTokens: '=4', outputTokens: '=5' },
    costUsd: '=7',
    latencyMs: '=8',
    error: { kind: 'x', message: FORMULA },
  } as unknown as RunRecord;
  const [, row] = runsToCsv([hostile]).split('\r\n');
  for (const cell of parseCsvRecord(row))
    if (!/^[+-]?\d+(\.\d+)?$/.test(cell)) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `cell ${cell} in ${row}`); // a plain number is inert
});

const budgetRow: BudgetRow = {
  key: 'x',
  source: 'pipeline',
  limits: { totalCostUsdLimit: Decimal.parse('1') },
  pipelines: [],
  runs: 1,
  spentUsd: Decimal.parse('2'),
  tokens: 10,
  maxRunUsd: Decimal.parse('2'),
  maxRunTokens: 10,
  status: 'over',
  costRatio: 2,
  tokensRatio: undefined,
  overRunIds: ['r'],
  warningRunIds: [],
} as unknown as BudgetRow;

test('Markdown writers: hostile model, run, pipeline names render no link or image', () => {
  const view = {
    folder: 'f',
    origin: 'ledger',
    run: {
      v: 1,
      type: 'run',
      id: 'abc` [x](https://evil.example) `',
      time: '2026-01-01T00:00:00.000Z',
      source: 'flujo',
      status: 'failed',
      statusDetail: LINK,
      model: LINK,
      pipeline: LINK,
      error: { kind: LINK, message: LINK },
    },
  } as unknown as ViewRun;
  const budget = { ...budgetRow, key: LINK, pipelines: [LINK] } as BudgetRow;
  for (const md of [runTooltipMarkdown(view, '/tmp/[x](https://evil.example)'), budgetRowView(budget).tooltip]) {
    const html = render(md);
    assert.doesNotMatch(html, /<a[\s>]|<img[\s>]/, html);
    assert.ok(decodeHtml(html).includes('[free credits](https://evil.example)'), html);
  }
});

// VS Code renders `$(name)` in CodeLens titles and status bar text as an icon (vs/base/common/iconLabels.ts,
// whose escapeIcons writes `\$(name)` to keep it literal).
test('escapeIcons: no unescaped $( remains, and removing the added backslashes gives the text back', () => {
  assert.equal(escapeIcons('openai:$(alert)-model'), 'openai:\\$(alert)-model');
  assert.equal(escapeIcons('a \\$(x) b'), 'a \\$(x) b');
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z$()\\ ]{0,30}$/), (text) => {
      const out = escapeIcons(text);
      assert.doesNotMatch(out, /(^|[^\\])\$\(/);
      assert.equal(out.replace(/\\\$\(/g, '$('), text.replace(/\\\$\(/g, '$('));
    }),
    { numRuns: RUNS },
  );
});
