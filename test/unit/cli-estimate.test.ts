import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { fakeIO } from '../support/fakeIO';
import { chatTokens } from '../../src/core/tokenize';
import { tempDir } from '../support/tempDir';

const dir = tempDir('pcl-estimate-');
const prompt = 'You are a helpful assistant. Summarise the following text in one sentence.';
fs.writeFileSync(path.join(dir, 'p.txt'), prompt);

test('estimate --json: exact decimal strings, reference source', async () => {
  const io = fakeIO(dir);
  assert.equal(
    await main(['estimate', 'p.txt', '--model', 'openai:gpt-4o-mini,gpt-4o', '--output-tokens', '100', '--json'], io),
    0,
    io.err,
  );
  const j = JSON.parse(io.out);
  assert.equal(j.file, 'p.txt');
  // Priced like the editor: one user message with OpenAI's chat overhead.
  const n = chatTokens([{ role: 'user', content: prompt }], 'o200k_base');
  const { model, encoding, inputTokens, outputTokens, inputUsd, outputUsd, totalUsd, priceSource, approximate } = j.estimates[0];
  assert.deepEqual(
    { model, encoding, inputTokens, outputTokens, inputUsd, outputUsd, totalUsd, priceSource, approximate },
    {
      model: 'openai:gpt-4o-mini',
      encoding: 'o200k_base',
      inputTokens: n,
      outputTokens: 100,
      inputUsd: (BigInt(n) * 15n)
        .toString()
        .padStart(9, '0')
        .replace(/^(\d*)(\d{8})$/, (_, a, b) => `${a || '0'}.${b}`)
        .replace(/\.?0+$/, ''),
      outputUsd: '0.00006',
      totalUsd: j.estimates[0].totalUsd,
      priceSource: 'reference',
      approximate: false,
    },
  );
  assert.equal(typeof j.estimates[0].totalUsd, 'string');
  // One spelling for model ids: `gpt-4o` is `openai:gpt-4o` (provider inferred as Flujo does), as in compare.
  assert.equal(j.estimates[1].model, 'openai:gpt-4o');
  assert.deepEqual(j.estimates[0].messageTokens, [n - 3]);
});

test('estimate with flujo.toml (--config and found from cwd); strict error exits 2 with Flujo text', async () => {
  const cfgDir = tempDir('pcl-estimate-cfg-');
  fs.writeFileSync(
    path.join(cfgDir, 'flujo.toml'),
    '[cost]\nstrict = true\n[cost.providers.openai."gpt-4o-mini"]\nprompt_tokens_per_1k = 0.001\ncompletion_tokens_per_1k = 0.002\n',
  );
  fs.writeFileSync(path.join(cfgDir, 'p.txt'), prompt);
  let io = fakeIO(cfgDir);
  assert.equal(await main(['estimate', 'p.txt', '--model', 'openai:gpt-4o-mini', '--output-tokens', '1000', '--json'], io), 0, io.err);
  const e = JSON.parse(io.out).estimates[0];
  assert.equal(e.priceSource, 'flujo.toml');
  assert.equal(e.outputUsd, '0.002');
  io = fakeIO(dir);
  assert.equal(await main(['estimate', 'p.txt', '--model', 'gpt-4o', '--config', path.join(cfgDir, 'flujo.toml')], io), 2);
  assert.equal(
    io.err,
    "prompt-cost estimate: Strict pricing is enabled, but no configuration was found for provider='openai', model='gpt-4o' in flujo.toml.\n",
  );
});

test('estimate usage errors exit 2', async () => {
  for (const argv of [
    ['estimate'],
    ['estimate', 'p.txt', '--model', 'x', '--output-tokens', '-1'],
    ['estimate', 'missing.txt', '--model', 'gpt-4o'],
    ['estimate', 'p.txt', '--model', 'nope:nothing'],
    ['estimate', 'p.txt', '--bogus'],
  ]) {
    const io = fakeIO(dir);
    assert.equal(await main(argv, io), 2, argv.join(' '));
    assert.equal(io.err.trim().split('\n').length, 1, io.err);
  }
});

test('estimate human output and stdin', async () => {
  const io = fakeIO(dir, {}, 'hello world');
  assert.equal(await main(['estimate', '-', '--model', 'gpt-4o-mini', '--output-tokens', '0'], io), 0, io.err);
  // 'hello world' is 2 tokens; as one chat message: + 3 framing + 1 role + 3 reply priming = 9.
  assert.match(io.out, /gpt-4o-mini\s+9\s+0\s+\$0.00000135\s+\$0\s+\$0.00000135\s+reference/);
});
