// Fuzzing the flujo.toml analysis (the editor's diagnostics, quick fixes, hover and completion, and
// `prompt-cost lint`): arbitrary text, TOML-shaped token soup, and mutations of the repository's own
// flujo.toml files (examples/, test/fixtures/flujo/). Documented behaviour (src/core/flujo/analyze.ts):
// the analysis is total — it never throws (only a CancellationError when asked to stop) — every
// diagnostic range lies inside the document, at most maxDiagnostics + 1 (the too-many-problems
// summary) are reported, and the result does not depend on where it ran (the worker, dist/flujo-worker.js,
// returns exactly what the in-process analysis does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  DIAGNOSTIC_CODES,
  FlujoDiagnostic,
  analyzeFlujoToml,
  applyEdits,
  completeFlujoToml,
  hoverFlujoToml,
  lineStartsOf,
  pricedModelIds,
  type Position,
  pricingFromPortable,
  quickFixes,
  scanToml,
  tableWindow,
  type Range,
} from '../../src/core/flujo';
import { FlujoAnalysisWorker } from '../../src/core/flujo/workerClient';
import { isCancellationError } from '../../src/core/cancellation';
import { manyTables } from '../support/tomlShapes';

const root = path.resolve(__dirname, '../../..');
const SEEDS = ['examples/flujo.toml', 'examples/with-mistakes/flujo.toml', 'test/fixtures/flujo/problems.toml'].map((f) =>
  fs.readFileSync(path.join(root, f), 'utf8'),
);
const workerScript = path.join(root, 'dist', 'flujo-worker.js');

const TOKENS = [
  '[',
  ']',
  '[[',
  ']]',
  '{',
  '}',
  '=',
  ',',
  '.',
  '"',
  "'",
  '"""',
  "'''",
  '\\',
  '\\u00e9',
  '\\U0001F600',
  '#',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\t',
  '\ufeff',
  'cost',
  'providers',
  'openai',
  'anthropic',
  '"gpt-4o"',
  'gpt-3.5-turbo',
  'strict',
  'true',
  'false',
  'prompt_tokens_per_1k',
  'completion_tokens_per_1k',
  'price_per_image_standard_1024x1024',
  'budgets',
  'default',
  'pipeline',
  'total_cost_usd_limit',
  'settings',
  'state_uri',
  '0.0025',
  '-1',
  '1e999999999',
  '1e-999999999',
  '0x7f',
  'inf',
  'nan',
  '1_000',
  '2024-01-01T00:00:00Z',
  '12:30:00',
  'ü',
  '😀',
  '\u0000',
];

const tomlSoup = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), {
    maxLength: 120,
  })
  .map((parts) => parts.join(''));

/** A seed file with random edits: characters or lines deleted, duplicated or replaced with tokens. */
const mutated = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 }), fc.constant(''))), {
      minLength: 1,
      maxLength: 6,
    }),
  )
  .map(([seed, edits]) => {
    let t = seed;
    for (const [at, len, insert] of edits) {
      const from = at % (t.length + 1);
      t = t.slice(0, from) + insert + t.slice(Math.min(t.length, from + len));
    }
    return t;
  });

const anyText = fc.oneof(
  { weight: 2, arbitrary: mutated },
  { weight: 2, arbitrary: tomlSoup },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);

/** Line lengths in UTF-16 units, with the analysis' own line breaks (\n, \r\n, lone \r). */
function lineLengths(text: string): number[] {
  const starts = lineStartsOf(text);
  return starts.map((s, i) => {
    let e = i + 1 < starts.length ? starts[i + 1] : text.length;
    while (e > s && (text[e - 1] === '\n' || text[e - 1] === '\r')) e--;
    return e - s;
  });
}

function assertInside(lengths: number[], r: Range, what: string): void {
  for (const p of [r.start, r.end]) {
    assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line < lengths.length, `${what}: line ${p.line} of ${lengths.length}`);
    assert.ok(
      Number.isInteger(p.character) && p.character >= 0 && p.character <= lengths[p.line],
      `${what}: character ${p.character} of line ${p.line} (length ${lengths[p.line]})`,
    );
  }
  assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), `${what}: start after end`);
}

