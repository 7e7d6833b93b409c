import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { estimatePrompt } from '../../src/core/estimate';
import {
  LargePromptReply,
  LargePromptRequest,
  countersFromWorker,
  framingFromWorker,
  packCounts,
  slimDocument,
  unpackCounts,
} from '../../src/core/estimate/large';
import { LargeDocumentView, LargePromptClient } from '../../src/core/estimate/largeClient';
import type { TextEdit } from '../../src/core/prompt/incremental';
import { PriceCatalog } from '../../src/core/pricing';
import { parsePromptDocument } from '../../src/core/prompt';
import { countTokens } from '../../src/core/tokenize';
import { isCancellationError } from '../../src/core/cancellation';
import { LatestRequestWorker } from '../../src/core/worker/latest';

const script = path.resolve(__dirname, '../../../dist/estimate-worker.js');
const catalog = new PriceCatalog();
// Family models (Llama 3.1, Qwen 3) are framed by their chat template (chat format) in the worker too.
const models = ['openai:gpt-4o', 'openai:gpt-4', 'anthropic:claude-3-5-sonnet-latest', 'groq:llama-3.1-8b-instant', 'Qwen/Qwen3-32B'];

function bigPrompt(n: number): string {
  let s = '---\nmodel: openai:gpt-4.1\nmax_tokens: 100\n---\nsystem:\nYou are terse. {{style}}\n\nuser:\n';
  for (let i = 0; i < n; i++) s += `Line ${i}: the quick brown fox {{animal_${i % 7}}} jumps — ünïcödé ${i * 7919}\n`;
  return s;
}

/** The editor's document as the client sees it; edits fire the change event like VS Code's. */
class FakeDocument {
  version = 1;
  constructor(
    public text: string,
    private readonly client: LargePromptClient,
  ) {}
  edit(...edits: TextEdit[]): void {
    // one event: offsets refer to the text before it; applied from the last offset down
    for (const e of [...edits].sort((a, b) => b.offset - a.offset))
      this.text = this.text.slice(0, e.offset) + e.text + this.text.slice(e.offset + e.deleteLength);
    this.version++;
    this.client.recordChange(this.version, edits);
  }
  get view(): LargeDocumentView {
    return { version: this.version, length: this.text.length, getText: () => this.text, textAt: (s, e) => this.text.slice(s, e) };
  }
}

function newClient() {
  const w = new LatestRequestWorker<LargePromptRequest, LargePromptReply>(script);
  const sent: LargePromptRequest[] = [];
  const request = w.request.bind(w);
  w.request = (req) => (sent.push(req), request(req));
  return { w, client: new LargePromptClient(w), sent };
}

test('the worker estimate equals the main-thread estimate, for every model and message', async () => {
  const { w, client } = newClient();
  try {
    const editor = new FakeDocument('', client);
    for (const text of [bigPrompt(3000), bigPrompt(3000).replace('Line 5:', 'Line five:'), 'no front matter at all', '']) {
      editor.text = text;
      editor.version++;
      client.forget();
      const result = await client.request(editor.view, 'big.prompty', models);
      if (result.document.messages.length > 0) assert.deepEqual(Object.keys(result.framed ?? {}).sort(), ['llama3_1', 'qwen3']);
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
  const { w, client } = newClient();
  try {
    const doc = new FakeDocument(bigPrompt(20000), client);
    const first = client.request(doc.view, 'a.prompty', models);
    doc.text = bigPrompt(10);
    doc.version++;
    client.forget();
    const second = client.request(doc.view, 'a.prompty', models);
    await assert.rejects(first, (err) => isCancellationError(err));
    const r = await second;
    assert.equal(r.document.messages.length, 2);
    doc.text = bigPrompt(1000);
    doc.version++;
    client.forget();
    const capped = await client.request(doc.view, 'a.prompty', models);
    assert.ok(capped.document.messages[1].placeholders.length <= 200);
  } finally {
    w.dispose();
  }
});

/** The counts a from-scratch parse and count give, per model: what every worker answer must equal. */
function direct(text: string, fileName: string) {
  const doc = parsePromptDocument(text, fileName);
  return estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), { models, catalog, outputTokens: 10, requestsPerDay: 1 }).models.map(
    (m) => [m.model, m.inputTokens, m.messageTokens],
  );
}
function viaWorker(result: ReturnType<typeof unpackCounts>) {
  return estimatePrompt(
    result.document,
    countersFromWorker(result, countTokens),
    { models, catalog, outputTokens: 10, requestsPerDay: 1 },
    framingFromWorker(result),
  ).models.map((m) => [m.model, m.inputTokens, m.messageTokens]);
}

