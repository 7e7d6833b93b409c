// Fuzz tests for the parsers that read prompt files and source code (issue 17): front matter and the
// prompt formats (Prompty, dotprompt, prompt.md, Copilot files, JSON chat prompts, promptfoo lists,
// Semantic Kernel), the code lexer (src/core/prompt/lexer.ts) and prompt discovery in code (code.ts).
// None of them has documented error types: bad input is a diagnostic or "no prompt", never a throw.
// Every offset they return must lie inside the text they were given (an editor range outside the
// document is a crash in the extension host). Inputs: arbitrary strings, strings biased towards each
// syntax, and the real prompt files of examples/ and test/fixtures/ mutated (insert, delete,
// duplicate, truncate). Runs in a few seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { findModelIdsInCode, findPromptsInCode, parsePromptDocument } from '../../src/core/prompt';
import type { PromptDocument } from '../../src/core/prompt';
import { lexCode } from '../../src/core/prompt/lexer';
import type { OffsetRange } from '../../src/core/prompt/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RUNS = Number(process.env.PCL_FUZZ_RUNS ?? 250);

/** File names that select each prompt format (src/core/prompt/document.ts detectPromptFormat). */
const FILE_NAMES = [
  'a.prompty',
  'a.prompt',
  'a.prompt.md',
  'a.instructions.md',
  'a.agent.md',
  'SKILL.md',
  'a.jinja2',
  'a.md',
  'a.txt',
  'a.json',
  'chat.prompt.json',
  'skprompt.txt',
  'prompts.txt',
];

function seedsFrom(dir: string, pattern: RegExp): { name: string; text: string }[] {
  const abs = path.join(ROOT, dir);
  return fs
    .readdirSync(abs)
    .filter((f) => pattern.test(f))
    .map((f) => ({ name: f.replace(/\.txt$/, f.includes('.ts.') ? '' : '.txt'), text: fs.readFileSync(path.join(abs, f), 'utf8') }));
}

const PROMPT_SEEDS = [
  ...seedsFrom('examples/prompts', /./),
  ...seedsFrom('test/fixtures/prompt', /\.(prompty|md|txt)$/).filter((s) => !s.name.endsWith('.ts')),
  {
    name: 'chat.json',
    text: '{"model":"gpt-4o","max_tokens":50,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi {{name}}"}]}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}',
  },
  {
    name: 'a.prompt',
    text: '---\nmodel: googleai/gemini-1.5-flash\nconfig:\n  maxOutputTokens: 100\n---\n{{role "system"}}\nBe kind.\n{{role "user"}}\n{{question}}\n{{media url=photo}}\n',
  },
];
const CODE_SEEDS = [
  ...seedsFrom('examples/agents', /\.py$/).map((s) => ({ ...s, lang: 'python' })),
  ...seedsFrom('examples/with-mistakes', /\.py$/).map((s) => ({ ...s, lang: 'python' })),
  { name: 'agent.py', text: fs.readFileSync(path.join(ROOT, 'test/fixtures/prompt/agent.py'), 'utf8'), lang: 'python' },
  { name: 'chat.ts', text: fs.readFileSync(path.join(ROOT, 'test/fixtures/prompt/chat.ts.txt'), 'utf8'), lang: 'typescript' },
];

const SNIPPETS = [
  '---\n',
  '---',
  '\r\n',
  '\n',
  '\r',
  '\ufeff',
  '\u0000',
  '\ud800',
  '\udc00',
  '😀',
  'system:\n',
  'user[name="Jane"]:\n',
  'assistant:',
  '# System\n',
  '## User\n',
  '```\n',
  '{{',
  '}}',
  '{{#if x}}',
  '{{/if}}',
  '{{role "user"}}',
  '{{> partial}}',
  '{{! c }}',
  '{%',
  '%}',
  '{#',
  '#}',
  '${',
  '${input:x}',
  '{',
  '}',
  '"',
  "'",
  '"""',
  "'''",
  '`',
  '\\',
  'f"',
  'rb"',
  't"',
  '/*',
  '*/',
  '//',
  '#',
  'model: ',
  'model:\n  id: gpt-4o\n',
  'max_tokens: 1e999\n',
  'parameters:\n  max_tokens: -1\n',
  '[[[[',
  '{"messages": [',
  '{"role": "user", "content": ',
  ']}',
  'messages.create(model="claude-3-5-sonnet", system="',
  'client.chat.completions.create(',
  'Agent(instructions=',
  'content: `',
  '&anchor ',
  '*anchor',
  '!!binary ',
  '? ',
];

