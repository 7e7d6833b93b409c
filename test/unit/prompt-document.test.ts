import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LineIndex,
  findPlaceholders,
  messageAt,
  parsePromptDocument,
  parseRoleHeading,
  parseRoleLine,
  type PromptDocument,
} from '../../src/core/prompt';
import { cpuMs } from '../support/timing';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'prompt');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** Every range lies in the text and content/range agree (modulo CRLF normalisation). */
function checkInvariants(doc: PromptDocument, text: string): void {
  let last = doc.body.start;
  for (const m of doc.messages) {
    assert.ok(m.sectionRange.start >= last && m.sectionRange.start <= m.sectionRange.end && m.sectionRange.end <= text.length);
    assert.ok(m.range.start >= m.sectionRange.start && m.range.end <= m.sectionRange.end && m.range.start <= m.range.end);
    assert.equal(m.content, text.slice(m.range.start, m.range.end).replace(/\r\n?/g, '\n'));
    last = m.sectionRange.end;
  }
  for (const p of doc.placeholders) assert.ok(p.range.start >= doc.body.start && p.range.end <= text.length && p.range.start < p.range.end);
}

test('parseRoleLine: Prompty role lines', () => {
  assert.deepEqual(parseRoleLine('system:'), { role: 'system' });
  assert.deepEqual(parseRoleLine('  USER :  '), { role: 'user' });
  assert.deepEqual(parseRoleLine('# assistant:'), { role: 'assistant' });
  assert.deepEqual(parseRoleLine('user[name="Jane Doe"]:'), { role: 'user', name: 'Jane Doe' });
  assert.deepEqual(parseRoleLine("user[name='Bob']:"), { role: 'user', name: 'Bob' });
  assert.deepEqual(parseRoleLine('developer:'), { role: 'developer' });
  for (const no of ['system: you are', 'users:', 'user', '{{item.role}}:', 'the user:', 'system:\u0000x', ''])
    assert.equal(parseRoleLine(no), undefined, no);
});

test('parseRoleHeading: markdown role headings', () => {
  assert.equal(parseRoleHeading('# System'), 'system');
  assert.equal(parseRoleHeading('## User'), 'user');
  assert.equal(parseRoleHeading('### Assistant'), 'assistant');
  assert.equal(parseRoleHeading('## System prompt'), 'system');
  assert.equal(parseRoleHeading('## User message:'), 'user');
  assert.equal(parseRoleHeading('# Human'), 'user');
  assert.equal(parseRoleHeading('## System ##'), 'system');
  for (const no of ['# Customer', '#System', '    # System', '## Users', '## System design', 'System'])
    assert.equal(parseRoleHeading(no), undefined, no);
});

test('real Prompty sample: front matter, sections, placeholders', () => {
  const text = fixture('basic.prompty');
  const doc = parsePromptDocument(text, 'basic.prompty');
  checkInvariants(doc, text);
  assert.equal(doc.format, 'prompty');
  assert.equal(doc.model, 'azure:gpt-35-turbo');
  assert.equal(doc.modelRef?.name, 'gpt-35-turbo');
  assert.equal(text.slice(doc.modelRef!.range!.start, doc.modelRef!.range!.end), 'gpt-35-turbo');
  assert.equal(doc.maxTokens, 128);
  assert.equal(doc.api, 'chat');
  assert.deepEqual(doc.diagnostics, []);
  assert.equal(text.slice(doc.frontMatterRange!.start, doc.frontMatterRange!.end).split('\n')[0], '---');
  assert.deepEqual(
    doc.messages.map((m) => m.role),
    ['system', 'user'],
  );
  const [sys, user] = doc.messages;
  assert.ok(sys.content.startsWith('You are an AI assistant'));
  assert.ok(sys.content.includes('# Customer'), 'non-role headings stay in the section');
  assert.ok(sys.content.includes('{{item.role}}:'), 'a placeholder followed by ":" is not a role line');
  assert.equal(user.content, '{{question}}');
  assert.equal(sys.headerLine, 22);
  assert.equal(sys.startLine, 23);
  assert.equal(user.headerLine, text.split('\n').indexOf('user:'));
  assert.deepEqual(
    doc.placeholders.map((p) => [p.name, p.kind, p.syntax]),
    [
      ['firstName', 'variable', 'mustache'],
      ['lastName', 'variable', 'mustache'],
      ['for item in chat_history', 'block', 'jinja'],
      ['item.role', 'variable', 'mustache'],
      ['item.content', 'variable', 'mustache'],
      ['endfor', 'block', 'jinja'],
      ['question', 'variable', 'mustache'],
    ],
  );
  assert.equal(user.placeholders.length, 1);
  assert.equal(messageAt(doc, user.range.start), user);
  assert.equal(messageAt(doc, 0), undefined);
  // Sections are half-open: the offset where one ends belongs to the next (the hover's rule too).
  for (const [i, m] of doc.messages.entries()) {
    assert.equal(messageAt(doc, m.sectionRange.end - 1), m);
    if (i + 1 < doc.messages.length) assert.equal(messageAt(doc, m.sectionRange.end), doc.messages[i + 1]);
  }
});

