// `prompt-cost estimate FILE [--model ID[,ID...]] [--output-tokens N] [--config PATH] [--json]`
// The answer comes from the core's estimateFile(), the same function behind the editor's numbers.
import { skillText } from '../core/prompt/skill';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliIO, EXIT_OK, UsageError, printJson, readFileOrThrow } from './io';
import { readRegularFileSync } from '../core/files';
import { nonNegativeNumber, parseArgs, readTextInput, splitList, stringFlag } from './args';
import { learnedLookupFor, loadCliLearned, outputTokensFlag } from './learned';
import { analyzeFlujoToml } from '../core/flujo/analyze';
import { findFlujoConfig } from '../core/flujo/config';
import { decodeTomlBytes } from '../core/flujo/decode';
import { PriceCatalog } from '../core/pricing/catalog';
import { flujoRecordNote, type FlujoRecordNote } from '../core/pricing/flujo';
import { formatUsd } from '../core/format';
import { DEFAULT_REQUESTS_PER_DAY } from '../core/pricing/compare';
import { ProviderCounter, openCountCache, providerCounter } from './providerCount';
import { findBudgetConfigFile, loadBudgetConfig } from './promptWorkspace';
import { requestsPerDayFor, type RequestsPerDaySource } from '../core/promptBudgets/requestsPerDay';
import { frontMatterRequestsPerDay } from '../core/diff/pricedPrompts';
import { LineIndex, type PromptDocument } from '../core/prompt/document';
import {
  DEFAULT_EXPECTED_OUTPUT_TOKENS,
  DEFAULT_MODELS,
  EstimateRowJson,
  EstimateSettings,
  FileEstimate,
  FilePrompt,
  ModelOutput,
  OutputTokensSource,
  countMessagesOf,
  describeOutput,
  NO_OUTPUT_TOKENS,
  estimateFile,
  outputSourceName,
  estimateRowJson,
  summaryEncoding,
} from '../core/estimate';

/** The catalog the CLI prices with: flujo.toml (explicit --config, FLUJO_CONFIG_PATH, or found from cwd) over the reference. */
export function loadCliCatalog(
  io: CliIO,
  configPath: string | undefined,
): { catalog: PriceCatalog; configFile?: string; configuredModels: string[]; warnings: string[] } {
  const loc = findFlujoConfig({ explicitPath: configPath, env: io.env, startDir: io.cwd });
  const none = { catalog: new PriceCatalog(), configuredModels: [...DEFAULT_MODELS], warnings: [] };
  if (!loc) return none;
  let bytes: Buffer;
  try {
    bytes = readFileOrThrow(loc.path, `config ${loc.path}`);
  } catch (err) {
    if (loc.reason === 'search') return none;
    throw err;
  }
  const { text, encodingError } = decodeTomlBytes(bytes);
  let date: string | undefined;
  try {
    date = fs.statSync(loc.path).mtime.toISOString().slice(0, 10);
  } catch {
    date = undefined;
  }
  const analysis = analyzeFlujoToml(text, { path: loc.path, date, encodingError });
  const warnings: string[] = [];
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) warnings.push(`${loc.path} has ${errors.length} error(s); run \`prompt-cost lint\` (prices there may be ignored)`);
  // As the editor: the models priced in flujo.toml, else the default set.
  const priced = analysis.models.filter((m) => !m.inline || m.keys.size > 0).map((m) => `${m.provider}:${m.model}`);
  return {
    catalog: new PriceCatalog({ flujo: analysis.pricing }),
    configFile: loc.path,
    configuredModels: priced.length ? [...new Set(priced)] : [...DEFAULT_MODELS],
    warnings,
  };
}

