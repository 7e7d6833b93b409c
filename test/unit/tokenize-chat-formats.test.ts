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
import { fullOracle, hfAddedToken, oracleFromJson, tokenizerJson } from './tokenize/hfOracle';
import { mixedText } from './tokenize/arbitraries';
import { countChat, countTokens, frameFamilyChat, renderChat, tokenizerForModel } from '../../src/core/tokenize';
import { chatFormatFor, chatTemplateStatus, framedFormatFor } from '../../src/core/tokenize/registry';
import { countWithSpecialTokens } from '../../src/core/tokenize/framing';
import type { ChatFormatName } from '../../src/core/tokenize/chatFormats';

type Msg = { role: string; content: string };

interface Vendored {
  format: ChatFormatName;
  /** The vendored file when not `chat-<format>.jinja`. */
  file?: string;
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

const versionOracles = new Map<number, ReturnType<typeof fullOracle>>();
/** The Qwen3 tokenizer.json (vocabulary and merges) with the added tokens up to `lastId` only. */
function qwenVersionOracle(lastId: number) {
  let t = versionOracles.get(lastId);
  if (!t) {
    const json = tokenizerJson('qwen3');
    json.added_tokens = (json.added_tokens as { id: number }[]).filter((a) => a.id <= lastId);
    versionOracles.set(lastId, (t = oracleFromJson(json)));
  }
  return t;
}
/**
 * Qwen2.5's tokenizer.json: the Qwen3 vocabulary and merges with the added tokens 151643–151664 only
 * (Qwen/Qwen2.5-7B-Instruct tokenizer_config.json `added_tokens_decoder` ends at 151664 <|file_sep|>;
 * the Qwen2.5 technical report, arXiv 2412.15115 §2: "control tokens … from 3 to 22"). Qwen3 added
 * <tool_response>, </tool_response>, <think>, </think> (151665–151668; torchtune's models/qwen3/_tokenizer.py
 * QWEN3_SPECIAL_TOKENS = QWEN2_5_SPECIAL_TOKENS + those four).
 */
const qwen25Oracle = () => qwenVersionOracle(151664);
const DEEPSEEK_FRAMING = ['<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>', '<｜User｜>', '<｜Assistant｜>', '<think>', '</think>'];
/**
 * deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B tokenizer.json `added_tokens` as published (id, content, special),
 * copied here from two independent public copies found with the code search: the tokenizer.json and
 * tokenizer_config.json of huggingface.co/Esperanto/DeepSeek-R1-Distill-Qwen-1.5B-kvc-fp16-onnx (quoted in full in
 * a GitHub prompt file) and an AIMET export script quoting huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B's
 * list; the same normalizer (NFC) and pre-tokenizer as Qwen2.5's. They REPLACE the Qwen vocabulary's added tokens.
 */
const R1_DISTILL_QWEN_TOKENIZER_JSON_ADDED: [number, string, boolean][] = [
  [151643, '<｜end▁of▁sentence｜>', true],
  [151644, '<｜User｜>', false],
  [151645, '<｜Assistant｜>', false],
  [151646, '<｜begin▁of▁sentence｜>', true],
  [151647, '<|EOT|>', false],
  [151648, '<think>', false],
  [151649, '</think>', false],
  ...['quad_start', 'quad_end', 'vision_start', 'vision_end', 'vision_pad', 'image_pad', 'video_pad'].map(
    (n, i): [number, string, boolean] => [151650 + i, `<|${n}|>`, true],
  ),
  [151657, '<tool_call>', false],
  [151658, '</tool_call>', false],
  ...['fim_prefix', 'fim_middle', 'fim_suffix', 'fim_pad', 'repo_name', 'file_sep'].map((n, i): [number, string, boolean] => [
    151659 + i,
    `<|${n}|>`,
    false,
  ]),
];
const distillOracles = new Map<string, ReturnType<typeof fullOracle>>();
/**
 * The distill's tokenizer: Qwen — the Qwen vocabulary and merges with the distill's own published added tokens;
 * Llama — Llama 3's tokenizer.json with DeepSeek's framing tokens added (the Llama distills' list was not found:
 * the ASSUMPTION our count makes, which is why they stay ≈).
 */
function distillTokenizer(family: 'qwen3' | 'llama3') {
  let t = distillOracles.get(family);
  if (!t) {
    const json = tokenizerJson(family);
    if (family === 'qwen3') {
      json.added_tokens = R1_DISTILL_QWEN_TOKENIZER_JSON_ADDED.map(([id, content, special]) => hfAddedToken(id, content, special));
    } else {
      const added = json.added_tokens as { id: number; content: string }[];
      let id = Math.max(...added.map((a) => a.id)) + 1;
      for (const content of DEEPSEEK_FRAMING) if (!added.some((a) => a.content === content)) added.push(hfAddedToken(id++, content));
    }
    distillOracles.set(family, (t = oracleFromJson(json)));
  }
  return t;
}
/** Qwen2's: 151643 <|endoftext|>, 151644 <|im_start|>, 151645 <|im_end|> (Qwen/Qwen2-7B-Instruct tokenizer_config.json). */
const qwen2Oracle = () => qwenVersionOracle(151645);

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
  {
    // Qwen/Qwen2-7B-Instruct: the qwen2:0.5b GGUF template in huggingface.js packages/ollama-utils/src/chat-template-automap.ts
    // (npm @huggingface/ollama-utils 0.0.18); it renders LLaMA-Factory's tests/data/test_template.py expectation for Qwen2-7B-Instruct
    format: 'qwen2',
    sha256: '793202280c0910ab26bc6eb57c8212c2417324c6d8c4efd0d10d59092ab3e3eb',
    bos: '',
    eos: '<|im_end|>',
    variables: () => ({}),
    tokenizer: qwen2Oracle,
  },
  {
    // Qwen/QwQ-32B: llama.cpp models/templates/Qwen-QwQ-32B.jinja and the latest qwq:32b GGUF template in
    // huggingface.js packages/ollama-utils/src/chat-template-automap.ts — the same bytes. Counted with Qwen3's added tokens (see registry.ts).
    format: 'qwq',
    sha256: '16488ad69d85833e5f66c50174f39834b688343337e9337f018deaa21b354117',
    bos: '',
    eos: '<|im_end|>',
    variables: () => ({}),
    tokenizer: () => fullOracle('qwen3'),
  },
  // DeepSeek-R1's distills: deepseek-ai/DeepSeek-R1-Distill-Qwen-32B's template (llama.cpp
  // models/templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja; huggingface.js packages/ollama-utils' deepseek-r1:8b
  // GGUF template is the same bytes without the later "<think>\n" primer) over the base vocabulary. The distills'
  // tokenizer.json is in no npm package: see distillTokenizer (the Qwen distills' added tokens as published, the
  // Llama distills' assumed).
  ...(['qwen3', 'llama3'] as const).map((family): Vendored => ({
    format: family === 'qwen3' ? 'r1_distill_qwen' : 'r1_distill_llama',
    file: 'chat-r1_distill.jinja',
    sha256: '56a1447ad31926fdc21fb07e56e5642bd9c850c4f52d8c8af7bbe5f079a84f5f',
    bos: '<｜begin▁of▁sentence｜>',
    eos: '<｜end▁of▁sentence｜>',
    variables: () => ({}),
    tokenizer: () => distillTokenizer(family),
  })),
];