test('Prompty v2 model shape, name attribute, maxOutputTokens', () => {
  const text = fixture('v2.prompty');
  const doc = parsePromptDocument(text, 'v2.prompty');
  checkInvariants(doc, text);
  assert.equal(doc.model, 'anthropic:claude-sonnet-4-5-20250929');
  assert.equal(doc.modelRef?.providerSource, 'configuration');
  assert.equal(doc.maxTokens, 512);
  assert.equal(doc.api, 'chat');
  assert.equal(doc.messages[1].name, 'Jane');
  assert.equal(doc.messages[1].role, 'user');
});

test('model as a plain string; explicit provider kept', () => {
  const doc = parsePromptDocument(fixture('model-string.prompty'), 'm.prompty');
  assert.equal(doc.model, 'openai:gpt-4o');
  assert.equal(doc.modelRef?.providerSource, 'explicit');
  const bare = parsePromptDocument('---\nmodel: gpt-4o\n---\nhi', 'x.prompt');
  assert.equal(bare.model, 'gpt-4o');
  assert.equal(bare.modelRef?.providerSource, 'none');
  const cfg = parsePromptDocument('---\nmodel:\n  configuration:\n    type: openai\n    name: gpt-4o-mini\n---\nhi', 'x.prompty');
  assert.equal(cfg.model, 'openai:gpt-4o-mini');
  const env = parsePromptDocument(
    '---\nmodel:\n  configuration:\n    type: azure_openai\n    azure_deployment: ${env:DEPLOYMENT}\n---\nhi',
    'x.prompty',
  );
  assert.equal(env.model, undefined);
  const dot = parsePromptDocument('---\nmodel: googleai/gemini-1.5-flash\nconfig:\n  maxOutputTokens: 64\n---\nhi {{x}}', 'x.prompt');
  assert.equal(dot.model, 'google:gemini-1.5-flash');
  assert.equal(dot.maxTokens, 64);
  const completion = parsePromptDocument('---\nmodel:\n  api: completion\n---\nhi', 'x.prompty');
  assert.equal(completion.api, 'completion');
});

test('malformed YAML is reported with a location, not thrown', () => {
  const text = fixture('malformed.prompty');
  const doc = parsePromptDocument(text, 'malformed.prompty');
  checkInvariants(doc, text);
  const errs = doc.diagnostics.filter((d) => d.code === 'front-matter-yaml');
  assert.ok(errs.length > 0);
  for (const e of errs) {
    assert.ok(e.range.start >= doc.frontMatter!.contentRange.start && e.range.end <= doc.frontMatter!.contentRange.end);
  }
  assert.deepEqual(
    doc.messages.map((m) => [m.role, m.content]),
    [['user', 'Hello {{name}}']],
  );
  const badMax = parsePromptDocument('---\nmodel:\n  parameters:\n    max_tokens: lots\n---\nhi', 'x.prompty');
  const d = badMax.diagnostics.find((x) => x.code === 'front-matter-type');
  assert.ok(d);
  assert.equal('---\nmodel:\n  parameters:\n    max_tokens: lots\n---\nhi'.slice(d.range.start, d.range.end), 'lots');
  assert.equal(badMax.maxTokens, undefined);
  const scalar = parsePromptDocument('---\njust a string\n---\nhi', 'x.prompt');
  assert.equal(scalar.diagnostics[0]?.code, 'front-matter-type');
  const dup = parsePromptDocument('---\nmodel: a\nmodel: b\n---\nhi', 'x.prompt');
  assert.ok(dup.diagnostics.some((x) => x.severity === 'error'));
});

