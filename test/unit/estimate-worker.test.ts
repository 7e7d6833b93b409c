import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { estimatePrompt } from '../../src/core/estimate';
import { LargePromptCounts, LargePromptRequest, countersFromWorker, framingFromWorker } from '../../src/core/estimate/large';
import { PriceCatalog } from '../../src/core/pricing';
import { parsePromptDocument } from '../../src/core/prompt';
import { countTokens } from '../../src/core/tokenize';
import { isCancellationError } from '../../src/core/cancellation';
import { LatestRequestWorker } from '../../src/core/worker/latest';

const script = path.resolve(__dirname, '../../../dist/estimate-worker.js');
const catalog = new PriceCatalog();
// Family models (Llama 3, Qwen 3) are framed by their chat template in the worker too.
const models = ['openai:gpt-4o', 'openai:gpt-4', 'anthropic:claude-3-5-sonnet-latest', 'groq:llama-3.1-8b-instant', 'Qwen/Qwen3-32B'];

function bigPrompt(n: number): string {
  let s = '---\nmodel: openai:gpt-4.1\nmax_tokens: 100\n---\nsystem:\nYou are terse. {{style}}\n\nuser:\n';
  for (let i = 0; i < n; i++) s += `Line ${i}: the quick brown fox {{animal_${i % 7}}} jumps — ünïcödé ${i * 7919}\n`;
  return s;
}

test('the worker estimate equals the main-thread estimate, for every model and message', async () => {
  const w = new LatestRequestWorker<LargePromptRequest, LargePromptCounts>(script);
  try {
    for (const text of [bigPrompt(3000), bigPrompt(3000).replace('Line 5:', 'Line five:'), 'no front matter at all', '']) {
      const result = await w.request({ text, fileName: 'big.prompty', models });
      if (result.document.messages.length > 0) assert.deepEqual(Object.keys(result.framed ?? {}).sort(), ['llama3', 'qwen3']);
      const viaWorker = estimatePrompt(
        result.document,
        countersFromWorker(result, countTokens),
        {
          models: [...(result.document.model ? [result.document.model] : []), ...models],
          catalog,
          outputTokens: 10,
          requestsPerDay: 1,
        },
        framingFromWorker(result),
      );
      const doc = parsePromptDocument(text, 'big.prompty');
      const direct = estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), {
        models: [...(doc.model ? [doc.model] : []), ...models],
        catalog,
        outputTokens: 10,
        requestsPerDay: 1,
      });
      assert.deepEqual(
        viaWorker.models.map((m) => [m.model, m.inputTokens, m.messageTokens]),
        direct.models.map((m) => [m.model, m.inputTokens, m.messageTokens]),
      );
      assert.equal(
        viaWorker.table.rows.map((r) => r.totalUsd.toString()).join(),
        direct.table.rows.map((r) => r.totalUsd.toString()).join(),
      );
    }
  } finally {
    w.dispose();
  }
});

test('a newer request supersedes an older one; placeholders are capped for the trip back', async () => {
  const w = new LatestRequestWorker<LargePromptRequest, LargePromptCounts>(script);
  try {
    const first = w.request({ text: bigPrompt(20000), fileName: 'a.prompty', models });
    const second = w.request({ text: bigPrompt(10), fileName: 'a.prompty', models });
    await assert.rejects(first, (err) => isCancellationError(err));
    const r = await second;
    assert.equal(r.document.messages.length, 2);
    const capped = await w.request({ text: bigPrompt(1000), fileName: 'a.prompty', models });
    assert.ok(capped.document.messages[1].placeholders.length <= 200);
  } finally {
    w.dispose();
  }
});
