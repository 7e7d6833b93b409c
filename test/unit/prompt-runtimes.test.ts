// Prompt files read as their runtimes read them. Each case is our own, written from the runtime's
// spec or parser named in the test name (repository, path, section).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePromptDocument, modelFromDisplayName, summarizePrompt, type PromptDocument } from '../../src/core/prompt';
import { functionDefinitionTokens } from '../../src/core/prompt/summary';
import { splitPromptList } from '../../src/core/prompt/structured';

const roles = (d: PromptDocument) => d.messages.map((m) => [m.role, m.content]);
const parsePromptyText = (t: string) => parsePromptDocument(t, 'a.prompty');
const words = (t: string) => (t.match(/\S+/g) ?? []).length;

// ---- Prompty: microsoft/prompty spec/spec.md and spec/vectors/parse/parse_vectors.json ----

test('Prompty spec §2.2 vector 4: leading whitespace before the front matter delimiter', () => {
  const d = parsePromptDocument('  \n  ---\nname: test\nmodel: gpt-4o\n---\nBody', 'a.prompty');
  assert.equal(d.model, 'gpt-4o');
  assert.deepEqual(roles(d), [['system', 'Body']]);
});

test('Prompty spec §2.2: +++ delimiters', () => {
  const d = parsePromptDocument('+++\nmodel: gpt-4o-mini\n+++\nuser:\nHi', 'a.prompty');
  assert.equal(d.model, 'gpt-4o-mini');
  assert.deepEqual(roles(d), [['user', 'Hi']]);
});

test('Prompty vectors/parse content_trimmed: only leading/trailing line breaks go, indentation stays (spec §6.6)', () => {
  const d = parsePromptDocument('system:\n  \n  You are helpful.  \n  \n\nuser:\n  Hello  ', 'a.prompty');
  assert.deepEqual(roles(d), [
    ['system', '  \n  You are helpful.  \n  '],
    ['user', '  Hello  '],
  ]);
});

test('Prompty vectors/parse empty_content: an empty message is kept and framed (spec §6.6)', () => {
  const d = parsePromptDocument('system:\n\nuser:\nHello', 'a.prompty');
  assert.deepEqual(roles(d), [
    ['system', ''],
    ['user', 'Hello'],
  ]);
  const s = summarizePrompt(d, words);
  // system: 3 + "system"(1); user: 3 + "user"(1) + "Hello"(1); reply priming 3.
  assert.equal(s.totalTokens, 4 + 5 + 3);
});

test('Prompty vectors/parse no_role_marker_defaults_to_system and role_marker_at_line_start_only', () => {
  assert.deepEqual(roles(parsePromptDocument('Just a plain message', 'a.prompty')), [['system', 'Just a plain message']]);
  assert.deepEqual(roles(parsePromptDocument('system:\nThe user: said hello\n\nuser:\nHi', 'a.prompty')), [
    ['system', 'The user: said hello'],
    ['user', 'Hi'],
  ]);
});

// spec.md §6.2 still lists system|user|assistant, but every runtime's boundary pattern has `developer`
// (microsoft/prompty runtime/python/prompty/prompty/parsers/prompty.py _BOUNDARY_RE over core/types.py
// ROLES; runtime/typescript/packages/core/src/parsers/prompty.ts BOUNDARY_RE over core/types.ts ROLES;
// runtime/rust/prompty/src/parsers/prompty.rs; runtime/csharp/Prompty.Core/PromptyChatParser.cs), and
// the OpenAI wire formats send it as `developer` (runtime/csharp/Prompty.OpenAI/WireFormat.cs). `tool:` is
// a role only in C# (which allows no `#`): Python and TypeScript send it as text, and so do we.
test('Prompty runtimes §6.2: system/user/assistant/developer are roles (tool: is text); "  user:", "# system:", attributes', () => {
  const d = parsePromptyText('# system:\nA\ntool:\nB\ndeveloper:\nC\n  USER[nonce=abc, name="Jane"]:\nHi');
  assert.deepEqual(roles(d), [
    ['system', 'A\ntool:\nB'],
    ['developer', 'C'],
    ['user', 'Hi'],
  ]);
  assert.equal(d.messages[2].name, 'Jane');
  assert.deepEqual(roles(parsePromptyText('  # Developer[name="x"]:\nRules')), [['developer', 'Rules']]);
});