/** What estimate and compare share: read FILE, find its prompts, price them with the editor's defaults. */
export async function estimateCliFile(
  io: CliIO,
  file: string,
  flags: Map<string, string | true>,
  modelFlags: readonly string[],
): Promise<{
  result: FileEstimate;
  settings: EstimateSettings;
  warnings: string[];
  explicit: boolean;
  requestsPerDayOf: (doc: PromptDocument) => { value: number; source: RequestsPerDaySource };
}> {
  const text = await readTextInput(file, io);
  const { catalog, configuredModels: flujoModels, warnings } = loadCliCatalog(io, stringFlag(flags, 'config'));
  // prompt-cost.json applies to every command alike: models, output_tokens, requests_per_day and its rules.
  const dir = file === '-' ? io.cwd : path.dirname(path.resolve(io.cwd, file));
  const budgetConfig = loadBudgetConfig(findBudgetConfigFile(dir));
  const configuredModels = budgetConfig.models.length ? budgetConfig.models : flujoModels;
  const rpdOption = nonNegativeNumber(flags, 'requests-per-day');
  const configPath =
    file === '-'
      ? undefined
      : path
          .relative(budgetConfig.file ? path.dirname(budgetConfig.file) : dir, path.resolve(io.cwd, file))
          .split(path.sep)
          .join('/');
  const requestsPerDayOf = (doc: PromptDocument) =>
    requestsPerDayFor({
      option: rpdOption,
      fromFrontMatter: frontMatterRequestsPerDay(doc),
      config: budgetConfig,
      configPath,
      fallback: DEFAULT_REQUESTS_PER_DAY,
    });
  let onlyModels: string[] | undefined;
  for (const name of modelFlags) {
    const v = stringFlag(flags, name);
    if (v === undefined) continue;
    onlyModels = [...(onlyModels ?? []), ...splitList(v)];
    if (!onlyModels.length) throw new UsageError(`--${name} needs at least one model id`);
  }
  const output = outputTokensFlag(flags);
  const learned = await loadCliLearned(io, stringFlag(flags, 'ledger'));
  if (learned?.skippedLines)
    warnings.push(`${learned.ledger}: ${learned.skippedLines} line(s) skipped (prompt-cost history list shows which)`);
  const lookup = learnedLookupFor(learned, io, file);
  const settings: EstimateSettings = {
    catalog,
    configuredModels,
    onlyModels,
    expectedOutputTokens: budgetConfig.outputTokens ?? DEFAULT_EXPECTED_OUTPUT_TOKENS,
    outputTokens: output.tokens,
    learned: lookup && { lookup, choice: output.choice },
    requestsPerDay: rpdOption ?? budgetConfig.requestsPerDay ?? DEFAULT_REQUESTS_PER_DAY,
  };
  const requestsPerDay = (doc: PromptDocument) => requestsPerDayOf(doc).value;
  const readSibling = (name: string) => {
    try {
      return readRegularFileSync(path.join(dir, name)).toString('utf8');
    } catch {
      return undefined;
    }
  };
  const name = file === '-' ? 'stdin.txt' : path.basename(file);
  if (flags.has('provider-count'))
    await askProviderCounts(io, estimateFile(text, name, { ...settings, providerCounts: undefined }, { readSibling, requestsPerDay }));
  const result = estimateFile(
    text,
    name,
    { ...settings, providerCounts: openCountCache(io, !flags.has('provider-count')) }, // --provider-count said it already
    { readSibling, requestsPerDay },
  );
  failOnUnreadFrontMatter(file, text, result, warnings);
  return { result, settings, warnings, explicit: onlyModels !== undefined, requestsPerDayOf };
}

/**
 * `--provider-count`: the exact count of every prompt for every Claude / Gemini model from the
 * provider's endpoint (cache first), stored with the offline estimate for calibration. The estimate
 * that follows reads them back from the cache, as it reads counts cached earlier (never the network).
 */
async function askProviderCounts(io: CliIO, offline: FileEstimate): Promise<void> {
  const counters = new Map<string, ProviderCounter | undefined>();
  for (const p of offline.prompts) {
    const messages = countMessagesOf(p.document);
    if (!messages.length) continue;
    for (const m of p.estimate.models) {
      if (!m.tokenizer.approximate) continue;
      if (!counters.has(m.model)) counters.set(m.model, providerCounter(m.model, io));
      await counters.get(m.model)?.count(messages, m.inputTokens);
    }
  }
}

/**
 * Front matter that cannot be read (a YAML error) is an input error, located (exit 2): its model,
 * max tokens and budget would silently be dropped and the numbers shown would be for other settings.
 * The same front matter fails `prompt-cost check` (`prompt/front-matter`) and shows in the editor's Problems.
 * Except dotprompt: its runtime sends such a file whole as the template (google/dotprompt js/src/parse.ts
 * parseDocument), so that is what is priced, with the `dotprompt-whole-file` warning; `check` still fails.
 */
