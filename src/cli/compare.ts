// `prompt-cost compare FILE [--models ID,...] [--output-tokens N] [--requests-per-day N] [--config PATH] [--all-columns] [--json]`:
// the comparison-panel table (same models, same numbers), sorted by total cost; one table per prompt,
// fitted to the terminal's width as the panel fits its own.
import { CliIO, EXIT_OK, UsageError, printJson } from './io';
import { parseArgs } from './args';
import {
  CliReport,
  CliRow,
  OUTPUT_SOURCE,
  alignTable,
  cliRows,
  countNotes,
  estimateCliFile,
  promptHeadJson,
  reportProblems,
} from './estimate';
import { formatUsd } from '../core/format';
import { COMPARE_HIDE_ORDER } from '../core/compareColumns';
import { NO_OUTPUT_TOKENS, type FilePrompt } from '../core/estimate';
import { maxOf } from '../core/arrays';

/** One column of the text table: its title, the row's JSON key (the panel's column key), how a row shows in it. */
interface Column {
  key: string;
  title: string;
  right?: boolean;
  cell: (row: CliRow, providerShown: boolean) => string;
}

const approx = (row: CliRow) => (row.approximate ? '≈' : '');
const COLUMNS: Column[] = [
  { key: 'provider', title: 'provider', cell: (j) => j.provider },
  {
    key: 'model',
    title: 'model',
    // Without the provider column the model carries its provider, as --models takes it.
    cell: (j, providerShown) => (providerShown && j.model.startsWith(`${j.provider}:`) ? j.model.slice(j.provider.length + 1) : j.model),
  },
  { key: 'encoding', title: 'encoding', cell: (j) => `${j.approximate ? '≈ ' : ''}${j.encoding}` },
  { key: 'inputTokens', title: 'input tokens', right: true, cell: (j) => `${approx(j)}${j.inputTokens}` },
  { key: 'inputUsd', title: 'input', right: true, cell: (j) => formatUsd(j.inputUsd, j.approximate) },
  { key: 'outputUsd', title: 'output', right: true, cell: (j) => formatUsd(j.outputUsd, j.approximate) },
  {
    key: 'cachedInputUsd',
    title: 'cached input',
    right: true,
    cell: (j) => (j.cachedInputUsd === null ? '–' : formatUsd(j.cachedInputUsd, j.approximate)),
  },
  { key: 'batchUsd', title: 'batch', right: true, cell: (j) => (j.batchUsd === null ? '–' : formatUsd(j.batchUsd, j.approximate)) },
  { key: 'totalUsd', title: 'total', right: true, cell: (j) => formatUsd(j.totalUsd, j.approximate) },
  { key: 'per1kRequestsUsd', title: 'per 1K requests', right: true, cell: (j) => formatUsd(j.per1kRequestsUsd, j.approximate) },
  { key: 'monthlyUsd', title: 'monthly', right: true, cell: (j) => formatUsd(j.monthlyUsd, j.approximate) },
  { key: 'contextUsedPct', title: 'context', right: true, cell: (j) => (j.contextUsedPct === null ? '–' : `${j.contextUsedPct}%`) },
  { key: 'priceSource', title: 'price', cell: (j) => `${j.priceSource}${j.priceDate ? ` ${j.priceDate}` : ''}` },
];

const RPD_SOURCE = {
  option: '--requests-per-day',
  file: 'front matter',
  rule: 'prompt-cost.json rule',
  setting: 'prompt-cost.json',
  default: 'default',
} as const;
/**
 * The table within `width` characters: columns give way one at a time in the panel's order
 * (COMPARE_HIDE_ORDER) until it fits; model, total and monthly always stay. Returns the hidden titles.
 */
export function fitCompareTable(rows: readonly CliRow[], width: number | undefined): { text: string; hidden: string[] } {
  const hidden = new Set<string>();
  const render = () => {
    const cols = COLUMNS.filter((c) => !hidden.has(c.key));
    const providerShown = !hidden.has('provider');
    return alignTable(
      cols.map((c) => c.title),
      rows.map((r) => cols.map((c) => c.cell(r, providerShown))),
      cols.flatMap((c, i) => (c.right ? [i] : [])),
    );
  };
  const widest = (text: string) => maxOf(text.split('\n').map((l) => [...l].length));
  let text = render();
  for (const key of COMPARE_HIDE_ORDER) {
    if (width === undefined || widest(text) <= width) break;
    hidden.add(key);
    text = render();
  }
  return { text, hidden: COLUMNS.filter((c) => hidden.has(c.key)).map((c) => c.title) };
}

export async function runCompare(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv, {
    valued: ['models', 'model', 'output-tokens', 'ledger', 'requests-per-day', 'config'],
    booleans: ['json', 'verbose', 'all-columns'],
    aliases: { m: 'models' },
  });
  if (positional.length !== 1) throw new UsageError('expected exactly one FILE (try --help)');
  const file = positional[0];
  const { result, settings, warnings, explicit, requestsPerDayOf } = await estimateCliFile(io, file, flags, ['models', 'model']);
  const report: CliReport = { warnings, verbose: [] };
  const rowsOf = result.prompts.map((p: FilePrompt) => cliRows(p, settings.catalog, report));
  reportProblems(io, result, report, { explicit, verbose: flags.has('verbose'), catalog: settings.catalog });
  const first = result.prompts[0];
  const requestsPerDay = first ? first.estimate.table.requestsPerDay : settings.requestsPerDay;
  if (flags.has('json')) {
    const prompts = result.prompts.map((p, i) => ({
      ...promptHeadJson(file, p, requestsPerDayOf(p.document).source),
      rows: rowsOf[i],
      errors: p.estimate.table.errors,
    }));
    printJson(io, {
      file,
      format: result.format,
      outputTokens: prompts[0]?.outputTokens ?? null,
      requestsPerDay,
      requestsPerDaySource: first ? requestsPerDayOf(first.document).source : null,
      rows: prompts[0]?.rows ?? [],
      errors: prompts[0]?.errors ?? [],
      prompts,
      notes: result.notes,
    });
    return EXIT_OK;
  }
  if (result.prompts.length === 0) {
    io.stdout(`${file}: no prompts found\n`);
    return EXIT_OK;
  }
  const width = flags.has('all-columns') ? undefined : io.columns;
  const blocks = result.prompts.map((p, i) => {
    const table = fitCompareTable(rowsOf[i], width);
    const where = result.prompts.length > 1 || p.kind !== 'file' ? `${file}:${p.line} ${p.name}` : file;
    const hiddenNote = table.hidden.length
      ? wrapText(
          `${table.hidden.length} column${table.hidden.length === 1 ? '' : 's'} hidden to fit ${width} columns (${table.hidden.join(', ')}): --all-columns shows them`,
          width,
        )
      : '';
    return (
      `${where}: ${p.estimate.embeddingsOnly ? NO_OUTPUT_TOKENS : `${p.estimate.outputTokens.toLocaleString('en-US')} output tokens (${OUTPUT_SOURCE[p.estimate.outputTokensSource]})`}, ${p.estimate.table.requestsPerDay.toLocaleString('en-US')} requests/day (${RPD_SOURCE[requestsPerDayOf(p.document).source]})\n` +
      table.text +
      hiddenNote +
      countNotes(p)
        .map((n) => `note: ${n}\n`)
        .join('')
    );
  });
  io.stdout(blocks.join('\n'));
  return EXIT_OK;
}

/** Words wrapped into lines of at most `width` characters (a longer word gets a line of its own). */
export function wrapText(text: string, width = Infinity): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && [...line].length + 1 + [...word].length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join('\n') + '\n';
}
