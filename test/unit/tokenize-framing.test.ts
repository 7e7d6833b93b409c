// Chat framing of the open-model families: the family's chat_template (tokenizer_config.json)
// rendered with @huggingface/jinja, then tokenized — compared with the documented prompt formats
// (written out by hand below) and with Hugging Face tokenizers tokenizing the rendered text with
// the full, published tokenizer.json (special tokens recognised, add_special_tokens=False, as
// transformers' apply_chat_template(tokenize=True) and vLLM do).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import './tokenize/oracle';
import { fullOracle } from './tokenize/hfOracle';
import { mixedText } from './tokenize/arbitraries';
import { FAMILY_NAMES, FamilyName, countChat } from '../../src/core/tokenize';
import { countFamilyChat, renderChat } from '../../src/core/tokenize/framing';

async function oracleChat(family: FamilyName, rendered: string): Promise<number> {
  return (await fullOracle(family).encode(rendered, null, { addSpecialTokens: false })).getIds().length;
}

const conversation = [
  { role: 'system', content: 'Be terse.' },
  { role: 'user', content: 'Hi there' },
];

// The prompt formats as the model cards document them:
//  llama3: Meta Llama 3 model card, "Prompt format" (header tokens, blank line, <|eot_id|>)
//  qwen3: Qwen docs, ChatML (<|im_start|>role\n…<|im_end|>\n)
//  deepseek_v3: DeepSeek-V3 tokenizer_config chat_template (BOS, system text, <｜User｜>, <｜Assistant｜>)
//  gemma3: Gemma "Formatting" docs (system text folded into the first user turn, role "model")
const documented: Record<FamilyName, string> = {
  llama3:
    '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe terse.<|eot_id|>' +
    '<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
  qwen3: '<|im_start|>system\nBe terse.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n',
  deepseek_v3: '<｜begin▁of▁sentence｜>Be terse.<｜User｜>Hi there<｜Assistant｜>',
  gemma3: '<bos><start_of_turn>user\nBe terse.\n\nHi there<end_of_turn>\n<start_of_turn>model\n',
};

for (const family of FAMILY_NAMES) {
  describe(`chat framing: ${family}`, () => {
    it('renders the documented prompt format, BOS and generation prompt included', () => {
      assert.equal(renderChat(family, conversation), documented[family]);
    });
    it('counts what the oracle counts for the rendered conversation', async () => {
      const r = countFamilyChat(family, conversation);
      assert.equal(r.templateError, undefined);
      assert.equal(r.tokens, await oracleChat(family, documented[family]));
    });
    it('multi-turn conversations, contents with whitespace, digits, Unicode and special-token strings', async () => {
      const turns = [
        { role: 'system', content: '  You answer in JSON.\n' },
        { role: 'user', content: 'List 3 primes < 100: 2, 3, 5… 東京 🙂' },
        { role: 'assistant', content: '{"primes": [2, 3, 5]}' },
        { role: 'user', content: 'And <|eot_id|> <|im_end|> <end_of_turn> as text?\n\n\tok' },
      ];
      const r = countFamilyChat(family, turns);
      assert.equal(r.templateError, undefined);
      assert.equal(r.tokens, await oracleChat(family, renderChat(family, turns)));
    });
    it('generated: user/assistant turns with arbitrary contents', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mixedText(30), { minLength: 1, maxLength: 4 }), async (contents) => {
          const msgs = contents.map((content, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content }));
          const r = countFamilyChat(family, msgs);
          return r.templateError === undefined && r.tokens === (await oracleChat(family, renderChat(family, msgs)));
        }),
        { numRuns: 60 },
      );
    });
  });
}

describe('countChat by model id', () => {
  it('maps ids to their family and frames with its template', async () => {
    const r = countChat('groq:llama3-70b-8192', conversation);
    assert.equal(r?.family, 'llama3');
    assert.equal(r?.tokens, await oracleChat('llama3', documented.llama3));
    // Llama 3.1 ids count the vocabulary's family but frame with their own template (tokenize-chat-formats.test.ts)
    assert.equal(countChat('groq:llama-3.1-8b-instant', conversation)?.family, 'llama3');
    assert.equal(countChat('deepseek-chat', conversation)?.tokens, await oracleChat('deepseek_v3', documented.deepseek_v3));
  });
  it('OpenAI and Claude ids have no family framing', () => {
    assert.equal(countChat('gpt-4o', conversation), undefined);
    assert.equal(countChat('anthropic:claude-sonnet-4-5', conversation), undefined);
  });
  it('a conversation the template refuses (Gemma: roles must alternate) is counted by contents, with the reason', () => {
    const r = countChat('gemma-3-27b-it', [
      { role: 'user', content: 'one' },
      { role: 'user', content: 'two' },
    ]);
    assert.match(r?.templateError ?? '', /alternate/);
    assert.ok((r?.tokens ?? 0) >= 2);
  });
});
