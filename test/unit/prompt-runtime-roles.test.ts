// Prompt files read as the runtime that sends them would send them (issue 23 item 4). Each case is our
// own, written from the source named in its test name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePromptDocument, summarizePrompt } from '../../src/core/prompt';
import { main } from '../../src/cli/main';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tiktoken = require('tiktoken') as typeof import('tiktoken');
const o200k = tiktoken.get_encoding('o200k_base');
const tokens = (t: string) => o200k.encode_ordinary(t).length;
const roles = (text: string, name: string) => parsePromptDocument(text, name).messages.map((m) => [m.role, m.content]);

/**
 * OpenAI's chat framing as the cookbook counts it (openai/openai-cookbook
 * examples/How_to_count_tokens_with_tiktoken.ipynb `num_tokens_from_messages`): 3 per message, the
 * tokens of every value (role and content), 3 to prime the reply — counted here with tiktoken itself.
 */
const cookbook = (messages: [string, string][]) => messages.reduce((n, [role, content]) => n + 3 + tokens(role) + tokens(content), 3);

test('Prompty developer: is sent as developer and framed as the OpenAI chat API frames any role (runtime ROLES; cookbook count)', () => {
  const text = '---\nmodel: gpt-4o\n---\nsystem:\nYou are terse.\ndeveloper:\nAnswer in French.\nuser:\nHello';
  const doc = parsePromptDocument(text, 'chat.prompty');
  const msgs = doc.messages.map((m): [string, string] => [m.role, m.content]);
  assert.deepEqual(msgs, [
    ['system', 'You are terse.'],
    ['developer', 'Answer in French.'],
    ['user', 'Hello'],
  ]);
  assert.equal(summarizePrompt(doc, tokens).totalTokens, cookbook(msgs));
  // What main did before: developer folded into the system text — a different count.
  assert.notEqual(cookbook(msgs), cookbook([['system', 'You are terse.\ndeveloper:\nAnswer in French.'], msgs[2]]));
});

test('VS Code prompt file: the body is one user request, role headings included (code.visualstudio.com prompt-files)', () => {
  const text =
    '---\ndescription: Review\nagent: agent\nmodel: GPT-4.1\ntools: [codebase]\n---\n# System\nYou review code.\n\n## User\nReview ${file}.\n';
  const doc = parsePromptDocument(text, 'review.prompt.md');
  assert.deepEqual(
    doc.messages.map((m) => [m.role, m.content]),
    [['user', '# System\nYou review code.\n\n## User\nReview ${file}.']],
  );
  // No front matter: still a VS Code prompt file.
  assert.deepEqual(roles('# System\nA\n## User\nB', 'x.prompt.md'), [['user', '# System\nA\n## User\nB']]);
  // A key VS Code does not read (max_tokens) shows the file is written for another runner: headings stay roles.
  const other = parsePromptDocument('---\nmodel: openai:gpt-4o-mini\nmax_tokens: 300\n---\n# System\nA\n# User\nB', 'x.prompt.md');
  assert.deepEqual(
    other.messages.map((m) => m.role),
    ['system', 'user'],
  );
});

test('SKILL.md: two figures, always loaded (name + description) and on use (the body) — agentskills.io progressive disclosure', async () => {
  const dir = tempDir('pcl-skill-');
  const name = 'pdf-tools';
  const description = 'Extract text and tables from PDF files; use when the user mentions PDFs.';
  const body = '# PDF tools\n\nRun `pdftotext -layout in.pdf out.txt`, then read out.txt.\nFor tables, use camelot.';
  fs.mkdirSync(path.join(dir, 'pdf'));
  fs.writeFileSync(path.join(dir, 'pdf', 'SKILL.md'), `---\nname: ${name}\ndescription: ${description}\n---\n${body}\n`);
  const io = fakeIO(dir);
  assert.equal(await main(['estimate', 'pdf/SKILL.md', '--model', 'openai:gpt-4o', '--json'], io), 0, io.err);
  const skill = JSON.parse(io.out).prompts[0].skill;
  assert.deepEqual(skill, { alwaysLoadedTokens: tokens(`${name}\n${description}`), onUseTokens: tokens(body), encoding: 'o200k_base' });
  const text = fakeIO(dir);
  assert.equal(await main(['estimate', 'pdf/SKILL.md', '--model', 'openai:gpt-4o'], text), 0, text.err);
  assert.match(
    text.out,
    new RegExp(`skill: ${tokens(`${name}\n${description}`)} tokens always loaded \\(name \\+ description\\) · ${tokens(body)} on use`),
  );
});

