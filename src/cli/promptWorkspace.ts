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
import { owningConfigDir } from '../core/flujo/config';
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
  /**
   * What a file is priced with: the prices of the flujo.toml Flujo would load for it (the nearest one
   * in its folder or a parent; --config and FLUJO_CONFIG_PATH apply to every file), else these.
   */
  pricingFor: (relPath: string) => PricingOptions;
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

/**
 * prompt-cost.json in `dir` or a parent: stops after `stopAt` (the repository root) when given, else
 * after the first folder holding `.git` (a repository's root), so a stray file above it never applies.
 */
export function findBudgetConfigFile(dir: string, stopAt?: string): string | undefined {
  let d = path.resolve(dir);
  for (;;) {
    const p = path.join(d, CONFIG_FILE_NAME);
    if (fs.existsSync(p)) return p;
    if (stopAt && path.resolve(d) === path.resolve(stopAt)) return undefined;
    if (!stopAt && fs.existsSync(path.join(d, '.git'))) return undefined;
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
  const explicitFlujo = typeof flujoConfig === 'string' ? flujoConfig : undefined;
  const { catalog, warnings, configFile } = loadCliCatalog(io, explicitFlujo);
  const modelsFlag = flags.get('models') ?? flags.get('model');
  let fixedModels: string[] | undefined;
  if (typeof modelsFlag === 'string') {
    fixedModels = splitList(modelsFlag);
    if (!fixedModels.length) throw new UsageError('--models needs at least one model id');
  } else if (config.models.length) fixedModels = config.models;
  const modelsOf = (c: PriceCatalog) => {
    if (fixedModels) return fixedModels;
    const configured = [...(c.flujo?.providers ?? new Map())].flatMap(([p, ms]) => [...ms.keys()].map((m) => `${p}:${m}`));
    return configured.length ? configured : DEFAULT_MODELS;
  };
  const models = modelsOf(catalog);
  const rpdFlag = flags.has('requests-per-day') ? nonNegativeNumber(flags, 'requests-per-day', 0) : undefined;
  // `--output-tokens p50|p90` picks a learned number (cli/learned.ts); a number is the user's own choice (wins).
  const outFlag = flags.get('output-tokens');
  const outputTokensOption = outFlag === 'p50' || outFlag === 'p90' ? undefined : nonNegativeInt(flags, 'output-tokens');
  const outputTokens = config.outputTokens ?? DEFAULT_OUTPUT_TOKENS;
  const configRelative = (abs: string) => path.relative(configDir, abs).split(path.sep).join('/');
  const globs = config.promptFiles ?? DEFAULT_PROMPT_GLOBS;
  const ws: PromptWorkspace = {
    config,
    catalog,
    warnings,
    models,
    outputTokens,
    outputTokensOption,
    configRelative,
    isPromptFile: (rel) => isPromptFile(rel, globs),
    // The one precedence of every command (requestsPerDayFor): flag, front matter, rule, prompt-cost.json, 1,000.
    requestsPerDay: (relPath, fromFrontMatter) =>
      requestsPerDayFor({
        option: rpdFlag,
        fromFrontMatter,
        config,
        configPath: configRelative(path.join(root, relPath)),
        fallback: DEFAULT_REQUESTS_PER_DAY,
      }).value,
    pricingFor: () => ws,
  };
  if (explicitFlujo || io.env.FLUJO_CONFIG_PATH) return ws;
  // Nested flujo.toml: a file under a folder with its own flujo.toml is priced with that one's prices.
  const byConfig = new Map<string, PromptWorkspace>();
  if (configFile) byConfig.set(path.dirname(configFile), ws);
  const isFile = (p: string) => {
    try {
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  ws.pricingFor = (relPath) => {
    const dir = owningConfigDir(path.dirname(path.join(root, relPath)), (d) => isFile(path.join(d, 'flujo.toml')));
    if (!dir) return ws;
    let own = byConfig.get(dir);
    if (!own) {
      const loaded = loadCliCatalog(io, path.join(dir, 'flujo.toml'));
      own = { ...ws, catalog: loaded.catalog, models: modelsOf(loaded.catalog), warnings: loaded.warnings };
      own.pricingFor = () => own!;
      byConfig.set(dir, own);
    }
    return own;
  };
  return ws;
}
