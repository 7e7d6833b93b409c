// Issue 22: a cost gate that cannot be fooled. Each case is one of the ways `prompt-cost check` / `diff`
// let a cost change through, run as CI runs it: the built CLI (dist/cli.js) in a real temporary git
// repository, exit codes and output as a workflow sees them. Numbers are compared with what
// `prompt-cost estimate` says for each version of the file (one path for both), not hard-coded.
// SARIF is validated against the SARIF 2.1.0 JSON schema that Microsoft's own jest-sarif ships
// (`@microsoft/jest-sarif` lib/schemas/sarif-2.1.0-rtm.5.json, installed into .oracle/ by scripts/oracle.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitRepo, type TestRepo } from '../support/gitRepo';
import { tempDir } from '../support/tempDir';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FLUJO_CONFIG_PATH: '', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function json(cwd: string, args: string[]) {
  const r = cli(cwd, [...args, '--json']);
  return { ...r, j: JSON.parse(r.out) };
}

const PROMPTY = (model: string, extra = '', body = 'You triage support tickets for an online shop.') =>
  `---\nname: triage\nmodel: ${model}\n${extra}---\nsystem:\n${body}\n\nuser:\n{{question}}\n`;

function repoWith(files: Record<string, string>): TestRepo {
  const repo = gitRepo('pcl-gate-');
  for (const [p, t] of Object.entries(files)) repo.write(p, t);
  repo.commit('base');
  return repo;
}

/** estimate's total per request for a file's own model (the number diff and check must agree with). */
function estimateTotal(cwd: string, file: string, model: string): string {
  const { j } = json(cwd, ['estimate', file, '--model', model]);
  return j.estimates[0].totalUsd;
}

test('a model switch is a change of the same prompt, judged by its cost change (was: new prompt, check OK)', () => {
  const repo = repoWith({ 'prompts/triage.prompty': PROMPTY('openai:gpt-4o-mini') });
  const before = estimateTotal(repo.dir, 'prompts/triage.prompty', 'openai:gpt-4o-mini');
  repo.write('prompts/triage.prompty', PROMPTY('openai:o1'));
  const after = estimateTotal(repo.dir, 'prompts/triage.prompty', 'openai:o1');
  const { j, code } = json(repo.dir, ['diff', '--models', 'openai:gpt-4o']);
  assert.equal(code, 0);
  assert.equal(j.changes.length, 1);
  const c = j.changes[0];
  assert.equal(c.status, 'modified');
  assert.deepEqual([c.modelBefore, c.modelAfter], ['openai:gpt-4o-mini', 'openai:o1']);
  const m = c.models[0];
  assert.deepEqual([m.modelBefore, m.model], ['openai:gpt-4o-mini', 'openai:o1']);
  assert.ok(m.tokensBefore > 0, 'the base side is priced, not "—"');
  // The same numbers as `estimate` on each version.
  assert.deepEqual([m.perRequestBeforeUsd, m.perRequestAfterUsd], [before, after]);
  // A configured model on both sides stays a plain per-model row.
  assert.ok(c.models.some((x: { model: string; modelBefore: string | null }) => x.model === 'openai:gpt-4o' && x.modelBefore === null));
  const human = cli(repo.dir, ['diff']);
  assert.match(human.out, /prompts\/triage\.prompty +modified +gpt-4o-mini → o1 /);
  const r = cli(repo.dir, ['check', '--max-increase', '10', '--no-lint']);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /error budget\/max-increase: cost per request \+\$[\d.]+ for openai:gpt-4o-mini → openai:o1 \(\+\d+\.\d%\) vs HEAD/);
});