test('Prompty spec §2.4/§7.2: apiType embedding gets no chat framing', () => {
  const d = parsePromptDocument('---\nmodel:\n  id: text-embedding-3-small\n  apiType: embedding\n---\nsome text to embed', 'e.prompty');
  assert.equal(d.api, 'embedding');
  assert.equal(summarizePrompt(d, words).totalTokens, 4);
  assert.ok(d.notes?.some((n) => /Embedding/.test(n)));
});

test('Prompty spec §5.2/§6.7: a thread input is history spliced in at run time; the text around it stays', () => {
  const text =
    '---\ninputs:\n  question:\n    kind: string\n  conversation:\n    kind: thread\n---\nsystem:\nYou are helpful.\n\n{{conversation}}\n\nuser:\n{{question}}';
  const d = parsePromptDocument(text, 't.prompty');
  assert.deepEqual(roles(d), [
    ['system', 'You are helpful.'],
    ['user', '{{question}}'],
  ]);
  assert.ok(d.notes?.some((n) => /conversation/.test(n) && /run time/.test(n)));
});

test('Prompty spec §2.9/§7.1.3: function tools are sent as function definitions, bound parameters stripped (§2.9.1)', () => {
  const text = [
    '---',
    'model: gpt-4o',
    'tools:',
    '  - name: get_weather',
    '    kind: function',
    '    description: Get the weather.',
    '    parameters:',
    '      properties:',
    '        - name: city',
    '          kind: string',
    '          description: City name',
    '          required: true',
    '        - name: user_id',
    '          kind: string',
    '    bindings:',
    '      user_id: ${env:USER}',
    '---',
    'user:',
    'Weather in Paris?',
  ].join('\n');
  const d = parsePromptDocument(text, 'w.prompty');
  assert.equal(d.tools?.length, 1);
  const schema = d.tools![0].parameters as { properties: Record<string, unknown>; required: string[] };
  assert.deepEqual(Object.keys(schema.properties), ['city']);
  assert.deepEqual(schema.required, ['city']);
  // OpenAI cookbook num_tokens_for_tools with a words counter: 7 + "get_weather:Get the weather"(3) + 3 + 3 + "city:string:City name"(2) + 12.
  assert.equal(functionDefinitionTokens(d.tools!, words), 7 + 3 + 3 + 3 + 2 + 12);
  const s = summarizePrompt(d, words);
  assert.equal(s.toolTokens, 30);
  assert.equal(s.totalTokens, 3 + 1 + 3 + 3 + 30);
});

// ---- dotprompt: google/dotprompt js/src/parse.ts and spec/*.yaml ----

test('dotprompt js/src/parse.ts FRONTMATTER_AND_BODY_REGEX: licence comments and blank lines before the front matter', () => {
  const text =
    '# Copyright 2025 Example\n# SPDX-License-Identifier: Apache-2.0\n\n---\nmodel: googleai/gemini-2.0-flash\nconfig:\n  maxOutputTokens: 256\n---\nHello {{name}}\n';
  const d = parsePromptDocument(text, 'greet.prompt');
  assert.equal(d.model, 'google:gemini-2.0-flash');
  assert.equal(d.maxTokens, 256);
  // The YAML is not a message; the template is body.trim() (parse.ts parseDocument).
  assert.deepEqual(roles(d), [['user', 'Hello {{name}}']]);
});

