// Differential property tests of the incremental layers against a from-scratch parse and count:
// random edit sequences on real prompt files (examples/prompts: Prompty, VS Code prompt file, plain
// text) and on crafted ones (front matter, fences, role lines and headings, placeholders, CRLF, BOM),
// under every file name the parser treats differently. After each edit the incremental parse must
// deep-equal parsePromptDocument(newText) and every count must equal countTokens(newText).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parsePromptDocument } from '../../src/core/prompt';
import { IncrementalPromptParser, type TextEdit } from '../../src/core/prompt/incremental';
import { IncrementalCounter } from '../../src/core/tokenize/incremental';
import { countTokens } from '../../src/core/tokenize';
import { MessageTokenCounts } from '../../src/core/estimate/messageCounts';

const examples = path.resolve(__dirname, '../../../examples/prompts');
const real = fs.readdirSync(examples).map((f) => fs.readFileSync(path.join(examples, f), 'utf8'));

/** Bigger than the placeholder look-ahead, so edits in the middle reuse both ends. */
const repeated = (t: string, n: number) => Array.from({ length: n }, (_, i) => t.replace(/\bthe\b/, `the ${i}`)).join('\n\n');
const crafted = [
  '---\nmodel: openai:gpt-4o\nmax_tokens: 50\n---\n# System\nYou are {{role}}.\n\n```\n## User\n```\n\n## User\nHi {name} and ${input:x}\n{% raw %}{{ not }}{% endraw %}\n',
  '\ufeffsystem:\r\nBe brief.\r\n\r\nuser[name="Jane"]:\r\n{{question}}\r\nassistant:\r\n',
  'no sections at all, {{one}} placeholder {and} one {{ unclosed\n\n\nmore text',
  '---\nname: t\ninputs:\n  history:\n    kind: thread\n---\nsystem:\nhello\n{{history}}\nuser:\n{{q}}\n',
  'plain\n~~~\nuser:\n~~~~\nuser:\ninside\n',
];
const BASES = [...real, ...real.map((t) => repeated(t, 6)), ...crafted, repeated(crafted[0], 30)];
const NAMES = ['p.prompt.md', 'p.prompty', 'p.md', 'p.txt', 'p.jinja', 'p.prompt', 'p.instructions.md'];

const fragments = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('x', ' ', '\n', '\r\n', 'word ', '\t', 'ü', '😀') },
  { weight: 1, arbitrary: structural() },
);
function structural() {
  return fc.constantFrom(
    '## User\n',
    '# System\n',
    'user:\n',
    'assistant:\n',
    '```\n',
    '~~~',
    '---\n',
    '{{',
    '}}',
    '{{ name }}',
    '{name}',
    '${x}',
    '{% raw %}',
    '{% endraw %}',
    '{#',
    '#}',
    '$',
    '{',
    '}',
    '"role": "user"',
    'ünï 😀 ',
    'history',
  );
}
const edit = fc.record({
  at: fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1_000_000),
  del: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 300 }) }),
  insert: fc.oneof(
    fc.constant(''),
    fragments,
    fc.array(fragments, { maxLength: 4 }).map((a) => a.join('')),
  ),
});

function toEdit(text: string, e: { at: number; del: number; insert: string }): TextEdit {
  const offset = Math.min(text.length, Math.floor(e.at * (text.length + 1)));
  return { offset, deleteLength: Math.min(e.del, text.length - offset), text: e.insert };
}

test('incremental parse equals a from-scratch parse after every edit (real and crafted prompt files, every format)', () => {
  let incremental = 0;
  let total = 0;
  fc.assert(
    fc.property(
      fc.constantFrom(...BASES),
      fc.constantFrom(...NAMES),
      fc.array(edit, { minLength: 1, maxLength: 12 }),
      (base, name, edits) => {
        const parser = new IncrementalPromptParser(name);
        parser.setText(base);
        let text = base;
        for (const e of edits) {
          const te = toEdit(text, e);
          text = text.slice(0, te.offset) + te.text + text.slice(te.offset + te.deleteLength);
          parser.applyEdit(te);
          const got = parser.document;
          total++;
          if (parser.lastUpdate === 'incremental') incremental++;
          assert.equal(parser.currentText, text);
          assert.deepStrictEqual(got, parsePromptDocument(text, name), `after ${JSON.stringify(te)} (${parser.lastUpdate})`);
        }
      },
    ),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
  );
  // The test means something only if most edits took the incremental path.
  assert.ok(incremental > total * 0.25, `${incremental} of ${total} edits were incremental`);
});