test('unclosed front matter: warning, whole file is body', () => {
  const text = '---\nname: x\nuser:\nhello';
  const doc = parsePromptDocument(text, 'x.prompty');
  assert.equal(doc.frontMatter, undefined);
  assert.equal(doc.diagnostics[0].code, 'front-matter-unclosed');
  checkInvariants(doc, text);
  assert.equal(doc.messages.at(-1)?.content, 'hello');
});

test('CRLF and BOM: offsets into the original text, content normalised', () => {
  const lf = fixture('basic.prompty');
  const text = '\ufeff' + lf.replace(/\n/g, '\r\n');
  const doc = parsePromptDocument(text, 'basic.prompty');
  checkInvariants(doc, text);
  assert.equal(doc.bom, true);
  assert.equal(doc.model, 'azure:gpt-35-turbo');
  assert.equal(doc.maxTokens, 128);
  const plain = parsePromptDocument(lf, 'basic.prompty');
  assert.deepEqual(
    doc.messages.map((m) => [m.role, m.content, m.headerLine, m.startLine]),
    plain.messages.map((m) => [m.role, m.content, m.headerLine, m.startLine]),
  );
  assert.ok(!doc.messages[0].content.includes('\r'));
  assert.equal(doc.placeholders.length, plain.placeholders.length);
  const old = parsePromptDocument('user:\rhello\r', 'x.prompt');
  assert.ok(old.messages.length >= 1);
});

test('empty files, whitespace, only front matter', () => {
  for (const text of ['', '   \n\n', '\ufeff', '---\nmodel: gpt-4o\n---\n', '---\nmodel: gpt-4o\n---', '---\n---\n']) {
    const doc = parsePromptDocument(text, 'x.prompty');
    assert.deepEqual(doc.messages, [], JSON.stringify(text));
    checkInvariants(doc, text);
  }
  assert.equal(parsePromptDocument('---\nmodel: gpt-4o\n---', 'x.prompty').model, 'gpt-4o');
  assert.deepEqual(parsePromptDocument('---\n---\nhi', 'x.prompt').frontMatter?.data, {});
});

test('no sections: one message with the whole body (user; Prompty: system)', () => {
  const text = fixture('summarize.txt');
  const doc = parsePromptDocument(text, '/ws/prompts/summarize.txt');
  checkInvariants(doc, text);
  assert.equal(doc.messages.length, 1);
  assert.equal(doc.messages[0].role, 'user');
  assert.equal(doc.messages[0].implicit, true);
  assert.equal(doc.messages[0].headerLine, 0);
  assert.equal(doc.messages[0].content, text.trim());
  assert.equal(parsePromptDocument('Hello', 'a.prompty').messages[0].role, 'system');
  const names = doc.placeholders.map((p) => `${p.syntax}:${p.name}`);
  assert.deepEqual(names, ['format:max_words', 'format:audience', 'mustache:like this', 'format:text']);
});

