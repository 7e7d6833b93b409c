// `prompt-cost check [PATH...] [--base REF] [--max-increase PCT] [--sarif FILE] [--json]`: the CI gate.
// Exit 1 when a prompt breaks its budget, a change raises a prompt's cost per request by more than
// allowed, or flujo.toml has errors (`lint`); --sarif writes all findings as SARIF 2.1.0.
import * as fs from 'node:fs';
import { UnsafeWriteError, fsErrorLine, writeFileAtomicSync } from '../core/safeWrite';
import * as path from 'node:path';
import { CliIO, EXIT_FINDINGS, EXIT_OK, UsageError, printJson } from './io';
import { readRegularFileSync } from '../core/files';
import { oneLineName, terminalSafeJson } from '../core/untrustedText';
import { nonNegativeNumber, parseArgs, readTomlInput } from './args';
import { collectWorkspaceUsages } from './lint';
import { DIFF_VALUED, diffSinceBase, tipWarning } from './diff';
import { learnedPricing } from './learned';
import { checkPathArguments, loadPromptWorkspace, PromptWorkspace } from './promptWorkspace';
import { BUDGET_RULES, SarifFinding, buildSarif } from './sarif';
import { GitError, toPathspec, type PromptChange } from '../core/diff';
import { SCAN_POLICY, codeLanguageForFile, isSkippedFolder } from '../core/prompt/codeLanguages';
import { listFiles, repoRoot } from '../core/diff/git';
import { checkFileBudgets, documentBudget, type BudgetFinding } from '../core/promptBudgets/check';
import { resolveBudget } from '../core/promptBudgets';
import { filePromptDocuments } from '../core/estimate/file';
import { increaseFinding, judgeAgainstBase } from './checkRules';
import { analyzeFlujoToml } from '../core/flujo/analyze';
import { findFlujoConfig } from '../core/flujo/config';
import { errorText } from '../core/errors';
import { pushAll } from '../core/arrays';
import { walkFiles as walkTree } from '../core/walk';

declare const PACKAGE_VERSION: string;

export const CHECK_USAGE = `Usage: prompt-cost check [PATH...] [--base REF] [--max-increase PCT] [--sarif FILE] [--json]
  Budgets (front matter \`budget:\` and prompt-cost.json rules) for every prompt under PATH (default: the
  current folder), the increase of each changed prompt's cost per request since REF (default: merge-base
  with the upstream branch, else HEAD), and flujo.toml lint errors. Exit 1 on any error finding.
  Fails closed: a money limit on an unpriced model, an increase that cannot be priced, front matter that
  cannot be read, and a base that cannot be resolved exactly (a shallow clone) are errors.
  Options: --models ID,... --output-tokens N|p50|p90 --requests-per-day N --ledger PATH --config FLUJO_TOML
    --allow-unpriced      an unpriced model passes money limits and increases (a warning, not an error)
    --strict-budgets      a prompt already over budget on the base fails too (default: only if made worse)
    --base-fallback tip   compare with REF's tip when the merge-base is missing (shallow clone), with a warning
    --no-lint             skip flujo.toml
`;

const MAX_FILE_BYTES = SCAN_POLICY.maxFileBytes;

export interface Finding extends SarifFinding {
  source: 'budget' | 'increase' | 'lint';
}

