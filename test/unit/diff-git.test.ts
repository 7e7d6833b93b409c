// The git reader and the per-prompt diff on real temporary repositories (git 2.x behaviour as
// documented in git-diff(1) --name-status/-M/-z and git-cat-file(1) --batch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { changedFiles, defaultBase, EMPTY_TREE, GitError, parseNameStatus, readBlobs, resolveCommit } from '../../src/core/diff/git';
import { alignLines } from '../../src/core/diff/lines';
import { diffWorkingTree, modelDeltas, primaryDelta, type WorkingTreeDiffOptions } from '../../src/core/diff';
import { PriceCatalog } from '../../src/core/pricing/catalog';
import { isPromptFile } from '../../src/core/prompt/glob';
import { countTokens } from '../../src/core/tokenize';
import { gitRepo } from '../support/gitRepo';

function options(cwd: string, extra: Partial<WorkingTreeDiffOptions> = {}): WorkingTreeDiffOptions {
  return {
    cwd,
    catalog: new PriceCatalog(),
    models: ['openai:gpt-4o'],
    outputTokens: 0,
    requestsPerDay: (_p, fm) => fm ?? 1000,
    isPromptFile: (rel) => isPromptFile(rel),
    ...extra,
  };
}

test('parseNameStatus: -z records, renames with similarity, odd file names survive', () => {
  const out = ['M', 'a b.prompty', 'R087', 'old\tname.prompt', 'new\nname.prompt', 'D', 'gone.j2', 'U', 'conflict', 'A', 'x', ''].join(
    '\0',
  );
  assert.deepEqual(parseNameStatus(out), [
    { status: 'modified', path: 'a b.prompty' },
    { status: 'renamed', path: 'new\nname.prompt', oldPath: 'old\tname.prompt', similarity: 87 },
    { status: 'deleted', path: 'gone.j2' },
    { status: 'added', path: 'x' },
  ]);
});

test('changedFiles: edit, rename (-M), delete, add and untracked against HEAD; readBlobs reads the base versions', async () => {
  const repo = gitRepo();
  const long = 'You are a careful assistant.\n'.repeat(20);
  repo.write('prompts/a.prompty', '---\nmodel: openai:gpt-4o\n---\nsystem:\nHello\n');
  repo.write('prompts/b.prompt', long);
  repo.write('prompts/c.j2', 'bye {{ name }}\n');
  repo.write('notes.txt', 'not a prompt\n');
  repo.commit('init');
  repo.write('prompts/a.prompty', '---\nmodel: openai:gpt-4o\n---\nsystem:\nHello there, friend\n');
  repo.git('mv', 'prompts/b.prompt', 'prompts/renamed.prompt');
  repo.write('prompts/renamed.prompt', long + 'One more line.\n');
  repo.remove('prompts/c.j2');
  repo.write('prompts/new.prompt', 'brand new\n');
  const files = await changedFiles(repo.dir, 'HEAD');
  const byPath = new Map(files.map((f) => [f.path, f]));
  assert.equal(byPath.get('prompts/a.prompty')?.status, 'modified');
  assert.equal(byPath.get('prompts/renamed.prompt')?.status, 'renamed');
  assert.equal(byPath.get('prompts/renamed.prompt')?.oldPath, 'prompts/b.prompt');
  assert.equal(byPath.get('prompts/c.j2')?.status, 'deleted');
  assert.equal(byPath.get('prompts/new.prompt')?.status, 'untracked');
  assert.equal(byPath.has('notes.txt'), false);
  const blobs = await readBlobs(repo.dir, 'HEAD', ['prompts/a.prompty', 'prompts/b.prompt', 'missing.txt']);
  assert.equal(blobs.get('prompts/a.prompty')?.toString(), '---\nmodel: openai:gpt-4o\n---\nsystem:\nHello\n');
  assert.equal(blobs.get('prompts/b.prompt')?.toString(), long);
  assert.equal(blobs.get('missing.txt'), undefined);
});

