import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import './tokenize/oracle';
import { oracleCount } from './tokenize/oracle';
import { chatTokens, countForModel, countTokens, familyForModel, tokenizerForModel } from '../../src/core/tokenize';

describe('tokenizerForModel', () => {
  const cases: [string, string][] = [
    ['gpt-4o', 'o200k_base'],
    ['openai:gpt-4o', 'o200k_base'],
    ['gpt-4o-2024-08-06', 'o200k_base'],
    ['gpt-4o-mini', 'o200k_base'],
    ['gpt-4.1-mini', 'o200k_base'],
    ['openai:gpt-4.1', 'o200k_base'],
    ['gpt-4.5-preview', 'o200k_base'],
    ['gpt-5', 'o200k_base'],
    ['gpt-5-mini-2025-08-07', 'o200k_base'],
    ['gpt-5.1', 'o200k_base'],
    ['o1', 'o200k_base'],
    ['o1-mini', 'o200k_base'],
    ['o3-pro', 'o200k_base'],
    ['o4-mini-2025-04-16', 'o200k_base'],
    ['chatgpt-4o-latest', 'o200k_base'],
    ['gpt-4', 'cl100k_base'],
    ['gpt-4-0613', 'cl100k_base'],
    ['gpt-4-turbo-2024-04-09', 'cl100k_base'],
    ['gpt-3.5-turbo', 'cl100k_base'],
    ['openai:gpt-3.5-turbo-0125', 'cl100k_base'],
    ['gpt-35-turbo', 'cl100k_base'],
    ['text-embedding-3-small', 'cl100k_base'],
    ['text-embedding-3-large', 'cl100k_base'],
    ['text-embedding-ada-002', 'cl100k_base'],
    ['gpt-oss-120b', 'o200k_harmony'],
    ['openai:gpt-oss-20b', 'o200k_harmony'],
    ['text-davinci-003', 'p50k_base'],
    ['code-davinci-002', 'p50k_base'],
    ['davinci', 'r50k_base'],
    ['text-curie-001', 'r50k_base'],
    ['openai/gpt-4o', 'o200k_base'],
    ['ft:gpt-4o-mini-2024-07-18:acme::abc123', 'o200k_base'],
    ['GPT-4O', 'o200k_base'],
  ];
  for (const [id, enc] of cases) {
    it(`${id} → ${enc}, exact`, () => {
      const t = tokenizerForModel(id);
      assert.equal(t.encoding, enc);
      assert.equal(t.approximate, false);
      assert.equal(t.fallback, undefined);
      assert.match(t.method, /Exact/);
    });
  }
  it('unknown OpenAI-looking ids fall back to o200k_base and say so', () => {
    for (const id of ['gpt-7-ultra', 'openai:some-new-model', 'o9-preview']) {
      const t = tokenizerForModel(id);
      assert.equal(t.encoding, 'o200k_base');
      assert.match(t.fallback ?? '', /o200k_base/);
    }
  });
  // Every prefix and spelling listed in issue 11, plus the relatives that share a vocabulary
  // (Llama 3.1 model card: Llama 3.x share one tokenizer; Qwen2.5/Qwen3 tokenizer.json are identical
  // in vocab and merges; DeepSeek's API docs: deepseek-chat / deepseek-reasoner serve V3 / R1).
  const familyCases: [string, string, string?][] = [
    ['meta-llama/Llama-3.1-8B-Instruct', 'llama3'],
    ['llama-3.3-70b-versatile', 'llama3'],
    ['groq:llama-3.1-8b-instant', 'llama3'],
    ['together:meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo', 'llama3'],
    ['bedrock:meta.llama3-1-70b-instruct-v1:0', 'llama3'],
    ['bedrock:us.meta.llama3-3-70b-instruct-v1:0', 'llama3'],
    ['ollama:llama3.2', 'llama3'],
    ['ollama:llama3:8b', 'llama3'],
    ['openrouter:meta-llama/llama-3.2-3b-instruct', 'llama3'],
    ['groq:llama-3.3-70b', 'llama3'],
    ['Qwen/Qwen3-32B', 'qwen3'],
    ['qwen3-32b', 'qwen3'],
    // Qwen2.5: its own added tokens (families.ts VERSION_ENCODINGS), the Qwen vocabulary
    ['Qwen/Qwen2.5-72B-Instruct', 'qwen3', 'qwen2_5'],
    ['ollama:qwen2.5-coder:7b', 'qwen3', 'qwen2_5'],
    ['qwq-32b', 'qwen3'],
    ['deepseek-chat', 'deepseek_v3'],
    ['deepseek-reasoner', 'deepseek_v3'],
    ['deepseek:deepseek-chat', 'deepseek_v3'],
    ['deepseek-ai/DeepSeek-V3', 'deepseek_v3'],
    ['together:deepseek-ai/DeepSeek-R1', 'deepseek_v3'],
    ['gemma-3-27b-it', 'gemma3'],
    ['google/gemma-3-4b-it', 'gemma3'],
    ['ollama:gemma3:12b', 'gemma3'],
  ];
  for (const [id, family, encoding = family] of familyCases) {
    it(`${id} → ${family}, exact`, () => {
      const t = tokenizerForModel(id);
      assert.equal(t.encoding, encoding);
      assert.equal(t.family, family);
      assert.equal(t.approximate, false);
      assert.match(t.method, /^Exact: .* vocabulary/);
      assert.equal(familyForModel(id), family);
    });
  }
  it("R1 distills: their base's family, approximate (their own tokenizer.json is not available to check)", () => {
    for (const [id, family] of [
      ['deepseek-ai/DeepSeek-R1-Distill-Qwen-32B', 'qwen3'],
      ['deepseek-ai/DeepSeek-R1-Distill-Llama-70B', 'llama3'],
    ] as const) {
      const t = tokenizerForModel(id);
      assert.equal(t.family, family, id);
      assert.equal(t.approximate, true, id);
      assert.equal(familyForModel(id), family, id);
    }
  });
  it('Llama 2 / 4, Gemma 2, DeepSeek Coder V1 are not counted with a newer family', () => {
    for (const id of [
      'meta-llama/Llama-2-7b-chat-hf',
      'llama-4-scout-17b',
      'codellama-34b',
      'gemma-2-9b-it',
      'deepseek-coder-6.7b',
      'llama-30b',
    ]) {
      assert.equal(familyForModel(id), undefined, id);
      assert.equal(tokenizerForModel(id).approximate, true, id);
    }
  });
  it('Gemini and hosted Qwen: the nearest published vocabulary, labelled and approximate', () => {
    const g = tokenizerForModel('google:gemini-2.5-flash');
    assert.equal(g.encoding, 'gemma3');
    assert.equal(g.approximate, true);
    assert.match(g.method, /Gemma 3 vocabulary/);
    assert.equal(tokenizerForModel('qwen-max').encoding, 'qwen3');
    assert.equal(tokenizerForModel('qwen-max').approximate, true);
  });
  it('Claude, Gemini, Mistral, old Llama and unknown providers are approximate', () => {
    for (const id of [
      'anthropic:claude-3-5-sonnet-latest',
      'claude-3-haiku-20240307',
      'claude-sonnet-4-5',
      'google:gemini-1.5-pro',
      'gemini-2.0-flash',
      'mistral:mistral-large-latest',
      'codestral-latest',
      'meta-llama/Llama-2-7b-chat-hf',
      'cohere:command-r',
      'acme:thing',
    ]) {
      const t = tokenizerForModel(id);
      assert.equal(t.approximate, true, id);
      assert.match(t.method, /^Approximate/, id);
      assert.equal(t.fallback, undefined);
    }
    assert.equal(tokenizerForModel('anthropic:claude-3-5-sonnet-latest').errorBand, 0.03);
    assert.equal(tokenizerForModel('meta-llama/Llama-2-7b').encoding, 'cl100k_base');
  });
});