export async function runCheck(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(CHECK_USAGE);
    return EXIT_OK;
  }
  const { positional, flags } = parseArgs(argv, {
    valued: [...DIFF_VALUED, 'max-increase', 'sarif'],
    booleans: ['json', 'no-lint', 'allow-unpriced', 'strict-budgets'],
  });
  const allowUnpriced = flags.has('allow-unpriced');
  const maxIncreaseFlag = flags.has('max-increase') ? nonNegativeNumber(flags, 'max-increase', 0) : undefined;
  const sarifFile = flags.get('sarif');
  if (sarifFile === true) throw new UsageError('--sarif needs a FILE');
  checkPathArguments(io, positional);
  const root = (await repoRoot(io.cwd)) ?? undefined;
  if (!root && flags.has('base')) throw new UsageError(`--base needs a git repository, and ${io.cwd} is not inside one`);
  const top = root ?? io.cwd;
  const ws = loadPromptWorkspace(io, flags, top);
  // Budgets are checked against the budget (p90) learned output of each prompt unless --output-tokens says otherwise.
  ws.learned = await learnedPricing(io, flags, top, 'p90');
  for (const w of ws.warnings) io.stderr(`warning: ${w}\n`);
  const findings: Finding[] = [];
  const rel = (abs: string) => path.relative(top, abs).split(path.sep).join('/');

  // 1. Budgets of every prompt under PATH.
  const files = root ? await gitFiles(root, io.cwd, positional) : walkFiles(io, io.cwd, positional);
  const { checked, budgetFindings } = checkBudgets(io, ws, top, files, allowUnpriced);

  // 2. Increases since the base (needs git).
  let baseLabel: string | undefined;
  let baseHow: string | undefined;
  let changes: PromptChange[] = [];
  if (root) {
    const diff = await diffSinceBase(io, ws, flags, positional);
    baseLabel = diff.base.label;
    baseHow = diff.base.how;
    if (diff.base.how === 'tip') io.stderr(`warning: ${tipWarning(diff.base.label)}\n`);
    changes = diff.changes;
    for (const c of changes) {
      const f = increaseFinding(c, increaseLimit(ws, c, top, maxIncreaseFlag), baseLabel, allowUnpriced);
      if (f) findings.push(f);
    }
  } else if (maxIncreaseFlag !== undefined) io.stderr('warning: not a git repository: increases are not checked\n');

  // Budget findings, judged against the base: a prompt already over budget there fails only if made worse.
  for (const { finding, path: p } of budgetFindings) {
    const judged = flags.has('strict-budgets') || !root ? finding : judgeAgainstBase(finding, p, changes, baseLabel ?? 'the base');
    findings.push({
      source: 'budget',
      ruleId: judged.rule,
      level: judged.level,
      message: judged.message,
      path: p,
      ...oneBased(judged.range),
    });
  }

  // 3. flujo.toml, found as Flujo finds it.
  if (!flags.has('no-lint'))
    pushAll(
      findings,
      flujoFindings(
        io,
        rel,
        files.map((f) => path.join(top, f)),
      ),
    );

  const failed = findings.some((f) => f.level === 'error');
  if (typeof sarifFile === 'string') writeSarif(io, sarifFile, findings, top);
  if (flags.has('json')) {
    printJson(io, {
      ok: !failed,
      base: baseLabel ?? null,
      baseHow: baseHow ?? null,
      promptsChecked: checked,
      changedPrompts: changes.length,
      findings: findings.map(({ source, ...f }) => ({ source, ...f })),
    });
  } else if (sarifFile !== '-')
    printFindings(
      io,
      findings,
      `${checked} prompt file(s) checked, ${changes.length} changed prompt(s)${baseLabel ? ` vs ${baseLabel}` : ''}`,
    );
  return failed ? EXIT_FINDINGS : EXIT_OK;
}

/** Every prompt file (and code file a rule covers) against its budgets; a file it cannot read is named on stderr. */
function checkBudgets(io: CliIO, ws: PromptWorkspace, top: string, files: readonly string[], allowUnpriced: boolean) {
  const budgetFindings: { finding: BudgetFinding; path: string }[] = [];
  let checked = 0;
  for (const relPath of files) {
    const type = fileType(ws, relPath);
    if (!type) continue;
    const abs = path.join(top, relPath);
    const configPath = ws.configRelative(abs);
    // Prompts in code are only read when a prompt-cost.json rule covers them.
    if (type.kind === 'code' && !ws.config.rules.some((r) => r.matches(configPath))) continue;
    let text: string;
    try {
      const bytes = readRegularFileSync(abs, MAX_FILE_BYTES, relPath); // no FIFO, device or oversized file
      if (bytes.includes(0)) {
        io.stderr(`warning: ${oneLineName(relPath)}: binary file (contains NUL bytes); its budgets were not checked\n`);
        continue;
      }
      text = bytes.toString('utf8');
    } catch (err) {
      // A prompt that cannot be read is not silently passed: the gate says which one it did not check.
      io.stderr(`warning: ${errorText(err)}; its budgets were not checked\n`);
      continue;
    }
    checked++;
    const pricing = ws.pricingFor(relPath);
    for (const f of checkFileBudgets({ path: relPath, configPath, text, type, pricing, config: ws.config, allowUnpriced }))
      budgetFindings.push({ finding: f, path: relPath });
  }
  return { checked, budgetFindings };
}

/** The human output: one `path:line:column: level rule: message` line per finding (problem matchers), then the summary. */
function printFindings(io: CliIO, findings: readonly Finding[], what: string): void {
  for (const f of findings)
    io.stdout(`${oneLineName(f.path)}:${f.startLine}:${f.startColumn}: ${f.level} ${f.ruleId}: ${oneLineName(f.message)}\n`);
  const errors = (pred: (f: Finding) => boolean) => findings.filter((f) => f.level === 'error' && pred(f)).length;
  const unpriced = errors((f) => f.ruleId === 'budget/unpriced-model');
  const unread = errors((f) => f.ruleId === 'prompt/front-matter');
  const failed = findings.some((f) => f.level === 'error');
  io.stdout(
    `${failed ? 'FAILED' : 'OK'}: ${what}; ` +
      `${errors((f) => f.source === 'budget' && f.ruleId !== 'budget/unpriced-model' && f.ruleId !== 'prompt/front-matter')} over budget, ` +
      `${errors((f) => f.ruleId === 'budget/max-increase')} over the allowed increase, ` +
      (unpriced ? `${unpriced} unpriced, ` : '') +
      (unread ? `${unread} unreadable front matter, ` : '') +
      `${errors((f) => f.source === 'lint')} flujo.toml error(s)\n`,
  );
}

