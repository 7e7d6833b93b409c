import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hoverFlujoToml } from '../../src/core/flujo';

test('hover on an unquoted dotted model key explains the split and shows the meant model', () => {
  const text = '[cost.providers.openai.gpt-3.5-turbo]\nprompt_tokens_per_1k = 0.0005\n';
  const h = hoverFlujoToml(text, { line: 0, character: 25 });
  assert.ok(h);
  assert.match(h.markdown, /nested tables 'gpt-3' → '5-turbo'/);
  assert.match(h.markdown, /"gpt-3\.5-turbo"/);
  assert.doesNotMatch(h.markdown, /openai:gpt-3\b(?!\.)/);
});

test('hover on a quoted model key describes that model', () => {
  const h = hoverFlujoToml('[cost.providers.openai."gpt-4o"]\n', { line: 0, character: 26 });
  assert.ok(h);
  assert.doesNotMatch(h.markdown, /Unquoted/);
  assert.match(h.markdown, /gpt-4o/);
});
