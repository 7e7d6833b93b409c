// `prompt-cost compare FILE [--models ID,...] [--output-tokens N] [--requests-per-day N] [--json]`:
// the comparison-panel table, same numbers, sorted by total cost.
import { CliIO, EXIT_OK, UsageError, printJson } from './io';
import { formatUsd } from '../core/format';
import { alignTable, loadCliCatalog, nonNegativeInt, nonNegativeNumber, parseArgs, readInput, splitList } from './estimate';
import {
  DEFAULT_COMPARE_MODELS,
  DEFAULT_OUTPUT_TOKENS,
  DEFAULT_REQUESTS_PER_DAY,
  buildComparisonTable,
  rowToJson,
} from '../core/pricing/compare';
import * as path from 'node:path';
import { promptFileTokens } from '../core/estimate';

export async function runCompare(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv, ['models', 'model', 'output-tokens', 'requests-per-day', 'config'], ['json']);
  if (positional.length !== 1)
    throw new UsageError(
      'expected exactly one FILE (usage: compare FILE [--models ID,...] [--output-tokens N] [--requests-per-day N] [--json])',
    );
  const file = positional[0];
  const requestsPerDay = nonNegativeNumber(flags, 'requests-per-day', DEFAULT_REQUESTS_PER_DAY);
  const config = flags.get('config');
  const text = await readInput(file, io);
  // The same numbers as the comparison panel: messages with chat overhead, the file's max_tokens as output.
  const prompt = promptFileTokens(text, path.basename(file === '-' ? 'stdin.txt' : file));
  const outputTokens = nonNegativeInt(flags, 'output-tokens', prompt.maxTokens ?? DEFAULT_OUTPUT_TOKENS);
  const { catalog, warnings } = loadCliCatalog(io, typeof config === 'string' ? config : undefined);
  const modelsFlag = flags.get('models') ?? flags.get('model');
  let models: string[];
  if (typeof modelsFlag === 'string') {
    models = splitList(modelsFlag);
    if (!models.length) throw new UsageError('--models needs at least one model id');
  } else {
    // Configured models first (flujo.toml), then the defaults.
    const configured = [...(catalog.flujo?.providers ?? new Map())].flatMap(([p, ms]) => [...ms.keys()].map((m) => `${p}:${m}`));
    models = [...new Set([...configured, ...DEFAULT_COMPARE_MODELS])];
  }
  const table = buildComparisonTable({ models, tokens: prompt.tokens, outputTokens, requestsPerDay, catalog });
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
  for (const r of table.rows) for (const w of r.warnings) io.stderr(`warning: ${r.id}: ${w}\n`);
  for (const e of table.errors) io.stderr(`error: ${e.id}: ${e.message}\n`);
  if (typeof modelsFlag === 'string' && table.errors.length === models.length) throw new UsageError(table.errors[0].message);
  if (flags.has('json')) {
    printJson(io, {
      file,
      outputTokens,
      requestsPerDay,
      rows: table.rows.map(rowToJson),
      errors: table.errors,
    });
    return EXIT_OK;
  }
  const rows = table.rows.map((r) => {
    const j = rowToJson(r);
    return [
      j.provider,
      j.model,
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
    ];
  });
  io.stdout(
    `${file}: ${outputTokens.toLocaleString('en-US')} output tokens, ${requestsPerDay.toLocaleString('en-US')} requests/day\n` +
      alignTable(
        [
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
        ],
        rows,
        [3, 4, 5, 6, 7, 8, 9, 10, 11],
      ),
  );
  return EXIT_OK;
}
