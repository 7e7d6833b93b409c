// `prompt-cost history accuracy [--ledger PATH] [--json]`: how well the learned output estimate would
// have predicted each run, from earlier runs only (core/history/learned/accuracy.ts), next to the
// estimate shown without history. JSON: runsEvaluated, p50MedianAbsPctError, p90Coverage,
// baselineMedianAbsPctError, byModel (the same four per model), runsWithUsage, runsWarmingUp.
import { CliIO, EXIT_OK, UsageError, printJson } from './io';
import { parseArgs } from './args';
import { defaultLedgerPath, loadLedger, warnSkipped } from './history';
import { alignTable } from './estimate';
import { AccuracyFigures, backtestOutputEstimates } from '../core/history/learned/accuracy';
import { MIN_RUNS } from '../core/history/learned/stats';

const pct = (x: number | null) => (x === null ? '—' : `${x} %`);

function row(name: string, f: AccuracyFigures): string[] {
  return [name, String(f.runsEvaluated), pct(f.p50MedianAbsPctError), pct(f.p90Coverage), pct(f.baselineMedianAbsPctError)];
}

export async function runHistoryAccuracy(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv, { valued: ['ledger'], booleans: ['json'] });
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const file = defaultLedgerPath(io, flags.get('ledger') as string | undefined);
  const ledger = await loadLedger(file);
  const warnings = warnSkipped(io, file, ledger);
  const report = backtestOutputEstimates(ledger.runs);
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
  const rows = [row('all models', report), ...Object.entries(report.byModel).map(([m, f]) => row(m, f))];
  io.stdout(
    `${file}: each run against the estimate learned from the runs before it (${report.runsWarmingUp} run(s) without ${MIN_RUNS} earlier ones not evaluated)\n` +
      alignTable(['model', 'runs', 'p50 error (median)', 'p90 coverage', 'without history: error'], rows, [1, 2, 3, 4]) +
      'p50 error: median |estimate − actual| / actual of the typical (p50) estimate; p90 coverage: share of runs at or under the budget (p90) estimate;\n' +
      "without history: the output tokens shown before learning (the prompt's max tokens, else the setting, else 500).\n",
  );
  return EXIT_OK;
}