test('dotprompt spec/helpers/role.yaml system_role: {{role}} splits messages, text kept as rendered', () => {
  const d = parsePromptDocument('{{role "system"}}{{systemGreeting}} from system\n{{role "user"}}{{userGreeting}} from user\n', 'r.prompt');
  assert.deepEqual(roles(d), [
    ['system', '{{systemGreeting}} from system\n'],
    ['user', '{{userGreeting}} from user\n'],
  ]);
});

test('dotprompt spec/helpers/role.yaml all_roles: system, user, model (the assistant), user', () => {
  const d = parsePromptDocument(
    '{{role "system"}}this is system\n{{role "user"}}this is user1\n{{role "model"}}this is model\n{{role "user"}}this is user2\n',
    'r.prompt',
  );
  assert.deepEqual(
    d.messages.map((m) => m.role),
    ['system', 'user', 'assistant', 'user'],
  );
  assert.equal(d.messages[2].content, 'this is model\n');
});

test('dotprompt spec/helpers/history.yaml: {{history}} is structure, history comes at run time (not counted)', () => {
  const d = parsePromptDocument('{{role "system"}}System prompt\n{{history}}\n{{role "user"}}Additional message\n', 'h.prompt');
  assert.deepEqual(roles(d), [
    ['system', 'System prompt\n'],
    ['user', 'Additional message\n'],
  ]);
  assert.deepEqual(d.placeholders.length, 3);
  assert.ok(d.notes?.some((n) => /history/.test(n)));
  assert.deepEqual(summarizePrompt(d, words).unfilled, []);
});

test('dotprompt spec/helpers/media.yaml: {{media url=…}} is a media part, not text', () => {
  const d = parsePromptDocument('Describe this image:\n{{media url=photoUrl}}', 'm.prompt');
  assert.deepEqual(roles(d), [['user', 'Describe this image:\n']]);
  assert.ok(d.notes?.some((n) => /media/.test(n)));
  const only = parsePromptDocument('{{media contentType=contentType url=url}}', 'm.prompt');
  assert.deepEqual(roles(only), [['user', '']]);
});

test('dotprompt spec/helpers/section.yaml basic_section: sections are metadata parts; text parts kept as written', () => {
  const d = parsePromptDocument(
    '{{section "intro"}}\nHello world\n{{section "main"}}\nMain content\n{{section "conclusion"}}\nGoodbye\n',
    's.prompt',
  );
  assert.deepEqual(roles(d), [['user', '\nHello world\n\nMain content\n\nGoodbye\n']]);
});

test('dotprompt: Handlebars comments and standalone block lines do not render', () => {
  const d = parsePromptDocument(
    '---\nmodel: googleai/gemini-1.5-flash\n---\n{{! a note for authors }}\n{{#if topic}}\nTell me about {{topic}}.\n{{/if}}\n',
    'c.prompt',
  );
  assert.deepEqual(roles(d), [['user', 'Tell me about {{topic}}.\n']]);
});

test('dotprompt: a role marker with only whitespace before it relabels the first message (parse.ts toMessages)', () => {
  const d = parsePromptDocument(
    '---\nmodel: googleai/gemini-1.5-flash\n---\n\n{{role "system"}}\nBe brief.\n\n{{role "user"}}\nHi',
    'x.prompt',
  );
  assert.deepEqual(roles(d), [
    ['system', '\nBe brief.\n\n'],
    ['user', '\nHi'],
  ]);
});

test('a .prompt without front matter or helpers but with role lines is split at them (older prompt files)', () => {
  assert.deepEqual(roles(parsePromptDocument('system:\nBe brief.\nuser:\nHi', 'old.prompt')), [
    ['system', 'Be brief.'],
    ['user', 'Hi'],
  ]);
});

// ---- VS Code / Copilot files: github/awesome-copilot (prompts, agents, instructions, skills) ----

