// The cost of a change in a real VS Code with its built-in Git extension: the Δ lens and hover on a
// modified prompt file and on a prompt in code that moved and was edited, unsaved edits, the Changed
// Prompts view across two repositories, nothing for files outside a repository, and budget diagnostics.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Decimal } from '../../../src/core/pricing/decimal';
import { countTokens } from '../../../src/core/tokenize';
import { extensionApi, waitFor, workspaceRoot, scaled } from './helpers';
import { formatUsd } from '../../../src/core/format';

interface GitApiLike {
  openRepository?(root: vscode.Uri): Promise<unknown>;
  getRepository(uri: vscode.Uri): unknown;
}

async function gitApi(): Promise<GitApiLike> {
  const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitApiLike }>('vscode.git');
  assert.ok(ext, 'the built-in Git extension is present in this host');
  const exports = ext.isActive ? ext.exports : await ext.activate();
  return exports.getAPI(1);
}

function makeRepo(dir: string, files: Record<string, string>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.invalid');
  git('config', 'user.name', 'Test');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
}

async function lensTitles(uri: vscode.Uri): Promise<{ title: string; line: number }[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return (lenses ?? []).filter((l) => l.command?.title).map((l) => ({ title: l.command!.title, line: l.range.start.line }));
}

function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

const DELTA = /^([+−±])(\d[\d,]*) tokens · ([+−±])\$([\d.]+)\/month vs HEAD$/;