function checkDiagnostics(text: string, diagnostics: FlujoDiagnostic[], max: number): void {
  const lengths = lineLengths(text);
  assert.ok(diagnostics.length <= max + 1, `${diagnostics.length} diagnostics for a cap of ${max}`);
  for (const d of diagnostics) {
    assert.ok((DIAGNOSTIC_CODES as readonly string[]).includes(d.code), d.code);
    assert.ok(['error', 'warning', 'info'].includes(d.severity));
    assert.ok(d.message.length > 0 && d.message.length <= 1300, `message of ${d.message.length} characters`);
    assertInside(lengths, d.range, `${d.code} range`);
    // Plain data: what crosses to the worker and into vscode.Diagnostic survives a structured clone.
    assert.deepEqual(structuredClone(d), d);
  }
}

test('analysis of arbitrary and mutated flujo.toml text: total, ranges inside the document, capped', () => {
  fc.assert(
    fc.property(anyText, fc.constantFrom(5, 1000), (text, max) => {
      const a = analyzeFlujoToml(text, { maxDiagnostics: max, usedModels: [{ id: 'openai:gpt-4o' }, { id: 'x:y' }] });
      checkDiagnostics(text, a.diagnostics, max);
      assert.equal(typeof a.valid, 'boolean');
    }),
    { numRuns: 400 },
  );
});

test('quick fixes of every diagnostic apply inside the document and never throw', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const lengths = lineLengths(text);
      for (const d of analyzeFlujoToml(text).diagnostics) {
        for (const fix of quickFixes(text, d)) {
          for (const e of fix.edits) assertInside(lengths, e.range, `${d.code} fix '${fix.title}'`);
          assert.equal(typeof applyEdits(text, fix.edits), 'string');
        }
      }
    }),
    { numRuns: 200 },
  );
});

test('hover and completion at any position never throw and stay inside the document', () => {
  fc.assert(
    fc.property(anyText, fc.nat(), fc.nat({ max: 200 }), (text, lineSeed, character) => {
      const lengths = lineLengths(text);
      const line = lineSeed % lengths.length;
      const position = { line, character: Math.min(character, lengths[line]) };
      const hover = hoverFlujoToml(text, position);
      if (hover) assertInside(lengths, hover.range, 'hover');
      for (const c of completeFlujoToml(text, position)) assertInside(lengths, c.range, `completion ${c.label}`);
    }),
    { numRuns: 300 },
  );
});

/**
 * Hover and completion read from a window (language.ts tableWindow) equal those of the whole-file scan
 * wherever the window's ends are table headers for the whole-file scan too and its tables are defined only
 * there. That is every valid file; a broken one may differ only for one of two mistakes the analysis already
 * underlines: a value left open above lines that read cleanly on their own (an array swallows the lines after
 * it, header-like ones included), or a table defined twice (TOML forbids it; the whole-file scan counts the
 * keys of both definitions as present, the window those of its own).
 */
function checkWindowAgainstWholeScan(
  text: string,
  position: Position,
  options: { windowFromChars?: number },
): 'exact' | 'open-value' | 'table-defined-twice' {
  const whole = { windowFromChars: Infinity };
  const at = `at ${position.line}:${position.character}`;
  const hover = hoverFlujoToml(text, position, options);
  const items = completeFlujoToml(text, position, options);
  const lengths = lineLengths(text);
  if (hover) assertInside(lengths, hover.range, `hover ${at}`);
  for (const c of items) assertInside(lengths, c.range, `completion ${c.label} ${at}`);
  const w = tableWindow(text, position.line);
  const scan = scanToml(text);
  const headerLines = new Set(scan.headers.map((h) => h.range.start.line));
  const inWindow = (line: number) => line >= w.firstLine && line < w.endLine;
  const paths = scan.headers.filter((h) => inWindow(h.range.start.line)).map((h) => h.path.join('\0'));
  const twice = scan.headers.some((h) => !inWindow(h.range.start.line) && paths.includes(h.path.join('\0')));
  const realEnds = (w.firstLine === 0 || headerLines.has(w.firstLine)) && (w.endLine >= lengths.length || headerLines.has(w.endLine));
  if (realEnds && !twice) {
    assert.deepEqual(hover, hoverFlujoToml(text, position, whole), `hover ${at}`);
    assert.deepEqual(items, completeFlujoToml(text, position, whole), `completion ${at}`);
    return 'exact';
  }
  if (!realEnds)
    assert.ok(
      scan.problems.some((p) => /array|inline table|expected a newline after the value/.test(p.message)),
      `a window end that is no header, in a file with no value left open: lines ${w.firstLine}–${w.endLine} ${at}`,
    );
  return realEnds ? 'table-defined-twice' : 'open-value';
}

