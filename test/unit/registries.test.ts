// Each extension point is one table in src/ (issue 28); everything that names its rows elsewhere —
// package.json, the docs' tables, the CLI help — is checked against it here, so a row added in one
// place and forgotten in another fails.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROMPT_FORMATS, detectPromptFormat, formatSpec } from '../../src/core/prompt/formats';
import { isPromptFile } from '../../src/core/prompt/glob';
import { parsePromptDocument } from '../../src/core/prompt/document';
import { codeLanguageFor } from '../../src/core/prompt/code';
import {
  CODE_EXTENSIONS,
  CODE_LANGUAGES,
  SCAN_POLICY,
  codeLanguageForFile,
  isModelUsageFile,
  isSkippedFolder,
  modelUsageGlobs,
} from '../../src/core/prompt/codeLanguages';
import { collectWorkspaceUsages } from '../../src/cli/lint';
import { main } from '../../src/cli/main';
import { TOKENIZER_VERSIONS, chatTemplateStatus, tokenizerVersionFor } from '../../src/core/tokenize/registry';
import { tokenizerForModel } from '../../src/core/tokenize/models';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/** The first column of every row of the Markdown table under `heading`'s file, lower case. */
function firstColumn(markdown: string): string {
  return markdown
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) => l.split('|')[1] ?? '')
    .join(' ')
    .toLowerCase();
}

describe('prompt formats registry (core/prompt/formats.ts)', () => {
  it('every suffix and name is detected as its row and is a prompt file where the row says', () => {
    for (const spec of PROMPT_FORMATS) {
      for (const suffix of spec.promptSuffixes) {
        const file = `/ws/src/example${suffix}`;
        assert.equal(detectPromptFormat(file), spec.format, file);
        assert.equal(isPromptFile(file), true, file);
      }
      for (const name of spec.promptNames) {
        const file = `/ws/src/${name.toUpperCase()}`;
        assert.equal(detectPromptFormat(file), spec.format, file);
        assert.equal(isPromptFile(file), true, file);
      }
      for (const suffix of spec.textSuffixes) {
        assert.equal(detectPromptFormat(`/ws/prompts/a${suffix}`), spec.format, suffix);
        assert.equal(isPromptFile(`/ws/prompts/a${suffix}`), true, suffix);
        assert.equal(isPromptFile(`/ws/src/a${suffix}`), false, suffix);
      }
      for (const id of spec.textLanguageIds) assert.equal(isPromptFile('/ws/prompts/a.log', undefined, { languageId: id }), true, id);
    }
  });

  it('AGENTS.md is a Copilot instructions file and a prompt wherever it is (it was missing from the glob table)', () => {
    assert.equal(isPromptFile('/ws/AGENTS.md'), true);
    const doc = parsePromptDocument('Always run the tests.\n\n## User\nnot a role heading here\n', '/ws/AGENTS.md');
    assert.equal(doc.format, 'copilot');
    assert.deepEqual(
      doc.messages.map((m) => m.role),
      ['system'],
    );
  });

  it('the rows drive the section rules: implicit role, role headings, empty sections, front matter', () => {
    assert.equal(parsePromptDocument('hello', 'a.prompty').messages[0].role, formatSpec('prompty').implicitRole);
    assert.equal(parsePromptDocument('hello', 'a.md').messages[0].role, 'user');
    assert.equal(parsePromptDocument('# System\nbe brief\n# User\nhi', 'a.md').messages.length, 2);
    assert.equal(parsePromptDocument('# System\nbe brief\n# User\nhi', 'a.instructions.md').messages.length, 1);
    const fm = (text: string, file: string) => (parsePromptDocument(text, file).frontMatter?.data as { model?: string } | undefined)?.model;
    assert.equal(fm('\n\n+++\nmodel: gpt-4o\n+++\nsystem:\nhi', 'a.prompty'), 'gpt-4o');
    assert.equal(fm('+++\nmodel: gpt-4o\n+++\nhi', 'a.md'), undefined);
    assert.equal(fm('# licence\n\n---\nmodel: gpt-4o\n---\nhi', 'a.prompt'), 'gpt-4o');
    assert.equal(fm('# licence\n\n---\nmodel: gpt-4o\n---\nhi', 'a.md'), undefined);
  });

  it('package.json: our prompty language and the promptFiles setting name the registry', () => {
    const always = PROMPT_FORMATS.flatMap((s) => [...s.promptSuffixes, ...s.promptNames]);
    const prompty = pkg.contributes.languages.find((l: { id: string }) => l.id === 'prompty');
    for (const ext of prompty.extensions) assert.ok(always.includes(ext), `${ext} is in the prompty language but no format row`);
    const described = String(pkg.contributes.configuration.properties['promptCost.promptFiles'].markdownDescription).toLowerCase();
    for (const s of always) assert.ok(described.includes(s.startsWith('.') ? `*${s}` : s), `promptCost.promptFiles description lacks ${s}`);
  });

  it('docs/user/prompt-formats.md: the formats table names every suffix and file name', () => {
    const files = firstColumn(read('docs/user/prompt-formats.md'));
    for (const s of PROMPT_FORMATS.flatMap((r) => [...r.promptSuffixes, ...r.promptNames, ...r.textSuffixes]))
      assert.ok(files.includes(s), `docs/user/prompt-formats.md formats table lacks ${s}`);
  });
});

