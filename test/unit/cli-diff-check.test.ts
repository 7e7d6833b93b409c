// `prompt-cost diff` and `check` on real temporary git repositories: JSON/Markdown shapes, budgets from
// front matter and prompt-cost.json, the increase gate, SARIF 2.1.0 validated against the required
// fields of the OASIS schema (oasis-tcs/sarif-spec Schemata/sarif-schema-2.1.0.json), and the documented
// CI workflow and git hook run for real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { main } from '../../src/cli/main';
import { BUDGET_CONFIG_SCHEMA } from '../../src/core/promptBudgets/schema';
import { fakeIO } from '../support/fakeIO';
import { gitRepo, type TestRepo } from '../support/gitRepo';
import { tempDir } from '../support/tempDir';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

const PROMPTY = (body: string, budget = '') =>
  `---\nname: support\nmodel: openai:gpt-4o\n${budget}---\nsystem:\n${body}\n\nuser:\n{{question}}\n`;

function setup(): TestRepo {
  const repo = gitRepo('pcl-cli-diff-');
  repo.write('prompts/support.prompty', PROMPTY('You are a support agent.'));
  repo.write('prompts/old.prompt', 'A prompt that will be deleted.\n');
  repo.write(
    'src/agent.py',
    'SYSTEM_PROMPT = "Answer briefly."\nclient.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])\n',
  );
  repo.commit('init');
  return repo;
}

async function run(cwd: string, args: string[]) {
  const io = fakeIO(cwd);
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

test('diff --json: statuses, paths, 1-based lines, money as exact decimal strings, biggest monthly change first', async () => {
  const repo = setup();
  repo.write('prompts/support.prompty', PROMPTY('You are a support agent. '.repeat(40)));
  repo.remove('prompts/old.prompt');
  repo.write(
    'src/agent.py',
    '\n\n' + fs.readFileSync(path.join(repo.dir, 'src/agent.py'), 'utf8').replace('Answer briefly.', 'Answer briefly and kindly.'),
  );
  const r = await run(repo.dir, ['diff', '--json', '--models', 'openai:gpt-4o']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.base.ref, 'HEAD');
  assert.equal(j.base.how, 'HEAD');
  assert.deepEqual(
    j.changes.map((c: { path: string; status: string; kind: string }) => [c.path, c.status, c.kind]),
    // Removing a prompt saves its whole request (input + 500 expected output tokens): the biggest change.
    [
      ['prompts/old.prompt', 'removed', 'file'],
      ['prompts/support.prompty', 'modified', 'file'],
      ['src/agent.py', 'modified', 'code'],
    ],
  );
  assert.ok(j.changes[0].models[0].monthlyDeltaUsd.startsWith('-'));
  const code = j.changes[2];
  assert.equal(code.label, 'SYSTEM_PROMPT');
  assert.deepEqual([code.oldLine, code.line], [1, 3]);
  const m = j.changes[1].models[0];
  assert.equal(m.model, 'openai:gpt-4o');
  assert.match(m.perRequestBeforeUsd, /^\d+\.\d+$/);
  assert.equal(typeof m.monthlyDeltaUsd, 'string');
  assert.equal(m.tokensDelta, m.tokensAfter - m.tokensBefore);
  // gpt-4o input $2.50 / 1M (bundled reference): Δ monthly = Δ tokens × 2.5e-6 × 1,000/day × 30.
  assert.equal(Number(m.monthlyDeltaUsd), Number((m.tokensDelta * 2.5e-6 * 1000 * 30).toFixed(10)));
  assert.equal(j.changes[0].line, null);
  assert.equal(j.filesRead, 3);
});

test('diff --markdown: a table for a pull-request comment; human output; no changes', async () => {
  const repo = setup();
  let r = await run(repo.dir, ['diff']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'No prompt changed vs HEAD.\n');
  repo.write('prompts/support.prompty', PROMPTY('You are a support agent who always double-checks.'));
  r = await run(repo.dir, ['diff', '--markdown']);
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    /^### Prompt cost changes vs `HEAD`\n\n\| Prompt \| Change \| Model \| Input tokens \| Output tokens \| Per request \| Monthly Δ \|/,
  );
  assert.match(
    r.out,
    /\| `prompts\/support\.prompty` \| modified \| gpt-4o \| \d+ → \d+ \(\+\d+\) \| 500 \(default\) \| \$[\d.]+ → \$[\d.]+ \| \*\*\+\$[\d.]+\*\* \|/,
  );
  r = await run(repo.dir, ['diff']);
  assert.match(r.out, /^Prompt cost changes vs HEAD\n/);
  assert.match(r.out, /prompts\/support\.prompty +modified +gpt-4o/);
});

