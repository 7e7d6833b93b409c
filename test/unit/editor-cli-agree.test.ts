// The editor and `prompt-cost estimate` give one answer (issue 23 "done when"): for each file, the
// CodeLens path (estimateCodePrompts for code, estimateDocument for prompt files — what
// features/estimator.ts calls) finds the same prompts, at the same lines, with the same roles, input
// tokens and SKILL.md figures as the CLI's `prompts[]`. The files are our own, shaped like the calls in
// the OpenAI and Anthropic SDK examples (openai/openai-python examples/*.py, README "Usage";
// anthropics/anthropic-cookbook) and the prompt formats of prompt-runtime-roles.test.ts. bench/corpus.mjs
// checks the same agreement over the public repositories (docs/user/prompt-formats.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';
import { DEFAULT_MODELS, estimateCodePrompts, estimateDocument, codeLanguageForFile } from '../../src/core/estimate';
import { PriceCatalog } from '../../src/core/pricing';
import { parsePromptDocument } from '../../src/core/prompt';
import { countTokens } from '../../src/core/tokenize';

const FILES: Record<string, string> = {
  'chat.py': [
    'from openai import OpenAI',
    'client = OpenAI()',
    'completion = client.chat.completions.create(',
    '    model="gpt-4o",',
    '    messages=[',
    '        {"role": "developer", "content": "Talk like a pirate."},',
    '        {"role": "user", "content": "How do I check if a Python object is an instance of a class?"},',
    '    ],',
    ')',
    'response = client.responses.create(model="gpt-4o-mini", instructions="Be brief.", input="Hi " + "there")',
    '',
  ].join('\n'),
  'claude.py': [
    'import anthropic',
    'client = anthropic.Anthropic()',
    'SYSTEM = "You are a careful analyst."',
    'def ask(q):',
    '    return client.messages.create(',
    '        model="claude-3-5-sonnet-20241022",',
    '        max_tokens=1024,',
    '        system=SYSTEM,',
    '        messages=[{"role": "user", "content": "Summarise: {}".format(q)}],',
    '    )',
    '',
  ].join('\n'),
  'stream.ts': [
    "import OpenAI from 'openai';",
    'const client = new OpenAI();',
    'const stream = await client.chat.completions.create({',
    "  model: 'gpt-4.1-mini',",
    "  messages: [{ role: 'system', content: 'Answer in one line.' }, { role: 'user', content: `Say ${'hello'}` }],",
    '  stream: true,',
    '});',
    '',
  ].join('\n'),
  'review.prompt.md': '---\ndescription: Review\nagent: agent\n---\n# System\nYou review code.\n## User\nReview ${file}.\n',
  'chat.prompty': '---\nmodel: gpt-4o\n---\nsystem:\nBe terse.\ndeveloper:\nUse French.\nuser:\nHello {{name}}\n',
  'SKILL.md': '---\nname: csv-tools\ndescription: Clean and summarise CSV files.\n---\n# CSV\nUse pandas; never print more than 20 rows.\n',
  'chat.prompt': '---\nmodel: googleai/gemini-2.0-flash\n---\n{{role "system"}}Be brief.{{!-- a }} comment --}}\n{{role "user"}}Hi\n',
};

const settings = {
  catalog: new PriceCatalog(),
  configuredModels: DEFAULT_MODELS,
  expectedOutputTokens: 500,
  requestsPerDay: 1000,
};

interface CliPrompt {
  line: number;
  messages: { role: string }[];
  estimates: { model: string; inputTokens: number }[];
  skill?: unknown;
}

test('the editor and prompt-cost estimate find the same prompts with the same numbers', async () => {
  const dir = tempDir('pcl-agree-');
  for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
  let calls = 0;
  for (const [name, text] of Object.entries(FILES)) {
    const io = fakeIO(dir);
    assert.equal(await main(['estimate', name, '--json'], io), 0, `${name}: ${io.err}`);
    const cli = (JSON.parse(io.out) as { prompts: CliPrompt[] }).prompts;
    const language = codeLanguageForFile(name);
    const editor = language
      ? estimateCodePrompts(text, language, name, settings).map((p) => ({ line: p.line, document: p.document, estimate: p.estimate }))
      : (() => {
          const document = parsePromptDocument(text, name);
          const estimate = estimateDocument(document, (enc) => (t) => countTokens(t, enc), settings);
          return [{ line: document.bodyStartLine + 1, document, estimate }];
        })();
    assert.equal(editor.length, cli.length, `${name}: one CodeLens per CLI prompt`);
    editor.forEach((e, i) => {
      const c = cli[i];
      assert.equal(e.line, c.line, `${name} #${i}: line`);
      assert.deepEqual(
        e.document.messages.map((m) => m.role),
        c.messages.map((m) => m.role),
        `${name} #${i}: roles`,
      );
      for (const row of c.estimates) {
        const m = e.estimate.models.find((x) => x.model === row.model || x.model.endsWith(row.model.replace(/^[^:]*:/, '')));
        assert.ok(m, `${name} #${i}: the editor prices ${row.model}`);
        assert.equal(m.inputTokens, row.inputTokens, `${name} #${i} ${row.model}: input tokens`);
      }
      assert.deepEqual('skill' in e.estimate ? e.estimate.skill : undefined, c.skill, `${name}: skill figures`);
    });
    if (language) calls += cli.length;
  }
  // The three code files hold four calls, each one prompt (not one per string).
  assert.equal(calls, 4);
});