const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 })), {
    maxLength: 30,
  })
  .map((p) => p.join(''));

/** A real file, mutated: snippets inserted, slices deleted or duplicated, the end cut off. */
function mutated(seeds: readonly { text: string }[]) {
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(
        fc.tuple(
          fc.constantFrom('insert', 'delete', 'duplicate', 'truncate'),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.constantFrom(...SNIPPETS),
        ),
        { minLength: 1, maxLength: 6 },
      ),
    )
    .map(([seed, ops]) => {
      let t = seed.text;
      for (const [op, a, b, snippet] of ops) {
        const i = Math.floor(a * t.length);
        const j = Math.min(t.length, i + Math.floor(b * 200));
        if (op === 'insert') t = t.slice(0, i) + snippet + t.slice(i);
        else if (op === 'delete') t = t.slice(0, i) + t.slice(j);
        else if (op === 'duplicate') t = t.slice(0, j) + t.slice(i, j) + t.slice(j);
        else t = t.slice(0, i);
      }
      return t;
    });
}

function assertRange(r: OffsetRange | undefined, text: string, what: string): void {
  if (r === undefined) return;
  assert.ok(
    Number.isInteger(r.start) && Number.isInteger(r.end) && 0 <= r.start && r.start <= r.end && r.end <= text.length,
    `${what} ${JSON.stringify(r)} outside 0..${text.length}`,
  );
}

function assertDocument(doc: PromptDocument, text: string): void {
  assertRange(doc.frontMatter?.range, text, 'frontMatter.range');
  assertRange(doc.frontMatter?.contentRange, text, 'frontMatter.contentRange');
  assertRange(doc.body, text, 'body');
  assertRange(doc.modelRef?.range, text, 'modelRef.range');
  const lines = text.split(/\r\n|\r|\n/).length;
  let previous = -1;
  for (const m of doc.messages) {
    assertRange(m.range, text, `message ${m.role} range`);
    assertRange(m.sectionRange, text, `message ${m.role} sectionRange`);
    assertRange(m.headerRange, text, `message ${m.role} headerRange`);
    assert.ok(m.sectionRange.start >= previous, 'sections in document order');
    previous = m.sectionRange.start;
    assert.ok(m.headerLine >= 0 && m.headerLine < lines && m.startLine >= 0 && m.startLine < lines, 'message lines inside the text');
    assert.equal(typeof m.content, 'string');
    for (const p of m.placeholders) assertRange(p.range, text, `placeholder ${p.name}`);
  }
  for (const p of doc.placeholders) assertRange(p.range, text, `placeholder ${p.name}`);
  for (const d of doc.diagnostics) {
    assertRange(d.range, text, `diagnostic ${d.code}`);
    assert.ok(d.message.length > 0);
  }
  assert.ok(doc.maxTokens === undefined || (Number.isSafeInteger(doc.maxTokens) && doc.maxTokens >= 0), `maxTokens ${doc.maxTokens}`);
}

const readSibling = (name: string) => (name === 'config.json' ? '{"execution_settings":{"default":{"max_tokens":"x"}}}' : undefined);

test('parsePromptDocument: never throws and keeps every range inside the text (all formats, arbitrary and syntax-biased input)', () => {
  fc.assert(
    fc.property(fc.oneof(hostileText, fc.string({ unit: 'binary', maxLength: 200 })), fc.constantFrom(...FILE_NAMES), (text, name) => {
      assertDocument(parsePromptDocument(text, name, { readSibling }), text);
    }),
    { numRuns: RUNS * 2 },
  );
});