test('diff: usage errors exit 2 with a one-line message (not a repository, unknown ref, bad prompt-cost.json)', async () => {
  const plain = tempDir('pcl-plain-');
  let r = await run(plain, ['diff']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^prompt-cost diff: not inside a git repository/);
  const repo = setup();
  r = await run(repo.dir, ['diff', '--base', 'nope']);
  assert.equal(r.code, 2);
  assert.equal(r.err, "prompt-cost diff: unknown git revision 'nope'\n");
  repo.write('prompt-cost.json', '{\n  "budgets": [\n    { "files": "prompts/**", "max_input_tokens": -3 }\n  ]\n}\n');
  r = await run(repo.dir, ['diff']);
  assert.equal(r.code, 2);
  assert.match(r.err, /prompt-cost\.json:3:\d+: budgets\[0\]\.max_input_tokens: must be a non-negative integer, got -3/);
  r = await run(repo.dir, ['diff', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^Usage: prompt-cost diff/);
});

test('check: front matter and prompt-cost.json budgets with the numbers; exit 0 when within', async () => {
  const repo = setup();
  const body = 'You are a support agent. Answer with care and cite the knowledge base. '.repeat(20);
  repo.write('prompts/support.prompty', PROMPTY(body, 'budget:\n  max_input_tokens: 50\n'));
  repo.write('prompt-cost.json', JSON.stringify({ models: ['openai:gpt-4o'], budgets: [{ files: 'src/**/*.py', max_input_tokens: 2 }] }));
  // --strict-budgets: src/agent.py is unchanged since the base (already over there), which alone would be a warning.
  const r = await run(repo.dir, ['check', '--json', '--no-lint', '--strict-budgets']);
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.ok, false);
  const budget = j.findings.filter((f: { source: string }) => f.source === 'budget');
  // The call is one prompt of its messages with OpenAI's chat framing: 3 + 1 (role) + 1 ("Hi") + 3 (reply priming) = 8
  // (openai-cookbook How_to_count_tokens_with_tiktoken.ipynb, num_tokens_from_messages).
  assert.equal(budget.length, 3, JSON.stringify(budget));
  const fm = budget.find((f: { path: string }) => f.path === 'prompts/support.prompty');
  assert.equal(fm.ruleId, 'budget/max-input-tokens');
  assert.equal(fm.startLine, 4); // the `budget:` line of the front matter
  assert.match(fm.message, /^[\d,]+ input tokens for openai:gpt-4o exceed max_input_tokens 50 by [\d,]+ \(front matter\)$/);
  const py = budget.find((f: { path: string }) => f.path === 'src/agent.py');
  assert.match(
    py.message,
    /^SYSTEM_PROMPT: 3 input tokens for openai:gpt-4o exceed max_input_tokens 2 by 1 \(prompt-cost\.json budgets\[0\] \(src\/\*\*\/\*\.py\)\)$/,
  );
  assert.deepEqual([py.startLine, py.startColumn], [1, 17]);
  const call = budget.find((f: { path: string; startLine: number }) => f.path === 'src/agent.py' && f.startLine === 2);
  assert.match(call.message, /^client\.chat\.completions\.create: 8 input tokens for openai:gpt-4o-mini exceed max_input_tokens 2 by 6 /);
  // Raise the limits: within budget, exit 0.
  repo.write(
    'prompts/support.prompty',
    PROMPTY(body, 'budget:\n  max_input_tokens: 5000\n  max_cost_per_request: "0.5"\n  max_monthly_cost: 1000\n'),
  );
  repo.write('prompt-cost.json', JSON.stringify({ budgets: [{ files: 'src/**', max_input_tokens: 100 }] }));
  const ok = await run(repo.dir, ['check', '--no-lint']);
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /^OK: \d+ prompt file\(s\) checked/);
});