test('hover and completion in a big file (read around the position) equal those of the whole-file scan', () => {
  // A mutated seed, then 1.2 MB of model tables: each table once (a repeated table would merge its keys in a whole-file scan).
  const tables = manyTables(12_000);
  fc.assert(
    fc.property(mutated, fc.nat(), fc.nat({ max: 60 }), (head, pick, c) => {
      const big = `${head}\n${tables}`;
      const lengths = lineLengths(big);
      const line = pick % Math.min(lengths.length, lineLengths(head).length + 40);
      checkWindowAgainstWholeScan(big, { line, character: Math.min(c, lengths[line]) }, {});
    }),
    { numRuns: 25 },
  );
});

test('the window read from any table of a small file (forced) equals the whole-file scan; the ends it may not take', () => {
  const tables = manyTables(20);
  const kinds = { exact: 0, 'open-value': 0, 'table-defined-twice': 0 };
  fc.assert(
    fc.property(mutated, fc.nat(), fc.nat({ max: 60 }), (head, pick, c) => {
      const text = `${head}\n${tables}`;
      const lengths = lineLengths(text);
      const line = pick % lengths.length;
      kinds[checkWindowAgainstWholeScan(text, { line, character: Math.min(c, lengths[line]) }, { windowFromChars: 0 })]++;
    }),
    { numRuns: 400 },
  );
  assert.ok(kinds.exact > 300, `mostly exact: ${JSON.stringify(kinds)}`);
  // Found by the big-file property in CI: `[cost..openai."gpt-4.1"]` is the table [cost] again for the scanner,
  // and the two differ in the keys already present there (`strict`): a table defined twice, not an exact case.
  const seed = fs.readFileSync(path.join(root, 'examples/flujo.toml'), 'utf8');
  const twice = seed.replace('[cost.providers.openai."gpt-4.1"]', '[cost..openai."gpt-4.1"]');
  assert.notEqual(twice, seed);
  const under = lineLengths(twice.slice(0, twice.indexOf('[cost..openai'))).length;
  assert.equal(checkWindowAgainstWholeScan(twice, { line: under, character: 0 }, { windowFromChars: 0 }), 'table-defined-twice');
  for (let l = 0; l < lineLengths(seed).length; l++)
    assert.equal(checkWindowAgainstWholeScan(seed, { line: l, character: 0 }, { windowFromChars: 0 }), 'exact', `line ${l}`);
  // Lines in a multi-line string that look like headers, and a multi-line array of arrays (valid TOML).
  const multi = `[cost]\nnote = """\n[budgets.default]\ntotal_cost_usd_limit = 1\n"""\nstrict = true\n${tables}`;
  const nested = `[cost]\nx = [\n  [1],\n  [2]\n]\nstrict = true\n${tables}`;
  for (const text of [multi, nested])
    for (let l = 0; l < 8; l++)
      assert.equal(checkWindowAgainstWholeScan(text, { line: l, character: 2 }, { windowFromChars: 0 }), 'exact', `line ${l}`);
});

