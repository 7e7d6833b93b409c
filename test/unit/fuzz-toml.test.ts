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
  quickFixes,
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

test('hover and completion in a big file (read around the position) equal those of the whole-file scan', () => {
  // A mutated seed, then 1.2 MB of model tables: each table once (a repeated table would merge its keys in a whole-file scan).
  const tables = manyTables(12_000);
  fc.assert(
    fc.property(mutated, fc.nat(), fc.nat({ max: 60 }), (head, pick, c) => {
      const big = `${head}\n${tables}`;
      const lengths = lineLengths(big);
      const line = pick % Math.min(lengths.length, lineLengths(head).length + 40);
      const position = { line, character: Math.min(c, lengths[line]) };
      const whole = { windowFromChars: Infinity };
      assert.deepEqual(hoverFlujoToml(big, position), hoverFlujoToml(big, position, whole), `hover at ${line}:${position.character}`);
      assert.deepEqual(
        completeFlujoToml(big, position),
        completeFlujoToml(big, position, whole),
        `completion at ${line}:${position.character}`,
      );
    }),
    { numRuns: 25 },
  );
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

test('a cancelled analysis stops with a CancellationError and nothing else', () => {
  let calls = 0;
  assert.throws(
    () => analyzeFlujoToml(SEEDS[0], { cancelled: () => ++calls > 1 }),
    (e: unknown) => isCancellationError(e),
  );
});