test('check: monthly and per-request limits name both numbers; a malformed budget is an error', async () => {
  const repo = setup();
  repo.write(
    'prompts/support.prompty',
    PROMPTY('Hello.', 'budget:\n  max_monthly_cost: 1\n  requests_per_day: 10000\n  max_cost_per_request: 0.001\n  max_tokens_typo: 3\n'),
  );
  const r = await run(repo.dir, ['check', '--json', '--no-lint', '--strict-budgets']);
  assert.equal(r.code, 1);
  const msgs = JSON.parse(r.out).findings.map((f: { ruleId: string; message: string }) => `${f.ruleId}: ${f.message}`);
  assert.ok(
    msgs.some((m: string) => /^budget\/invalid: budget\.max_tokens_typo: unknown key/.test(m)),
    msgs.join('\n'),
  );
  // 500 expected output tokens × $10/1M = $0.005 already > $0.001 (gpt-4o, bundled reference prices).
  assert.ok(
    msgs.some((m: string) =>
      /^budget\/max-cost-per-request: \$0\.005\d* per request for openai:gpt-4o exceeds max_cost_per_request \$0\.001 \(front matter\)$/.test(
        m,
      ),
    ),
    msgs.join('\n'),
  );
  assert.ok(
    msgs.some((m: string) =>
      /^budget\/max-monthly-cost: \$\d+\.\d\d\/month for openai:gpt-4o \(10,000 requests\/day\) exceeds max_monthly_cost \$1 \(front matter\)$/.test(
        m,
      ),
    ),
    msgs.join('\n'),
  );
});

test('check --max-increase: an edit that raises the cost per request more than allowed fails; a per-prompt limit wins', async () => {
  const repo = setup();
  repo.write('prompts/support.prompty', PROMPTY('You are a support agent. '.repeat(200)));
  let r = await run(repo.dir, ['check', '--max-increase', '10', '--no-lint']);
  assert.equal(r.code, 1, r.out);
  assert.match(
    r.out,
    /prompts\/support\.prompty:1:1: error budget\/max-increase: cost per request \+\$[\d.]+ for openai:gpt-4o \(\+\d+\.\d%\) vs HEAD: more than the allowed \+10%/,
  );
  r = await run(repo.dir, ['check', '--max-increase', '100000', '--no-lint']);
  assert.equal(r.code, 0, r.out);
  repo.write('prompts/support.prompty', PROMPTY('You are a support agent. '.repeat(200), 'budget:\n  max_increase_pct: 5\n'));
  r = await run(repo.dir, ['check', '--max-increase', '100000', '--no-lint']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /more than the allowed \+5%/);
});

