import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  codeLensSummary,
  encodingsFor,
  estimateMarkdown,
  estimatePrompt,
  formatTokens,
  inputCost,
  shortUsd,
} from '../../src/core/estimate';
import { Decimal, PriceCatalog } from '../../src/core/pricing';
import { flujoPricing } from '../../src/core/flujo';
import { parsePromptDocument, summarizePrompt } from '../../src/core/prompt';
import { chatTokens, countTokens, ENCODING_NAMES } from '../../src/core/tokenize';

const FLUJO = '[cost.providers.openai."gpt-4o-mini"]\nprompt_tokens_per_1k = 0.00015\ncompletion_tokens_per_1k = 0.0006\n';
const catalog = new PriceCatalog({ flujo: flujoPricing(FLUJO) });
const DOC = '---\nmodel: openai:gpt-4o-mini\nmax_tokens: 300\n---\n# System\n\nYou classify tickets.\n\n# User\n\nTicket: {{ticket}}\n';

test('estimatePrompt: exact counts with chat overhead, front matter max_tokens, flujo.toml prices', () => {
  const doc = parsePromptDocument(DOC, 'triage.prompt.md');
  const e = estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), {
    models: ['openai:gpt-4o-mini', 'anthropic:claude-3-5-sonnet-latest'],
    catalog,
    outputTokens: 500,
    requestsPerDay: 1000,
  });
  const expected = chatTokens(
    [
      { role: 'system', content: 'You classify tickets.' },
      { role: 'user', content: 'Ticket: {{ticket}}' },
    ],
    'o200k_base',
  );
  const mini = e.models.find((m) => m.model === 'openai:gpt-4o-mini')!;
  assert.equal(mini.inputTokens, expected);
  assert.equal(e.outputTokens, 300);
  const row = e.table.rows.find((r) => r.id === 'openai:gpt-4o-mini')!;
  assert.equal(row.priceSource, 'flujo.toml');
  assert.equal(
    row.totalUsd.toString(),
    Decimal.parse('0.00015').times(expected).plus(Decimal.parse('0.0006').times(300)).shiftLeft(3).toString(),
  );
  const claude = e.models.find((m) => m.model.startsWith('anthropic:'))!;
  assert.equal(claude.tokenizer.approximate, true);
  assert.deepEqual(e.unfilled, ['ticket']);
  // Per message counts add up to the total minus reply priming.
  assert.equal(mini.messageTokens.reduce((a, b) => a + b, 0) + 3, mini.inputTokens);
});

test('encodingsFor loads only what the models need', () => {
  assert.deepEqual(encodingsFor(['openai:gpt-4o', 'openai:gpt-4o-mini']), ['o200k_base']);
  assert.deepEqual(encodingsFor(['gpt-4', 'openai:gpt-4o']).sort(), ['cl100k_base', 'o200k_base']);
});

test('summarizePrompt agrees with the tokenizer chat rule for every encoding (property)', () => {
  const roles = fc.constantFrom('system', 'user', 'assistant');
  const body = fc
    .string({ minLength: 1, maxLength: 60 })
    .filter((s) => s.trim().length > 0 && !/[\r\n]/.test(s) && !/^(system|user|assistant)\s*:/i.test(s.trim()));
  fc.assert(
    fc.property(fc.array(fc.tuple(roles, body), { minLength: 1, maxLength: 4 }), (msgs) => {
      const text = msgs.map(([r, b]) => `${r}:\n${b.trim()}\n`).join('\n');
      const doc = parsePromptDocument(text, 'x.prompty');
      const messages = doc.messages.filter((m) => m.content.length > 0).map((m) => ({ role: m.role, content: m.content }));
      for (const enc of ENCODING_NAMES) {
        assert.equal(summarizePrompt(doc, (t) => countTokens(t, enc)).totalTokens, chatTokens(messages, enc));
      }
    }),
    { numRuns: 60 },
  );
});

test('shortUsd: 3 significant digits below $1, cents above (src/core/format.ts), exact zero, ≈ prefix', () => {
  assert.equal(shortUsd(Decimal.parse('0.00019665')), '$0.000197');
  assert.equal(shortUsd(Decimal.parse('0.0031')), '$0.0031');
  assert.equal(shortUsd(Decimal.parse('0.00000015')), '$0.00000015');
  assert.equal(shortUsd(Decimal.parse('1.234')), '$1.23');
  assert.equal(shortUsd(Decimal.parse('123.6')), '$123.60');
  assert.equal(shortUsd(Decimal.parse('0.012252')), '$0.0123'); // was $0.01 beside $0.00818
  assert.equal(shortUsd(Decimal.ZERO), '$0');
  assert.equal(shortUsd(Decimal.parse('0.0049'), true), '≈$0.0049');
});

test('formatTokens groups digits and marks approximations', () => {
  assert.equal(formatTokens(1234567, false), '1,234,567');
  assert.equal(formatTokens(12, true), '≈ 12');
});

test('inputCost is exact and undefined without a price', () => {
  assert.equal(inputCost(catalog, 'openai:gpt-4o-mini', 1)!.toString(), '0.00000015');
  assert.equal(
    inputCost(new PriceCatalog({ flujo: { ...flujoPricing('[cost]\nstrict = true\n'), strict: true } }), 'openai:gpt-4o', 10),
    undefined,
  );
});