test('markdown role headings, fences, preamble, .prompt.md ${} variables', () => {
  const text = fixture('headings.prompt.md');
  // VS Code sends a prompt file's body as one request (prompt-runtime-roles.test.ts); the heading split is
  // what a caller asks for with roleHeadings (and what a `.prompt.md` written for another runner gets).
  assert.deepEqual(
    parsePromptDocument(text, 'review.prompt.md').messages.map((m) => m.role),
    ['user'],
  );
  const doc = parsePromptDocument(text, 'review.prompt.md', { roleHeadings: true });
  checkInvariants(doc, text);
  assert.equal(doc.format, 'prompt-md');
  // VS Code writes display names (awesome-copilot prompts: `model: GPT-4.1`): mapped to the catalog id.
  assert.equal(doc.model, 'openai:gpt-4o');
  assert.deepEqual(
    doc.messages.map((m) => [m.role, m.implicit]),
    [
      ['system', true],
      ['system', false],
      ['user', false],
      ['assistant', false],
    ],
  );
  assert.ok(doc.messages[1].content.includes('## User\nthis heading is inside a fence'));
  assert.equal(doc.messages[3].content, 'Sure.');
  assert.deepEqual(
    doc.placeholders.map((p) => [p.syntax, p.name]),
    [
      ['dollar', 'input:language'],
      ['dollar', 'selection'],
    ],
  );
  const lines = new LineIndex(text);
  assert.equal(lines.positionAt(doc.messages[2].headerRange!.start).line, doc.messages[2].headerLine);
  // In .prompty files headings are not sections (Prompty semantics) unless asked.
  const p = parsePromptDocument('# System\nA\n## User\nB', 'x.prompty');
  assert.equal(p.messages.length, 1);
  assert.equal(parsePromptDocument('# System\nA\n## User\nB', 'x.prompty', { roleHeadings: true }).messages.length, 2);
});

test('Prompty: empty sections are kept with empty content (microsoft/prompty spec/spec.md §6.6 "Empty messages")', () => {
  const text = 'system:\n\nuser:\nHi\nassistant:\n';
  const doc = parsePromptDocument(text, 'x.prompty');
  checkInvariants(doc, text);
  assert.deepEqual(
    doc.messages.map((m) => [m.role, m.content]),
    [
      ['system', ''],
      ['user', 'Hi'],
      ['assistant', ''],
    ],
  );
});

test('placeholders: heuristics', () => {
  const scan = (s: string, format = true) =>
    findPlaceholders(s, { mustache: true, format, dollar: false }).map(
      (p) => `${p.kind}/${p.syntax}:${p.name}@${s.slice(p.range.start, p.range.end)}`,
    );
  assert.deepEqual(scan('{{name}} {{ name }} {{{raw}}} {{- trimmed -}}'), [
    'variable/mustache:name@{{name}}',
    'variable/mustache:name@{{ name }}',
    'variable/mustache:raw@{{{raw}}}',
    'variable/mustache:trimmed@{{- trimmed -}}',
  ]);
  assert.deepEqual(scan('{{#items}}x{{/items}}{{^e}}{{! note}}{{> part}}{{&html}}'), [
    'section/mustache:#items@{{#items}}',
    'section/mustache:/items@{{/items}}',
    'section/mustache:^e@{{^e}}',
    'comment/mustache: note@{{! note}}'.replace(': note', ':note'),
    'partial/mustache:part@{{> part}}',
    'variable/mustache:html@{{&html}}',
  ]);
  assert.deepEqual(scan('{% if x %}a{% endif %}{# c #}'), [
    'block/jinja:if x@{% if x %}',
    'block/jinja:endif@{% endif %}',
    'comment/jinja:c@{# c #}',
  ]);
  assert.deepEqual(scan('{% raw %}{{not}}{x}{% endraw %}{{yes}}'), [
    'block/jinja:raw@{% raw %}',
    'block/jinja:endraw@{% endraw %}',
    'variable/mustache:yes@{{yes}}',
  ]);
  // python format style
  assert.deepEqual(scan('{name} {user.name} {items[0]} {x!r} {price:.2f} {0}'), [
    'variable/format:name@{name}',
    'variable/format:user.name@{user.name}',
    'variable/format:items[0]@{items[0]}',
    'variable/format:x!r@{x!r}',
    'variable/format:price:.2f@{price:.2f}',
    'variable/format:0@{0}',
  ]);
  // not placeholders
  assert.deepEqual(scan('{"a": 1} { a: 1 } {} {a b} {a:} {-1} function() { return x; }'), []);
  assert.deepEqual(scan('{"outer": {inner}}'), ['variable/format:inner@{inner}']);
  assert.deepEqual(scan('{{name}}', true), ['variable/mustache:name@{{name}}']);
  assert.deepEqual(findPlaceholders('{{escaped}}', { mustache: false, format: true, dollar: false }), []);
  assert.deepEqual(scan('{name}', false), []);
  // unclosed tags do not swallow text
  assert.deepEqual(scan('{{ unclosed and {later}'), ['variable/format:later@{later}']);
  assert.deepEqual(scan('{{a' + 'x'.repeat(2000) + '}}'), []);
  assert.deepEqual(scan('{% if %'), []);
});