describe('code languages registry and scan policy (core/prompt/codeLanguages.ts)', () => {
  it('every extension maps to its row; the editor activates on every language id', () => {
    for (const lang of CODE_LANGUAGES) {
      assert.ok(pkg.activationEvents.includes(`onLanguage:${lang.languageId}`), `activationEvents lacks onLanguage:${lang.languageId}`);
      assert.equal(codeLanguageFor(lang.languageId), lang.syntax);
      for (const ext of lang.extensions) {
        assert.equal(codeLanguageForFile(`src/a${ext}`), lang.languageId, ext);
        assert.equal(codeLanguageForFile(`src/A${ext.toUpperCase()}`), lang.languageId, ext);
        assert.ok(isModelUsageFile(`a${ext}`), ext);
      }
    }
    assert.equal(codeLanguageForFile('a.pyc'), undefined);
    assert.equal(codeLanguageForFile('a.d.ts'), 'typescript');
  });

  it('the CLI help names every code extension', async () => {
    const out: string[] = [];
    const io = {
      cwd: ROOT,
      env: {},
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => out.push(t),
      readStdin: async () => Buffer.alloc(0),
    };
    await main(['estimate', '--help'], io as never);
    for (const ext of CODE_EXTENSIONS) assert.ok(out.join('').includes(ext), `prompt-cost estimate --help lacks ${ext}`);
  });

  it('one scan for lint and the editor: dot-folders and dependency/build folders skipped, YAML read, big files not', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-scan-'));
    try {
      const put = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      };
      put('app/main.pyi', 'MODEL = "openai:gpt-4o"\n');
      put('app/ui.jsx', 'const m = "anthropic:claude-3-5-haiku-latest";\n');
      put('pipeline.yaml', 'model: "openai:gpt-4.1-mini"\n');
      put('.github/workflows/ci.yml', 'model: "openai:o3"\n');
      put('site-packages/x.py', 'M = "openai:o1"\n');
      put('node_modules/x/index.js', 'const m = "openai:o1";\n');
      put('app/big.py', `M = "openai:gpt-4-turbo"\n${'#'.repeat(SCAN_POLICY.maxFileBytes)}\n`);
      const ids = collectWorkspaceUsages(dir)
        .map((u) => u.id)
        .sort();
      assert.deepEqual(ids, ['anthropic:claude-3-5-haiku-latest', 'openai:gpt-4.1-mini', 'openai:gpt-4o']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(modelUsageGlobs(), {
      include: `**/*.{${SCAN_POLICY.modelUsageExtensions.map((e) => e.slice(1)).join(',')}}`,
      exclude: `**/{${SCAN_POLICY.skippedFolders.join(',')}}/**`,
    });
    for (const name of ['.git', '.venv', '.tox', '.vscode-test', 'node_modules', '__pycache__']) assert.ok(isSkippedFolder(name), name);
    assert.equal(isSkippedFolder('src'), false);
  });
});

describe('tokenizer registry (core/tokenize/registry.ts): model version → vocabulary + chat template', () => {
  const docs = read('docs/user/tokens.md');
  const table = docs.slice(docs.indexOf('| Family / model version |'));
  const docRows = table
    .split('\n')
    .filter((l) => l.startsWith('|') && !l.startsWith('|---'))
    .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim())); // `\|` is a pipe inside a cell (GFM)
  it('every registry row is a row of the docs families table, with the same exactness of its template', () => {
    for (const row of TOKENIZER_VERSIONS) {
      const doc = docRows.find((r) => r[1] === row.version);
      assert.ok(doc, `docs/user/tokens.md has a row "${row.version}"`);
      const templateCell = doc[4];
      if (row.templateExact) assert.match(templateCell, /\*\*exact\*\*/, row.version);
      else assert.match(templateCell, /^\*\*≈\*\*/, row.version);
    }
  });
  it("every example id resolves to its row, with the row's vocabulary; the docs' example ids too", () => {
    for (const row of TOKENIZER_VERSIONS) {
      for (const id of row.examples) {
        assert.equal(tokenizerVersionFor(id)?.version, row.version, id);
        const t = tokenizerForModel(id);
        if (row.vocabulary) assert.equal(t.family ?? t.encoding, row.vocabulary, id); // tekken: an encoding, not a family
        assert.equal(chatTemplateStatus(id).exact, row.templateExact, id);
      }
      const doc = docRows.find((r) => r[1] === row.version)!;
      for (const id of [...doc[2].matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((id) => !/[*…]/.test(id))) {
        assert.equal(tokenizerVersionFor(id)?.version, row.version, `docs example ${id}`);
      }
    }
  });
  it('ids of no listed version (OpenAI, Claude, unknown) are framed as before: no row, template status exact', () => {
    for (const id of ['gpt-4o', 'anthropic:claude-sonnet-4-5', 'acme:thing', 'gemma2-9b-it', 'meta-llama/Llama-2-7b-chat-hf']) {
      assert.equal(tokenizerVersionFor(id), undefined, id);
      assert.equal(chatTemplateStatus(id).exact, true, id);
    }
  });
});