test('codeLensSummary and estimateMarkdown show every model, approximate ones with ≈', () => {
  const doc = parsePromptDocument(DOC, 'triage.prompt.md');
  const e = estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), {
    models: ['openai:gpt-4o-mini', 'anthropic:claude-3-5-sonnet-latest', 'nope:unknown-model'],
    catalog,
    outputTokens: 500,
    requestsPerDay: 10,
  });
  const s = codeLensSummary(e, 'openai:gpt-4o-mini');
  assert.match(s.tokensTitle, /^\d+ tokens$/);
  assert.deepEqual(
    s.modelTitles.map((m) => m.title.split(' ')[0]),
    ['gpt-4o-mini', 'claude-3-5-sonnet-latest', 'unknown-model'],
  );
  assert.match(s.modelTitles[1].title, /≈\$/);
  assert.match(s.modelTitles[2].title, /no price/);
  const md = estimateMarkdown(e, { title: 'T', requestsPerDay: 10 });
  assert.match(md, /Monthly \(10\/day\)/);
  assert.match(md, /\| gpt-4o-mini \| \d+ \| \$0\.\d+ \| \$0\.00018 \|/);
  assert.match(md, /Unfilled placeholders .*`ticket`/);
  assert.match(md, /Prices: flujo\.toml/);
  assert.match(md, /\| All input cached \(input only\) \| Batch API \(whole request\) \|/);
  assert.match(md, /^\| Model \| Input tokens \| Input \| Output \(300 tok\) \| Total \/ request \| Monthly \(10\/day\) \|$/m);
  // The hover (compact): one table, the first model's variants on one line, the notes as one paragraph — it
  // has to fit VS Code's hover height cap (max(¼ editor height, 250 px)) without scrolling (issue 29).
  const compact = estimateMarkdown(e, { title: 'T', requestsPerDay: 10, compact: true });
  assert.equal(compact.match(/^\|---/gm)?.length, 1, compact);
  // shorter labels and no context size, so each line fits the hover beside the explorer (issue 29 item 6)
  assert.match(compact, /^\| Model \| Tokens \| Input \| Output \(300 tok\) \| Per request \| Monthly \(10\/day\) \|$/m);
  assert.match(compact, /≈\$/, 'the table marks approximate figures, so the note need not name the models');
  assert.match(
    compact,
    /^gpt-4o-mini: (all input cached \$[\d.]+ \(input only\) · )?Batch API \$[\d.]+ \(whole request\)( · context [\d.]+%[^\n]*)?$/m,
  );
  assert.doesNotMatch(compact, /per 1,000 requests/, 'the compact hover leaves per 1,000 requests to the panel');
  assert.match(estimateMarkdown(e, { title: 'T', requestsPerDay: 10 }), /Per 1,000 requests/);
  const paragraphs = compact.split('\n\n');
  assert.match(paragraphs[paragraphs.length - 1], /^Prices: [^\n]*≈ approximate count\. Unfilled placeholders[^\n]* {2}\n⚠ Flujo itself/);
});

// The hover is compact (issue 29, item 6) and the learned output must survive that (issue 21): the e2e
// scenario learned-output found the compact branch returning before the learned figures were added.
// Costs by Flujo's own rule (flujo/cost.py: prompt_tokens / 1000 × prompt_tokens_per_1k + completion
// tokens / 1000 × completion_tokens_per_1k), with the prices of FLUJO above.
test('estimateMarkdown compact: the learned p50/p90 output and their request costs, and the reasoning-model warning, stay in the hover', () => {
  // no max_tokens: a reasoning model without runs may then think up to its output limit
  const doc = parsePromptDocument(DOC.replace('max_tokens: 300\n', ''), 'triage.prompt.md');
  const learned = { p50: 88, p90: 131, runs: 6, lastRun: '2026-12-01T00:00:00Z' };
  const e = estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), {
    models: ['openai:gpt-4o-mini', 'openai:gpt-4o', 'openai:o4-mini'],
    catalog,
    outputTokens: 300,
    requestsPerDay: 10,
    learned: {
      lookup: (model) =>
        model === 'openai:gpt-4o-mini'
          ? learned
          : model === 'openai:gpt-4o'
            ? { ...learned, borrowedFrom: 'openai:gpt-4o-mini' }
            : undefined,
      choice: 'p50',
    },
  });
  const input = e.models.find((m) => m.model === 'openai:gpt-4o-mini')!.inputTokens;
  const cost = (out: number) => Decimal.parse('0.00015').times(input).plus(Decimal.parse('0.0006').times(out)).shiftLeft(3);
  const compact = estimateMarkdown(e, { requestsPerDay: 10, compact: true });
  assert.equal(compact.match(/^\|---/gm)?.length, 1, compact); // still one table: the hover must not scroll
  // one learned line, the first model's (the others' learned output is in the table's Output column)
  assert.equal(compact.match(/Learned from/g)?.length, 1, compact);
  assert.ok(
    compact.includes(
      `Learned from 6 runs · gpt-4o-mini: Typical (p50) 88 tok · ${shortUsd(cost(88))}, Budget (p90) 131 tok · ${shortUsd(cost(131))}`,
    ),
    compact,
  );
  // the table's output column uses the learned p50, not the default (300)
  assert.match(compact, /\| gpt-4o-mini \| \d+ \| \$[\d.]+ \| \$0\.0000528 \(88 tok\) \|/);
  assert.match(compact, /⚠ o4-mini: reasoning model with no runs, output may reach [\d,]+ tokens/);
  // the full hover (Copy as Markdown) keeps the table form
  assert.match(estimateMarkdown(e, { requestsPerDay: 10 }), /\| Learned from runs \| Typical \(p50\) \| Budget \(p90\) \| Runs \|/);
  // without learned output the compact hover has no learned line
  const plain = estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), {
    models: ['openai:gpt-4o-mini'],
    catalog,
    outputTokens: 300,
    requestsPerDay: 10,
  });
  assert.doesNotMatch(estimateMarkdown(plain, { requestsPerDay: 10, compact: true }), /Learned from/);
});
