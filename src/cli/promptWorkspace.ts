// What `diff` and `check` price with: prompt-cost.json (found in the folder and its parents, up to the
// repository root), flujo.toml prices over the reference catalog, the models and requests/day.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliIO, UsageError, readFileOrThrow } from './io';
import { loadCliCatalog } from './estimate';
import { decodeTextInput, nonNegativeInt, nonNegativeNumber, splitList } from './args';
import { BudgetConfig, CONFIG_FILE_NAME, EMPTY_BUDGET_CONFIG, parseBudgetConfig, requestsPerDayFor } from '../core/promptBudgets';
import {
  DEFAULT_EXPECTED_OUTPUT_TOKENS as DEFAULT_OUTPUT_TOKENS,
  DEFAULT_MODELS,
  DEFAULT_REQUESTS_PER_DAY,
} from '../core/estimate/defaults';
import type { PriceCatalog } from '../core/pricing/catalog';
import { DEFAULT_PROMPT_GLOBS, isPromptFile } from '../core/prompt/glob';
import type { PricingOptions } from '../core/diff/prompts';

export interface PromptWorkspace extends PricingOptions {
  config: BudgetConfig;
  catalog: PriceCatalog;
  warnings: string[];
  /** Relative to the repository (or cwd) root → prompt file? */
  isPromptFile: (relPath: string) => boolean;
  /** Path of a file relative to prompt-cost.json's folder (for budget globs). */
  configRelative: (absPath: string) => string;
}

/**
 * PATH arguments of `diff` and `check`: each is a folder, a file that no longer exists (a deletion
 * to diff), or a readable text file under the size limit. A FIFO, device or socket, an oversized or a
 * binary file named on the command line is an input error (exit 2), as for every other subcommand.
 */
export function checkPathArguments(io: CliIO, paths: readonly string[]): void {
  for (const p of paths) {
    const abs = path.resolve(io.cwd, p);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      continue; // deleted since the base: git knows it
    }
    if (st.isDirectory()) continue;
    decodeTextInput(p, readFileOrThrow(abs, p));
  }
}

/** prompt-cost.json in `dir` or a parent (stops after `stopAt`, the repository root, when given). */
export function findBudgetConfigFile(dir: string, stopAt?: string): string | undefined {
  let d = path.resolve(dir);
  for (;;) {
    const p = path.join(d, CONFIG_FILE_NAME);
    if (fs.existsSync(p)) return p;
    if (stopAt && path.resolve(d) === path.resolve(stopAt)) return undefined;
    const up = path.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** Reads prompt-cost.json; a broken file is a usage error with its location (file:line:column). */
export function loadBudgetConfig(file: string | undefined): BudgetConfig {
  if (!file) return EMPTY_BUDGET_CONFIG;
  const text = readFileOrThrow(file).toString('utf8');
  const { config, errors } = parseBudgetConfig(text, file);
  if (errors.length) {
    const e = errors[0];
    throw new UsageError(
      `${file}:${e.line + 1}:${e.column + 1}: ${e.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    );
  }
  return config;
}

export function loadPromptWorkspace(io: CliIO, flags: Map<string, string | true>, root: string): PromptWorkspace {
  const config = loadBudgetConfig(findBudgetConfigFile(io.cwd, root));
  const configDir = config.file ? path.dirname(config.file) : root;
  const flujoConfig = flags.get('config');
  const { catalog, warnings } = loadCliCatalog(io, typeof flujoConfig === 'string' ? flujoConfig : undefined);
  const modelsFlag = flags.get('models') ?? flags.get('model');
  let models: string[];
  if (typeof modelsFlag === 'string') {
    models = splitList(modelsFlag);
    if (!models.length) throw new UsageError('--models needs at least one model id');
  } else if (config.models.length) models = config.models;
  else {
    const configured = [...(catalog.flujo?.providers ?? new Map())].flatMap(([p, ms]) => [...ms.keys()].map((m) => `${p}:${m}`));
    models = configured.length ? configured : DEFAULT_MODELS;
  }
  const rpdFlag = flags.has('requests-per-day') ? nonNegativeNumber(flags, 'requests-per-day', 0) : undefined;
  // `--output-tokens p50|p90` picks a learned number (cli/learned.ts); a number is the expected output itself.
  const outFlag = flags.get('output-tokens');
  const outputTokens =
    outFlag === 'p50' || outFlag === 'p90'
      ? (config.outputTokens ?? DEFAULT_OUTPUT_TOKENS)
      : nonNegativeInt(flags, 'output-tokens', config.outputTokens ?? DEFAULT_OUTPUT_TOKENS);
  const configRelative = (abs: string) => path.relative(configDir, abs).split(path.sep).join('/');
  const globs = config.promptFiles ?? DEFAULT_PROMPT_GLOBS;
  return {
    config,
    catalog,
    warnings,
    models,
    outputTokens,
    configRelative,
    isPromptFile: (rel) => isPromptFile(rel, globs),
    // The prompt's own value, then the last matching budgets rule, then --requests-per-day, the file's default, 1,000.
    requestsPerDay: (relPath, fromFrontMatter) =>
      requestsPerDayFor(config, configRelative(path.join(root, relPath)), fromFrontMatter, DEFAULT_REQUESTS_PER_DAY, rpdFlag),
  };
}
