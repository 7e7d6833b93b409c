// `prompt-cost compare FILE [--models ID,...] [--output-tokens N] [--requests-per-day N] [--config PATH] [--json]`:
// the comparison-panel table (same models, same numbers), sorted by total cost; one table per prompt.
import { CliIO, EXIT_OK, UsageError, printJson } from './io';
import { parseArgs } from './args';
import { OUTPUT_SOURCE, alignTable, cliRows, countNotes, estimateCliFile, promptHeadJson, reportProblems } from './estimate';
import { formatUsd } from '../core/format';
import type { FilePrompt } from '../core/estimate';

const HEAD = [
  'provider',
  'model',
  'encoding',
  'input tokens',
  'input',
  'output',
  'cached input',
  'batch',
  'total',
  'per 1K requests',
  'monthly',
  'context',
  'price',
];

export async function runCompare(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv, {
    valued: ['models', 'model', 'output-tokens', 'ledger', 'requests-per-day', 'config'],
    booleans: ['json'],
    aliases: { m: 'models' },
  });
  if (positional.length !== 1) throw new UsageError('expected exactly one FILE (try --help)');
  const file = positional[0];
  const { result, settings, warnings, explicit } = await estimateCliFile(io, file, flags, ['models', 'model']);
  const rowsOf = result.prompts.map((p: FilePrompt) => cliRows(p, settings.catalog, warnings));
  reportProblems(io, result, warnings, explicit);
  const requestsPerDay = settings.requestsPerDay;
  if (flags.has('json')) {
    const prompts = result.prompts.map((p, i) => ({
      ...promptHeadJson(file, p),
      rows: rowsOf[i],
      errors: p.estimate.table.errors,
    }));
    printJson(io, {
      file,
      format: result.format,
      outputTokens: prompts[0]?.outputTokens ?? null,
      requestsPerDay,
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
  const blocks = result.prompts.map((p, i) => {
    const rows = rowsOf[i].map((j) => [
      j.provider,
      j.model.startsWith(`${j.provider}:`) ? j.model.slice(j.provider.length + 1) : j.model,
      `${j.approximate ? '≈ ' : ''}${j.encoding}`,
      String(j.inputTokens),
      formatUsd(j.inputUsd, j.approximate),
      formatUsd(j.outputUsd, j.approximate),
      j.cachedInputUsd === null ? '–' : formatUsd(j.cachedInputUsd, j.approximate),
      j.batchUsd === null ? '–' : formatUsd(j.batchUsd, j.approximate),
      formatUsd(j.totalUsd, j.approximate),
      formatUsd(j.per1kRequestsUsd, j.approximate),
      formatUsd(j.monthlyUsd, j.approximate),
      j.contextUsedPct === null ? '–' : `${j.contextUsedPct}%`,
      `${j.priceSource}${j.priceDate ? ` ${j.priceDate}` : ''}`,
    ]);
    const where = result.prompts.length > 1 || p.kind !== 'file' ? `${file}:${p.line} ${p.name}` : file;
    return (
      `${where}: ${p.estimate.outputTokens.toLocaleString('en-US')} output tokens (${OUTPUT_SOURCE[p.estimate.outputTokensSource]}), ${requestsPerDay.toLocaleString('en-US')} requests/day\n` +
      alignTable(HEAD, rows, [3, 4, 5, 6, 7, 8, 9, 10, 11]) +
      countNotes(p)
        .map((n) => `note: ${n}\n`)
        .join('')
    );
  });
  io.stdout(blocks.join('\n'));
  return EXIT_OK;
}