test('diffWorkingTree: added, removed, renamed and modified prompt files with tokens before/after', async () => {
  const repo = gitRepo();
  repo.write('prompts/a.prompty', '---\nmodel: openai:gpt-4o-mini\n---\nsystem:\nHello\n');
  repo.write('prompts/b.prompt', 'Summarise the text below in three bullet points.\n'.repeat(10));
  repo.write('prompts/c.j2', 'bye {{ name }}\n');
  repo.commit('init');
  repo.write('prompts/a.prompty', '---\nmodel: openai:gpt-4o-mini\n---\nsystem:\nHello there, you are a helpful assistant.\n');
  repo.git('mv', 'prompts/b.prompt', 'prompts/summary.prompt');
  repo.remove('prompts/c.j2');
  repo.write('prompts/new.prompt', 'brand new prompt text\n');
  const d = await diffWorkingTree(options(repo.dir));
  assert.equal(d.base.how, 'HEAD');
  const by = new Map(d.changes.map((c) => [c.path, c]));
  assert.deepEqual([...by.keys()].sort(), ['prompts/a.prompty', 'prompts/c.j2', 'prompts/new.prompt', 'prompts/summary.prompt']);
  const a = by.get('prompts/a.prompty')!;
  assert.equal(a.status, 'modified');
  assert.equal(a.primaryModel, 'openai:gpt-4o-mini');
  const ad = primaryDelta(a)!;
  // Chat overhead (openai/openai-cookbook "How to count tokens with tiktoken"): 3 per message, the role's
  // tokens, 3 to prime the reply; content tokens by tiktoken o200k_base.
  const overhead = 3 + countTokens('system', 'o200k_base') + 3;
  assert.equal(ad.tokensBefore, countTokens('Hello', 'o200k_base') + overhead);
  assert.equal(ad.tokensAfter, countTokens('Hello there, you are a helpful assistant.', 'o200k_base') + overhead);
  assert.ok(ad.perRequestDelta && !ad.perRequestDelta.isNegative() && !ad.perRequestDelta.isZero());
  const r = by.get('prompts/summary.prompt')!;
  assert.equal(r.status, 'renamed');
  assert.equal(r.oldPath, 'prompts/b.prompt');
  assert.equal(primaryDelta(r)!.tokensDelta, 0);
  assert.equal(by.get('prompts/c.j2')!.status, 'removed');
  assert.equal(by.get('prompts/c.j2')!.after, undefined);
  assert.equal(by.get('prompts/new.prompt')!.status, 'added');
  assert.equal(primaryDelta(by.get('prompts/new.prompt')!)!.tokensBefore, undefined);
  assert.equal(d.filesRead, 4);
});

test('diffWorkingTree: prompts in code that only move lines are not changes; an edited one is modified, not removed + added', async () => {
  const repo = gitRepo();
  const before = [
    'from openai import OpenAI',
    'client = OpenAI()',
    '',
    'def ask(q):',
    '    return client.chat.completions.create(',
    '        model="gpt-4o",',
    '        messages=[',
    '            {"role": "system", "content": "You are terse."},',
    '            {"role": "user", "content": "Answer the question."},',
    '        ],',
    '    )',
    '',
    'SUMMARY_PROMPT = "Summarise the following text in one line."',
    '',
  ].join('\n');
  repo.write('app/agent.py', before);
  repo.commit('init');
  // 5 new lines above everything; the system message edited; the summary prompt untouched (moved down).
  const after = ['# header', '# more', 'import os', '', '', ...before.split('\n')]
    .join('\n')
    .replace('You are terse.', 'You are terse. Always answer in English and cite sources.');
  repo.write('app/agent.py', after);
  const d = await diffWorkingTree(options(repo.dir));
  assert.equal(d.changes.length, 1, JSON.stringify(d.changes.map((c) => [c.status, c.label])));
  const c = d.changes[0];
  assert.equal(c.kind, 'code');
  assert.equal(c.status, 'modified');
  // One prompt per call: its line is the call's (0-based 4 → 9), the token delta that of the edited message.
  assert.equal(c.before!.line, 4);
  assert.equal(c.after!.line, 9);
  assert.equal(c.primaryModel, 'openai:gpt-4o');
  assert.equal(
    primaryDelta(c)!.tokensDelta,
    countTokens('You are terse. Always answer in English and cite sources.', 'o200k_base') - countTokens('You are terse.', 'o200k_base'),
  );
});

test('diffWorkingTree: a code prompt rewritten on its own lines pairs by call and key; removed and added prompts in code', async () => {
  const repo = gitRepo();
  repo.write(
    'src/bot.ts',
    [
      'const a = await client.responses.create({',
      '  model: "gpt-4o-mini",',
      '  instructions: "Be brief.",',
      '});',
      'const systemPrompt = "Old helper";',
      '',
    ].join('\n'),
  );
  repo.commit('init');
  repo.write(
    'src/bot.ts',
    [
      'const a = await client.responses.create({',
      '  model: "gpt-4o-mini",',
      '  instructions: "Be brief, friendly and precise in every answer.",',
      '});',
      'const userPrompt = "New helper text";',
      '',
    ].join('\n'),
  );
  const d = await diffWorkingTree(options(repo.dir));
  const statuses = d.changes.map((c) => `${c.status}:${c.label}`).sort();
  assert.deepEqual(statuses, ['added:userPrompt', 'modified:client.responses.create', 'removed:systemPrompt'].sort());
});

