// `prompt-cost history accuracy [--ledger PATH] [--json]`: how well the learned output estimate would
// have predicted each run, from earlier runs only (core/history/learned/accuracy.ts), next to the
// estimate shown without history. JSON: runsEvaluated, p50MedianAbsPctError, p90Coverage,
// baselineMedianAbsPctError, runsWithCost, p50CostMedianAbsPctError, baselineCostMedianAbsPctError, byModel
// (the same per model), runsWithUsage, runsWarmingUp. Output prices come from the CLI's catalog (flujo.toml
// over the bundled genai-prices), as `estimate` prices.
import { CliIO, EXIT_OK, UsageError, printJson } from './io';
import { parseArgs } from './args';
import { defaultLedgerPath, loadLedger, warnSkipped } from './history';
import { alignTable } from './estimate';
import { AccuracyFigures, OutputPrice, backtestOutputEstimates } from '../core/history/learned/accuracy';
import { loadCliCatalog } from './estimate';
import { PriceCatalog, rateAt } from '../core/pricing/catalog';
import { MIN_RUNS } from '../core/history/learned/stats';

const pct = (x: number | null) => (x === null ? '—' : `${x} %`);

function row(name: string, f: AccuracyFigures, money: boolean): string[] {
  const r = [name, String(f.runsEvaluated), pct(f.p50MedianAbsPctError), pct(f.p90Coverage), pct(f.baselineMedianAbsPctError)];
  if (money) r.push(pct(f.p50CostMedianAbsPctError ?? null), pct(f.baselineCostMedianAbsPctError ?? null));
  return r;
}

/** USD per output token from the catalog, resolved once per model (a ledger names few models many times). */
function outputPrices(catalog: PriceCatalog): OutputPrice {
  const rates = new Map<string, ReturnType<PriceCatalog['resolve']>>();
  return (model, inputTokens) => {
    let res = rates.get(model);
    if (!res) rates.set(model, (res = catalog.resolve(model)));
    if (!res.ok || !res.price.output) return undefined;
    return rateAt(res.price.output, inputTokens).toNumber() / 1e6;
  };
}

export async function runHistoryAccuracy(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv, { valued: ['ledger', 'config'], booleans: ['json'] });
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const file = defaultLedgerPath(io, flags.get('ledger') as string | undefined);
  const ledger = await loadLedger(file);
  const warnings = warnSkipped(io, file, ledger);
  const { catalog } = loadCliCatalog(io, flags.get('config') as string | undefined);
  const report = backtestOutputEstimates(ledger.runs, outputPrices(catalog));
  if (flags.has('json')) {
    printJson(io, { ledger: file, ...report, warnings });
    return EXIT_OK;
  }
  if (!report.runsEvaluated) {
    io.stdout(
      `${file}: ${report.runsWithUsage} run(s) with usage; none has ${MIN_RUNS} earlier runs of the same prompt on the same model yet, so nothing to evaluate\n`,
    );
    return EXIT_OK;
  }
  const money = (report.runsWithCost ?? 0) > 0;
  const rows = [row('all models', report, money), ...Object.entries(report.byModel).map(([m, f]) => row(m, f, money))];
  const head = ['model', 'runs', 'p50 error (median)', 'p90 coverage', 'without history: error'];
  if (money) head.push('p50 cost error', 'without history: cost error');
  io.stdout(
    `${file}: each run against the estimate learned from the runs before it (${report.runsWarmingUp} run(s) without ${MIN_RUNS} earlier ones not evaluated)\n` +
      alignTable(head, rows, money ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 4]) +
      'p50 error: median |estimate − actual| / actual of the typical (p50) estimate; p90 coverage: share of runs at or under the budget (p90) estimate;\n' +
      "without history: the output tokens shown before learning (the prompt's max tokens, else the setting, else 500).\n" +
      (money
        ? `cost error: what the output-token error costs, as a share of the run's actual cost (${report.runsWithCost} run(s) with a cost and an output price).\n`
        : ''),
  );
  return EXIT_OK;
}
