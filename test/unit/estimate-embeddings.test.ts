// Embedding models: the request is the text alone and returns vectors, not text. OpenAI's API spec
// (openai/openai-openapi openapi.yaml, CreateEmbeddingResponse.usage) bills `prompt_tokens` = `total_tokens`,
// no completion tokens; the input's tokens are tiktoken's count of the text in the model's encoding
// (cl100k_base for text-embedding-3-*: tiktoken model.py; openai-cookbook examples/Embedding_long_inputs.ipynb
// counts `len(encoding.encode(text))`). So an embedding model's input has no chat framing, and a prompt whose
// models are all embedding models says "no output tokens" instead of the chat default (500) on every surface,
// while its JSON keeps the contract's keys and source names (outputTokens 0).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { oracleCount } from './tokenize/oracle';
import { main } from '../../src/cli/main';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';
import { parsePromptDocument } from '../../src/core/prompt/document';
import { estimateMarkdown, estimatePrompt } from '../../src/core/estimate';
import { countTokens, chatTokens, isEmbeddingModel } from '../../src/core/tokenize';
import { PriceCatalog } from '../../src/core/pricing/catalog';

const BODY = 'Represent this support ticket for retrieval: the invoice PDF fails to download on Safari 17.';
const SYSTEM = 'You are a retrieval assistant.';
const FILE = `---\nmodel: openai:text-embedding-3-small\n---\n${BODY}\n`;
const TWO = `---\nname: two\nmodel: openai:text-embedding-3-large\n---\nsystem:\n${SYSTEM}\n\nuser:\n${BODY}\n`;
const SOURCES = ['flag', 'setting', 'history', 'file', 'default']; // DESIGN.md: outputTokensSource values

describe('embedding models: input without chat framing, no output', () => {
  let dir: string;
  before(() => {
    dir = tempDir('pc-embed-');
    fs.writeFileSync(path.join(dir, 'ticket.prompt.md'), FILE);
    fs.writeFileSync(path.join(dir, 'two.prompty'), TWO);
  });

  it('which ids are embedding models (the id’s own name says embed, any spelling)', () => {
    for (const id of [
      'text-embedding-3-small',
      'openai:text-embedding-ada-002',
      'azure:text-embedding-3-large',
      'mistral:mistral-embed',
      'ollama:nomic-embed-text',
    ])
      assert.equal(isEmbeddingModel(id), true, id);
    for (const id of ['gpt-4o', 'claude-sonnet-4-5', 'meta-llama/Llama-3.1-8B-Instruct']) assert.equal(isEmbeddingModel(id), false, id);
  });

  it('input tokens: the text as tiktoken counts it, each message alone; chat models beside keep their framing', () => {
    const models = ['openai:text-embedding-3-large', 'openai:gpt-4o'];
    const doc = parsePromptDocument(TWO, 'two.prompty');
    const est = estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), {
      models,
      catalog: new PriceCatalog(),
      outputTokens: 500,
      requestsPerDay: 1,
    });
    const [embed, chat] = est.models;
    assert.equal(embed.inputTokens, oracleCount(SYSTEM, 'cl100k_base') + oracleCount(BODY, 'cl100k_base'));
    assert.deepEqual(embed.messageTokens, [oracleCount(SYSTEM, 'cl100k_base'), oracleCount(BODY, 'cl100k_base')]);
    const messages = doc.messages.map((m) => ({ role: m.role, content: m.content }));
    assert.equal(chat.inputTokens, chatTokens(messages, 'o200k_base'));
    assert.equal(est.embeddingsOnly, false);
    assert.equal(est.outputTokens, 500, 'a chat model beside: the expected output stays');
  });

  it('CLI: the header says no output tokens only when every model is an embedding model; JSON keeps its shape', async () => {
    let io = fakeIO(dir);
    assert.equal(await main(['estimate', 'ticket.prompt.md', '--model', 'openai:text-embedding-3-small'], io), 0, io.err);
    assert.match(io.out.split('\n')[0], /^ticket\.prompt\.md \(1 message: user\), no output tokens \(embedding models\)$/);
    assert.doesNotMatch(io.out, /500 output tokens/);

    io = fakeIO(dir);
    assert.equal(await main(['estimate', 'ticket.prompt.md', '--model', 'openai:text-embedding-3-small', '--json'], io), 0, io.err);
    const j = JSON.parse(io.out);
    assert.equal(j.outputTokens, 0);
    assert.equal(j.estimates[0].inputTokens, oracleCount(BODY, 'cl100k_base'));
    assert.equal(j.estimates[0].outputTokens, 0);
    assert.equal(j.estimates[0].outputUsd, '0');
    assert.ok(SOURCES.includes(j.estimates[0].outputTokensSource), j.estimates[0].outputTokensSource);
    assert.equal(j.prompts[0].outputTokens, 0);
    assert.ok(SOURCES.includes(j.prompts[0].outputTokensSource));

    io = fakeIO(dir);
    assert.equal(
      await main(['compare', 'ticket.prompt.md', '--models', 'openai:text-embedding-3-small,openai:text-embedding-3-large'], io),
      0,
      io.err,
    );
    assert.match(io.out.split('\n')[0], /^ticket\.prompt\.md: no output tokens \(embedding models\), 1,000 requests\/day/);

    io = fakeIO(dir);
    assert.equal(
      await main(['estimate', 'ticket.prompt.md', '--model', 'openai:text-embedding-3-small,openai:gpt-4o-mini'], io),
      0,
      io.err,
    );
    assert.match(io.out.split('\n')[0], /, 500 output tokens \(default\)$/, 'a chat model in the list: its expected output is said');
  });

  it('the hover’s table header says none instead of the chat default', () => {
    const doc = parsePromptDocument(FILE, 'ticket.prompt.md');
    const opts = { models: ['openai:text-embedding-3-small'], catalog: new PriceCatalog(), outputTokens: 500, requestsPerDay: 10 };
    const md = estimateMarkdown(
      estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), opts),
      { requestsPerDay: 10, compact: true },
    );
    assert.match(md, /\| Output \(none: embeddings\) \|/);
    assert.doesNotMatch(md, /500 tok/);
  });
});