test('diffWorkingTree: PATH limits the files read; --base REF; unknown REF and non-repositories are GitErrors', async () => {
  const repo = gitRepo();
  repo.write('prompts/a.prompt', 'one\n');
  repo.write('other/prompts/b.prompt', 'two\n');
  const first = repo.commit('one');
  repo.write('prompts/a.prompt', 'one one\n');
  repo.commit('two');
  repo.write('other/prompts/b.prompt', 'two two\n');
  let d = await diffWorkingTree(options(repo.dir, { paths: ['other'] }));
  assert.deepEqual(
    d.changes.map((c) => c.path),
    ['other/prompts/b.prompt'],
  );
  assert.equal(d.filesRead, 1);
  d = await diffWorkingTree(options(path.join(repo.dir, 'other'), { base: first }));
  assert.deepEqual(d.changes.map((c) => c.path).sort(), ['other/prompts/b.prompt', 'prompts/a.prompt']);
  assert.equal(d.base.commit, first);
  await assert.rejects(
    diffWorkingTree(options(repo.dir, { base: 'no-such-ref' })),
    (e: Error) => e instanceof GitError && /unknown git revision 'no-such-ref'/.test(e.message),
  );
  await assert.rejects(diffWorkingTree(options(repo.dir, { base: '--output=/tmp/x' })), /invalid git ref/);
  const notRepo = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-norepo-'));
  try {
    await assert.rejects(diffWorkingTree(options(notRepo)), /not a git repository/);
  } finally {
    fs.rmSync(notRepo, { recursive: true, force: true });
  }
});

test('defaultBase: merge-base with the upstream branch, HEAD without remotes, the empty tree before the first commit', async () => {
  const empty = gitRepo();
  assert.deepEqual(await defaultBase(empty.dir), { label: 'HEAD', commit: EMPTY_TREE, how: 'HEAD' });
  assert.equal(await resolveCommit(empty.dir, 'HEAD'), EMPTY_TREE);
  empty.write('prompts/a.prompt', 'first\n');
  const d0 = await diffWorkingTree(options(empty.dir));
  assert.deepEqual(
    d0.changes.map((c) => c.status),
    ['added'],
  );

  const upstream = gitRepo('pcl-upstream-');
  upstream.write('prompts/a.prompt', 'base\n');
  const baseCommit = upstream.commit('base');
  const clone = gitRepo('pcl-clone-');
  clone.git('remote', 'add', 'origin', upstream.dir);
  clone.git('fetch', '-q', 'origin');
  clone.git('checkout', '-q', '-b', 'feature', '--track', 'origin/main');
  clone.write('prompts/a.prompt', 'base plus a feature commit\n');
  clone.commit('feature');
  upstream.write('prompts/a.prompt', 'main moved on\n');
  upstream.commit('main moves');
  clone.git('fetch', '-q', 'origin');
  const b = await defaultBase(clone.dir);
  assert.deepEqual(b, { label: 'origin/main', commit: baseCommit, how: 'merge-base' });
  // The committed feature change shows against the merge-base, not against HEAD (where it is clean).
  const d = await diffWorkingTree(options(clone.dir));
  assert.deepEqual(
    d.changes.map((c) => [c.path, c.status]),
    [['prompts/a.prompt', 'modified']],
  );
});

test('modelDeltas: configured models besides the file model; unpriced models have no money Δ', async () => {
  const repo = gitRepo();
  repo.write('prompts/x.prompt', 'short\n');
  repo.commit('init');
  repo.write('prompts/x.prompt', 'short and now longer\n');
  const d = await diffWorkingTree(options(repo.dir, { models: ['openai:gpt-4o', 'nobody:unknown-model-x'] }));
  const deltas = modelDeltas(d.changes[0]);
  assert.deepEqual(
    deltas.map((m) => m.model),
    ['openai:gpt-4o', 'nobody:unknown-model-x'],
  );
  assert.ok(deltas[0].monthlyDelta);
  assert.equal(deltas[1].monthlyDelta, undefined);
  assert.ok(deltas[1].priceError);
});

test('alignLines: unchanged lines map across inserts and deletes', () => {
  const m = alignLines(['a', 'b', 'c', 'd'], ['x', 'a', 'c', 'd', 'y']);
  assert.deepEqual([...m.oldToNew], [1, -1, 2, 3]);
  assert.deepEqual([...m.newToOld], [-1, 0, 2, 3, -1]);
});
