// Bounded resources for prompt files (issue 17, "Scale in the editor"): pathological prompt text is
// parsed, estimated for the default models and then edited incrementally (as the estimate worker does)
// in a child process under a 256 MB heap; each case must finish in seconds, and the incremental
// result must still equal a from-scratch parse and count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compiled, runCodeBounded } from '../support/bounded';

/** Child code: builds `text` with `make` (a JS expression), then parses, estimates and edits it. */
function scenario(fileName: string, make: string): string {
  return `
    const { parsePromptDocument } = require(${compiled('core/prompt/document')});
    const { IncrementalPromptParser } = require(${compiled('core/prompt/incremental')});
    const { MessageTokenCounts } = require(${compiled('core/estimate/messageCounts')});
    const { estimateDocument } = require(${compiled('core/estimate/index')});
    const { packCounts, unpackCounts } = require(${compiled('core/estimate/large')});
    const { countTokens } = require(${compiled('core/tokenize/index')});
    const { PriceCatalog } = require(${compiled('core/pricing/catalog')});
    const text = ${make};
    const fileName = ${JSON.stringify(fileName)};
    const t0 = Date.now();
    const doc = parsePromptDocument(text, fileName);
    const counters = (enc) => (t) => countTokens(t, enc);
    const settings = { catalog: new PriceCatalog(), configuredModels: ['openai:gpt-4o', 'anthropic:claude-3-5-sonnet-latest'], primaryModel: '', expectedOutputTokens: 100, requestsPerDay: 1 };
    const full = estimateDocument(doc, counters, settings);
    // the worker's path: an incremental parse and per-message counters, a few edits, the packed reply
    const parser = new IncrementalPromptParser(fileName);
    parser.setText(text);
    const per = new MessageTokenCounts('o200k_base');
    const count = (d) => per.count(d.messages.map((m) => m.content));
    count(parser.document);
    for (let k = 1; k <= 10; k++) {
      const at = Math.floor((parser.currentText.length * k) / 11);
      parser.applyEdit({ offset: at, deleteLength: k % 3, text: k % 2 ? 'edit ' : '{{x}} ' });
      count(parser.document);
    }
    const after = parser.document;
    const tokens = count(after).reduce((a, b) => a + b, 0);
    const scratch = parsePromptDocument(parser.currentText, fileName);
    const expected = scratch.messages.reduce((n, m) => n + countTokens(m.content, 'o200k_base'), 0);
    if (tokens !== expected) throw new Error('incremental ' + tokens + ' != from scratch ' + expected);
    if (after.messages.length !== scratch.messages.length) throw new Error('messages differ');
    unpackCounts(structuredClone(packCounts({ document: after, contentTokens: {} })));
    console.log(JSON.stringify({ chars: text.length, messages: doc.messages.length, placeholders: doc.placeholders.length, tokens: full.models[0].inputTokens, diagnostics: doc.diagnostics.map((d) => d.code), ms: Date.now() - t0 }));
  `;
}

const CASES: [string, string, string][] = [
  ['a 5 MB single line', 'line.prompt.md', `'the quick brown fox {{animal}} jumps. '.repeat(140_000)`],
  ['1M front-matter lines', 'fm.prompt.md', `'---\\n' + 'key: value\\n'.repeat(1_000_000) + '---\\n# User\\nhello\\n'`],
  ['1M front-matter lines, never closed', 'fm.prompty', `'---\\n' + 'k: v\\n'.repeat(1_000_000) + 'user:\\nhi\\n'`],
  [
    '100k {{ placeholders',
    'ph.prompty',
    `'user:\\n' + '{{name_' + '}} and '.repeat(1) + Array.from({ length: 100_000 }, (_, i) => '{{v' + i + '}} ').join('')`,
  ],
  ['100k unclosed {{', 'open.prompt.md', `'# User\\n' + '{{ '.repeat(100_000) + '}}'`],
  [
    '100k Prompty messages',
    'many.prompty',
    `Array.from({ length: 100_000 }, (_, i) => (i % 2 ? 'assistant' : 'user') + ':\\nturn ' + i + '\\n').join('')`,
  ],
  [
    '100k markdown sections',
    'many.prompt.md',
    `Array.from({ length: 100_000 }, (_, i) => '## ' + (i % 2 ? 'Assistant' : 'User') + '\\nturn ' + i + '\\n').join('')`,
  ],
  ['100k code fences', 'fences.md', `'# User\\n' + '\`\`\`\\n## System\\n'.repeat(100_000)`],
  [
    'front matter nested 100k deep',
    'deep.prompt.md',
    `'---\\nmodel: ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\\n---\\n# User\\nhi\\n'`,
  ],
  [
    'JSON chat nested 100k deep',
    'deep.json',
    `'{"messages": [{"role": "user", "content": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '}]}'`,
  ],
  ['Jinja {% raw %} never closed, 100k blocks', 't.jinja', `'user:\\n' + '{% raw %} {{ x }} '.repeat(100_000)`],
];

const only = process.env.BOUNDED_ONLY;
for (const [name, fileName, make] of CASES.filter(([n]) => !only || n.includes(only))) {
  test(`bounded: ${name} parses, estimates and edits incrementally in seconds under a 256 MB heap`, () => {
    const r = runCodeBounded(scenario(fileName, make), { timeoutMs: 60_000, heapMb: 256 });
    assert.equal(r.timedOut, false, `timed out after ${r.ms} ms`);
    assert.equal(r.status, 0, r.stderr.slice(0, 2000));
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.ok(out.messages >= 0 && Number.isInteger(out.tokens), r.stdout);
    assert.ok(r.peakRssMb === undefined || r.peakRssMb < 800, `peak RSS ${r.peakRssMb} MB`);
    console.log(`# ${name}: ${r.ms} ms wall, peak RSS ${r.peakRssMb?.toFixed(0)} MB, ${r.stdout.trim()}`);
  });
}