describe('countForModel', () => {
  const withoutTokenizer = ({ tokens, encoding, approximate }: ReturnType<typeof countForModel>) => ({ tokens, encoding, approximate });
  it('counts with the given counter (a worker) in the model encoding', () => {
    const seen: string[] = [];
    const r = countForModel('abc', 'anthropic:claude-3-5-sonnet-latest', (_t, enc) => (seen.push(enc), 10));
    assert.deepEqual([seen, r.tokens], [['claude'], 11]); // ceil(10 × 1.1)
  });
  const text = 'Summarise the following report in three bullet points.\n';
  it('exact for OpenAI ids', () => {
    assert.deepEqual(withoutTokenizer(countForModel(text, 'openai:gpt-4o')), {
      tokens: oracleCount(text, 'o200k_base'),
      encoding: 'o200k_base',
      approximate: false,
    });
    assert.deepEqual(withoutTokenizer(countForModel(text, 'gpt-4')), {
      tokens: oracleCount(text, 'cl100k_base'),
      encoding: 'cl100k_base',
      approximate: false,
    });
  });
  it('Claude: the claude vocabulary count × 1.1, rounded as ai-tokenizer rounds (Math.round), approximate', () => {
    const r = countForModel(text, 'anthropic:claude-3-5-sonnet-latest');
    assert.deepEqual(r.tokenizer, tokenizerForModel('anthropic:claude-3-5-sonnet-latest'));
    assert.deepEqual(withoutTokenizer(r), {
      tokens: Math.round(countTokens(text, 'claude') * 1.1),
      encoding: 'claude',
      approximate: true,
    });
  });
});

describe('chatTokens', () => {
  it('3 per message + role and content tokens, +1 and name tokens per name, +3 reply priming', () => {
    const msgs = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Hello there!', name: 'alice' },
    ];
    const enc = 'o200k_base' as const;
    const expected =
      3 +
      (3 + countTokens('system', enc) + countTokens(msgs[0].content, enc)) +
      (3 + countTokens('user', enc) + countTokens(msgs[1].content, enc) + 1 + countTokens('alice', enc));
    assert.equal(chatTokens(msgs, enc), expected);
    assert.equal(chatTokens([], enc), 3);
  });
  it('matches the OpenAI cookbook example for gpt-4o (example messages → 124 prompt tokens)', () => {
    // From "How to count tokens with tiktoken" (OpenAI cookbook): the 7-message example is 124 tokens for gpt-4o.
    const m = [
      { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
      { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
      { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
      {
        role: 'system',
        name: 'example_user',
        content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
      },
      { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
      { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
    ];
    assert.equal(chatTokens(m, 'o200k_base'), 124);
    assert.equal(chatTokens(m, 'cl100k_base'), 129);
  });
});