test('after the first request only edits travel; the counts follow every edit, superseded requests included', async () => {
  const { w, client, sent } = newClient();
  try {
    const doc = new FakeDocument(bigPrompt(2000), client);
    await client.request(doc.view, 'big.prompt.md', models);
    const pending: Promise<unknown>[] = [];
    for (let k = 0; k < 6; k++) {
      // a keystroke in the middle, a new section, a multi-cursor edit (one event, two changes)
      doc.edit({ offset: Math.floor(doc.text.length / 2), deleteLength: 0, text: 'x' });
      if (k === 2) doc.edit({ offset: doc.text.length, deleteLength: 0, text: '\nassistant:\nSure {{thing}}.\n' });
      if (k === 4) doc.edit({ offset: 200, deleteLength: 3, text: 'AB' }, { offset: 900, deleteLength: 0, text: 'ünï\n' });
      pending.push(client.request(doc.view, 'big.prompt.md', models).catch((e) => assert.ok(isCancellationError(e))));
    }
    const last = await client.request(doc.view, 'big.prompt.md', models);
    await Promise.all(pending);
    assert.deepEqual(viaWorker(last), direct(doc.text, 'big.prompt.md'));
    assert.equal(sent.filter((r) => r.text !== undefined).length, 1, 'the whole text was sent once');
  } finally {
    w.dispose();
  }
});

test('a worker whose copy is not the document (missed event, restarted worker) gets the whole text again', async () => {
  const { w, client, sent } = newClient();
  try {
    const doc = new FakeDocument(bigPrompt(500), client);
    await client.request(doc.view, 'big.prompty', models);
    // an edit the client never heard of, then one it did: the lengths disagree
    doc.text = doc.text.replace('Line 7:', 'Line seven:');
    doc.edit({ offset: 10, deleteLength: 0, text: 'y' });
    const r = await client.request(doc.view, 'big.prompty', models);
    assert.deepEqual(viaWorker(r), direct(doc.text, 'big.prompty'));
    assert.equal(sent.filter((q) => q.text !== undefined).length, 2);
    // the same length, but the text around the last edit differs (changes of one event applied in the wrong order)
    const at = doc.text.indexOf('Line 9:');
    doc.text = doc.text.slice(0, at) + 'LINE' + doc.text.slice(at + 4);
    doc.edit({ offset: at + 7, deleteLength: 0, text: ' fox' });
    const r2 = await client.request(doc.view, 'big.prompty', models);
    assert.deepEqual(viaWorker(r2), direct(doc.text, 'big.prompty'));
    assert.equal(sent.filter((q) => q.text !== undefined).length, 3);
    // a worker that restarted knows no text
    w.dispose();
    const { w: w2, client: fresh } = newClient();
    try {
      doc.edit({ offset: 5, deleteLength: 0, text: 'z' });
      const again = await fresh.request(doc.view, 'big.prompty', models);
      assert.deepEqual(viaWorker(again), direct(doc.text, 'big.prompty'));
    } finally {
      w2.dispose();
    }
  } finally {
    w.dispose();
  }
});

test('packed counts unpack to the same document (every format the parser reads)', () => {
  const texts: [string, string][] = [
    [bigPrompt(300), 'a.prompty'],
    ['---\nmodel: openai:gpt-4o\n---\n# System\nHi {{x}} ${y}\n\n## User\nQ {z}\n', 'a.prompt.md'],
    ['[{"role": "system", "content": "be {{brief}}"}, {"role": "user", "name": "Jo", "content": "hi"}]', 'chat.json'],
    ['---\nmodel: googleai/gemini-1.5-pro\n---\n{{role "system"}}\nYou help.\n{{role "user"}}\n{{question}}\n', 'a.prompt'],
    ['user[name="Jane"]:\nhello\n', 'b.prompty'],
    ['', 'empty.prompt.md'],
  ];
  for (const [text, name] of texts) {
    const doc = parsePromptDocument(text, name);
    const counts = { document: doc, contentTokens: { o200k_base: doc.messages.map((m) => m.content.length) } };
    assert.deepStrictEqual(unpackCounts(structuredClone(packCounts(counts))), { ...counts, document: slimDocument(doc) }, name);
  }
});