test('the worker (dist/flujo-worker.js) returns exactly the in-process analysis', async () => {
  assert.ok(fs.existsSync(workerScript), 'dist/flujo-worker.js is built (node scripts/build.mjs)');
  const worker = new FlujoAnalysisWorker(workerScript);
  try {
    const texts = fc.sample(anyText, { numRuns: 60, seed: 17 });
    for (const text of [...SEEDS, ...texts]) {
      const options = { maxDiagnostics: 50, usedModels: [{ id: 'openai:gpt-4o' }, { id: 'anthropic:claude-x' }] };
      const inWorker = await worker.analyze(text, options);
      const inProcess = analyzeFlujoToml(text, options);
      assert.deepEqual(inWorker.diagnostics, inProcess.diagnostics, JSON.stringify(text).slice(0, 200));
      assert.equal(inWorker.valid, inProcess.valid);
      // What the price catalog reads (PricingService asks for it with a cap of one diagnostic).
      const priced = await worker.analyze(text, { maxDiagnostics: 1 }, undefined, true);
      const whole = analyzeFlujoToml(text);
      assert.deepEqual(pricingFromPortable(priced.pricing!), whole.pricing, JSON.stringify(text).slice(0, 200));
      assert.deepEqual(priced.pricedModels, pricedModelIds(whole));
    }
    // Latest wins: a request started before the previous one settled supersedes it.
    const first = worker.analyze(SEEDS[0].repeat(200), {});
    const second = worker.analyze(SEEDS[1], {});
    await assert.rejects(first, (e) => isCancellationError(e));
    assert.deepEqual((await second).diagnostics, analyzeFlujoToml(SEEDS[1]).diagnostics);
  } finally {
    worker.dispose();
  }
});

test('a document in the worker: edits only after the first text, and the result of the text as edited', async () => {
  const worker = new FlujoAnalysisWorker(workerScript);
  try {
    // A model of the editor's document: text and version, change events as VS Code sends them.
    let text = SEEDS[0].repeat(40);
    let version = 1;
    const view = {
      get version() {
        return version;
      },
      get length() {
        return text.length;
      },
      getText: () => text,
      textAt: (start: number, end: number) => text.slice(start, end),
    };
    const edits = fc.sample(fc.tuple(fc.nat(), fc.nat({ max: 30 }), fc.constantFrom(...TOKENS, 'strickt = 1\n', '')), {
      numRuns: 40,
      seed: 3,
    });
    assert.deepEqual((await worker.analyzeDocument(view, {})).diagnostics, analyzeFlujoToml(text).diagnostics);
    for (let i = 0; i < edits.length; i++) {
      const [at, len, insert] = edits[i];
      const offset = at % (text.length + 1);
      const deleteLength = Math.min(len, text.length - offset);
      text = text.slice(0, offset) + insert + text.slice(offset + deleteLength);
      worker.recordChange(++version, [{ offset, deleteLength, text: insert }]);
      if (i % 4 !== 3) continue; // several change events per request, as typing between lints
      assert.deepEqual((await worker.analyzeDocument(view, {})).diagnostics, analyzeFlujoToml(text).diagnostics, `after edit ${i}`);
    }
    assert.equal(worker.sent.text, 1, `the text was sent ${worker.sent.text} times`);
    assert.ok(worker.sent.edits >= 10);
    // A change recorded wrong (same length, other text): the probe disagrees, the worker asks for the text.
    const editsBefore = worker.sent.edits;
    text = `x = 1\n${text}`;
    worker.recordChange(++version, [{ offset: 0, deleteLength: 0, text: 'y = 2\n' }]);
    assert.deepEqual((await worker.analyzeDocument(view, {})).diagnostics, analyzeFlujoToml(text).diagnostics);
    assert.equal(worker.sent.edits, editsBefore + 1);
    assert.equal(worker.sent.text, 2);
  } finally {
    worker.dispose();
  }
});

test('a cancelled analysis stops with a CancellationError and nothing else', () => {
  let calls = 0;
  assert.throws(
    () => analyzeFlujoToml(SEEDS[0], { cancelled: () => ++calls > 1 }),
    (e: unknown) => isCancellationError(e),
  );
});