const templateFile = (v: Vendored) => path.join(ROOT, 'assets', 'vocab', v.file ?? `chat-${v.format}.jinja`);

function oracleRender(v: Vendored, messages: Msg[]): string {
  return new Template(fs.readFileSync(templateFile(v), 'utf8')).render({
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

const SPECIALS = [
  '<|eot_id|>',
  '<|start_header_id|>',
  '<|im_start|>',
  '<|im_end|>',
  '<think>',
  '</tool_response>',
  '<|python_tag|>',
  '<|endoftext|>',
  '<|EOT|>',
  '<｜User｜>',
  '',
];

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
        .update(fs.readFileSync(templateFile(v)))
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
  it("Qwen2: ChatML with the default system prompt, as LLaMA-Factory's test expects of Qwen/Qwen2-7B-Instruct's tokenizer", () => {
    // hiyouga/LLaMA-Factory tests/data/test_template.py test_qwen_template: Qwen/Qwen2-7B-Instruct's own apply_chat_template gives this prompt
    const conversation = [
      { role: 'user', content: 'How are you' },
      { role: 'assistant', content: 'I am fine!' },
      { role: 'user', content: '你好' },
    ];
    assert.equal(
      renderChat('qwen2', conversation),
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHow are you<|im_end|>\n' +
        '<|im_start|>assistant\nI am fine!<|im_end|>\n<|im_start|>user\n你好<|im_end|>\n<|im_start|>assistant\n',
    );
    for (const id of ['Qwen/Qwen2-7B-Instruct', 'qwen2:7b', 'qwen/qwen2-72b-instruct']) {
      assert.equal(chatFormatFor(id), 'qwen2', id);
      assert.equal(tokenizerForModel(id).encoding, 'qwen2', id);
    }
  });
  it("QwQ-32B: no default system prompt, the reply primed with <think>, earlier replies' thinking dropped; ≈ (its added tokens are not verified)", () => {
    const text = renderChat('qwq', [
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'reasoning</think>\n\nanswer' },
      { role: 'user', content: 'q2' },
    ]);
    assert.equal(
      text,
      '<|im_start|>user\nq1<|im_end|>\n<|im_start|>assistant\nanswer<|im_end|>\n<|im_start|>user\nq2<|im_end|>\n<|im_start|>assistant\n<think>\n',
    );
    assert.equal(chatFormatFor('@cf/qwen/qwq-32b'), 'qwq');
    assert.equal(chatTemplateStatus('@cf/qwen/qwq-32b').exact, false);
    assert.equal(chatTemplateStatus('Qwen/Qwen2-7B-Instruct').exact, true);
  });
});

