// `prompt-cost history [list|import [DB]|export] [--json]`: the run ledger from the command line.
//   list    [--ledger PATH] [--group day|prompt|model|pipeline|status] [--limit N]
//           [--config flujo.toml] [--budget-mode per-run|cumulative] [--json]
//           exit 1 when a [budgets] limit is exceeded.
//   import  [DB | flujo.toml | DIR] [--ledger PATH] [--dry-run] [--json]
//           Flujo runs (WAL included) → ledger; without DB, the state_uri of the flujo.toml found.
//   export  [--csv | --json] [--ledger PATH]
//   export  --otlp URL | --otlp-file FILE [--member NAME] [--include-text]   OpenTelemetry spans (historyOtlp.ts)
//   import  --otlp-file FILE|DIR [FILE|DIR…]   team runs from OTLP JSON Lines files (historyOtlp.ts)
//   import  --langfuse [URL] [--since ISO] [--max-pages N]   the team's runs read back from Langfuse (historyOtlp.ts)
//   accuracy [--ledger PATH] [--json]   walk-forward backtest of the learned output estimate (historyAccuracy.ts)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliIO, EXIT_FINDINGS, EXIT_OK, UsageError, printJson, requireRegularFile } from './io';
import { parseArgs, readTomlInput } from './args';
import { formatUsd } from '../core/format';
import { findFlujoConfig } from '../core/flujo/config';
import { FlujoHistoryConfig, readFlujoHistoryConfig } from '../core/flujo/historyConfig';
import {
  BudgetConfig,
  BudgetRow,
  budgetPercentText,
  budgetsFromToml,
  closestLimit,
  summarizeBudgets,
  tokenLimitText,
} from '../core/history/budgets';
import {
  findFlujoStateDb,
  FlujoImportError,
  flujoRunToRecord,
  flujoStateDbCandidates,
  importFlujoRunsToLedger,
  pythonUrlScheme,
  readFlujoRuns,
  readFlujoRunsFromPostgres,
  resolveFlujoState,
} from '../core/history/flujo';
import {
  GroupBy,
  RunTotals,
  compareRunsNewestFirst,
  describeRun,
  formatDeltaPct,
  formatTotalCost,
  groupRuns,
  runDeltaPct,
  runsToCsv,
  totalsOf,
} from '../core/history/group';
import { LedgerReadResult, LedgerWarning, ledgerWarnings, readLedger } from '../core/history/ledger';
import { DEFAULT_LEDGER_PATH, RunRecord } from '../core/history/record';
import { errorText } from '../core/errors';
import { checkWriteTarget, fsErrorLine } from '../core/safeWrite';

const GROUPS: readonly GroupBy[] = ['day', 'prompt', 'model', 'pipeline', 'status'];

/** The ledger is read whole: beyond this size it is refused with a message. */
const MAX_LEDGER_BYTES = 256 * 1024 * 1024;

/** --ledger, else PROMPT_COST_LEDGER, else the nearest folder (cwd or a parent) with `.prompt-cost/`, else cwd. */
export function defaultLedgerPath(io: CliIO, explicit?: string): string {
  return ledgerLocation(io, explicit).file;
}

/**
 * The ledger and, when it is the default one, the folder it belongs to (`root`): the default ledger must
 * stay inside that folder once symlinks are resolved. A path given with --ledger or PROMPT_COST_LEDGER is
 * the user's explicit choice and has no root.
 */