test('an unpriced model fails every money budget and says why; --allow-unpriced passes with a warning', () => {
  const budget = 'budget:\n  max_cost_per_request: 0.000001\n';
  const repo = repoWith({ 'README.md': 'x\n' });
  repo.write('prompts/azure.prompty', PROMPTY('azure:support-bot-prod', budget));
  // A model no catalog prices (a bare Bedrock id is priced since the one id parser: see model-spelling tests).
  repo.write('prompts/bedrock.prompty', PROMPTY('acme:in-house-llm-7b', budget));
  const r = cli(repo.dir, ['check', '--no-lint']);
  assert.equal(r.code, 1, r.out + r.err);
  const lines = r.out.split('\n').filter((l) => l.includes('budget/unpriced-model'));
  assert.equal(lines.length, 2, r.out);
  assert.match(
    lines[0],
    /^prompts\/azure\.prompty:4:1: error budget\/unpriced-model: max_cost_per_request cannot be checked: azure:support-bot-prod has no price \(/,
  );
  assert.match(lines[0], /--allow-unpriced/);
  const ok = cli(repo.dir, ['check', '--no-lint', '--allow-unpriced']);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /warning budget\/unpriced-model: .*passed because of --allow-unpriced/);
  // An increase that cannot be priced is not a pass either.
  repo.commit('add');
  repo.write('prompts/azure.prompty', PROMPTY('azure:support-bot-prod', '', 'A much longer system prompt. '.repeat(30)));
  const inc = cli(repo.dir, ['check', '--no-lint', '--max-increase', '10', 'prompts/azure.prompty']);
  assert.equal(inc.code, 1, inc.out);
  assert.match(inc.out, /error budget\/unpriced-model: the increase vs HEAD cannot be computed for azure:support-bot-prod/);
  const tokens = cli(repo.dir, ['check', '--no-lint', '--max-increase', '10', '--allow-unpriced', 'prompts/azure.prompty']);
  assert.equal(tokens.code, 1, tokens.out);
  assert.match(tokens.out, /budget\/max-increase: input tokens \+[\d,]+ for azure:support-bot-prod/);
});

test('budgets are found where the estimate finds the front matter: licence lines (dotprompt), a blank first line (Prompty)', () => {
  // google/dotprompt js/src/parse.ts: FRONTMATTER_AND_BODY_REGEX allows blank and `#` lines before `---`.
  const licence = '# Copyright 2025 Example LLC\n# SPDX-License-Identifier: Apache-2.0\n\n';
  const dot = `${licence}---\nmodel: openai:gpt-4o\nbudget:\n  max_input_tokens: 5\n---\n{{role "system"}}\nYou triage support tickets for an online shop, politely.\n`;
  // microsoft/prompty spec: leading whitespace before the front matter is allowed.
  const prompty = `\n${PROMPTY('openai:gpt-4o', 'budget:\n  max_input_tokens: 5\n')}`;
  const repo = repoWith({ 'README.md': 'x\n' });
  repo.write('prompts/triage.prompt', dot);
  repo.write('prompts/blank.prompty', prompty);
  const est = json(repo.dir, ['estimate', 'prompts/triage.prompt']);
  assert.equal(est.j.prompts[0].model, 'openai:gpt-4o');
  const r = json(repo.dir, ['check', '--no-lint']);
  assert.equal(r.code, 1, r.out);
  const f = r.j.findings.filter((x: { ruleId: string }) => x.ruleId === 'budget/max-input-tokens');
  assert.deepEqual(f.map((x: { path: string; startLine: number }) => [x.path, x.startLine]).sort(), [
    ['prompts/blank.prompty', 5],
    ['prompts/triage.prompt', 6],
  ]);
});

test('a YAML error in front matter is a located error: check fails (prompt/front-matter), estimate exits 2', () => {
  const repo = repoWith({ 'README.md': 'x\n' });
  repo.write('prompts/t.prompty', PROMPTY('openai:gpt-4o', 'description: Note: this triages tickets\nbudget:\n  max_input_tokens: 5\n'));
  const r = cli(repo.dir, ['check', '--no-lint']);
  assert.equal(r.code, 1, r.out);
  assert.match(
    r.out,
    /^prompts\/t\.prompty:4:\d+: error prompt\/front-matter: Front matter YAML: .*\(its model, max tokens and budget are not read\)$/m,
  );
  const e = cli(repo.dir, ['estimate', 'prompts/t.prompty']);
  assert.equal(e.code, 2);
  assert.match(e.err, /^prompt-cost estimate: prompts\/t\.prompty:4:\d+: Front matter YAML: /);
});

test('dotprompt with unreadable front matter: estimate prices the whole file as dotprompt sends it (warning); check still fails', () => {
  // google/dotprompt js/src/parse.ts parseDocument: when the front matter's YAML does not parse, the whole
  // source is the template (no metadata), so that is what the model receives.
  const repo = repoWith({ 'README.md': 'x\n' });
  repo.write(
    'prompts/t.prompt',
    '---\nmodel: openai:gpt-4o\nconfig: [unclosed\nbudget:\n  max_input_tokens: 5\n---\n{{role "user"}}Hi there\n',
  );
  const e = json(repo.dir, ['estimate', 'prompts/t.prompt']);
  assert.equal(e.code, 0, JSON.stringify(e.j));
  assert.equal(e.j.prompts.length, 1);
  // "Hi there" alone is a few tokens; the front matter's text is part of what is sent.
  assert.ok(e.j.estimates[0].inputTokens > 20, String(e.j.estimates[0].inputTokens));
  assert.match(e.err, /warning: prompts\/t\.prompt:4:\d+: .*whole file/);
  const r = cli(repo.dir, ['check', '--no-lint']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /error prompt\/front-matter/);
});

