// Per-version chat templates (issue 30): a model version whose template is not its vocabulary's own
// (Llama 3.1 / 3.2 / 3.3, Qwen2.5) is framed with the template vendored from its published
// tokenizer_config.json (assets/vocab/chat-*.jinja). Each is checked here
//  1. as a file: its SHA-256 is the one of the upstream copies it was taken from (below), so an edit
//     shows;
//  2. against the prompt format the model makers document;
//  3. differentially: generated conversations (system or none, empty contents, special-token strings,
//     long histories) rendered HERE with @huggingface/jinja from the vendored file (not through
//     src/) and tokenized by Hugging Face tokenizers (Rust) with the version's tokenizer.json, which
//     must equal our count and the sum of our per-message shares.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { Template } from '@huggingface/jinja';
import { ROOT } from './tokenize/oracle';
import { fullOracle, oracleFromJson, tokenizerJson } from './tokenize/hfOracle';
import { mixedText } from './tokenize/arbitraries';
import { countChat, frameFamilyChat, renderChat } from '../../src/core/tokenize';
import { chatFormatFor } from '../../src/core/tokenize/registry';
import { countWithSpecialTokens } from '../../src/core/tokenize/framing';
import type { ChatFormatName } from '../../src/core/tokenize/chatFormats';

type Msg = { role: string; content: string };

interface Vendored {
  format: ChatFormatName;
  /** SHA-256 of the upstream text, and where the same text was found. */
  sha256: string;
  bos: string;
  eos: string;
  /** Variables the serving stack passes, computed here independently of src/. */
  variables: () => Record<string, unknown>;
  tokenizer: () => ReturnType<typeof fullOracle>;
}

/** Today as Python's strftime("%d %b %Y") writes it (UTC), from Date#toUTCString ("Sun, 06 Dec 2026 …"). */
function todayUtc(): string {
  const [, day, month, year] = new Date().toUTCString().split(' ');
  return `${day} ${month} ${year}`;
}

let qwen25: ReturnType<typeof fullOracle> | undefined;
/**
 * Qwen2.5's tokenizer.json: the Qwen3 vocabulary and merges with the added tokens 151643–151664 only
 * (Qwen/Qwen2.5-7B-Instruct tokenizer_config.json `added_tokens_decoder` ends at 151664 <|file_sep|>;
 * the Qwen2.5 technical report, arXiv 2412.15115 §2: "control tokens … from 3 to 22"). Qwen3 added
 * <tool_response>, </tool_response>, <think>, </think> (151665–151668).
 */
function qwen25Oracle() {
  if (!qwen25) {
    const json = tokenizerJson('qwen3');
    json.added_tokens = (json.added_tokens as { id: number }[]).filter((t) => t.id <= 151664);
    qwen25 = oracleFromJson(json);
  }
  return qwen25;
}

const VENDORED: Vendored[] = [
  {
    // meta-llama/Llama-3.1-8B-Instruct: huggingface.js packages/jinja/test/e2e.test.js (fe42e68) and the
    // llama3.1:8b GGUF template in huggingface.js packages/ollama-utils/src/chat-template-automap.ts;
    // Llama-3.3-70B-Instruct's is the same text (llama.cpp models/templates/meta-llama-Llama-3.3-70B-Instruct.jinja)
    format: 'llama3_1',
    sha256: 'e10ca381b1ccc5cf9db52e371f3b6651576caee0a630b452e2816b2d404d4b65',
    bos: '<|begin_of_text|>',
    eos: '<|eot_id|>',
    variables: () => ({}), // vLLM / transformers pass no date_string: the template's "26 Jul 2024"
    tokenizer: () => fullOracle('llama3'),
  },
  {
    // meta-llama/Llama-3.2-3B-Instruct: llama.cpp models/templates/meta-llama-Llama-3.2-3B-Instruct.jinja and
    // the llama3.2:3b GGUF template in huggingface.js packages/ollama-utils/src/chat-template-automap.ts
    format: 'llama3_2',
    sha256: '5816fce10444e03c2e9ee1ef8a4a1ea61ae7e69e438613f3b17b69d0426223a4',
    bos: '<|begin_of_text|>',
    eos: '<|eot_id|>',
    variables: () => ({ date_string: todayUtc() }), // transformers' strftime_now("%d %b %Y")
    tokenizer: () => fullOracle('llama3'),
  },
  {
    // Qwen/Qwen2.5-7B-Instruct: huggingface.js packages/jinja/test/e2e.test.js (fe42e68)
    format: 'qwen2_5',
    sha256: 'cd8e9439f0570856fd70470bf8889ebd8b5d1107207f67a5efb46e342330527f',
    bos: '',
    eos: '<|im_end|>',
    variables: () => ({}),
    tokenizer: qwen25Oracle,
  },
];

const templateFile = (format: ChatFormatName) => path.join(ROOT, 'assets', 'vocab', `chat-${format}.jinja`);

function oracleRender(v: Vendored, messages: Msg[]): string {
  return new Template(fs.readFileSync(templateFile(v.format), 'utf8')).render({
    ...v.variables(),
    messages,
    bos_token: v.bos,
    eos_token: v.eos,
    add_generation_prompt: true,
  });
}

