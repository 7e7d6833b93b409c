// `estimate` and `compare` give the editor's numbers: the same core function (estimateFile), the
// editor's defaults, one row shape. DESIGN.md "CLI contract".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';
import { DEFAULT_MODELS, estimateDocument, estimateFile } from '../../src/core/estimate';
import { PriceCatalog } from '../../src/core/pricing';
import { parsePromptDocument } from '../../src/core/prompt';
import { countTokens } from '../../src/core/tokenize';

const dir = tempDir('pcl-one-answer-');
const PROMPTY =
  '---\nmodel:\n  id: gpt-4.1-mini\n  options:\n    maxOutputTokens: 300\n---\nsystem:\nYou are terse.\n\nuser:\n{{question}}\n';
fs.writeFileSync(path.join(dir, 'ask.prompty'), PROMPTY);
fs.writeFileSync(path.join(dir, 'plain.txt'), 'Summarise the text.');
fs.writeFileSync(path.join(dir, 'list.txt'), 'Translate to French: {{text}}\n---\nTranslate to German: {{text}}\n');
fs.writeFileSync(
  path.join(dir, 'agent.py'),
  'from openai import OpenAI\nclient = OpenAI()\n\nr = client.chat.completions.create(\n    model="gpt-4o-mini",\n    messages=[{"role": "system", "content": "You are a helpful bot."}, {"role": "user", "content": "Hello there"}],\n)\n',
);
fs.writeFileSync(
  path.join(dir, 'azure.prompty'),
  '---\nmodel:\n  configuration:\n    type: azure_openai\n    azure_deployment: gpt-35-turbo\n---\nuser:\nHi\n',
);
fs.writeFileSync(path.join(dir, 'bin.prompt'), Buffer.from([0x2d, 0x2d, 0x00, 0x01, 0xff]));

async function run(argv: string[]) {
  const io = fakeIO(dir);
  const code = await main(argv, io);
  return { code, io, json: argv.includes('--json') && io.out ? JSON.parse(io.out) : undefined };
}

test('estimate FILE without --model: the file model first, then the editor defaults; output tokens from the file', async () => {
  const { code, io, json } = await run(['estimate', 'ask.prompty', '--json']);
  assert.equal(code, 0, io.err);
  assert.deepEqual(
    json.estimates.map((e: { model: string }) => e.model),
    ['openai:gpt-4.1-mini', ...DEFAULT_MODELS],
  );
  assert.equal(json.outputTokens, 300);
  assert.equal(json.prompts[0].outputTokensSource, 'file');
  assert.deepEqual(
    json.prompts[0].messages.map((m: { role: string }) => m.role),
    ['system', 'user'],
  );
  // The same numbers as the editor's path (estimateDocument over the parsed document).
  const doc = parsePromptDocument(PROMPTY, 'ask.prompty');
  const editor = estimateDocument(doc, (enc) => (t) => countTokens(t, enc), {
    catalog: new PriceCatalog(),
    configuredModels: DEFAULT_MODELS,
    expectedOutputTokens: 500,
    requestsPerDay: 1000,
  });
  assert.equal(json.estimates[0].inputTokens, editor.models[0].inputTokens);
  assert.equal(json.estimates[0].totalUsd, editor.table.rows.find((r) => r.id === 'openai:gpt-4.1-mini')!.totalUsd.toString());
});

test('estimate without a model or max tokens: the editor default of 500 output tokens, never 0 silently', async () => {
  const { json } = await run(['estimate', 'plain.txt', '--json']);
  assert.equal(json.outputTokens, 500);
  // The CLI contract's name for the 500 fallback (DESIGN.md: flag, setting, history, file, default).
  assert.equal(json.prompts[0].outputTokensSource, 'default');
  assert.ok(json.estimates.every((e: { outputTokens: number }) => e.outputTokens === 500));
});