test('OpenAI Responses API body in JSON and YAML: instructions, input messages, model, max_output_tokens (openai-python responses/response_create_params.py)', () => {
  const json = JSON.stringify({
    model: 'gpt-4.1-mini',
    instructions: 'Talk like a pirate.',
    input: [
      { role: 'developer', content: 'Keep it short.' },
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'Are semicolons optional?' },
          { type: 'input_image', image_url: 'https://x/y.png' },
        ],
      },
    ],
    max_output_tokens: 120,
  });
  const doc = parsePromptDocument(json, 'pirate.json');
  assert.deepEqual(
    doc.messages.map((m) => [m.role, m.content]),
    [
      ['system', 'Talk like a pirate.'],
      ['developer', 'Keep it short.'],
      ['user', 'Are semicolons optional?'],
    ],
  );
  assert.equal(doc.model, 'gpt-4.1-mini');
  assert.equal(doc.maxTokens, 120);
  assert.ok(doc.notes?.some((n) => /1 non-text/.test(n)));
  const yaml = parsePromptDocument('model: gpt-4o\ninstructions: Be brief.\ninput: What is 2+2?\n', 'ask.yaml');
  assert.deepEqual(
    yaml.messages.map((m) => [m.role, m.content]),
    [
      ['system', 'Be brief.'],
      ['user', 'What is 2+2?'],
    ],
  );
  assert.equal(yaml.model, 'gpt-4o');
});

test('Not prompts: OpenAPI (OAS 3 §4.8.1 `openapi`), Swagger 2.0 and JSON Schema (`$schema`) files are skipped with a note', async () => {
  const dir = tempDir('pcl-nonprompt-');
  fs.writeFileSync(path.join(dir, 'api.yaml'), 'openapi: 3.0.1\ninfo:\n  title: Lights\n  version: v1\npaths: {}\n');
  fs.writeFileSync(path.join(dir, 'old.json'), JSON.stringify({ swagger: '2.0', info: { title: 'x' }, paths: {} }));
  fs.writeFileSync(
    path.join(dir, 'schema.json'),
    JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' }),
  );
  for (const [file, what] of [
    ['api.yaml', /OpenAPI 3\.0\.1/],
    ['old.json', /Swagger 2\.0/],
    ['schema.json', /JSON Schema/],
  ] as const) {
    const doc = parsePromptDocument(fs.readFileSync(path.join(dir, file), 'utf8'), file);
    assert.equal(doc.messages.length, 0, file);
    assert.match(doc.notPriced ?? '', what);
    const io = fakeIO(dir);
    assert.equal(await main(['estimate', file, '--json'], io), 0, io.err);
    const j = JSON.parse(io.out);
    assert.deepEqual(j.prompts, [], file);
    assert.ok(j.notes.some((n: string) => /Not a prompt/.test(n)));
  }
  // A chat prompt that names its schema is still a prompt; so is a Semantic Kernel template mentioning openapi.
  assert.equal(
    parsePromptDocument(JSON.stringify({ $schema: 'x', messages: [{ role: 'user', content: 'Hi' }] }), 'c.json').messages.length,
    1,
  );
  assert.equal(parsePromptDocument('template: |\n  openapi: is a word here\n', 'sk.yaml').messages.length, 1);
});

test('Prompty apiType image (spec §7.3: billed per image) is not priced, with a note; embedding gets no chat framing (§7.2)', async () => {
  const text = '---\nmodel:\n  id: dall-e-3\n  apiType: image\n---\nuser:\nA lighthouse at dusk';
  const doc = parsePromptDocument(text, 'img.prompty');
  assert.match(doc.notPriced ?? '', /per image/);
  const dir = tempDir('pcl-image-');
  fs.writeFileSync(path.join(dir, 'img.prompty'), text);
  const io = fakeIO(dir);
  assert.equal(await main(['estimate', 'img.prompty', '--json'], io), 0, io.err);
  assert.deepEqual(JSON.parse(io.out).prompts, []);
  const e = parsePromptDocument('---\nmodel:\n  id: text-embedding-3-small\n  apiType: embedding\n---\nsome text', 'e.prompty');
  assert.equal(summarizePrompt(e, tokens).totalTokens, tokens('some text'));
});

test('dotprompt front matter that is not valid YAML: the whole file is the template, no model (js/src/parse.ts parseDocument catch)', () => {
  const text = '---\nmodel: googleai/gemini-1.5-pro\nconfig: [unclosed\n---\n{{role "system"}}Be brief.\n{{role "user"}}Hi\n';
  const doc = parsePromptDocument(text, 'bad.prompt');
  assert.equal(doc.model, undefined);
  assert.deepEqual(
    doc.messages.map((m) => [m.role, m.content]),
    [
      ['user', '---\nmodel: googleai/gemini-1.5-pro\nconfig: [unclosed\n---\n'],
      ['system', 'Be brief.\n'],
      ['user', 'Hi'],
    ],
  );
  assert.ok(doc.diagnostics.some((d) => d.code === 'dotprompt-whole-file'));
  assert.ok(doc.notes?.some((n) => /whole file/.test(n)));
  // Valid front matter: the body, trimmed, and the model.
  const ok = parsePromptDocument('---\nmodel: googleai/gemini-1.5-pro\n---\n\n{{role "user"}}Hi\n', 'ok.prompt');
  assert.equal(ok.model, 'google:gemini-1.5-pro');
  assert.deepEqual(
    ok.messages.map((m) => [m.role, m.content]),
    [['user', 'Hi']],
  );
});

test('Copilot agent model lists written as one string (github/awesome-copilot agents/laravel-expert-agent.agent.md): the first is used', () => {
  const doc = parsePromptDocument(
    "---\ndescription: x\nmodel: GPT-4.1 | 'gpt-5' | 'Claude Sonnet 4.5'\n---\nYou are an expert.",
    'expert.agent.md',
  );
  assert.equal(doc.model, 'openai:gpt-4.1');
});