function failOnUnreadFrontMatter(file: string, text: string, result: FileEstimate, warnings: string[]): void {
  const lines = new LineIndex(text);
  for (const p of result.prompts) {
    const d = p.document.diagnostics.find((x) => x.code === 'front-matter-yaml' && x.severity === 'error');
    if (!d) continue;
    const whole = p.document.diagnostics.find((x) => x.code === 'dotprompt-whole-file');
    if (whole) {
      const at = lines.positionAt(d.range.start);
      warnings.push(`${file}:${at.line + 1}:${at.character + 1}: ${whole.message}`);
      continue;
    }
    const at = lines.positionAt(d.range.start);
    const line = at.line + (p.kind === 'list' ? p.line - 1 : 0);
    throw new UsageError(`${file}:${line + 1}:${at.character + 1}: ${d.message} (the model, max tokens and budget in it cannot be read)`);
  }
}

/** A row, plus (with a flujo.toml) what Flujo's own ledger will hold for the call (it may differ from the bill). */
export type CliRow = EstimateRowJson & ReturnType<typeof outputJson> & { flujoRecords?: FlujoRecordNote };

/** Where a row's output tokens come from, and the learned numbers when there are any (the CLI contract's fields). */
export function outputJson(o: ModelOutput | undefined) {
  const l = o?.learned;
  return {
    outputTokensSource: o ? outputSourceName(o.source) : 'default',
    outputTokensP50: l?.p50 ?? null,
    outputTokensP90: l?.p90 ?? null,
    reasoningTokensP50: l?.reasoningP50 ?? null,
    reasoningTokensP90: l?.reasoningP90 ?? null,
    historyRuns: l?.runs ?? 0,
    /** The model whose runs of this prompt were borrowed (this one has fewer than 3); else null. */
    outputTokensBorrowedFrom: l?.borrowedFrom ?? null,
    /** A reasoning model without runs: the output may reach this many tokens; else null. */
    outputTokensUpTo: o?.upTo ?? null,
  };
}

/** What a command reports besides its table: `warnings` always (stderr), `verbose` notes only with --verbose. */
export interface CliReport {
  warnings: string[];
  verbose: string[];
}

export function cliRows(p: FilePrompt, catalog: PriceCatalog, report: CliReport): CliRow[] {
  return p.estimate.table.rows.map((r) => {
    const row: CliRow = { ...estimateRowJson(r, p.estimate), ...outputJson(p.estimate.outputs.get(r.id)) };
    const res = catalog.flujo ? catalog.resolve(r.id) : undefined;
    if (!res?.ok || !res.flujo) return row;
    const flujo = flujoRecordNote(res.flujo, r.inputTokens, r.outputTokens);
    // ($0 and PricingNotConfiguredError are already in the resolution's warning.)
    const priced = res.flujo.kind === 'configured' || res.flujo.kind === 'default';
    // Another amount is worth a warning; the same amount whose float sum differs only in the last
    // digits (0.00019664999999999998 for $0.00019665) is detail: in --json (flujoRecords) and --verbose.
    if (priced && flujo.usd !== r.totalUsd.toString()) report.warnings.push(`${row.model}: ${flujo.text}`);
    else if (priced && flujo.float !== undefined) report.verbose.push(`${row.model}: ${flujo.text}`);
    return { ...row, flujoRecords: flujo };
  });
}

/** Rows in the prompt's model order (the file's own model first). */
export function promptRows(p: FilePrompt, catalog: PriceCatalog, report: CliReport): CliRow[] {
  const order = p.estimate.models.map((m) => m.model);
  const byId = new Map(p.estimate.table.rows.map((r, i) => [r.id, i]));
  const rows = cliRows(p, catalog, report);
  return order.filter((id) => byId.has(id)).map((id) => rows[byId.get(id)!]);
}

/**
 * Warnings and unpriced models on stderr (with "did you mean" for a model id close to a known one),
 * then, with --verbose, the notes; a usage error when every explicitly requested model failed.
 */