test('estimate and compare: the same row shape and model spelling; compare sorted by cost', async () => {
  const e = (await run(['estimate', 'ask.prompty', '--json'])).json;
  const c = (await run(['compare', 'ask.prompty', '--json'])).json;
  assert.deepEqual(Object.keys(e.estimates[0]).sort(), Object.keys(c.rows[0]).sort());
  assert.deepEqual(
    [...e.estimates].map((r: { model: string }) => r.model).sort(),
    [...c.rows].map((r: { model: string }) => r.model).sort(),
  );
  for (const row of c.rows)
    assert.deepEqual(
      row,
      e.estimates.find((x: { model: string }) => x.model === row.model),
    );
  const totals = c.rows.map((r: { totalUsd: string }) => Number(r.totalUsd));
  assert.deepEqual(
    [...totals].sort((a, b) => a - b),
    totals,
  );
});

test('code files: one prompt per call, listed with file:line, priced for the call model with chat framing', async () => {
  const { code, json, io } = await run(['estimate', 'agent.py', '--json']);
  assert.equal(code, 0, io.err);
  assert.equal(json.format, 'code:python');
  assert.deepEqual(
    json.prompts.map((p: { location: string }) => p.location),
    ['agent.py:4'],
  );
  const row = json.prompts[0].estimates[0];
  assert.equal(row.model, 'openai:gpt-4o-mini');
  // The call's two messages as sent: OpenAI's rule, 3 per message + the role, 3 to prime the reply
  // (openai-cookbook examples/How_to_count_tokens_with_tiktoken.ipynb, num_tokens_from_messages).
  const system = 3 + countTokens('system', 'o200k_base') + countTokens('You are a helpful bot.', 'o200k_base');
  const user = 3 + countTokens('user', 'o200k_base') + countTokens('Hello there', 'o200k_base');
  assert.deepEqual(row.messageTokens, [system, user]);
  assert.equal(row.inputTokens, system + user + 3);
  const human = await run(['compare', 'agent.py']);
  assert.match(human.io.out, /agent\.py:4 client\.chat\.completions\.create/);
});

test('promptfoo list: one estimate per prompt', async () => {
  const { json } = await run(['estimate', 'list.txt', '--model', 'gpt-4o', '--json']);
  assert.equal(json.prompts.length, 2);
  assert.deepEqual(
    json.prompts.map((p: { line: number }) => p.line),
    [1, 3],
  );
});

test('a deployment name prices with the stand-in it says (Azure gpt-35-turbo → openai:gpt-3.5-turbo)', async () => {
  const { json, io } = await run(['estimate', 'azure.prompty', '--json']);
  const row = json.estimates[0];
  assert.equal(row.model, 'azure:gpt-35-turbo');
  assert.match(row.priceStandIn, /openai:gpt-3\.5-turbo's price stands in for azure:gpt-35-turbo/);
  assert.match(io.err, /stands in/);
});

test('--help on every subcommand; help TOPIC', async () => {
  for (const cmd of ['count', 'estimate', 'compare', 'lint', 'history']) {
    const { code, io } = await run([cmd, '--help']);
    assert.equal(code, 0, cmd);
    assert.match(io.out, new RegExp(`^Usage: prompt-cost ${cmd}`), cmd);
    assert.equal((await run(['help', cmd])).io.out, io.out);
  }
});

test('binary input is rejected alike by count, estimate and compare (exit 2, one line); --json puts the error on stdout', async () => {
  for (const cmd of ['count', 'estimate', 'compare']) {
    const { code, io } = await run([cmd, 'bin.prompt']);
    assert.equal(code, 2, cmd);
    assert.match(io.err, /bin\.prompt: binary file/, cmd);
    assert.equal(io.err.trim().split('\n').length, 1, cmd);
  }
  const { code, json } = await run(['estimate', 'bin.prompt', '--json']);
  assert.equal(code, 2);
  assert.equal(json.error.code, 'input'); // a file that cannot be used (a wrong command line is 'usage')
  assert.match(json.error.message, /binary file/);
});

test('estimateFile: the core function the CLI prints (no I/O)', () => {
  const r = estimateFile('Prompt A\n---\nPrompt B', 'x.txt', {
    catalog: new PriceCatalog(),
    configuredModels: ['openai:gpt-4o-mini'],
    expectedOutputTokens: 123,
    requestsPerDay: 10,
  });
  assert.equal(r.prompts.length, 2);
  assert.equal(r.prompts[1].estimate.outputTokens, 123);
  assert.equal(r.prompts[1].document.messages[0].content, 'Prompt B');
});
