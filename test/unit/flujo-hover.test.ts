// flujo.toml language details: hover on dotted keys, strict-mode reporting.
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

test('strict mode reports every unpriced model used in code, not only the first', async () => {
  const { lintFlujoToml } = await import('../../src/core/flujo');
  const text =
    '[cost]\nstrict = true\n\n[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 0.0025\ncompletion_tokens_per_1k = 0.01\n';
  const ds = lintFlujoToml(text, {
    usedModels: [
      { id: 'openai:gpt-4.1-mini', file: 'a.py', line: 0 },
      { id: 'openai:gpt-4o-mini', file: 'b.py', line: 2 },
      { id: 'openai:gpt-4o', file: 'c.py', line: 1 },
    ],
  }).filter((d) => d.code === 'unpriced-model');
  assert.deepEqual(ds.map((d) => /model='([^']+)'/.exec(d.message)?.[1]).sort(), ['gpt-4.1-mini', 'gpt-4o-mini']);
});