/**
 * The flujo.toml diagnostics as findings: the file Flujo finds from the working directory, and every
 * flujo.toml under the checked paths (a nested one governs its own folder: Flujo run from there loads
 * it), each with the models used in its own folder (sub-folders with their own flujo.toml left out).
 * With FLUJO_CONFIG_PATH, Flujo loads that one file from everywhere: only it is linted.
 */
function flujoFindings(io: CliIO, rel: (abs: string) => string, checkedFiles: readonly string[]): Finding[] {
  const loc = findFlujoConfig({ env: io.env, startDir: io.cwd });
  const configs = new Set<string>();
  if (loc && fs.existsSync(loc.path)) configs.add(path.resolve(loc.path));
  if (!io.env.FLUJO_CONFIG_PATH) for (const f of checkedFiles) if (path.basename(f) === 'flujo.toml') configs.add(path.resolve(f));
  return [...configs].sort().flatMap((file) => {
    const { text, encodingError } = readTomlInput(file);
    const analysis = analyzeFlujoToml(text, { usedModels: collectWorkspaceUsages(path.dirname(file)), path: file, encodingError });
    const diags = analysis.diagnostics;
    const p = rel(file);
    return diags.map((d): Finding => ({
      source: 'lint',
      ruleId: `flujo/${d.code}`,
      level: d.severity === 'info' ? 'note' : d.severity,
      message: d.message,
      path: p.startsWith('..') ? file : p,
      startLine: d.range.start.line + 1,
      startColumn: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
    }));
  });
}

/** SARIF 2.1.0 of the findings to `file` (`-`: standard output). */
function writeSarif(io: CliIO, file: string, findings: Finding[], root: string): void {
  const sarif = buildSarif(findings, BUDGET_RULES, { root, version: typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : 'dev' });
  const text = terminalSafeJson(sarif) + '\n';
  if (file === '-') return io.stdout(text);
  try {
    // a committed symlink (prompt-cost.sarif → any file) is refused; the file is replaced whole (temp + rename)
    writeFileAtomicSync(path.resolve(io.cwd, file), text, { root: io.cwd });
  } catch (err) {
    if (err instanceof UnsafeWriteError) throw new UsageError(err.message, 'input');
    throw new UsageError(`cannot write ${file}: ${fsErrorLine(err)?.replace(/^cannot write [^:]*: /, '') ?? errorText(err)}`);
  }
}

function oneBased(r: { line: number; column: number; endLine: number; endColumn: number }) {
  return { startLine: r.line + 1, startColumn: r.column + 1, endLine: r.endLine + 1, endColumn: r.endColumn + 1 };
}

function fileType(ws: PromptWorkspace, relPath: string): { kind: 'file' } | { kind: 'code'; languageId: string } | undefined {
  if (ws.isPromptFile(relPath)) return { kind: 'file' };
  const lang = codeLanguageForFile(relPath);
  return lang ? { kind: 'code', languageId: lang } : undefined;
}

/** The prompt's own max_increase_pct (front matter, then rules), else --max-increase, else prompt-cost.json's default. */
function increaseLimit(ws: PromptWorkspace, c: PromptChange, top: string, flag: number | undefined): number | undefined {
  const abs = path.join(top, c.path);
  const config = flag !== undefined ? { ...ws.config, maxIncreasePct: flag } : ws.config;
  let fm;
  if (c.kind === 'file' && c.after) {
    // The front matter the estimate reads (the format's own rules), through the one budget reader.
    const prompt = filePromptDocuments(c.after.text, c.path.slice(c.path.lastIndexOf('/') + 1)).prompts[0];
    if (prompt) fm = documentBudget(c.after.text, prompt);
  }
  return resolveBudget(config, ws.configRelative(abs), fm, c.path).limits.max_increase_pct;
}

async function gitFiles(root: string, cwd: string, paths: string[]): Promise<string[]> {
  const specs = paths.length ? paths.map((p) => toPathspec(root, cwd, p)) : [toPathspec(root, cwd, '.')];
  try {
    return await listFiles(root, specs);
  } catch (err) {
    if (err instanceof GitError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * Without git: files under PATH (default cwd), relative to cwd, skipping dependency and build folders.
 * Links are followed once per real folder (core/walk.ts); a dangling link is named on stderr and skipped.
 */
function walkFiles(io: CliIO, cwd: string, paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths.length ? paths : ['.']) {
    const abs = path.resolve(cwd, p);
    let walked;
    try {
      walked = walkTree(abs, { maxDepth: 20, enterFolder: (name) => !isSkippedFolder(name) });
    } catch (err) {
      throw new UsageError(`cannot read ${path.relative(cwd, abs) || abs}: ${errorText(err, 'code')}`);
    }
    for (const s of walked.skipped) io.stderr(`warning: ${oneLineName(path.relative(cwd, s.path))}: ${s.reason}; skipped\n`);
    for (const f of walked.files) out.push(path.relative(cwd, f).split(path.sep).join('/'));
  }
  return out;
}