export function ledgerLocation(io: CliIO, explicit?: string): { file: string; root?: string } {
  if (explicit) return { file: path.resolve(io.cwd, explicit) };
  if (io.env.PROMPT_COST_LEDGER) return { file: path.resolve(io.cwd, io.env.PROMPT_COST_LEDGER) };
  let dir = path.resolve(io.cwd);
  for (let i = 0; i < 256; i++) {
    if (fs.existsSync(path.join(dir, '.prompt-cost'))) return { file: path.join(dir, DEFAULT_LEDGER_PATH), root: dir };
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { file: path.join(path.resolve(io.cwd), DEFAULT_LEDGER_PATH), root: path.resolve(io.cwd) };
}

/**
 * The ledger an import writes to (ledgerLocation), checked before anything is read or written: a committed
 * symlink (runs.jsonl → ~/.bashrc) or a default ledger resolving outside its folder is refused, and so is
 * anything but a regular file. One sequence for every importer (Flujo DB, OTLP files, Langfuse).
 */
export function importLedger(io: CliIO, explicit?: string): { file: string; root?: string } {
  const location = ledgerLocation(io, explicit);
  try {
    checkWriteTarget(location.file, location.root);
  } catch (err) {
    throw new UsageError(errorText(err), 'input');
  }
  requireRegularFile(location.file, location.file, { mayBeMissing: true });
  return location;
}

/** An import's failed ledger write (ENOSPC, EROFS, EACCES …) as one line, exit 2: the ledger was cut back to where it was. */
export function ledgerWriteFailure(err: unknown): unknown {
  const line = fsErrorLine(err, 'cannot write the ledger');
  return line ? new UsageError(`${line}; the failed write was removed from the ledger (run the import again once fixed)`, 'input') : err;
}

export async function loadLedger(file: string): Promise<LedgerReadResult> {
  // a FIFO or device as the ledger would hang the read; the reader holds the whole file in memory
  requireRegularFile(file, file, { mayBeMissing: true, maxBytes: MAX_LEDGER_BYTES });
  try {
    return await readLedger(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${errorText(err, 'code')}`);
  }
}

/** Most skipped-line warnings printed one per line; the rest are counted (all are in --json). */
const MAX_PRINTED_WARNINGS = 20;

/** Every skipped ledger line as a located warning on stderr; returns them for --json. */
export function warnSkipped(io: CliIO, file: string, l: LedgerReadResult): LedgerWarning[] {
  const warnings = ledgerWarnings(file, l.corrupt, l.tornTail);
  for (const w of warnings.slice(0, MAX_PRINTED_WARNINGS)) io.stderr(`warning: ${w.message}\n`);
  if (warnings.length > MAX_PRINTED_WARNINGS)
    io.stderr(`warning: ${file}: ${warnings.length - MAX_PRINTED_WARNINGS} more skipped line(s) (see --json)\n`);
  if (l.corrupt.length > 1)
    io.stderr(`warning: ${file}: ${l.corrupt.length} ledger lines skipped; ${l.runs.length + l.deleted.length} run(s) read\n`);
  return warnings;
}

function totalsJson(t: RunTotals) {
  return {
    runs: t.runs,
    ok: t.ok,
    failed: t.failed,
    cancelled: t.cancelled,
    running: t.running,
    paused: t.paused,
    costUsd: t.costUsd.toString(),
    costUnknownRuns: t.costUnknown,
    estimateUsd: t.estimateUsd.toString(),
    deltaPct: t.deltaPct === undefined ? null : Math.round(t.deltaPct * 100) / 100,
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    totalTokens: t.totalTokens,
    avgLatencyMs: t.avgLatencyMs ?? null,
  };
}

function budgetJson(b: BudgetRow) {
  return {
    key: b.key,
    source: b.source,
    totalCostUsdLimit: b.limits.totalCostUsdLimit?.toString() ?? null,
    totalTokensLimit: b.limits.totalTokensLimit ?? null,
    pipelines: b.pipelines,
    runs: b.runs,
    spentUsd: b.spentUsd.toString(),
    tokens: b.tokens,
    maxRunUsd: b.maxRunUsd.toString(),
    maxRunTokens: b.maxRunTokens,
    status: b.status,
    costRatio: b.costRatio === undefined || !Number.isFinite(b.costRatio) ? null : Math.round(b.costRatio * 10000) / 10000,
    tokensRatio: b.tokensRatio === undefined || !Number.isFinite(b.tokensRatio) ? null : Math.round(b.tokensRatio * 10000) / 10000,
    closestLimit: closestLimit(b)?.limit ?? null,
    worstRunId: b.worstRunId ?? null,
  };
}

interface FlujoConfigInfo {
  path: string;
  budgets?: BudgetConfig;
  stateUri?: string;
}

function readFlujoConfig(io: CliIO, explicit: string | undefined, required: boolean): FlujoConfigInfo | undefined {
  const loc = findFlujoConfig({ explicitPath: explicit, env: io.env, startDir: io.cwd });
  if (!loc) {
    if (required) throw new UsageError('no flujo.toml found (use --config PATH)');
    return undefined;
  }
  const { text, encodingError } = readTomlInput(loc.path);
  let config: FlujoHistoryConfig;
  try {
    config = readFlujoHistoryConfig(text, encodingError);
  } catch (err) {
    throw new UsageError(`${loc.path} is not valid TOML: ${errorText(err).split('\n')[0]} (run prompt-cost lint)`);
  }
  const info: FlujoConfigInfo = { path: loc.path, stateUri: config.stateUri };
  if (config.budgets !== undefined && config.loadError) {
    // flujo/application/runner.py:267-283: a flujo.toml Flujo cannot load gives no TOML budgets at all.
    io.stderr(
      `warning: ${loc.path}: Flujo cannot load this file (${config.loadError}), so it applies none of its [budgets]; not shown (run prompt-cost lint)\n`,
    );
  } else if (config.budgets !== undefined) {
    const { budgets, problems } = budgetsFromToml(config.budgets);
    for (const p of problems) io.stderr(`warning: ${loc.path}: ${p} (ignored)\n`);
    info.budgets = budgets;
  }
  return info;
}

function runJson(r: RunRecord) {
  const d = runDeltaPct(r);
  return { ...r, deltaPct: d === undefined ? null : Math.round(d * 100) / 100 };
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv, { valued: ['ledger', 'group', 'limit', 'config', 'budget-mode'], booleans: ['json'] });
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const group = (flags.get('group') as string | undefined) ?? 'day';
  if (!GROUPS.includes(group as GroupBy)) throw new UsageError(`--group must be one of ${GROUPS.join(', ')}, got '${group}'`);
  const limitFlag = flags.get('limit') as string | undefined;
  if (limitFlag !== undefined && !/^\d+$/.test(limitFlag))
    throw new UsageError(`--limit must be a non-negative integer, got '${limitFlag}'`);
  const modeFlag = (flags.get('budget-mode') as string | undefined) ?? 'per-run';
  if (modeFlag !== 'per-run' && modeFlag !== 'cumulative')
    throw new UsageError(`--budget-mode must be per-run or cumulative, got '${modeFlag}'`);
  const file = defaultLedgerPath(io, flags.get('ledger') as string | undefined);
  const ledger = await loadLedger(file);
  const warnings = warnSkipped(io, file, ledger);
  let runs = [...ledger.runs].sort(compareRunsNewestFirst);
  if (limitFlag !== undefined) runs = runs.slice(0, Number(limitFlag));
  const config = readFlujoConfig(io, flags.get('config') as string | undefined, flags.has('config'));
  const budgetRows = config?.budgets
    ? summarizeBudgets(config.budgets, ledger.runs, { mode: modeFlag === 'cumulative' ? 'cumulative' : 'perRun' })
    : [];
  const over = budgetRows.some((b) => b.status === 'over');
  const groups = groupRuns(runs, group as GroupBy);

  if (flags.has('json')) {
    printJson(io, {
      ledger: file,
      totals: totalsJson(totalsOf(runs)),
      groupBy: group,
      groups: groups.map((g) => ({ key: g.key, totals: totalsJson(g.totals), runIds: g.runs.map((r) => r.id) })),
      runs: runs.map(runJson),
      corrupt: ledger.corrupt,
      tornTail: ledger.tornTail ?? null,
      warnings,
      budgets: config?.budgets ? { config: config.path, mode: modeFlag, rows: budgetRows.map(budgetJson) } : null,
    });
    return over ? EXIT_FINDINGS : EXIT_OK;
  }

  if (!runs.length) io.stdout(`No runs recorded in ${file}.\n`);
  for (const g of groups) {
    const t = g.totals;
    const delta = formatDeltaPct(t.deltaPct) ? `, Δ ${formatDeltaPct(t.deltaPct)}` : '';
    io.stdout(`${g.label}  (${t.runs} run${t.runs === 1 ? '' : 's'}, ${formatTotalCost(t)}${delta})\n`);
    for (const r of g.runs)
      io.stdout(`  ${r.time.slice(0, 19).replace('T', ' ')}  ${r.promptFile ?? r.pipeline ?? r.id}  ${describeRun(r)}\n`);
  }
  if (runs.length) {
    const t = totalsOf(runs);
    io.stdout(`Total: ${t.runs} run${t.runs === 1 ? '' : 's'}, ${formatTotalCost(t)}, ${t.totalTokens.toLocaleString('en-US')} tokens\n`);
  }
  if (budgetRows.length) {
    io.stdout(`\nBudgets (${config!.path}, ${modeFlag}):\n`);
    for (const b of budgetRows) {
      const lim = [
        b.limits.totalCostUsdLimit ? formatUsd(b.limits.totalCostUsdLimit) : '',
        b.limits.totalTokensLimit !== undefined ? `${tokenLimitText(b.limits.totalTokensLimit)} tokens` : '',
      ]
        .filter(Boolean)
        .join(' / ');
      const percent = budgetPercentText(b);
      const pct = percent ? ` (${percent})` : '';
      // With a token limit the tokens are shown too: the percentage may be theirs.
      const tokens = (n: number) => (b.limits.totalTokensLimit !== undefined ? ` / ${n.toLocaleString('en-US')} tokens` : '');
      const spent =
        modeFlag === 'per-run'
          ? `max run ${formatUsd(b.maxRunUsd)}${tokens(b.maxRunTokens)}${pct}, total ${formatUsd(b.spentUsd)}`
          : `spent ${formatUsd(b.spentUsd)}${tokens(b.tokens)}${pct}`;
      io.stdout(`  ${b.status.toUpperCase().padEnd(7)} ${b.key}: limit ${lim || 'none'}; ${b.runs} run(s), ${spent}\n`);
    }
  }
  return over ? EXIT_FINDINGS : EXIT_OK;
}

/** Where the runs to import are: a SQLite file, or a PostgreSQL server (a `postgres://` argument or state URI). */
type RunSource = { kind: 'sqlite'; path: string } | { kind: 'postgres'; uri: string };

/** The state Flujo itself would use for the flujo.toml at `cfg` (or none), or a usage error saying why there is none. */
function sourceFromConfig(io: CliIO, dir: string, cfg: FlujoConfigInfo | undefined, hint: string): RunSource {
  const where = resolveFlujoState({ configDir: dir, stateUri: cfg?.stateUri, env: io.env, cwd: path.resolve(io.cwd) });
  const said = where.from === 'state_uri' && cfg ? `${cfg.path}: state_uri` : where.from;
  if (where.kind === 'postgres') return { kind: 'postgres', uri: where.uri };
  if (where.kind === 'memory') throw new UsageError(`Flujo keeps its runs in memory here (${where.why}): there is no state to import`);
  if (where.kind === 'unsupported') throw new UsageError(`${said}: ${where.message} (the flujo CLI stops with this error)`);
  const db = findFlujoStateDb(dir, cfg?.stateUri, io.env, path.resolve(io.cwd));
  if (!db)
    throw new UsageError(
      `no Flujo state database found (looked for ${flujoStateDbCandidates(dir, cfg?.stateUri, io.env, path.resolve(io.cwd)).join(', ')})${hint}`,
    );
  return { kind: 'sqlite', path: db };
}

function resolveSource(io: CliIO, arg: string | undefined, configFlag: string | undefined): RunSource {
  if (arg) {
    const scheme = pythonUrlScheme(arg);
    if (scheme === 'postgres' || scheme === 'postgresql') return { kind: 'postgres', uri: arg };
    const p = path.resolve(io.cwd, arg);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (err) {
      throw new UsageError(`cannot read ${p}: ${errorText(err, 'code')}`, 'input');
    }
    if (st.isDirectory() || p.endsWith('.toml')) {
      const cfgPath = st.isDirectory() ? path.join(p, 'flujo.toml') : p;
      const cfg = fs.existsSync(cfgPath) ? readFlujoConfig(io, cfgPath, true) : undefined;
      return sourceFromConfig(io, st.isDirectory() ? p : path.dirname(p), cfg, '');
    }
    return { kind: 'sqlite', path: p };
  }
  const cfg = readFlujoConfig(io, configFlag, false);
  return sourceFromConfig(io, cfg ? path.dirname(cfg.path) : path.resolve(io.cwd), cfg, '; pass its path');
}

/** Reads the runs of `source`; a database that cannot be read at all is a usage error (exit 2). */
async function readSource(io: CliIO, source: RunSource) {
  if (source.kind === 'postgres') {
    try {
      const read = await readFlujoRunsFromPostgres(source.uri, { env: io.env });
      return { db: read.db, backend: 'postgres' as const, runs: read.runs, warnings: read.warnings, wal: undefined };
    } catch (err) {
      throw new UsageError(errorText(err));
    }
  }
  const db = source.path;
  // regular files only (a FIFO would hang the import); the SQLite header, and the size it gives against the
  // in-memory cap, are checked by the core before anything more is read (core/history/dbFile.ts)
  requireRegularFile(db, db);
  requireRegularFile(`${db}-wal`, `${db}-wal`, { mayBeMissing: true });
  try {
    const read = await readFlujoRuns(db);
    return { db, backend: 'sqlite' as const, runs: read.runs, warnings: read.warnings, wal: read.wal };
  } catch (err) {
    throw new UsageError(errorText(err), err instanceof FlujoImportError ? 'input' : 'usage');
  }
}

const wantsOtlp = (argv: readonly string[]) => argv.some((a) => /^--otlp(-file)?(=|$)/.test(a));

async function importCmd(argv: string[], io: CliIO): Promise<number> {
  if (wantsOtlp(argv)) return (await import('./historyOtlp')).importOtlp(argv, io);
  if (argv.some((a) => /^--langfuse(=|$)/.test(a))) return (await import('./historyOtlp')).importLangfuse(argv, io);
  const { positional, flags } = parseArgs(argv, { valued: ['ledger', 'config'], booleans: ['json', 'dry-run'] });
  if (positional.length > 1) throw new UsageError('expected at most one DB');
  const read = await readSource(io, resolveSource(io, positional[0], flags.get('config') as string | undefined));
  const db = read.db;
  for (const w of read.warnings) io.stderr(`warning: ${w}\n`);
  const { file, root } = importLedger(io, flags.get('ledger') as string | undefined);
  const dry = flags.has('dry-run');
  const result = dry
    ? {
        added: read.runs.length,
        updated: 0,
        unchanged: 0,
        skippedDeleted: 0,
        skippedInvalid: 0,
        warnings: [] as string[],
        records: read.runs.map(flujoRunToRecord),
      }
    : await importFlujoRunsToLedger(file, read.runs, { root }).catch((err: unknown) => {
        throw ledgerWriteFailure(err);
      });
  for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
  if (flags.has('json')) {
    printJson(io, {
      db,
      backend: read.backend,
      ledger: file,
      dryRun: dry,
      wal: read.wal ?? null,
      found: read.runs.length,
      added: result.added,
      updated: result.updated,
      unchanged: result.unchanged,
      skippedDeleted: result.skippedDeleted,
      skippedInvalid: result.skippedInvalid,
      warnings: [...read.warnings, ...result.warnings],
      runs: result.records.map(runJson),
    });
    return EXIT_OK;
  }
  const walNote = read.wal?.present
    ? ` (${read.wal.framesApplied} WAL frame(s) applied${read.wal.framesIgnored ? `, ${read.wal.framesIgnored} ignored` : ''})`
    : '';
  io.stdout(`${db}${walNote}: ${read.runs.length} run(s) found\n`);
  io.stdout(
    dry
      ? `dry run: nothing written to ${file}\n`
      : `${file}: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged${result.skippedDeleted ? `, ${result.skippedDeleted} deleted earlier (skipped)` : ''}${result.skippedInvalid ? `, ${result.skippedInvalid} invalid (skipped)` : ''}\n`,
  );
  return EXIT_OK;
}

async function exportCmd(argv: string[], io: CliIO): Promise<number> {
  if (wantsOtlp(argv)) return (await import('./historyOtlp')).exportOtlp(argv, io);
  const { positional, flags } = parseArgs(argv, { valued: ['ledger'], booleans: ['json', 'csv'] });
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  if (flags.has('json') && flags.has('csv')) throw new UsageError('choose one of --csv or --json');
  const file = defaultLedgerPath(io, flags.get('ledger') as string | undefined);
  const ledger = await loadLedger(file);
  const warnings = warnSkipped(io, file, ledger);
  const runs = [...ledger.runs].sort(compareRunsNewestFirst);
  if (flags.has('json')) printJson(io, { ledger: file, runs: runs.map(runJson), warnings });
  else io.stdout(runsToCsv(runs));
  return EXIT_OK;
}

export async function runHistory(argv: string[], io: CliIO): Promise<number> {
  const sub = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'list';
  const rest = argv[0] === sub ? argv.slice(1) : argv;
  switch (sub) {
    case 'list':
      return list(rest, io);
    case 'import':
      return importCmd(rest, io);
    case 'export':
      return exportCmd(rest, io);
    case 'accuracy':
      return (await import('./historyAccuracy')).runHistoryAccuracy(rest, io);
    default:
      throw new UsageError(`unknown subcommand '${sub}' (expected list, import, export or accuracy)`);
  }
}
