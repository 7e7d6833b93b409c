import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compileGlob,
  findModelIdsInCode,
  findPlaceholders,
  findPromptsInCode,
  parsePromptDocument,
  summarizePrompt,
} from '../../src/core/prompt';

const RUNS = Number(process.env.PCL_FUZZ_RUNS ?? 300);

/** Strings biased towards the syntax we parse. */
const promptish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '---\n',
        'system:\n',
        'user:\n',
        'assistant:\n',
        '# System\n',
        '## User\n',
        '```\n',
        '{{',
        '}}',
        '{%',
        '%}',
        '{#',
        '#}',
        '{',
        '}',
        '${',
        'name',
        ':',
        '"',
        "'",
        '\r\n',
        '\n',
        ' ',
        '\ufeff',
        'model: gpt-4o\n',
        'max_tokens: 5\n',
        '[',
        ']',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 60 },
  )
  .map((a) => a.join(''));

const codeish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'client.chat.completions.create(',
        'Agent(',
        'make_agent_async(',
        'model=',
        'model:',
        'system_prompt=',
        'messages=[',
        '{"role": "user", "content": ',
        '"openai:gpt-4o"',
        '"""',
        "'''",
        'f"',
        'r"',
        '`',
        '${',
        '}',
        '{',
        '(',
        ')',
        '[',
        ']',
        ',',
        '"',
        "'",
        '\\',
        '#',
        '//',
        '/*',
        '*/',
        '/',
        '\n',
        ' ',
        '+',
        'x',
        'const X = ',
      ),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 60 },
  )
  .map((a) => a.join(''));

const names = ['a.prompty', 'a.prompt.md', 'a.prompt', 'a.j2', 'prompts/a.md', 'a.txt'];

test('parsePromptDocument never throws; ranges are in bounds and ordered', () => {
  fc.assert(
    fc.property(promptish, fc.constantFrom(...names), (text, name) => {
      const doc = parsePromptDocument(text, name);
      let last = doc.body.start;
      assert.ok(doc.body.start <= doc.body.end && doc.body.end === text.length);
      for (const m of doc.messages) {
        assert.ok(
          last <= m.sectionRange.start &&
            m.sectionRange.start <= m.range.start &&
            m.range.start <= m.range.end &&
            m.range.end <= m.sectionRange.end &&
            m.sectionRange.end <= text.length,
        );
        // A dotprompt message leaves out comments, block tags and escape backslashes (its segments) and keeps
        // `\r\n` as dotprompt (JS) sends it; every other format sends its range with line breaks as `\n`.
        if (doc.format === 'prompt' && m.content !== text.slice(m.range.start, m.range.end).replace(/\r\n?/g, '\n'))
          assert.ok(m.content.length <= m.range.end - m.range.start);
        else assert.equal(m.content, text.slice(m.range.start, m.range.end).replace(/\r\n?/g, '\n'));
        assert.ok(m.headerLine >= 0 && m.startLine >= m.headerLine);
        last = m.sectionRange.end;
      }
      let prev = doc.body.start;
      for (const p of doc.placeholders) {
        assert.ok(prev <= p.range.start && p.range.start < p.range.end && p.range.end <= text.length);
        prev = p.range.end;
      }
      for (const d of doc.diagnostics) assert.ok(0 <= d.range.start && d.range.start <= d.range.end && d.range.end <= text.length);
      const s = summarizePrompt(doc, (t) => t.length);
      assert.ok(s.totalTokens >= s.contentTokens && s.contentTokens >= 0);
    }),
    { numRuns: RUNS },
  );
});

test('findPlaceholders on arbitrary text: ordered, non-overlapping, in bounds', () => {
  fc.assert(
    fc.property(promptish, fc.boolean(), fc.boolean(), fc.boolean(), (text, mustache, format, dollar) => {
      let prev = 0;
      for (const p of findPlaceholders(text, { mustache, format, dollar })) {
        assert.ok(prev <= p.range.start && p.range.start < p.range.end && p.range.end <= text.length);
        prev = p.range.end;
      }
    }),
    { numRuns: RUNS },
  );
});

test('findPromptsInCode never throws; results ordered and in bounds', () => {
  fc.assert(
    fc.property(codeish, fc.constantFrom('python', 'typescript', 'javascript'), (text, lang) => {
      let prev = 0;
      for (const p of findPromptsInCode(text, lang)) {
        assert.ok(prev <= p.range.start && p.range.start < p.range.end && p.range.end <= text.length);
        for (const ph of p.placeholders) assert.ok(p.range.start <= ph.range.start && ph.range.end <= p.range.end);
        prev = p.range.end;
      }
      for (const m of findModelIdsInCode(text, lang)) assert.ok(m.range.start < m.range.end && m.range.end <= text.length);
    }),
    { numRuns: RUNS },
  );
});

test('glob: a literal path matches itself, "**" matches everything, never throws', () => {
  const seg = fc.stringMatching(/^[a-z0-9._-]{1,6}$/);
  fc.assert(
    fc.property(fc.array(seg, { minLength: 1, maxLength: 5 }), fc.string({ maxLength: 20 }), (segs, junk) => {
      const p = segs.join('/');
      assert.equal(compileGlob(p)(p), true);
      assert.equal(compileGlob('**')(p), true);
      assert.equal(compileGlob('**/' + segs[segs.length - 1])(p), true);
      compileGlob(junk)(p);
    }),
    { numRuns: RUNS },
  );
});
