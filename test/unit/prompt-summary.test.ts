import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openAiChatTokens, openAiMessageOverhead, parsePromptDocument, summarizePrompt } from '../../src/core/prompt';

/** Fake tokenizer: one token per whitespace-separated word. */
const words = (s: string): number => (s.trim() === '' ? 0 : s.trim().split(/\s+/).length);

test('per-message counts with OpenAI chat overhead', () => {
  const doc = parsePromptDocument('system:\nYou are terse.\n\nuser[name="Jane"]:\nHi {{question}} there\n', 'x.prompty');
  const s = summarizePrompt(doc, words);
  assert.deepEqual(
    s.messages.map((m) => [m.role, m.contentTokens, m.overheadTokens, m.totalTokens]),
    [
      ['system', 3, 3 + 1, 7],
      ['user', 3, 3 + 1 + 1 + 1, 9],
    ],
  );
  assert.equal(s.replyPrimingTokens, 3);
  assert.equal(s.contentTokens, 6);
  assert.equal(s.totalTokens, 7 + 9 + 3);
  assert.equal(s.overheadTokens, s.totalTokens - s.contentTokens);
  assert.deepEqual(s.unfilled, ['question']);
  assert.equal(s.totalTokens, openAiChatTokens(doc.messages, words));
});

test('chatTokens from the tokenizer decides the total; empty Prompty messages are sent and framed (microsoft/prompty spec/spec.md §6.6)', () => {
  const doc = parsePromptDocument('system:\n\nuser:\nhello world\n', 'x.prompty');
  let seen: unknown;
  const s = summarizePrompt(doc, words, {
    chatTokens: (ms) => {
      seen = ms;
      return 42;
    },
  });
  assert.deepEqual(seen, [
    { role: 'system', content: '' },
    { role: 'user', content: 'hello world' },
  ]);
  assert.equal(s.totalTokens, 42);
  assert.equal(s.messages[0].empty, true);
  // 3 per message + the role's one word.
  assert.equal(s.messages[0].totalTokens, 4);
  assert.equal(s.overheadTokens, 40);
});

test('no overhead for completion prompts or when asked; empty doc is zero', () => {
  const completion = parsePromptDocument(
    '---\nmodel:\n  api: completion\n  parameters:\n    max_tokens: 50\n---\none two three',
    'x.prompty',
  );
  const s = summarizePrompt(completion, words);
  assert.equal(s.totalTokens, 3);
  assert.equal(s.maxTokens, 50);
  assert.equal(summarizePrompt(parsePromptDocument('a b', 'x.txt'), words, { overhead: 'none' }).totalTokens, 2);
  const empty = summarizePrompt(parsePromptDocument('', 'x.prompty'), words);
  assert.equal(empty.totalTokens, 0);
  assert.deepEqual(empty.messages, []);
  assert.equal(openAiChatTokens([], words), 0);
  assert.equal(
    openAiMessageOverhead({ role: 'user' }, () => 1),
    4,
  );
  assert.equal(
    openAiMessageOverhead({ role: 'user', name: 'x' }, () => 1),
    6,
  );
});

test('summary carries model, lines and ranges for CodeLens/hover', () => {
  const text = '---\nmodel: openai:gpt-4o\n---\n## System\nBe {tone}.\n## User\n{q} and {q}\n';
  const s = summarizePrompt(parsePromptDocument(text, 'prompts/a.md'), words);
  assert.equal(s.model, 'openai:gpt-4o');
  assert.deepEqual(
    s.messages.map((m) => m.headerLine),
    [3, 5],
  );
  assert.equal(text.slice(s.messages[1].range.start, s.messages[1].range.end), '{q} and {q}');
  assert.deepEqual(s.unfilled, ['tone', 'q']);
  assert.equal(s.placeholders.length, 3);
});