describe('cost of a change (Git extension)', function () {
  this.timeout(scaled(60_000));
  let repoA: string;
  let repoB: string;
  const system = 'You are a helpful support agent.';
  const longer = 'You are a helpful support agent. Always answer in English, cite the policy and keep it short.';
  const prompt = (body: string, extra = '') => `---\nmodel: openai:gpt-4o\n${extra}---\nsystem:\n${body}\n`;
  const py = [
    'from openai import OpenAI',
    'client = OpenAI()',
    'r = client.chat.completions.create(',
    '    model="gpt-4o-mini",',
    `    messages=[{"role": "system", "content": "${system}"}],`,
    ')',
    '',
  ];

  before(async () => {
    await extensionApi();
    repoA = path.join(workspaceRoot(), 'git-a');
    repoB = path.join(workspaceRoot(), 'git-b');
    makeRepo(repoA, { 'prompts/greet.prompt': prompt(system), 'app/agent.py': py.join('\n') });
    makeRepo(repoB, { 'prompts/other.prompt': 'Other repository prompt.\n' });
    const api = await gitApi();
    assert.ok(api.openRepository, 'Git API openRepository');
    await api.openRepository!(vscode.Uri.file(repoA));
    await api.openRepository!(vscode.Uri.file(repoB));
    await waitFor('both repositories open', () =>
      api.getRepository(vscode.Uri.file(repoA)) && api.getRepository(vscode.Uri.file(repoB)) ? true : undefined,
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(repoA, { recursive: true, force: true });
    fs.rmSync(repoB, { recursive: true, force: true });
  });

  it('a modified prompt file: lens "+N tokens · +$X/month vs HEAD" with the exact Δ, and a hover table', async () => {
    const file = path.join(repoA, 'prompts', 'greet.prompt');
    fs.writeFileSync(file, prompt(longer));
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const lens = await waitFor('Δ lens', async () => (await lensTitles(doc.uri)).find((l) => DELTA.test(l.title)), 20_000);
    const m = DELTA.exec(lens.title)!;
    const dTokens = countTokens(longer, 'o200k_base') - countTokens(system, 'o200k_base');
    assert.equal(m[1], '+');
    assert.equal(Number(m[2].replace(/,/g, '')), dTokens);
    // gpt-4o input $2.50 per 1M tokens (bundled reference), 1,000 requests/day × 30 (the default setting).
    const monthly = Decimal.parse('0.0000025')
      .times(dTokens)
      .times(1000 * 30);
    assert.equal(`$${m[4]}`, formatUsd(monthly.toString()), lens.title); // rounded like every money figure (core/format)
    assert.equal(lens.line, 0);
    const hover = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(4, 2)),
    );
    assert.match(hover, /Prompt Cost · change vs HEAD/);
    assert.match(hover, /\| \*\*gpt-4o\*\* \| \d+ → \d+ \(\+\d+\) \|/);
  });

  it('unsaved edits count: the lens follows the buffer, and disappears when the text equals HEAD again', async () => {
    const file = path.join(repoA, 'prompts', 'greet.prompt');
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, doc.lineCount, 0), prompt(system)));
    await waitFor(
      'no Δ lens once equal to HEAD',
      async () => ((await lensTitles(doc.uri)).some((l) => DELTA.test(l.title)) ? undefined : true),
      20_000,
    );
    await editor.edit((e) => e.insert(new vscode.Position(4, system.length), ' Extra words here.'));
    await waitFor(
      'Δ lens for the unsaved edit',
      async () => (await lensTitles(doc.uri)).find((l) => DELTA.test(l.title) && l.title.startsWith('+')),
      20_000,
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('a prompt in code that moved down and was edited gets its lens on its new line', async () => {
    const file = path.join(repoA, 'app', 'agent.py');
    fs.writeFileSync(file, ['# a header', '# that moves everything', ...py].join('\n').replace(system, longer));
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const lens = await waitFor('Δ lens in code', async () => (await lensTitles(doc.uri)).find((l) => DELTA.test(l.title)), 20_000);
    assert.equal(lens.line, 4); // the call's line, 0-based, after two new lines (one prompt per call)
    const dTokens = countTokens(longer, 'o200k_base') - countTokens(system, 'o200k_base');
    assert.equal(Number(DELTA.exec(lens.title)![2]), dTokens);
    const hover = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        doc.uri,
        new vscode.Position(6, doc.lineAt(6).text.indexOf(longer) + 3),
      ),
    );
    assert.match(hover, /change vs HEAD\*\* \(client\.chat\.completions\.create, modified\)/);
  });

  it('the Changed Prompts view lists the changes of both repositories', async () => {
    fs.writeFileSync(path.join(repoB, 'prompts', 'other.prompt'), 'Other repository prompt, now a little longer.\n');
    fs.writeFileSync(path.join(repoB, 'prompts', 'new.prompt'), 'A new prompt.\n');
    const api = await extensionApi();
    const expected = [
      'git-a/app/agent.py:modified',
      'git-a/prompts/greet.prompt:modified',
      'git-b/prompts/new.prompt:added',
      'git-b/prompts/other.prompt:modified',
    ];
    let seen: string[] = [];
    await waitFor(
      'both repositories in the view',
      async () => {
        api.changes.view.refresh();
        const r = await api.changes.view.load();
        seen = r.flatMap((x) => x.changes.map((c) => `${path.basename(x.root.fsPath)}/${c.path}:${c.status}`)).sort();
        return JSON.stringify(seen) === JSON.stringify(expected) ? true : undefined;
      },
      30_000,
    ).catch((err) => {
      throw new Error(`${(err as Error).message}; last seen: ${seen.join(', ')}`);
    });
    const roots = await api.changes.view.getChildren();
    assert.equal(roots.length, 2, 'one group per repository');
    const items = await Promise.all(
      (await api.changes.view.getChildren(roots.find((r) => r.kind === 'repo' && r.repo.root.fsPath === repoA))).map((n) =>
        api.changes.view.getTreeItem(n),
      ),
    );
    assert.ok(
      items.some((i) => /^\+\d+ tokens · \+\$[\d.]+\/month · modified$/.test(String(i.description))),
      items.map((i) => i.description).join(' | '),
    );
  });

  it('outside a git repository: no Δ lens (estimates still shown)', async () => {
    const doc = await vscode.workspace.openTextDocument(
      path.join(
        workspaceRoot(),
        'prompts',
        fs.readdirSync(path.join(workspaceRoot(), 'prompts')).find((f) => f.endsWith('.prompt.md') || f.endsWith('.prompty'))!,
      ),
    );
    await vscode.window.showTextDocument(doc);
    const titles = await waitFor('estimate lenses', async () => {
      const t = await lensTitles(doc.uri);
      return t.some((l) => /tokens/.test(l.title)) ? t : undefined;
    });
    assert.ok(!titles.some((l) => /vs HEAD/.test(l.title)), titles.map((t) => t.title).join(' | '));
  });

  it('budget diagnostics: front matter and prompt-cost.json limits, with the numbers', async () => {
    const file = path.join(repoA, 'prompts', 'budgeted.prompt');
    fs.writeFileSync(file, prompt('word '.repeat(60), 'budget:\n  max_input_tokens: 20\n'));
    fs.writeFileSync(path.join(repoA, 'prompt-cost.json'), JSON.stringify({ budgets: [{ files: 'app/**', max_input_tokens: 3 }] }));
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const diag = await waitFor(
      'budget diagnostic',
      () => vscode.languages.getDiagnostics(doc.uri).find((d) => d.source === 'Prompt Cost budget'),
      20_000,
    );
    assert.equal(diag.code, 'budget/max-input-tokens');
    assert.equal(diag.range.start.line, 2); // the `budget:` line
    // A .prompt file is dotprompt: `system:` is text there (roles come from {{role "system"}}; google/dotprompt
    // js/src/parse.ts), so the body is one user message "system:\nword word …".
    const expected = 3 + countTokens('user', 'o200k_base') + countTokens(`system:\n${'word '.repeat(60).trim()}`, 'o200k_base') + 3;
    assert.equal(diag.message, `${expected} input tokens for openai:gpt-4o exceed max_input_tokens 20 by ${expected - 20} (front matter)`);
    const code = await vscode.workspace.openTextDocument(path.join(repoA, 'app', 'agent.py'));
    const codeDiag = await waitFor(
      'rule diagnostic on a prompt in code',
      () => vscode.languages.getDiagnostics(code.uri).find((d) => d.source === 'Prompt Cost budget'),
      20_000,
    );
    assert.match(
      codeDiag.message,
      /input tokens for openai:gpt-4o-mini exceed max_input_tokens 3 by \d+ \(prompt-cost\.json budgets\[0\] \(app\/\*\*\)\)$/,
    );
    // Within the limit: the diagnostic goes away.
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, doc.lineCount, 0), prompt('Short.', 'budget:\n  max_input_tokens: 20\n')));
    await waitFor(
      'diagnostic cleared',
      () => (vscode.languages.getDiagnostics(doc.uri).some((d) => d.source === 'Prompt Cost budget') ? undefined : true),
      20_000,
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