export function reportProblems(
  io: CliIO,
  result: FileEstimate,
  report: CliReport,
  options: { explicit: boolean; verbose: boolean; catalog: PriceCatalog },
): void {
  const seen = new Set<string>();
  const say = (kind: string, w: string) => {
    if (!seen.has(w)) io.stderr(`${kind}: ${w}\n`);
    seen.add(w);
  };
  for (const w of report.warnings) say('warning', w);
  const errorText = (e: { id: string; message: string }) => e.message + didYouMeanModel(options.catalog, e.id);
  for (const p of result.prompts) {
    for (const r of p.estimate.table.rows) for (const w of r.warnings) say('warning', `${r.id}: ${w}`);
    if (options.explicit && p.estimate.table.rows.length === 0 && p.estimate.table.errors.length)
      throw new UsageError(errorText(p.estimate.table.errors[0]));
    for (const e of p.estimate.table.errors) say('warning', `${e.id}: ${errorText(e)}`);
  }
  if (options.verbose) for (const n of report.verbose) say('note', n);
}

/** ` Did you mean 'openai:gpt-4o-mini'?` for an id the catalog does not price, else ''. */
function didYouMeanModel(catalog: PriceCatalog, id: string): string {
  const close = catalog.suggestModelIds(id);
  return close.length ? ` Did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : '';
}

/** Where a prompt is and what it is priced with: the head of each prompt's JSON in `estimate` and `compare`. */
export function promptHeadJson(file: string, p: FilePrompt, requestsPerDaySource?: RequestsPerDaySource) {
  return {
    name: p.name,
    location: `${file}:${p.line}`,
    line: p.line,
    model: p.document.model ?? null,
    outputTokens: p.estimate.outputTokens,
    outputTokensSource: outputSourceName(p.estimate.outputTokensSource),
    requestsPerDay: p.estimate.table.requestsPerDay,
    ...(requestsPerDaySource ? { requestsPerDaySource } : {}),
  };
}

export function promptJson(file: string, p: FilePrompt, rows: CliRow[], requestsPerDaySource?: RequestsPerDaySource) {
  const first = p.estimate.summaries.values().next().value;
  return {
    ...promptHeadJson(file, p, requestsPerDaySource),
    messages: p.document.messages.map((m, i) => ({
      role: m.role,
      ...(m.name ? { name: m.name } : {}),
      line: m.headerLine + 1,
      contentTokens: first?.messages[i]?.contentTokens ?? 0,
      encoding: first ? summaryEncoding([...p.estimate.summaries.keys()][0]) : null,
    })),
    unfilled: p.estimate.unfilled,
    // SKILL.md: the two figures (docs/user/prompt-formats.md "Agent skills").
    ...(p.estimate.skill ? { skill: p.estimate.skill } : {}),
    notes: p.document.notes ?? [],
    estimates: rows,
    errors: p.estimate.table.errors,
  };
}

export async function runEstimate(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv, {
    valued: ['model', 'models', 'output-tokens', 'requests-per-day', 'config', 'ledger'],
    booleans: ['json', 'provider-count', 'verbose'],
    aliases: { m: 'model' },
  });
  if (positional.length !== 1) throw new UsageError('expected exactly one FILE (try --help)');
  const file = positional[0];
  const { result, settings, warnings, explicit, requestsPerDayOf } = await estimateCliFile(io, file, flags, ['model', 'models']);
  const report: CliReport = { warnings, verbose: [] };
  const rowsOf = result.prompts.map((p) => promptRows(p, settings.catalog, report));
  reportProblems(io, result, report, { explicit, verbose: flags.has('verbose'), catalog: settings.catalog });
  if (flags.has('json')) {
    const prompts = result.prompts.map((p, i) => promptJson(file, p, rowsOf[i], requestsPerDayOf(p.document).source));
    printJson(io, {
      file,
      format: result.format,
      // The file's (first) prompt; files with several prompts list each under `prompts`.
      estimates: prompts[0]?.estimates ?? [],
      outputTokens: prompts[0]?.outputTokens ?? null,
      prompts,
      notes: result.notes,
    });
    return EXIT_OK;
  }
  if (result.prompts.length === 0) {
    io.stdout(`${file}: no prompts found\n${result.notes.map((n) => `note: ${n}\n`).join('')}`);
    return EXIT_OK;
  }
  const blocks = result.prompts.map((p, i) => {
    const rows = rowsOf[i].map((e) => [
      e.model,
      `${e.approximate ? '≈' : ''}${e.inputTokens}`,
      String(e.outputTokens),
      formatUsd(e.inputUsd, e.approximate),
      formatUsd(e.outputUsd, e.approximate),
      formatUsd(e.totalUsd, e.approximate),
      e.priceSource,
    ]);
    const roles = p.document.messages.map((m) => m.role).join(', ') || 'no messages';
    const head =
      result.prompts.length > 1 || p.kind !== 'file'
        ? `${file}:${p.line} ${p.name} (${roles})`
        : `${file} (${p.document.messages.length} message${p.document.messages.length === 1 ? '' : 's'}: ${roles})`;
    const out = p.estimate.embeddingsOnly
      ? NO_OUTPUT_TOKENS
      : `${p.estimate.outputTokens} output tokens (${describeOutput(p.estimate.outputs.values().next().value ?? { tokens: p.estimate.outputTokens, source: p.estimate.outputTokensSource })})`;
    const skill = p.estimate.skill ? `${skillText(p.estimate.skill)}\n` : '';
    const notes = skill + [...(p.document.notes ?? []), ...countNotes(p), ...outputNotes(p)].map((n) => `note: ${n}\n`).join('');
    return `${head}, ${out}\n${alignTable(['model', 'input tokens', 'output tokens', 'input', 'output', 'total', 'price source'], rows, [1, 2, 3, 4, 5])}${notes}`;
  });
  io.stdout(
    blocks.join('\n') +
      result.notes
        .filter((n) => !result.prompts.some((p) => p.document.notes?.includes(n)))
        .map((n) => `note: ${n}\n`)
        .join(''),
  );
  return EXIT_OK;
}

/** Where a row's input tokens come from when not the offline tokenizer alone: a cached provider count, a calibration. */
export function countNotes(p: FilePrompt): string[] {
  return p.estimate.models.flatMap((m) =>
    m.providerCount
      ? [`${m.model}: exact input tokens, ${m.providerCount.source}`]
      : m.calibration
        ? [`${m.model}: calibrated estimate (× ${m.calibration.factor.toFixed(3)}), ${m.calibration.band}`]
        : [],
  );
}

/** Per model: the learned numbers (own or borrowed) and what a reasoning model without runs may reach. */
export function outputNotes(p: FilePrompt): string[] {
  return [...p.estimate.outputs.entries()].flatMap(([model, o]) => {
    const notes: string[] = [];
    const l = o.learned;
    if (l) {
      const figures = `p50 ${l.p50}, p90 ${l.p90} output tokens${l.reasoningP50 !== undefined ? ` (reasoning p50 ${l.reasoningP50}, p90 ${l.reasoningP90})` : ''}`;
      const from = l.borrowedFrom ? `${l.runs} runs of this prompt on ${l.borrowedFrom} (fewer than 3 of its own)` : `${l.runs} runs`;
      const unused = o.source === 'history' ? '' : ` — not used: ${OUTPUT_SOURCE[o.source]} wins`;
      notes.push(`${model}: learned from ${from}: ${figures}${unused}`);
    }
    if (o.upTo !== undefined)
      notes.push(`${model}: a reasoning model without runs of this prompt: its output (reasoning included) may reach ${o.upTo} tokens`);
    return notes;
  });
}

export const OUTPUT_SOURCE: Record<OutputTokensSource, string> = {
  option: '--output-tokens',
  history: 'learned from runs',
  file: "the prompt's max tokens",
  setting: 'default',
};

/** Plain aligned text table; `right` lists right-aligned column indexes. */
export function alignTable(head: string[], rows: string[][], right: number[] = []): string {
  const widths = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) =>
        right.includes(i) ? c.padStart(widths[i] + c.length - [...c].length) : c.padEnd(widths[i] + c.length - [...c].length),
      )
      .join('  ')
      .trimEnd();
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n') + '\n';
}
