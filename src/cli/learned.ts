// Output tokens learned from the run ledger, for `estimate`, `compare`, `diff` and `check`: the ledger
// the `history` commands use (--ledger, PROMPT_COST_LEDGER, the nearest `.prompt-cost/`), learned in
// one pass, and `--output-tokens p50|p90|N` read into a number or a choice.
import * as path from 'node:path';
import { CliIO, UsageError } from './io';
import { defaultLedgerPath, loadLedger } from './history';
import { learnFromRuns } from '../core/history/learned/learner';
import { LearnedChoice, LearnedIndex, LearnedOutput } from '../core/history/learned/lookup';
import { promptKey } from '../core/history/learned/promptKey';
import type { PricingOptions } from '../core/diff/pricedPrompts';
import { stringFlag } from './args';

/** `--output-tokens`: a number the user chose, or which learned number to use (default p50). */
export function outputTokensFlag(
  flags: Map<string, string | true>,
  fallbackChoice: LearnedChoice = 'p50',
): { tokens?: number; choice: LearnedChoice } {
  const v = flags.get('output-tokens');
  if (v === undefined) return { choice: fallbackChoice };
  if (v === 'p50' || v === 'p90') return { choice: v };
  if (v === true || !/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)))
    throw new UsageError(`--output-tokens must be p50, p90 or a whole number ≥ 0, not ${v === true ? 'nothing' : JSON.stringify(v)}`);
  return { tokens: Number(v), choice: fallbackChoice };
}

export interface CliLearned {
  ledger: string;
  index: LearnedIndex;
  /** The folder the ledger's prompt paths are relative to (the one holding `.prompt-cost/`). */
  root: string;
  /** Lines of the ledger that were skipped (learning went on around them). */
  skippedLines: number;
}

/** The ledger's learned numbers; undefined when there is no ledger. A bad line never stops it. */
export async function loadCliLearned(io: CliIO, ledgerFlag?: string): Promise<CliLearned | undefined> {
  const ledger = defaultLedgerPath(io, ledgerFlag);
  const read = await loadLedger(ledger);
  if (!read.runs.length) return undefined;
  // `<root>/.prompt-cost/runs.jsonl` by default; a ledger elsewhere (--ledger) counts paths from the current folder.
  const root = path.basename(path.dirname(ledger)) === '.prompt-cost' ? path.dirname(path.dirname(ledger)) : io.cwd;
  return { ledger, index: new LearnedIndex(learnFromRuns(read.runs)), root, skippedLines: read.corrupt.length + (read.tornTail ? 1 : 0) };
}

/** The lookup of one file's prompts (undefined for stdin or a file outside the ledger's folder). */
export function learnedLookupFor(
  learned: CliLearned | undefined,
  io: CliIO,
  file: string,
): ((promptName: string | undefined, model: string) => LearnedOutput | undefined) | undefined {
  if (!learned || file === '-') return undefined;
  const rel = path.relative(learned.root, path.resolve(io.cwd, file));
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return (name, model) => learned.index.lookup(promptKey(rel, name), model);
}

/**
 * What `diff` and `check` price output with: the learned numbers of each prompt (`default` p50 for a
 * diff, p90 for check's budgets), unless `--output-tokens N` names the number itself. `root` is the
 * folder the diff's paths are relative to.
 */
export async function learnedPricing(
  io: CliIO,
  flags: Map<string, string | true>,
  root: string,
  defaultChoice: LearnedChoice,
): Promise<PricingOptions['learned']> {
  const v = flags.get('output-tokens');
  if (v !== undefined && v !== 'p50' && v !== 'p90') return undefined;
  const choice = v === 'p50' || v === 'p90' ? v : defaultChoice;
  const learned = await loadCliLearned(io, stringFlag(flags, 'ledger'));
  if (!learned) return undefined;
  if (learned.skippedLines)
    io.stderr(`warning: ${learned.ledger}: ${learned.skippedLines} line(s) skipped (prompt-cost history list shows which)\n`);
  return {
    choice,
    lookup: (file, name, model) => {
      const rel = path.relative(learned.root, path.join(root, file));
      if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
      return learned.index.lookup(promptKey(rel, name), model);
    },
  };
}