test('typing a document character by character, then deleting it, stays equal to a full parse', () => {
  const base = repeated(real.find((t) => t.includes('user:')) ?? crafted[1], 3);
  for (const name of ['p.prompty', 'p.prompt.md']) {
    const parser = new IncrementalPromptParser(name);
    parser.setText('');
    for (let i = 0; i < base.length; i += 7) {
      parser.applyEdit({ offset: parser.currentText.length, deleteLength: 0, text: base.slice(i, i + 7) });
      assert.deepStrictEqual(parser.document, parsePromptDocument(parser.currentText, name));
    }
    while (parser.currentText.length) {
      parser.applyEdit({
        offset: Math.floor(parser.currentText.length / 2),
        deleteLength: Math.min(5, parser.currentText.length - Math.floor(parser.currentText.length / 2)),
        text: '',
      });
      assert.deepStrictEqual(parser.document, parsePromptDocument(parser.currentText, name));
    }
  }
});

test('edits outside the document are a RangeError, and the parser is unchanged', () => {
  const parser = new IncrementalPromptParser('p.prompt.md');
  parser.setText('# User\nhello\n');
  const before = parser.document;
  for (const bad of [
    { offset: -1, deleteLength: 0, text: 'x' },
    { offset: 5, deleteLength: 100, text: '' },
    { offset: 1.5, deleteLength: 0, text: '' },
    { offset: 100, deleteLength: 0, text: '' },
  ])
    assert.throws(() => parser.applyEdit(bad), RangeError);
  assert.equal(parser.document, before);
});

test('IncrementalCounter.update equals a from-scratch count after every edit (every encoding family)', () => {
  const encodings = ['o200k_base', 'cl100k_base', 'p50k_base', 'claude', 'llama3', 'gemma3'] as const;
  fc.assert(
    fc.property(
      fc.constantFrom(...BASES),
      fc.constantFrom(...encodings),
      fc.array(edit, { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 16, max: 200 }),
      (base, encoding, edits, chunkSize) => {
        const counter = new IncrementalCounter(encoding, { chunkSize });
        counter.setText(base);
        let text = base;
        for (const e of edits) {
          const te = toEdit(text, e);
          text = text.slice(0, te.offset) + te.text + text.slice(te.offset + te.deleteLength);
          assert.equal(counter.update(text), countTokens(text, encoding), `${encoding} after ${JSON.stringify(te)}`);
          assert.equal(counter.text, text);
        }
      },
    ),
    { numRuns: 150 },
  );
});

test('MessageTokenCounts equals countTokens per message over edits that add, drop and shift messages', () => {
  fc.assert(
    fc.property(fc.constantFrom(...BASES), fc.array(edit, { minLength: 1, maxLength: 8 }), (base, edits) => {
      const parser = new IncrementalPromptParser('p.prompty');
      parser.setText(base);
      const counts = new MessageTokenCounts('o200k_base');
      const check = () => {
        const contents = parser.document.messages.map((m) => m.content);
        assert.deepEqual(
          counts.count(contents),
          contents.map((c) => (c ? countTokens(c, 'o200k_base') : 0)),
        );
      };
      check();
      for (const e of edits) {
        parser.applyEdit(toEdit(parser.currentText, e));
        check();
      }
    }),
    { numRuns: 100 },
  );
  // a long message (an IncrementalCounter), edited in its middle
  const counts = new MessageTokenCounts('cl100k_base');
  let long = repeated(real[0], 40);
  assert.deepEqual(counts.count(['short', long]), [countTokens('short', 'cl100k_base'), countTokens(long, 'cl100k_base')]);
  long = long.slice(0, 5000) + ' inserted words ' + long.slice(5000);
  assert.deepEqual(
    counts.count(['short', long, 'x']),
    ['short', long, 'x'].map((c) => countTokens(c, 'cl100k_base')),
  );
});