test('parsePromptDocument: mutated real prompt files (examples/prompts, test/fixtures/prompt, a JSON chat and a dotprompt file)', () => {
  fc.assert(
    fc.property(mutated(PROMPT_SEEDS), fc.constantFrom(...FILE_NAMES), (text, name) => {
      assertDocument(parsePromptDocument(text, name, { readSibling }), text);
    }),
    { numRuns: RUNS * 2 },
  );
});

test('lexCode: never throws; tokens are in order, non-overlapping and inside the text (Python and JS/TS)', () => {
  fc.assert(
    fc.property(
      fc.oneof(hostileText, mutated(CODE_SEEDS), fc.string({ unit: 'binary', maxLength: 200 })),
      fc.constantFrom('python', 'js'),
      (text, lang) => {
        let end = 0;
        for (const t of lexCode(text, lang as 'python' | 'js')) {
          assertRange(t, text, `token ${t.kind}`);
          assert.ok(t.start >= end, `token at ${t.start} overlaps the previous one ending at ${end}`);
          end = t.end;
          if (t.kind === 'string') assert.ok(t.str, 'a string token carries its literal');
          for (const p of t.str?.placeholders ?? []) assertRange(p.range, text, 'string placeholder');
        }
      },
    ),
    { numRuns: RUNS * 2 },
  );
});

test('findPromptsInCode / findModelIdsInCode: never throw; prompts, models and placeholders inside the text', () => {
  fc.assert(
    fc.property(
      fc.oneof(hostileText, mutated(CODE_SEEDS)),
      fc.constantFrom('python', 'typescript', 'javascript', 'typescriptreact', 'javascriptreact'),
      (text, languageId) => {
        for (const p of findPromptsInCode(text, languageId)) {
          assertRange(p.range, text, 'prompt');
          assertRange(p.modelRange, text, 'model');
          for (const x of p.placeholders) assertRange(x.range, text, 'placeholder');
          assert.equal(typeof p.text, 'string');
        }
        for (const m of findModelIdsInCode(text, languageId)) assertRange(m.range, text, 'model id');
      },
    ),
    { numRuns: RUNS * 2 },
  );
});

test('pathological inputs finish and do not throw (deep nesting, long unterminated constructs)', () => {
  const n = 50_000;
  const cases: [string, string][] = [
    ['a.json', '['.repeat(n)],
    ['a.json', `{"messages":${'['.repeat(n)}`],
    ['a.json', `{"messages":[{"role":"user","content":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}]}`],
    ['a.prompty', `---\nmodel: ${'['.repeat(n)}\n---\nhi`],
    ['a.prompty', `---\n${'- '.repeat(n)}x\n---\nhi`],
    ['a.prompt', `---\n${'a: &a [*a]\n'}---\n{{role "user"}}hi`],
    ['a.prompt.md', `${'{{'.repeat(n)}`],
    ['a.jinja2', `${'{%'.repeat(n)}`],
    ['a.txt', `${'system:\n'.repeat(n)}`],
    ['prompts.txt', `${'---\n'.repeat(n)}`],
  ];
  for (const [name, text] of cases) {
    const started = Date.now();
    assertDocument(parsePromptDocument(text, name), text);
    assert.ok(Date.now() - started < 5000, `${name}: ${Date.now() - started} ms`);
  }
  for (const text of [
    '"""'.repeat(n),
    "'".repeat(n),
    '`${'.repeat(n),
    'f"{'.repeat(n),
    '/*'.repeat(n),
    '('.repeat(n),
    `x = ${'"a" + '.repeat(n)}"b"`,
  ]) {
    const started = Date.now();
    for (const lang of ['python', 'typescript']) {
      for (const p of findPromptsInCode(text, lang)) assertRange(p.range, text, 'prompt');
    }
    assert.ok(Date.now() - started < 5000, `${text.slice(0, 10)}…: ${Date.now() - started} ms`);
  }
});
