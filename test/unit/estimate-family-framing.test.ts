// `prompt-cost estimate` for exact open-model families counts the prompt the way the hosted model
// receives it: the family's chat_template (tokenizer_config.json of the published model) rendered
// with add_generation_prompt=True, then tokenized with special tokens recognised — as transformers'
// apply_chat_template(tokenize=True) and vLLM / TGI do. The expectations below are computed
// independently of our code: the template is taken from the oracle package's own
// tokenizer_config.json, rendered here with @huggingface/jinja, and tokenized by Hugging Face
// tokenizers (the Rust library) with the full tokenizer.json (test/unit/tokenize/hfOracle.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from '@huggingface/jinja';
import './tokenize/oracle';
import { fullOracle, oracleFromJson, tokenizerConfig, tokenizerJson } from './tokenize/hfOracle';
import { ROOT } from './tokenize/oracle';
import { main } from '../../src/cli/main';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';
import { parsePromptDocument } from '../../src/core/prompt';
import { FamilyName, chatTokens, countTokens } from '../../src/core/tokenize';
import { summarizePrompt } from '../../src/core/prompt/summary';

function tokenText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return '';
}

/** The conversation rendered by the oracle package's own chat_template (independent of src/). */
function oracleRender(family: FamilyName, messages: { role: string; content: string }[]): string {
  const cfg = tokenizerConfig(family);
  return new Template(String(cfg.chat_template)).render({
    messages,
    bos_token: tokenText(cfg.bos_token),
    eos_token: tokenText(cfg.eos_token),
    add_generation_prompt: true,
  });
}

async function oracleCount(family: FamilyName, messages: { role: string; content: string }[]): Promise<number> {
  return (await fullOracle(family).encode(oracleRender(family, messages), null, { addSpecialTokens: false })).getIds().length;
}

let qwen25Tokenizer: ReturnType<typeof fullOracle> | undefined;
/** Qwen2.5's tokenizer.json: Qwen3's vocabulary with the added tokens up to 151664 (Qwen/Qwen2.5-7B-Instruct tokenizer_config.json). */
function qwen25() {
  if (!qwen25Tokenizer) {
    const json = tokenizerJson('qwen3');
    json.added_tokens = (json.added_tokens as { id: number }[]).filter((t) => t.id <= 151664);
    qwen25Tokenizer = oracleFromJson(json);
  }
  return qwen25Tokenizer;
}

const dir = tempDir('pcl-family-framing-');
const prompty = [
  '---',
  'name: Support',
  'model:',
  '  api: chat',
  '---',
  'system:',
  'You are a terse support agent for ACME. Answer in at most 3 sentences.',
  '',
  'user:',
  'My order #48213 arrived damaged — the 2 mugs (東京 edition) are cracked. Refund? 🙂',
  '',
].join('\n');
fs.writeFileSync(path.join(dir, 'support.prompty'), prompty);
const markdown = [
  '---',
  'mode: agent',
  '---',
  '## System',
  'You review code.  Be specific.',
  '',
  '## User',
  'Review this:\n\n```ts\nconst x = 1 +  2;\n```',
  '',
].join('\n');
// A Markdown prompt split at its role headings (a VS Code .prompt.md would be one user request).
fs.writeFileSync(path.join(dir, 'review.md'), markdown);

const cases: { model: string; family: FamilyName }[] = [
  { model: 'groq:llama3-70b-8192', family: 'llama3' },
  { model: 'Qwen/Qwen3-32B', family: 'qwen3' },
  { model: 'deepseek-chat', family: 'deepseek_v3' },
  { model: 'gemma-3-27b-it', family: 'gemma3' },
];

async function estimateJson(file: string, models: string[]) {
  const io = fakeIO(dir);
  assert.equal(await main(['estimate', file, '--model', models.join(','), '--output-tokens', '10', '--json'], io), 0, io.err);
  const j = JSON.parse(io.out) as { prompts?: unknown[]; estimates?: unknown[] };
  return j as unknown as { estimates: { model: string; inputTokens: number; approximate: boolean; messageTokens: number[] }[] };
}