/** Required properties of SARIF 2.1.0 (oasis-tcs/sarif-spec Schemata/sarif-schema-2.1.0.json). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks untyped JSON
type Json = any;

function assertSarifRequired(log: Record<string, unknown>) {
  const fail = (what: string) => assert.fail(`SARIF: ${what}`);
  if (log.version !== '2.1.0') fail('sarifLog.version must be "2.1.0"');
  if (!Array.isArray(log.runs)) fail('sarifLog.runs is required (array)');
  for (const run of log.runs as Record<string, Json>[]) {
    if (!run.tool?.driver) fail('run.tool.driver is required');
    if (typeof run.tool.driver.name !== 'string' || !run.tool.driver.name) fail('toolComponent.name is required');
    const rules = run.tool.driver.rules ?? [];
    const ids = new Set<string>();
    for (const r of rules) {
      if (typeof r.id !== 'string') fail('reportingDescriptor.id is required');
      if (ids.has(r.id)) fail(`duplicate rule id ${r.id}`);
      ids.add(r.id);
      for (const k of ['shortDescription', 'fullDescription'] as const)
        if (r[k] !== undefined && typeof r[k].text !== 'string') fail(`${k}.text is required`);
      if (r.defaultConfiguration && !['none', 'note', 'warning', 'error'].includes(r.defaultConfiguration.level))
        fail('bad defaultConfiguration.level');
    }
    for (const res of run.results ?? []) {
      if (!res.message || (typeof res.message.text !== 'string' && typeof res.message.id !== 'string'))
        fail('result.message needs text or id');
      if (res.level !== undefined && !['none', 'note', 'warning', 'error'].includes(res.level)) fail(`result.level ${res.level}`);
      if (res.ruleIndex !== undefined && rules[res.ruleIndex]?.id !== res.ruleId) fail('ruleIndex must point at ruleId');
      for (const loc of res.locations ?? []) {
        const p = loc.physicalLocation;
        if (p && !p.artifactLocation && !p.address) fail('physicalLocation needs artifactLocation or address');
        const reg = p?.region;
        if (reg)
          for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn'])
            if (reg[k] !== undefined && !(Number.isInteger(reg[k]) && reg[k] >= 1)) fail(`region.${k} must be an integer >= 1`);
        if (reg && reg.endLine < reg.startLine) fail('region.endLine < startLine');
        if (p?.artifactLocation?.uriBaseId && !run.originalUriBaseIds?.[p.artifactLocation.uriBaseId])
          fail('uriBaseId not in originalUriBaseIds');
      }
    }
  }
}

test('check --sarif: SARIF 2.1.0 with budget and flujo.toml lint findings, rule ids and locations', async () => {
  const repo = setup();
  repo.write('prompts/support.prompty', PROMPTY('Hello there.', 'budget:\n  max_input_tokens: 3\n'));
  repo.write('flujo.toml', '[cost.providers.openai.gpt-3.5-turbo]\nprompt_tokens_per_1k = 0.0005\ncompletion_tokens_per_1k = 0.0015\n');
  const r = await run(repo.dir, ['check', '--strict-budgets', '--sarif', 'out/report.sarif'.replace('out/', '')]);
  assert.equal(r.code, 1, r.err);
  const log = JSON.parse(fs.readFileSync(path.join(repo.dir, 'report.sarif'), 'utf8'));
  assertSarifRequired(log);
  const results = log.runs[0].results as { ruleId: string; level: string; locations: Json[] }[];
  const budget = results.find((x) => x.ruleId === 'budget/max-input-tokens')!;
  assert.equal(budget.level, 'error');
  assert.deepEqual(budget.locations[0].physicalLocation.artifactLocation, { uri: 'prompts/support.prompty', uriBaseId: 'SRCROOT' });
  assert.equal(budget.locations[0].physicalLocation.region.startLine, 4);
  const lint = results.find((x) => x.ruleId === 'flujo/dotted-model-key')!;
  assert.ok(lint, results.map((x) => x.ruleId).join(','));
  assert.equal(lint.locations[0].physicalLocation.artifactLocation.uri, 'flujo.toml');
  assert.equal(lint.locations[0].physicalLocation.region.startLine, 1);
  assert.match(log.runs[0].originalUriBaseIds.SRCROOT.uri, /^file:\/\/.*\/$/);
  // The validator itself rejects a broken log (it can fail).
  assert.throws(() => assertSarifRequired({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), /toolComponent\.name/);
  assert.throws(
    () => assertSarifRequired({ ...log, runs: [{ ...log.runs[0], results: [{ ruleId: 'x', message: {} }] }] }),
    /message needs text/,
  );
});

test('check without git: budgets still checked, increases skipped with a warning; --base is a usage error', async () => {
  const dir = tempDir('pcl-nogit-');
  fs.mkdirSync(path.join(dir, 'prompts'));
  fs.writeFileSync(
    path.join(dir, 'prompts', 'a.prompt'),
    `---\nmodel: openai:gpt-4o\nbudget:\n  max_input_tokens: 1\n---\n${'word '.repeat(50)}\n`,
  );
  let r = await run(dir, ['check', '--max-increase', '5']);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /prompts\/a\.prompt:3:1: error budget\/max-input-tokens/);
  assert.match(r.err, /not a git repository: increases are not checked/);
  r = await run(dir, ['check', '--base', 'main']);
  assert.equal(r.code, 2);
});

test('schemas/prompt-cost.schema.json is generated from the one definition (node scripts/write-schemas.mjs)', () => {
  const onDisk = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'prompt-cost.schema.json'), 'utf8'));
  assert.deepEqual(onDisk, JSON.parse(JSON.stringify(BUDGET_CONFIG_SCHEMA)));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.jsonValidation, [{ fileMatch: 'prompt-cost.json', url: './schemas/prompt-cost.schema.json' }]);
});

// ---- the documented CI workflow and git hook (docs/user/diff-budgets-ci.md), for real ----

const CI_DOC = 'docs/user/diff-budgets-ci.md';

function docBlock(lang: string, marker: string): string {
  const doc = fs.readFileSync(path.join(ROOT, CI_DOC), 'utf8');
  const re = new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g');
  for (const m of doc.matchAll(re)) if (m[1].includes(marker)) return m[1];
  throw new Error(`no \`\`\`${lang} block with ${marker} in ${CI_DOC}`);
}

/** A bin folder whose `npx` runs the built CLI (`npx prompt-cost ...` → node dist/cli.js ...). */
function fakeNpx(): string {
  const bin = tempDir('pcl-bin-');
  fs.writeFileSync(
    path.join(bin, 'npx'),
    `#!/bin/sh\nif [ "$1" = "prompt-cost" ]; then shift; exec "${process.execPath}" "${CLI}" "$@"; fi\nexit 127\n`,
    { mode: 0o755 },
  );
  return bin;
}