describe("DeepSeek-R1 distills: DeepSeek's template over the base vocabulary, approximate", () => {
  it("renders DeepSeek's distill format (DeepSeek-R1 README: no system prompt slot but the text first, <｜Assistant｜><think> primer)", () => {
    assert.equal(
      renderChat('r1_distill_qwen', [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'thinking…</think>answer' },
        { role: 'user', content: 'q2' },
      ]),
      '<｜begin▁of▁sentence｜>Be brief.<｜User｜>q1<｜Assistant｜>answer<｜end▁of▁sentence｜><｜User｜>q2<｜Assistant｜><think>\n',
    );
  });
  it('Qwen distills count with their own added tokens: <|im_start|> is text, <|EOT|> and <think> one token (DeepSeek-R1-Distill-Qwen-1.5B tokenizer.json)', async () => {
    const v = VENDORED.find((x) => x.format === 'r1_distill_qwen')!;
    for (const [content, alone] of [
      ['<|EOT|>', 1],
      ['<think>', 1],
      ['<｜User｜>', 1],
      ['<|im_start|>', 0], // not an added token of the distill: several tokens of the Qwen vocabulary
      ['</tool_response>', 0], // Qwen3's, not Qwen2.5's nor the distill's
    ] as const) {
      const base = frameFamilyChat('r1_distill_qwen', [{ role: 'user', content: '' }]).tokens;
      const framed = frameFamilyChat('r1_distill_qwen', [{ role: 'user', content }]).tokens;
      assert.equal(
        framed - base,
        (await oracleCount(v, [{ role: 'user', content }])) - (await oracleCount(v, [{ role: 'user', content: '' }])),
        content,
      );
      if (alone) assert.equal(framed - base, alone, content);
      else assert.ok(framed - base > 1, content);
    }
  });
  it('ids: Ollama deepseek-r1 tags and hosted distills get their base family, are framed with it and marked approximate', () => {
    for (const [id, format, family] of [
      ['deepseek-r1:7b', 'r1_distill_qwen', 'qwen3'],
      ['deepseek-r1:8b', 'r1_distill_qwen', 'qwen3'], // Ollama's 8b tag: DeepSeek-R1-0528-Qwen3-8B
      ['deepseek-r1:70b', 'r1_distill_llama', 'llama3'],
      ['@cf/deepseek-ai/deepseek-r1-distill-qwen-32b', 'r1_distill_qwen', 'qwen3'],
      ['groq:deepseek-r1-distill-llama-70b', 'r1_distill_llama', 'llama3'],
    ] as const) {
      const t = tokenizerForModel(id);
      assert.equal(t.approximate, true, id);
      assert.equal(t.family, family, id);
      assert.equal(framedFormatFor(id), format, id);
      assert.match(t.method, /R1 distill.*not measured/, id);
    }
    assert.equal(framedFormatFor('deepseek-r1:671b'), 'deepseek_v3');
    assert.equal(tokenizerForModel('deepseek-r1:671b').approximate, false);
  });
});

describe("plain counts with each Qwen version's own added tokens (issue 30: Qwen2.5 used Qwen3's)", () => {
  // HF tokenizers on Qwen3's tokenizer.json cut to each version's added tokens, with the special ones removed and
  // no post-processor: ordinary text, as `prompt-cost count` promises (hfOracle.ts). Non-special added tokens
  // (<tool_call>, <|fim_prefix|>…, Qwen3's <think>) are matched; special ones (<|im_start|>) are text.
  async function ordinaryCount(lastId: number, text: string): Promise<number> {
    const json = tokenizerJson('qwen3');
    json.added_tokens = (json.added_tokens as { id: number; special: boolean }[]).filter((a) => a.id <= lastId && !a.special);
    json.post_processor = null;
    return (await oracleFromJson(json).encode(text, null, { addSpecialTokens: false })).getIds().length;
  }
  const TEXTS = [
    '<think>plan</think> then <tool_response>{"ok": true}</tool_response>',
    '<tool_call>\n{"name": "f"}\n</tool_call> <|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>',
    '<|im_start|>user\nhi<|im_end|> <|endoftext|> <|file_sep|> <|repo_name|>',
    'plain text, 東京, 🙂 and digits 12345',
  ];
  for (const [model, encoding, lastId] of [
    ['qwen2.5:7b', 'qwen2_5', 151664],
    ['Qwen/Qwen2-7B-Instruct', 'qwen2', 151645],
    ['qwen3:8b', 'qwen3', 151668],
  ] as const)
    it(`${model}: ${encoding}, added tokens up to ${lastId}`, async () => {
      assert.equal(tokenizerForModel(model).encoding, encoding);
      for (const t of TEXTS) assert.equal(countTokens(t, encoding), await ordinaryCount(lastId, t), `${model}: ${t}`);
    });
  it('the version makes a difference where it should: <think> is 1 token for Qwen3, 3 for Qwen2.5; <tool_call> 1 for Qwen2.5, 4 for Qwen2', () => {
    assert.deepEqual(
      ['qwen3', 'qwen2_5', 'qwen2'].map((e) => countTokens('<think>', e as 'qwen3')),
      [1, 3, 3],
    );
    assert.deepEqual(
      ['qwen3', 'qwen2_5', 'qwen2'].map((e) => countTokens('<tool_call>', e as 'qwen3')),
      [1, 1, 4],
    );
  });
});