test('a budget on code applies to the whole call: all its messages (was: per string)', () => {
  const sys = 'Answer the customer with care and cite the relevant policy section. '.repeat(70);
  const user = 'The customer asks about a refund for an order that arrived damaged. '.repeat(70);
  const code = `from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(\n    model="gpt-4o",\n    messages=[\n        {"role": "system", "content": "${sys}"},\n        {"role": "user", "content": "${user}"},\n    ],\n)\n`;
  const repo = repoWith({ 'README.md': 'x\n' });
  repo.write('src/agent.py', code);
  // One SDK call is one prompt (issue 23): its input is every message plus the chat framing, although
  // each message alone is under the limit.
  repo.write('system.txt', sys);
  repo.write('user.txt', user);
  const counted = json(repo.dir, ['count', '--model', 'openai:gpt-4o', 'system.txt', 'user.txt']);
  const each = counted.j.files.map((f: { tokens: number }) => f.tokens);
  assert.ok(each.every((n: number) => n < 1500) && each[0] + each[1] > 1500, String(each));
  const est = json(repo.dir, ['estimate', 'src/agent.py', '--model', 'openai:gpt-4o']);
  assert.equal(est.j.prompts.length, 1, 'the call is one prompt');
  const input = est.j.prompts[0].estimates[0].inputTokens;
  assert.ok(input > each[0] + each[1], `${input}: the messages and their framing`);
  repo.write('prompt-cost.json', JSON.stringify({ budgets: [{ files: 'src/**/*.py', max_input_tokens: 1500 }] }));
  const r = cli(repo.dir, ['check', '--no-lint']);
  assert.equal(r.code, 1, r.out);
  assert.match(
    r.out,
    new RegExp(
      `src/agent\\.py:3:\\d+: error budget/max-input-tokens: client\\.chat\\.completions\\.create: ${input.toLocaleString('en-US')} input tokens for openai:gpt-4o exceed max_input_tokens 1,500`,
    ),
  );
});

test('diff shows output changes and prices them as estimate does (max_tokens 300 → 600)', () => {
  const repo = repoWith({ 'prompts/t.prompty': PROMPTY('openai:gpt-4o', 'parameters:\n  max_tokens: 300\n') });
  repo.write('prompts/t.prompty', PROMPTY('openai:gpt-4o', 'parameters:\n  max_tokens: 600\n'));
  const { j } = json(repo.dir, ['diff', '--models', 'openai:gpt-4o']);
  const c = j.changes[0];
  assert.deepEqual([c.outputTokensBefore, c.outputTokensAfter, c.outputTokensSource], [300, 600, 'file']);
  const m = c.models[0];
  assert.equal(m.tokensDelta, 0, 'the input did not change: all of the increase is output');
  assert.equal(m.perRequestAfterUsd, estimateTotal(repo.dir, 'prompts/t.prompty', 'openai:gpt-4o'));
  // gpt-4o output $10 / 1M (bundled reference): 300 more output tokens = $0.003 per request.
  assert.equal(m.perRequestDeltaUsd, '0.003');
  assert.match(cli(repo.dir, ['diff']).out, /300 → 600 \(max_tokens\)/);
  assert.match(cli(repo.dir, ['diff', '--markdown']).out, /\| 300 → 600 \(max_tokens\) \|/);
  // --output-tokens wins over the file's max_tokens, as in estimate.
  const flag = json(repo.dir, ['diff', '--output-tokens', '50']).j.changes[0];
  assert.deepEqual([flag.outputTokensBefore, flag.outputTokensAfter, flag.outputTokensSource], [50, 50, 'option']);
});

