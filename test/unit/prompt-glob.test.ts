import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob, expandBraces, isPromptFile, matchGlob, matchSegment } from '../../src/core/prompt';

test('expandBraces: alternatives, nesting, unbalanced', () => {
  assert.deepEqual(expandBraces('a/{b,c}/d'), ['a/b/d', 'a/c/d']);
  assert.deepEqual(expandBraces('*.{md,{txt,text}}'), ['*.md', '*.txt', '*.text']);
  assert.deepEqual(expandBraces('{a,b}{1,2}'), ['a1', 'a2', 'b1', 'b2']);
  assert.deepEqual(expandBraces('x{a,b'), ['x{a,b']);
  assert.deepEqual(expandBraces('none'), ['none']);
});

test('matchSegment: *, ?, classes', () => {
  const cases: [string, string, boolean][] = [
    ['*', 'anything.md', true],
    ['*', '', true],
    ['*.md', 'a.md', true],
    ['*.md', 'a.mdx', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['?.txt', 'a.txt', true],
    ['?.txt', 'ab.txt', false],
    ['[abc].md', 'b.md', true],
    ['[!abc].md', 'b.md', false],
    ['[a-c]x', 'cx', true],
    ['[a-c]x', 'dx', false],
    ['[unclosed', '[unclosed', true],
    ['*a*a*a*a*a*a*b', 'a'.repeat(60), false],
  ];
  for (const [p, s, want] of cases) assert.equal(matchSegment(p, s), want, `${p} vs ${s}`);
});

test('compileGlob: ** semantics', () => {
  const cases: [string, string, boolean][] = [
    ['**/prompts/**', '/ws/prompts/a.md', true],
    ['**/prompts/**', '/ws/a/b/prompts/c/d.txt', true],
    ['**/prompts/**', '/ws/myprompts/a.md', false],
    ['**/prompts/**', 'prompts/a.md', true],
    ['**/*.md', 'a.md', true],
    ['**/*.md', '/x/y/z/a.md', true],
    ['src/**/*.ts', 'src/a.ts', true],
    ['src/**/*.ts', 'src/a/b/c.ts', true],
    ['src/**/*.ts', 'lib/a.ts', false],
    ['**/{prompts,templates}/*.md', '/w/templates/x.md', true],
    ['**/{prompts,templates}/*.md', '/w/templates/sub/x.md', false],
    ['/abs/*.md', '/abs/x.md', true],
    ['/abs/*.md', '/abs/y/x.md', false],
  ];
  for (const [g, p, want] of cases) assert.equal(compileGlob(g)(p), want, `${g} vs ${p}`);
});

test('matchGlob: Windows separators, relative globs, baseDir, case', () => {
  assert.equal(matchGlob('**/prompts/**', 'C:\\work\\repo\\prompts\\a.md'), true);
  assert.equal(matchGlob('**\\prompts\\**', 'C:/work/repo/prompts/a.md'), true);
  assert.equal(matchGlob('prompts/*.md', '/ws/prompts/a.md'), true);
  assert.equal(matchGlob('prompts/*.md', '/ws/prompts/sub/a.md'), false);
  assert.equal(matchGlob('prompts/*.md', '/ws/prompts/a.md', { baseDir: '/ws' }), true);
  assert.equal(matchGlob('prompts/*.md', '/ws/sub/prompts/a.md', { baseDir: '/ws' }), false);
  assert.equal(matchGlob('**/PROMPTS/**', '/ws/prompts/a.md'), false);
  assert.equal(matchGlob('**/PROMPTS/**', '/ws/prompts/a.md', { caseInsensitive: true }), true);
});

test('isPromptFile: built-in extensions and globs', () => {
  const yes = [
    'a.prompt',
    '/x/y.prompt.md',
    'C:\\x\\y.prompty',
    'tpl.jinja',
    'tpl.j2',
    'tpl.jinja2',
    '/ws/prompts/system.md',
    '/ws/prompts/sub/a.txt',
    '/ws/prompts/README',
    // VS Code / Copilot customization files and Semantic Kernel templates, wherever they are
    '/ws/.github/agents/plan.agent.md',
    '/ws/.github/instructions/ts.instructions.md',
    '/ws/.github/chatmodes/a.chatmode.md',
    '/ws/skills/pdf/SKILL.md',
    '/ws/Plugins/Summarize/skprompt.txt',
    // promptfoo JSON chat prompts and SK YAML under the prompt folders
    '/ws/prompts/chat.json',
    '/ws/prompts/summarize.yaml',
  ];
  const no = [
    '/ws/src/a.md',
    '/ws/package.json',
    '/ws/config.yaml',
    '/ws/prompts/code.py',
    '/ws/prompts/img.png',
    '.prompt',
    '/ws/notes.txt',
    '/ws/prompts.md',
  ];
  for (const p of yes) assert.equal(isPromptFile(p), true, p);
  for (const p of no) assert.equal(isPromptFile(p), false, p);
  assert.equal(isPromptFile('/ws/docs/a.md', ['docs/**']), true);
  assert.equal(isPromptFile('/ws/prompts/a.md', []), false);
  assert.equal(isPromptFile('/ws/prompts/a.log', undefined, { languageId: 'plaintext' }), true);
  assert.equal(isPromptFile('/ws/prompts/a.log'), false);
});