async function oracleCount(v: Vendored, messages: Msg[]): Promise<number> {
  return (await v.tokenizer().encode(oracleRender(v, messages), null, { addSpecialTokens: false })).getIds().length;
}

async function agrees(v: Vendored, messages: Msg[]): Promise<void> {
  const expected = await oracleCount(v, messages);
  const framed = frameFamilyChat(v.format, messages);
  assert.equal(framed.templateError, undefined);
  assert.equal(framed.tokens, expected, JSON.stringify(messages).slice(0, 300));
  assert.equal(
    framed.messageTokens.reduce((a, b) => a + b, 0),
    expected,
  );
}

const SPECIALS = ['<|eot_id|>', '<|start_header_id|>', '<|im_start|>', '<|im_end|>', '<think>', '</tool_response>', '<|python_tag|>', ''];

/** A conversation: optional system, then alternating user/assistant turns ending with a user turn. */
const conversation = fc
  .record({
    system: fc.option(fc.oneof(mixedText(60), fc.constantFrom(...SPECIALS)), { nil: undefined }),
    turns: fc.array(fc.oneof({ weight: 4, arbitrary: mixedText(60) }, { weight: 1, arbitrary: fc.constantFrom(...SPECIALS) }), {
      minLength: 1,
      maxLength: 9,
    }),
  })
  .map(({ system, turns }) => {
    const msgs: Msg[] = system === undefined ? [] : [{ role: 'system', content: system }];
    const n = turns.length % 2 === 0 ? turns.length - 1 : turns.length;
    for (let i = 0; i < n; i++) msgs.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: turns[i] });
    return msgs;
  });

for (const v of VENDORED) {
  describe(`chat format ${v.format} (vendored template)`, () => {
    it('the vendored file is the upstream text (SHA-256 of the copies compared)', () => {
      const hash = crypto
        .createHash('sha256')
        .update(fs.readFileSync(templateFile(v.format)))
        .digest('hex');
      assert.equal(hash, v.sha256);
    });
    it('20 generated conversations: our count and per-message shares equal jinja + HF tokenizers', async () => {
      await fc.assert(
        fc.asyncProperty(conversation, async (msgs) => {
          await agrees(v, msgs);
        }),
        { numRuns: 20 },
      );
    });
    it('edge cases: empty contents, whitespace-only, a long history, a tool result, special-token strings', async () => {
      await agrees(v, [{ role: 'user', content: '' }]);
      await agrees(v, [
        { role: 'system', content: '   \n' },
        { role: 'user', content: '\t hello \n\n' },
      ]);
      const history: Msg[] = [{ role: 'system', content: 'Be terse.' }];
      for (let i = 0; i < 150; i++)
        history.push({ role: i % 2 ? 'assistant' : 'user', content: `turn ${i}: 東京 🙂 ${'x'.repeat(i % 7)}` });
      await agrees(v, history);
      await agrees(v, [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: 'calling' },
        { role: 'tool', content: '{"temp": 22.5}' },
      ]);
      await agrees(v, [{ role: 'user', content: SPECIALS.join(' ') }]);
    });
  });
}

describe('per-version formats against the documented prompt formats', () => {
  it("Llama 3.1 / 3.3: the dated system header (Meta's Llama 3.1 prompt format), 42 tokens for a one-line message (issue 30)", async () => {
    // meta-llama/llama-models models/llama3_1/prompt_format.md: system header with
    // "Cutting Knowledge Date: December 2023" and "Today Date: 26 Jul 2024" even without a system message
    const one = [{ role: 'user', content: 'What is the capital of France?' }];
    assert.equal(
      renderChat('llama3_1', one),
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nWhat is the capital of France?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    for (const id of ['llama-3.3-70b-versatile', 'meta-llama/Llama-3.1-8B-Instruct', 'llama3.1:8b', 'meta.llama3-1-70b-instruct-v1:0'])
      assert.equal(chatFormatFor(id), 'llama3_1', id);
    assert.equal(countChat('llama-3.3-70b-versatile', one)?.tokens, await oracleCount(VENDORED[0], one));
    assert.equal(countChat('llama-3.3-70b-versatile', one)?.tokens, 42);
  });
  it('Llama 3.2: dated today (transformers renders strftime_now)', () => {
    const text = renderChat('llama3_2', [{ role: 'user', content: 'hi' }]);
    assert.ok(text.includes(`Today Date: ${todayUtc()}\n\n`), text);
    assert.equal(chatFormatFor('ollama:llama3.2'), 'llama3_2');
  });
  it("Qwen2.5: the default system prompt (Qwen docs, ChatML), 36 tokens for a one-line message; <think> is text, not Qwen3's added token", async () => {
    const one = [{ role: 'user', content: 'What is the capital of France?' }];
    assert.equal(
      renderChat('qwen2_5', one),
      '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' +
        '<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n',
    );
    assert.equal(countChat('Qwen/Qwen2.5-7B-Instruct', one)?.tokens, 36);
    const think = [{ role: 'user', content: '<think>' }];
    const q25 = countChat('qwen2.5:7b', think)?.tokens ?? 0;
    assert.equal(q25, await oracleCount(VENDORED[2], think));
    assert.equal(countWithSpecialTokens('qwen3', '<think>'), 1);
    assert.ok(countWithSpecialTokens('qwen2_5', '<think>') > 1);
  });
});
