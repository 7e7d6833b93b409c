// `prompt-cost diff [--base REF] [PATH...] [--json | --markdown]`: every prompt that changed between REF
// (default: the merge-base with the upstream/default branch, else HEAD) and the working tree.
import { CliIO, EXIT_OK, UsageError, printJson } from './io';
import { alignTable } from './estimate';
import { parseArgs } from './args';
import { checkPathArguments, loadPromptWorkspace } from './promptWorkspace';
import { learnedPricing } from './learned';
import { GitError, WorkingTreeDiff, diffWorkingTree, modelDeltas, primaryDelta, totals } from '../core/diff';
import {
  changeLocation,
  changeToJson,
  diffMarkdown,
  modelCell,
  shortModels,
  outputCell,
  perRequestCell,
  signedTokens,
  signedUsd,
  statusWord,
  tokensCell,
} from '../core/diff/format';
import { oneLineName } from '../core/untrustedText';
import { repoRoot } from '../core/diff/git';

export const DIFF_VALUED = ['base', 'base-fallback', 'models', 'model', 'output-tokens', 'requests-per-day', 'config', 'ledger'];

/** `--base-fallback tip` (the only value): compare with REF's tip when a shallow clone lacks the merge-base. */
export function baseFallbackFlag(flags: Map<string, string | true>): 'tip' | undefined {
  const v = flags.get('base-fallback');
  if (v === undefined) return undefined;
  if (v !== 'tip') throw new UsageError('--base-fallback takes one value: tip');
  return 'tip';
}

/** The warning when the base is REF's tip rather than the merge-base (shallow clone, --base-fallback tip). */
export function tipWarning(label: string): string {
  return `no merge-base with ${label} in this shallow clone: comparing with ${label}'s tip (--base-fallback tip), so its newer edits show as reverted; fetch with fetch-depth: 0 for the exact base`;
}

/** Runs the diff for `diff` and `check` (usage errors for git problems: exit 2 with git's message). */
export async function computeDiff(
  io: CliIO,
  positional: string[],
  flags: Map<string, string | true>,
): Promise<{ diff: WorkingTreeDiff; workspace: ReturnType<typeof loadPromptWorkspace> }> {
  checkPathArguments(io, positional);
  const root = await repoRoot(io.cwd);
  if (!root) throw new UsageError(`not inside a git repository (or git is not installed): ${io.cwd}`);
  const workspace = loadPromptWorkspace(io, flags, root);
  // The typical (p50) learned output of each prompt, as `estimate` shows it (`--output-tokens` overrides).
  workspace.learned = await learnedPricing(io, flags, root, 'p50');
  return { diff: await diffSinceBase(io, workspace, flags, positional), workspace };
}

/** The working tree's changed prompts since `--base` (`--base-fallback tip`), for `diff` and `check`: a git problem is a usage error (exit 2, git's message). */
export async function diffSinceBase(
  io: CliIO,
  workspace: Omit<Parameters<typeof diffWorkingTree>[0], 'cwd' | 'base' | 'baseFallback' | 'paths'>,
  flags: Map<string, string | true>,
  paths: string[],
): Promise<WorkingTreeDiff> {
  const base = flags.get('base');
  try {
    return await diffWorkingTree({
      ...workspace,
      cwd: io.cwd,
      base: typeof base === 'string' ? base : undefined,
      baseFallback: baseFallbackFlag(flags),
      paths,
    });
  } catch (err) {
    if (err instanceof GitError) throw new UsageError(err.message);
    throw err;
  }
}

export const DIFF_USAGE = `Usage: prompt-cost diff [--base REF] [--base-fallback tip] [PATH...] [--json | --markdown]
  Every prompt (prompt files and prompts in code) that changed between REF (default: the merge-base with
  the upstream/default branch, else HEAD) and the working tree: model, input and output tokens and cost per
  request before/after (as \`estimate\` prices each version), monthly Δ at the prompt's requests/day, for its
  own model and the configured ones (prompt-cost.json \`models\`, else flujo.toml's priced models, else the
  editor's defaults). A shallow clone without the merge-base is an error; --base-fallback tip compares with
  REF's tip instead (with a warning).
  Options: --models ID,... --output-tokens N|p50|p90 --requests-per-day N --ledger PATH --config FLUJO_TOML
`;

export async function runDiff(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(DIFF_USAGE);
    return EXIT_OK;
  }
  const { positional, flags } = parseArgs(argv, { valued: DIFF_VALUED, booleans: ['json', 'markdown'] });
  if (flags.has('json') && flags.has('markdown')) throw new UsageError('--json and --markdown cannot be combined');
  const { diff, workspace } = await computeDiff(io, positional, flags);
  for (const w of workspace.warnings) io.stderr(`warning: ${w}\n`);
  if (diff.base.how === 'tip') io.stderr(`warning: ${tipWarning(diff.base.label)}\n`);
  for (const s of diff.skipped) io.stderr(`warning: ${oneLineName(s.path)}: skipped (${s.reason})\n`);
  const baseLabel = diff.base.how === 'merge-base' ? `${diff.base.label} (merge-base ${diff.base.commit.slice(0, 7)})` : diff.base.label;
  const sums = totals(diff.changes);
  if (flags.has('json')) {
    printJson(io, {
      base: { ref: diff.base.label, commit: diff.base.commit, how: diff.base.how },
      root: diff.root,
      changes: diff.changes.map((c) => changeToJson(c, modelDeltas(c))),
      totals: [...sums].map(([model, t]) => ({
        model,
        approximate: t.approximate,
        tokensDelta: t.tokensDelta,
        monthlyDeltaUsd: t.monthlyDelta?.toString() ?? null,
      })),
      filesRead: diff.filesRead,
      skipped: diff.skipped,
    });
    return EXIT_OK;
  }
  if (flags.has('markdown')) {
    const note = diff.base.how === 'tip' ? tipWarning(diff.base.label) : undefined;
    io.stdout(diffMarkdown(diff.changes, primaryDelta, sums, { baseLabel: diff.base.label, note }));
    return EXIT_OK;
  }
  if (!diff.changes.length) {
    io.stdout(`No prompt changed vs ${baseLabel}.\n`);
    return EXIT_OK;
  }
  const rows = diff.changes.map((c) => {
    const d = primaryDelta(c)!;
    return [
      oneLineName(changeLocation(c) + (c.kind === 'code' ? ` ${c.label}` : '')),
      oneLineName(statusWord(c)),
      modelCell(d),
      tokensCell(d),
      signedTokens(d.tokensDelta, d.approximate),
      outputCell(c),
      perRequestCell(d),
      d.monthlyDelta ? signedUsd(d.monthlyDelta, d.approximate) : '—',
    ];
  });
  io.stdout(`Prompt cost changes vs ${baseLabel}\n`);
  io.stdout(
    alignTable(['prompt', 'change', 'model', 'input tokens', 'Δ input', 'output tokens', 'per request', 'Δ/month'], rows, [3, 4, 5, 6, 7]),
  );
  const parts = [...sums].map(
    ([model, t]) =>
      `${shortModels(model)} ${signedTokens(t.tokensDelta, t.approximate)} tokens${t.monthlyDelta ? ` ${signedUsd(t.monthlyDelta, t.approximate)}/month` : ''}`,
  );
  io.stdout(`\nTotal (${diff.changes.length} prompt${diff.changes.length === 1 ? '' : 's'}): ${parts.join(' · ')}\n`);
  return EXIT_OK;
}