test('awesome-copilot model display names map to catalog ids', () => {
  assert.equal(modelFromDisplayName('Claude Sonnet 4.5'), 'anthropic:claude-sonnet-4-5');
  assert.equal(modelFromDisplayName('Claude Sonnet 4.6 (copilot)'), 'anthropic:claude-sonnet-4-6');
  assert.equal(modelFromDisplayName('GPT-4.1'), 'openai:gpt-4.1');
  assert.equal(modelFromDisplayName('GPT-5 mini (copilot)'), 'openai:gpt-5-mini');
  assert.equal(modelFromDisplayName('GPT-5.3-Codex'), 'openai:gpt-5.3-codex');
  assert.equal(modelFromDisplayName('Gemini 2.5 Pro'), 'google:gemini-2.5-pro');
  assert.equal(modelFromDisplayName('o4-mini (Preview)'), 'openai:o4-mini');
  assert.equal(modelFromDisplayName('inherit'), undefined);
  assert.equal(modelFromDisplayName('[model name]'), undefined);
});

test('awesome-copilot agents/*.agent.md: the body is one instructions message; model list → first; tools are names', () => {
  const text =
    "---\ndescription: 'Plans work'\nmodel: ['GPT-5.3-Codex', 'Claude Sonnet 4.6 (copilot)']\ntools: ['codebase', 'search']\n---\n# Planner\n\n## User\n\nYou plan.\n";
  const d = parsePromptDocument(text, 'planner.agent.md');
  assert.equal(d.format, 'copilot');
  assert.equal(d.model, 'openai:gpt-5.3-codex');
  assert.deepEqual(roles(d), [['system', '# Planner\n\n## User\n\nYou plan.']]);
  assert.ok(d.notes?.some((n) => /codebase/.test(n)));
  for (const name of ['x.instructions.md', 'x.chatmode.md', 'skills/foo/SKILL.md'])
    assert.equal(parsePromptDocument(text, name).format, 'copilot');
  assert.equal(parsePromptDocument('---\nmodel: Claude Sonnet 4\n---\nHi ${input:x}', 'a.prompt.md').model, 'anthropic:claude-sonnet-4');
});

// ---- JSON chat prompts (promptfoo examples/, OpenAI / Anthropic / Gemini request bodies) ----

test('promptfoo JSON chat prompt: an array of {role, content} in .json or .j2; template tags outside strings still parse', () => {
  const text = '[\n  {"role": "system", "content": "You are a poet."},\n  {"role": "user", "content": "Write about {{topic}}"}\n]\n';
  for (const name of ['p.json', 'p.j2', 'p.txt']) {
    const d = parsePromptDocument(text, name);
    assert.deepEqual(roles(d), [
      ['system', 'You are a poet.'],
      ['user', 'Write about {{topic}}'],
    ]);
    assert.equal(d.messages[1].headerLine, 2);
  }
  const dumped = parsePromptDocument(
    '[{"role": "system", "content": "Be kind"}, {"role": "user", "content": {{ question | dump }}}]',
    'q.json',
  );
  assert.deepEqual(roles(dumped), [
    ['system', 'Be kind'],
    ['user', ''],
  ]);
});

test('JSON request bodies: OpenAI messages + max_tokens + tools; Anthropic system; Gemini contents + systemInstruction', () => {
  const openai = parsePromptDocument(
    JSON.stringify({
      model: 'gpt-4o-mini',
      max_tokens: 200,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi' },
            { type: 'image_url', image_url: { url: 'x' } },
          ],
        },
      ],
      tools: [{ type: 'function', function: { name: 'f', description: 'Do f', parameters: { type: 'object', properties: {} } } }],
    }),
    'req.json',
  );
  assert.deepEqual(roles(openai), [['user', 'Hi']]);
  assert.equal(openai.maxTokens, 200);
  assert.equal(openai.model, 'gpt-4o-mini');
  assert.equal(openai.tools?.length, 1);
  assert.ok(openai.notes?.some((n) => /non-text/.test(n)));
  const anthropic = parsePromptDocument(
    JSON.stringify({ system: 'Be terse.', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 50 }),
    'a.json',
  );
  assert.deepEqual(roles(anthropic), [
    ['system', 'Be terse.'],
    ['user', 'Hi'],
  ]);
  const gemini = parsePromptDocument(
    JSON.stringify({
      systemInstruction: { parts: [{ text: 'Be terse.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello' }] },
      ],
      generationConfig: { maxOutputTokens: 64 },
    }),
    'g.json',
  );
  assert.deepEqual(roles(gemini), [
    ['system', 'Be terse.'],
    ['user', 'Hi'],
    ['assistant', 'Hello'],
  ]);
  assert.equal(gemini.maxTokens, 64);
  // Not a chat prompt: read as text.
  assert.deepEqual(roles(parsePromptDocument('{"name": "x"}', 'package.json')), [['user', '{"name": "x"}']]);
});