for (const file of ['support.prompty', 'review.md']) {
  describe(`estimate --json, family chat framing: ${file}`, () => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const messages = parsePromptDocument(text, file).messages.map((m) => ({ role: m.role, content: m.content }));
    for (const { model, family } of cases) {
      it(`${model}: inputTokens = oracle(template-rendered conversation); message figures sum to it`, async () => {
        assert.ok(messages.length >= 2);
        const j = await estimateJson(file, [model]);
        const row = j.estimates[0];
        const expected = await oracleCount(family, messages);
        assert.equal(row.approximate, false);
        assert.equal(row.inputTokens, expected);
        assert.equal(
          row.messageTokens.reduce((a, b) => a + b, 0),
          expected,
        );
        // The last message's figure is what it adds to the conversation before it — except for Gemma,
        // whose template folds the system text into the first user turn (a system-only prefix renders
        // no system text): there each message's figure holds at least its own content's tokens.
        const before = await oracleCount(family, messages.slice(0, -1)).catch(() => undefined);
        if (family === 'gemma3') {
          messages.forEach((m, i) => assert.ok(row.messageTokens[i] >= countTokens(m.content.trim(), 'gemma3'), `message ${i}`));
        } else if (before !== undefined) assert.equal(row.messageTokens.at(-1), expected - before);
      });
    }
    it('OpenAI models keep the OpenAI chat rule; Gemini (approximate, Gemma 3 vocabulary) is unchanged', async () => {
      const j = await estimateJson(file, ['openai:gpt-4o', 'google:gemini-2.5-flash']);
      const byModel = new Map(j.estimates.map((r) => [r.model, r]));
      assert.equal(byModel.get('openai:gpt-4o')?.inputTokens, chatTokens(messages, 'o200k_base'));
      const doc = parsePromptDocument(text, file);
      assert.equal(byModel.get('google:gemini-2.5-flash')?.inputTokens, summarizePrompt(doc, (t) => countTokens(t, 'gemma3')).totalTokens);
      assert.equal(byModel.get('google:gemini-2.5-flash')?.approximate, true);
    });
  });
}

describe('model versions framed with their own template (tokenize/registry.ts, tokenize/chatFormats.ts)', () => {
  // Issue 30 item 1: Llama 3.1/3.3 were framed with Llama 3's template and Qwen2.5 with Qwen3's, yet labelled
  // exact. Now each is framed with its own template (vendored from its tokenizer_config.json): exact, and the
  // figure is the oracle's — the vendored file rendered here with @huggingface/jinja, tokenized by HF tokenizers
  // (Qwen2.5: the Qwen3 tokenizer.json with Qwen2.5's added tokens 151643–151664 only).
  const text = fs.readFileSync(path.join(dir, 'support.prompty'), 'utf8');
  const messages = parsePromptDocument(text, 'support.prompty').messages.map((m) => ({ role: m.role, content: m.content }));
  const vendored = (name: string) => fs.readFileSync(path.join(ROOT, 'assets', 'vocab', `chat-${name}.jinja`), 'utf8');
  for (const [model, file, said, bos, eos, oracle] of [
    ['groq:llama-3.1-8b-instant', 'llama3_1', /Cutting Knowledge Date/, '<|begin_of_text|>', '<|eot_id|>', () => fullOracle('llama3')],
    ['llama-3.3-70b-versatile', 'llama3_1', /Cutting Knowledge Date/, '<|begin_of_text|>', '<|eot_id|>', () => fullOracle('llama3')],
    ['Qwen/Qwen2.5-7B-Instruct', 'qwen2_5', /default system prompt/, '', '<|im_end|>', qwen25],
  ] as const) {
    it(`${model}: exact, inputTokens = oracle(its own template), the estimate says which template`, async () => {
      const j = await estimateJson('support.prompty', [model]);
      const row = j.estimates[0];
      const rendered = new Template(vendored(file)).render({ messages, bos_token: bos, eos_token: eos, add_generation_prompt: true });
      assert.equal(row.approximate, false);
      assert.equal(row.inputTokens, (await oracle().encode(rendered, null, { addSpecialTokens: false })).getIds().length);
      assert.match(JSON.stringify(j), said);
    });
  }
});

describe("model versions framed with another version's template are approximate (tokenize/registry.ts)", () => {
  for (const [model, leftOut] of [
    ['@cf/deepseek-ai/deepseek-r1-distill-qwen-32b', /R1 distill/],
    ['@cf/qwen/qwq-32b', /QwQ/],
  ] as const) {
    it(`${model}: same count as the nearest template, marked approximate, saying what it leaves out`, async () => {
      const j = await estimateJson('support.prompty', [model]);
      const row = j.estimates[0] as { approximate: boolean; method?: string; inputTokens: number };
      assert.equal(row.approximate, true);
      const text = JSON.stringify(j);
      assert.match(text, leftOut);
    });
  }
  it('a conversation the template refuses is approximate and says why (Gemma: roles must alternate)', async () => {
    fs.writeFileSync(path.join(dir, 'twice.prompty'), '---\nname: t\n---\nuser:\nfirst\n\nuser:\nsecond\n');
    const j = await estimateJson('twice.prompty', ['gemma-3-27b-it']);
    assert.equal(j.estimates[0].approximate, true);
    assert.match(JSON.stringify(j), /alternate/);
  });
});

describe('family chat framing in summarizePrompt', () => {
  it('completion prompts are not framed (content only), as for every model', async () => {
    const text = '---\nmodel:\n  api: completion\n---\nWrite a haiku about rain.\n';
    fs.writeFileSync(path.join(dir, 'c.prompty'), text);
    const j = await estimateJson('c.prompty', ['groq:llama-3.1-8b-instant']);
    assert.equal(j.estimates[0].inputTokens, countTokens(parsePromptDocument(text, 'c.prompty').messages[0].content, 'llama3'));
  });
});