test('5 MB document parses in linear time (10× the text costs about 10× the time, not 100×)', () => {
  const unit = 'user:\nSome text with {{var}} and {name} and {"json": true} here.\n{{ unclosed\nassistant:\nok\n';
  const doc = (bytes: number) => '---\nmodel: gpt-4o\n---\n' + unit.repeat(Math.ceil(bytes / unit.length));
  const small = doc(512 * 1024);
  const big = doc(5 * 1024 * 1024);
  parsePromptDocument(small, 'warm.prompty');
  let parsed: ReturnType<typeof parsePromptDocument> | undefined;
  const smallMs = Math.max(
    1,
    cpuMs(() => parsePromptDocument(small, 'small.prompty')),
  );
  const bigMs = cpuMs(() => (parsed = parsePromptDocument(big, 'big.prompty')));
  assert.ok(parsed!.messages.length > 50_000);
  assert.ok(
    bigMs / smallMs < 30,
    `5 MB took ${bigMs.toFixed(0)} ms CPU, 0.5 MB ${smallMs.toFixed(0)} ms: ×${(bigMs / smallMs).toFixed(1)}`,
  );
  // pathological inputs stay fast (a quadratic scan of 1M characters would take minutes)
  for (const s of [
    '{'.repeat(1_000_000),
    '{{'.repeat(500_000),
    '{%'.repeat(500_000),
    '${'.repeat(500_000),
    '{a'.repeat(500_000),
    ' '.repeat(1_000_000) + 'x',
    '\n'.repeat(1_000_000),
  ]) {
    const ms = cpuMs(() => {
      parsePromptDocument(s, 'x.prompt.md');
      parsePromptDocument(s, 'x.txt');
    });
    assert.ok(ms < 5000, `slow on ${JSON.stringify(s.slice(0, 4))}: ${ms.toFixed(0)} ms CPU`);
  }
});

// Dotprompt renders with Handlebars (google/dotprompt js/src/dotprompt.ts compiles the body with Handlebars):
// only `{{! }}` comments and `{{#…}}` block tags are dropped; Jinja's `{# #}` and `{% %}` are literal text.
test('dotprompt: Jinja-looking comments and blocks are sent as written; Handlebars comments are dropped', () => {
  for (const text of [' {#{#}}', 'a {# note #} b', 'a {% if x %} b']) {
    const doc = parsePromptDocument(text, 'a.prompt');
    assert.deepEqual(
      doc.messages.map((m) => [m.role, m.content]),
      [['user', text]],
    );
  }
  const doc = parsePromptDocument('x {{! c }} y', 'a.prompt');
  assert.deepEqual(
    doc.messages.map((m) => m.content),
    ['x  y'],
  );
});

test('front matter max_tokens: an absurd number is named as such (YAML makes 1e999999999 Infinity), the default output tokens stay', () => {
  const doc = parsePromptDocument('---\nmodel:\n  parameters:\n    max_tokens: 1e999999999\n---\nhi', 'a.prompty');
  assert.equal(doc.maxTokens, undefined);
  assert.equal(doc.diagnostics.length, 1);
  assert.match(doc.diagnostics[0].message, /max_tokens is an absurd value: beyond a float's range/);
  const text = '---\nmodel:\n  parameters:\n    max_tokens: "x"\n---\nhi';
  const odd = parsePromptDocument(text, 'a.prompty');
  assert.match(odd.diagnostics[0].message, /should be a positive integer \(got "x"\)/);
  assert.equal(text.slice(odd.diagnostics[0].range.start, odd.diagnostics[0].range.end), '"x"');
});