// ---- Semantic Kernel: microsoft/semantic-kernel prompt_template_samples, ChatPromptParser.cs ----

test('Semantic Kernel YAML prompt: <message role> tags are the messages (ChatPromptParser.cs), execution_settings max_tokens and model_id', () => {
  const text = [
    'name: Summarize',
    'template_format: semantic-kernel',
    'template: |',
    '  <message role="system">You summarise &amp; shorten.</message>',
    '  <message role="user">{{$input}}</message>',
    'execution_settings:',
    '  default:',
    '    max_tokens: 256',
    '    model_id: gpt-4o',
  ].join('\n');
  const d = parsePromptDocument(text, 'summarize.yaml');
  assert.equal(d.format, 'semantic-kernel');
  assert.deepEqual(roles(d), [
    ['system', 'You summarise & shorten.'],
    ['user', '{{$input}}'],
  ]);
  assert.equal(d.maxTokens, 256);
  assert.equal(d.model, 'gpt-4o');
  // A YAML file that is not a prompt is read as text.
  assert.equal(parsePromptDocument('a: 1\n', 'config.yaml').messages[0].content, 'a: 1');
});

test('Semantic Kernel skprompt.txt + config.json beside it; no <message> tags → one user message', () => {
  const config = JSON.stringify({ schema: 1, execution_settings: { default: { max_tokens: 1000, temperature: 0 } } });
  const d = parsePromptDocument('Summarize this:\n{{$input}}\n', 'Summarize/skprompt.txt', {
    readSibling: (n) => (n === 'config.json' ? config : undefined),
  });
  assert.deepEqual(roles(d), [['user', 'Summarize this:\n{{$input}}']]);
  assert.equal(d.maxTokens, 1000);
});

// ---- promptfoo: src/prompts (split at PROMPT_DELIMITER '---', each trimmed) ----

test('promptfoo prompt list: a .txt with --- separators is several prompts, each trimmed', () => {
  const parts = splitPromptList('Translate to French: {{text}}\n---\nTranslate to German: {{text}}\n', 'prompts.txt');
  assert.deepEqual(
    parts?.map((p) => [p.text, p.line]),
    [
      ['Translate to French: {{text}}', 0],
      ['Translate to German: {{text}}', 2],
    ],
  );
  assert.equal(splitPromptList('one prompt\n', 'prompts.txt'), undefined);
  assert.equal(splitPromptList('a\n---\nb', 'notes.md'), undefined);
});

test('promptfoo JSON prompt with a Nunjucks loop over run-time history (examples/adaline-chat-history shape): zero iterations, said', () => {
  const text = [
    '[',
    '  {"role": "system", "content": [{"modality": "text", "value": {{ system_message | dump }}}]},',
    '  {% for m in previous_messages %}',
    '    {"role": "{{ m.role }}", "content": {{ m.content | dump }}},',
    '  {% endfor %}',
    '  {"role": "user", "content": "Q: {{ question }}"}',
    ']',
  ].join('\n');
  const d = parsePromptDocument(text, 'prompt.json');
  assert.deepEqual(roles(d), [
    ['system', ''],
    ['user', 'Q: {{ question }}'],
  ]);
  assert.ok(d.notes?.some((n) => /for/.test(n) && /none/.test(n)));
});