test('a shallow clone without the merge-base is an error naming the fix; --base-fallback tip warns and says how', () => {
  const origin = repoWith({ 'prompts/t.prompty': PROMPTY('openai:gpt-4o') });
  origin.git('checkout', '-q', '-b', 'feature');
  origin.write('prompts/t.prompty', PROMPTY('openai:gpt-4o', '', 'A changed system prompt on the feature branch.'));
  origin.commit('feature');
  origin.git('checkout', '-q', 'main');
  origin.write('prompts/t.prompty', PROMPTY('openai:gpt-4o', '', 'Main moved on meanwhile with a different prompt.'));
  origin.commit('main moves');
  const dir = path.join(tempDir('pcl-shallow-'), 'clone');
  spawnSync('git', ['clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin.dir}`, dir]);
  spawnSync('git', ['fetch', '-q', '--depth', '1', 'origin', 'main:refs/remotes/origin/main'], { cwd: dir });
  const r = cli(dir, ['check', '--base', 'origin/main', '--no-lint']);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.err, /no merge-base of HEAD and origin\/main: this is a shallow clone.*fetch-depth: 0.*git fetch --deepen/);
  const d = cli(dir, ['diff', '--base', 'origin/main', '--base-fallback', 'tip', '--json']);
  assert.equal(d.code, 0, d.err);
  assert.equal(JSON.parse(d.out).base.how, 'tip');
  assert.match(d.err, /warning: no merge-base with origin\/main in this shallow clone: comparing with origin\/main's tip/);
  // With the full history the merge-base is found and main's newer edit is not shown as reverted.
  spawnSync('git', ['fetch', '-q', '--unshallow', 'origin'], { cwd: dir });
  const full = JSON.parse(cli(dir, ['diff', '--base', 'origin/main', '--json']).out);
  assert.equal(full.base.how, 'merge-base');
});

test('a prompt already over budget on the base passes unless made worse; --strict-budgets fails it', () => {
  const budget = 'budget:\n  max_input_tokens: 10\n';
  const repo = repoWith({ 'prompts/t.prompty': PROMPTY('openai:gpt-4o', budget) });
  let r = cli(repo.dir, ['check', '--no-lint']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /warning budget\/max-input-tokens: .* already over on HEAD and not made worse/);
  assert.equal(cli(repo.dir, ['check', '--no-lint', '--strict-budgets']).code, 1);
  repo.write('prompts/t.prompty', PROMPTY('openai:gpt-4o', budget, 'Shorter.'));
  assert.equal(cli(repo.dir, ['check', '--no-lint']).code, 0, 'made smaller: still not worse');
  repo.write('prompts/t.prompty', PROMPTY('openai:gpt-4o', budget, 'You triage support tickets for an online shop and more. '.repeat(3)));
  r = cli(repo.dir, ['check', '--no-lint']);
  assert.equal(r.code, 1, 'made worse: fails');
  assert.match(r.out, /error budget\/max-input-tokens/);
});

test('paths: SARIF URIs percent-encoded (RFC 3986), valid against the SARIF 2.1.0 schema; Markdown cells; control characters', () => {
  const names = ['prompts/a#b.prompty', 'prompts/q?x.prompty', 'prompts/50%.prompty', 'prompts/with space.prompty', 'prompts/é.prompty'];
  const repo = repoWith({ 'README.md': 'x\n' });
  for (const n of names) repo.write(n, PROMPTY('openai:gpt-4o', 'budget:\n  max_input_tokens: 1\n'));
  const r = cli(repo.dir, ['check', '--no-lint', '--sarif', 'out.sarif']);
  assert.equal(r.code, 1, r.out);
  const log = JSON.parse(fs.readFileSync(path.join(repo.dir, 'out.sarif'), 'utf8'));
  const uris = log.runs[0].results.map(
    (x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
      x.locations[0].physicalLocation.artifactLocation.uri,
  );
  assert.deepEqual(
    [...new Set(uris)].sort(),
    [
      'prompts/50%25.prompty',
      'prompts/a%23b.prompty',
      'prompts/q%3Fx.prompty',
      'prompts/with%20space.prompty',
      'prompts/%C3%A9.prompty',
    ].sort(),
  );
  // Each URI resolves against SRCROOT to the file it names (WHATWG URL = RFC 3986 resolution).
  const root = log.runs[0].originalUriBaseIds.SRCROOT.uri;
  for (const u of uris) assert.ok(names.includes(decodeURIComponent(new URL(u, root).pathname.slice(new URL(root).pathname.length))), u);
  validateSarif(log);
  // Markdown: a `|` in a name is escaped inside the cell; text output escapes a newline in a name.
  const repo2 = repoWith({ 'prompts/p|q.prompt': 'Hello.\n', 'prompts/new\nline.prompt': 'Hi.\n' });
  repo2.write('prompts/p|q.prompt', 'Hello there, a longer prompt.\n');
  repo2.write('prompts/new\nline.prompt', 'Hi there, a longer prompt.\n');
  const md = cli(repo2.dir, ['diff', '--markdown']).out;
  assert.match(md, /\| `prompts\/p\\\|q\.prompt` \| modified \|/);
  for (const row of md.split('\n').filter((l) => l.startsWith('| `'))) assert.equal(row.split(/(?<!\\)\|/).length, 9, row);
  const text = cli(repo2.dir, ['diff']).out;
  // (Its status reads `added`: `git cat-file --batch` cannot name a base path with a newline; see the report.)
  assert.match(text, /^prompts\/new\\x0aline\.prompt +(added|modified) /m);
  const j = JSON.parse(cli(repo2.dir, ['diff', '--json']).out);
  assert.ok(
    j.changes.some((c: { path: string }) => c.path === 'prompts/new\nline.prompt'),
    'JSON keeps the name as it is',
  );
});

test('prompt-cost.json models and requests_per_day apply to estimate and compare too, with their source', () => {
  const repo = repoWith({ 'README.md': 'x\n' });
  repo.write(
    'prompt-cost.json',
    JSON.stringify({
      models: ['openai:gpt-4.1-mini'],
      requests_per_day: 250,
      budgets: [{ files: 'prompts/hot/**', requests_per_day: 9000 }],
    }),
  );
  repo.write('prompts/p.prompt', 'Summarise the ticket.\n');
  repo.write('prompts/hot/h.prompt', 'Summarise the ticket.\n');
  const e = json(repo.dir, ['estimate', 'prompts/p.prompt']).j;
  assert.deepEqual(
    e.estimates.map((x: { model: string }) => x.model),
    ['openai:gpt-4.1-mini'],
  );
  assert.deepEqual([e.prompts[0].requestsPerDay, e.prompts[0].requestsPerDaySource], [250, 'setting']);
  const c = json(repo.dir, ['compare', 'prompts/hot/h.prompt']).j;
  assert.deepEqual([c.requestsPerDay, c.requestsPerDaySource], [9000, 'rule']);
  const f = json(repo.dir, ['compare', 'prompts/hot/h.prompt', '--requests-per-day', '5']).j;
  assert.deepEqual([f.requestsPerDay, f.requestsPerDaySource], [5, 'option']);
});

test('nested flujo.toml: each is linted, and code under it is priced with its prices (as Flujo run from there loads it)', () => {
  const top = '[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 0.0025\ncompletion_tokens_per_1k = 0.01\n';
  const nested = '[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 1.0\ncompletion_tokens_per_1k = 1.0\n';
  const broken = '[cost.providers.openai.gpt-3.5-turbo]\nprompt_tokens_per_1k = 0.0005\ncompletion_tokens_per_1k = 0.0015\n';
  const repo = repoWith({
    'flujo.toml': top,
    'sub/flujo.toml': nested,
    'other/flujo.toml': broken,
    'prompts/p.prompt': 'Hello.\n',
    'sub/p.prompt': 'Hello.\n',
  });
  const r = json(repo.dir, ['check']);
  assert.equal(r.code, 1);
  const lint = r.j.findings.filter((x: { source: string; level: string }) => x.source === 'lint' && x.level === 'error');
  assert.deepEqual(
    lint.map((x: { path: string; ruleId: string }) => [x.path, x.ruleId]),
    [['other/flujo.toml', 'flujo/dotted-model-key']],
  );
  // sub/p.prompt is priced with sub/flujo.toml's $1 per 1K input (not the top's $0.0025).
  repo.write(
    'prompt-cost.json',
    JSON.stringify({ models: ['openai:gpt-4o'], budgets: [{ files: '**/*.prompt', max_cost_per_request: 0.5 }] }),
  );
  const b = json(repo.dir, ['check', '--no-lint', '--strict-budgets']).j;
  const over = b.findings
    .filter((x: { ruleId: string }) => x.ruleId === 'budget/max-cost-per-request')
    .map((x: { path: string }) => x.path);
  assert.deepEqual(over, ['sub/p.prompt']);
});

/** Validates a SARIF log with the SARIF 2.1.0 JSON schema and the validator jest-sarif uses (both from .oracle/). */
function validateSarif(log: unknown): void {
  const dir = path.join(ROOT, '.oracle', 'node_modules');
  const schemaFile = path.join(dir, '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
  assert.ok(fs.existsSync(schemaFile), `SARIF schema oracle missing: run node scripts/oracle.mjs (${schemaFile})`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the oracle's own ajv (draft-04 schema)
  const Ajv = require(path.join(dir, 'ajv'));
  const ajv = new Ajv({ allErrors: true, schemaId: 'auto' });
  ajv.addMetaSchema(JSON.parse(fs.readFileSync(path.join(dir, 'ajv', 'lib', 'refs', 'json-schema-draft-04.json'), 'utf8')));
  const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
  // The validator can fail: a result without a message is rejected.
  const broken = JSON.parse(JSON.stringify(log));
  delete broken.runs[0].results[0].message;
  assert.equal(validate(broken), false);
}
