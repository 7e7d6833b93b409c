// Linear chat framing (issue 30 item 2): frameFamilyChat renders the conversation once and gives each
// message its share from offsets in the rendered text. Checked against Hugging Face tokenizers (the full
// published tokenizer.json, special tokens recognised, add_special_tokens=False — as transformers'
// apply_chat_template(tokenize=True) and vLLM count a request) on the same rendered text, and against the
// per-prefix definition it replaces where that definition is well defined (Llama 3: every turn is
// header + content + <|eot_id|>, Meta Llama 3 model card "Prompt format").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import './tokenize/oracle';
import { fullOracle } from './tokenize/hfOracle';
import { mixedText } from './tokenize/arbitraries';
import { FAMILY_NAMES, FamilyName } from '../../src/core/tokenize';
import { countWithSpecialTokens, frameFamilyChat, renderChat } from '../../src/core/tokenize/framing';

async function oracleChat(family: FamilyName, rendered: string): Promise<number> {
  return (await fullOracle(family).encode(rendered, null, { addSpecialTokens: false })).getIds().length;
}

const turns = (contents: string[], system?: string) => [
  ...(system === undefined ? [] : [{ role: 'system', content: system }]),
  ...contents.map((content, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content })),
];

for (const family of FAMILY_NAMES) {
  describe(`linear framing: ${family}`, () => {
    it('generated conversations (with and without system, odd contents): total = oracle, shares sum to it', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(mixedText(30), { minLength: 1, maxLength: 6 }),
          fc.option(mixedText(20), { nil: undefined }),
          async (contents, system) => {
            const msgs = turns(contents, system);
            const r = frameFamilyChat(family, msgs);
            if (r.templateError !== undefined) return true; // refused conversations: tokenize-framing.test.ts
            const expected = await oracleChat(family, renderChat(family, msgs));
            return (
              r.tokens === expected && r.messageTokens.reduce((a, b) => a + b, 0) === expected && r.messageTokens.length === msgs.length
            );
          },
        ),
        { numRuns: 25 },
      );
    });

    it('contents equal to role names or template words still sum exactly', async () => {
      const msgs = turns(
        ['user', 'assistant', '', 'system', '<|eot_id|> <|im_end|> <end_of_turn>', '  padded  ', 'q', '<think>plan</think>answer'],
        'user',
      );
      const r = frameFamilyChat(family, msgs);
      const expected = await oracleChat(family, renderChat(family, msgs));
      assert.equal(r.tokens, expected);
      assert.equal(
        r.messageTokens.reduce((a, b) => a + b, 0),
        expected,
      );
    });

    it('5,000 messages frame in time of the same order as one render and one count (not quadratic)', () => {
      const msgs = turns(Array.from({ length: 5000 }, (_, i) => `Turn ${i}: the quick brown fox jumps over ${i * 7} lazy dogs.`));
      frameFamilyChat(family, msgs.slice(0, 4));
      let t = performance.now();
      const once = countWithSpecialTokens(family, renderChat(family, msgs));
      const renderAndCount = performance.now() - t;
      t = performance.now();
      const r = frameFamilyChat(family, msgs);
      const framed = performance.now() - t;
      assert.equal(r.tokens, once);
      // Rendering every prefix took 45–81 s at 1,000 messages (bench/FRAMING.md), > 100× one render.
      assert.ok(framed < 6 * renderAndCount + 500, `framing ${Math.round(framed)} ms vs render+count ${Math.round(renderAndCount)} ms`);
    });
  });
}

describe('linear framing: shares equal the per-prefix definition where it is well defined (Llama 3)', () => {
  it('each message after the first adds exactly what the prefix difference says', () => {
    fc.assert(
      fc.property(fc.array(mixedText(25), { minLength: 2, maxLength: 5 }), fc.boolean(), (contents, withSystem) => {
        const msgs = turns(contents, withSystem ? 'Be terse.' : undefined);
        const r = frameFamilyChat('llama3', msgs);
        for (let i = 1; i < msgs.length; i++) {
          const before = countWithSpecialTokens('llama3', renderChat('llama3', msgs.slice(0, i)));
          const upTo = countWithSpecialTokens('llama3', renderChat('llama3', msgs.slice(0, i + 1)));
          if (r.messageTokens[i] !== upTo - before) return false;
        }
        return true;
      }),
      { numRuns: 40 },
    );
  });
});