test(
  'documented workflow: its run steps, in a pull-request clone, write the summary and SARIF and fail on a too large increase',
  { skip: !fs.existsSync(CLI) },
  () => {
    const workflow = parseYaml(docBlock('yaml', 'upload-sarif')) as { jobs: Record<string, { steps: { run?: string }[] }> };
    const steps = Object.values(workflow.jobs)[0]
      .steps.map((s) => s.run)
      .filter((r): r is string => !!r && r.includes('prompt-cost ')); // the npm install step needs the registry
    assert.equal(steps.length, 2);
    const upstream = setup();
    const clone = gitRepo('pcl-pr-');
    clone.git('remote', 'add', 'origin', upstream.dir);
    clone.git('fetch', '-q', 'origin');
    clone.git('checkout', '-q', '-b', 'feature', 'origin/main');
    clone.write('prompts/support.prompty', PROMPTY('You are a support agent. '.repeat(100)));
    clone.commit('longer prompt');
    const summary = path.join(clone.dir, 'summary.md');
    const env = { ...process.env, PATH: `${fakeNpx()}:${process.env.PATH}`, GITHUB_BASE_REF: 'main', GITHUB_STEP_SUMMARY: summary };
    const sh = (script: string) => spawnSync('bash', ['-e', '-c', script], { cwd: clone.dir, env, encoding: 'utf8' });
    const diffStep = sh(steps[0]);
    assert.equal(diffStep.status, 0, diffStep.stderr);
    assert.match(
      fs.readFileSync(summary, 'utf8'),
      /### Prompt cost changes vs `origin\/main`[\s\S]*`prompts\/support\.prompty` \| modified/,
    );
    const checkStep = sh(steps[1]);
    assert.equal(checkStep.status, 1, checkStep.stdout + checkStep.stderr);
    const log = JSON.parse(fs.readFileSync(path.join(clone.dir, 'prompt-cost.sarif'), 'utf8'));
    assertSarifRequired(log);
    assert.equal(log.runs[0].results[0].ruleId, 'budget/max-increase');
    // A small edit passes the same gate.
    clone.git('reset', '-q', '--hard', 'origin/main');
    clone.write('prompts/support.prompty', PROMPTY('You are a support agent!'));
    clone.commit('tiny edit');
    assert.equal(sh(steps[1]).status, 0);
  },
);

test(
  'documented git hook: `git commit` is refused while a prompt is over budget and goes through once it is within',
  { skip: !fs.existsSync(CLI) },
  () => {
    const hook = docBlock('sh', 'prompt-cost check');
    const repo = setup();
    fs.writeFileSync(path.join(repo.dir, '.git', 'hooks', 'pre-commit'), hook, { mode: 0o755 });
    const env = { ...process.env, PATH: `${fakeNpx()}:${process.env.PATH}` };
    const commit = () => spawnSync('git', ['commit', '-q', '-am', 'edit'], { cwd: repo.dir, env, encoding: 'utf8' });
    repo.write('prompts/support.prompty', PROMPTY('Long. '.repeat(300), 'budget:\n  max_input_tokens: 100\n'));
    let r = commit();
    assert.notEqual(r.status, 0, 'the hook must refuse the commit');
    assert.match(r.stdout + r.stderr, /budget\/max-input-tokens/);
    assert.equal(repo.git('rev-list', '--count', 'HEAD').trim(), '1');
    repo.write('prompts/support.prompty', PROMPTY('Short.', 'budget:\n  max_input_tokens: 100\n'));
    r = commit();
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(repo.git('rev-list', '--count', 'HEAD').trim(), '2');
  },
);

test('check: a prompt file it cannot read (binary, too large) is named on stderr, not silently passed', async () => {
  const repo = setup();
  repo.write('prompts/binary.prompt', 'Hello\u0000there\n');
  repo.write('prompts/huge.prompt', 'word '.repeat(1_200_000));
  const r = await run(repo.dir, ['check', '--no-lint']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /warning: prompts\/binary\.prompt: binary file \(contains NUL bytes\); its budgets were not checked/);
  assert.match(
    r.err,
    /warning: prompts\/huge\.prompt \(5\.7 MB\) is larger than the 5 MB limit for input files; not read; its budgets were not checked/,
  );
});
