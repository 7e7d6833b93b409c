// The prompt corpus run (issue 23 "done when"): every prompt file and every SDK-calling source file of
// public repositories, read by `prompt-cost estimate --json` in-process and by the editor's code path
// (estimateCodePrompts), counted: files, prompts found, calls read as one prompt (and how many of
// those carry several messages), files skipped as not prompts, and unpriced model ids with the reason
// the catalog gives. Run it against two compiled trees (before/after) to compare.
//   node bench/corpus.mjs --compiled out --repos DIR[,DIR…] [--label after] [--json FILE]
// Each DIR is a git directory (a bare mirror or a checkout): the files are taken from its HEAD with
// `git archive`, so a mirror without a work tree works. Writes a JSON summary (stdout or --json FILE).
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const compiled = path.resolve(arg('compiled', 'out'));
const repos = (arg('repos', '') || '').split(',').filter(Boolean);
const label = arg('label', path.basename(path.dirname(compiled)));
if (!repos.length) {
  console.error('usage: node bench/corpus.mjs --compiled out --repos DIR[,DIR…] [--label NAME] [--json FILE]');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const { main } = require(path.join(compiled, 'src/cli/main.js'));
const fileCore = require(path.join(compiled, 'src/core/estimate/file.js'));

/** Prompt files by name, and source files worth scanning (they mention a model API). */
const PROMPT_NAME = /(\.prompty|\.prompt|\.prompt\.md|\.instructions\.md|\.agent\.md|\.chatmode\.md|(^|\/)SKILL\.md|(^|\/)skprompt\.txt)$/i;
const SK_YAML = /(^|\/)prompt_template_samples\/.*\.ya?ml$|(^|\/)(prompts?|plugins?)\/.*\.ya?ml$/i;
const CODE = /\.(py|ts|js|mjs)$/i;
const CODE_HINT = /chat\.completions\.create|responses\.create|messages\.create|generate_content|completion\(|generateText|streamText/;
const SKIP = /(^|\/)(node_modules|\.venv|dist|build|__pycache__|\.git)\//;

function listFiles(repo) {
  const names = execFileSync('git', ['-C', repo, 'ls-tree', '-r', '--name-only', 'HEAD'], { maxBuffer: 256 << 20 })
    .toString()
    .split('\n')
    .filter((f) => f && !SKIP.test(f));
  return names.filter((f) => PROMPT_NAME.test(f) || SK_YAML.test(f) || CODE.test(f) || /(^|\/)config\.json$/.test(f));
}

/** Writes `files` from the repository's HEAD into `dir` (git cat-file --batch: a mirror may lack a few blobs; those are skipped). */
function extract(repo, files, dir) {
  for (let i = 0; i < files.length; i += 2000) {
    const chunk = files.slice(i, i + 2000);
    const out = execFileSync('git', ['-C', repo, 'cat-file', '--batch'], {
      input: chunk.map((f) => `HEAD:${f}`).join('\n') + '\n',
      maxBuffer: 1 << 30,
    });
    let pos = 0;
    for (const file of chunk) {
      const nl = out.indexOf(10, pos);
      const header = out.subarray(pos, nl).toString();
      pos = nl + 1;
      const m = / blob (\d+)$/.exec(header);
      if (!m) continue; // missing, or not a blob
      const size = Number(m[1]);
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), out.subarray(pos, pos + size));
      pos += size + 1;
    }
  }
}

const io = (cwd) => {
  const o = {
    out: '',
    err: '',
    cwd,
    env: {},
    stdout: (t) => void (o.out += t),
    stderr: (t) => void (o.err += t),
    readStdin: async () => Buffer.alloc(0),
  };
  return o;
};

const totals = {
  label,
  repos: [],
  files: 0,
  promptFiles: 0,
  codeFiles: 0,
  prompts: 0,
  messages: 0,
  developerMessages: 0,
  promptMdSplitIntoRoles: 0,
  skillsWithTwoFigures: 0,
  calls: 0,
  multiMessageCalls: 0,
  skipped: 0,
  failed: [],
  editorCliDisagree: [],
  unpriced: {},
};
for (const repo of repos) {
  const name = repo
    .replace(/\/(repo|\.git)$/, '')
    .split('/')
    .pop();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-corpus-'));
  const files = listFiles(repo);
  extract(repo, files, dir);
  const r = { name, files: 0, prompts: 0, calls: 0, skipped: 0 };
  for (const file of files) {
    if (/(^|\/)config\.json$/.test(file)) continue; // read as skprompt.txt's sibling
    const full = path.join(dir, file);
    let text;
    try {
      text = fs.readFileSync(full, 'utf8');
    } catch {
      continue;
    }
    const isCode = CODE.test(file);
    if (isCode && !CODE_HINT.test(text)) continue;
    r.files++;
    totals.files++;
    if (isCode) totals.codeFiles++;
    else totals.promptFiles++;
    const cli = io(dir);
    let json;
    try {
      await main(['estimate', file, '--json'], cli);
      json = JSON.parse(cli.out);
    } catch (e) {
      totals.failed.push(`${name}/${file}: ${String(e).slice(0, 120)}`);
      continue;
    }
    if (json.error) {
      totals.failed.push(`${name}/${file}: ${json.error.message.slice(0, 160)}`);
      continue;
    }
    const prompts = json.prompts ?? [];
    r.prompts += prompts.length;
    totals.prompts += prompts.length;
    for (const p of prompts) {
      const roles = (p.messages ?? []).map((m) => m.role);
      totals.messages += roles.length;
      totals.developerMessages += roles.filter((x) => x === 'developer').length;
      if (/\.prompt\.md$/i.test(file) && new Set(roles).size > 1) totals.promptMdSplitIntoRoles++;
      if (p.skill) totals.skillsWithTwoFigures++;
    }
    if (!prompts.length && (json.notes ?? []).some((n) => /Not a prompt|not priced/.test(n))) {
      r.skipped++;
      totals.skipped++;
    }
    if (isCode) {
      // The editor's path (estimateCodePrompts) must find the same prompts as the CLI.
      const docs = fileCore.codePromptDocuments(text, fileCore.codeLanguageForFile(path.basename(file)), path.basename(file));
      const calls = docs.filter((d) => d.codePrompt && d.codePrompt.callStart !== undefined);
      r.calls += calls.length;
      totals.calls += calls.length;
      totals.multiMessageCalls += calls.filter((d) => d.document.messages.length > 1).length;
      if (docs.length !== prompts.length || docs.some((d, i) => d.line !== prompts[i].line))
        totals.editorCliDisagree.push(`${name}/${file}: editor ${docs.length}, CLI ${prompts.length}`);
    }
    for (const p of prompts) {
      if (!p.model) continue;
      const own = (p.estimates ?? []).find((e) => e.model === p.model || e.model.endsWith(`:${p.model}`));
      const err = (p.errors ?? []).find((e) => e.id === p.model || e.id.endsWith(p.model));
      if (own && own.totalUsd !== null && own.totalUsd !== undefined) continue;
      const key = p.model;
      const u = (totals.unpriced[key] ??= { count: 0, reason: err ? err.message : 'no priced row', example: `${name}/${file}` });
      u.count++;
    }
  }
  totals.repos.push(r);
  fs.rmSync(dir, { recursive: true, force: true });
}
const outFile = arg('json');
const text = JSON.stringify(totals, null, 2) + '\n';
if (outFile) fs.writeFileSync(outFile, text);
else process.stdout.write(text);
