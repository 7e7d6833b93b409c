// Learned output tokens at scale: a 100,000-run synthetic ledger (src/core/history/learned/synthetic.ts:
// log-normal answer lengths per prompt and model, drift, prompt edits, four models incl. a reasoning one)
// learned in the worker the extension uses (dist/learn-worker.js), how long the extension host's event
// loop is held meanwhile, the incremental poll after one appended run (and after a bad line), and the
// walk-forward backtest (`prompt-cost history accuracy`) on the same ledger. Writes bench/LEARNED.md.
//   Usage: node scripts/build.mjs && node bench/learned.mjs [--runs N]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const arg = process.argv.indexOf('--runs');
const RUNS = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const workerScript = path.join(root, 'dist', 'learn-worker.js');
if (!fs.existsSync(workerScript)) throw new Error('dist/learn-worker.js missing: run node scripts/build.mjs first');
const out = path.join(here, '.out');
fs.mkdirSync(out, { recursive: true });
const bundle = path.join(out, 'learned-bench.cjs');
await esbuild.build({
  stdin: {
    contents: `export { syntheticLedger } from './src/core/history/learned/synthetic';
export { backtestOutputEstimates } from './src/core/history/learned/accuracy';
export { LearnWorkerClient } from './src/core/history/learned/workerClient';`,
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: bundle,
  logLevel: 'warning',
});
const { syntheticLedger, backtestOutputEstimates, LearnWorkerClient } = createRequire(import.meta.url)(bundle);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-learned-bench-'));
const ledger = path.join(dir, '.prompt-cost', 'runs.jsonl');
fs.mkdirSync(path.dirname(ledger), { recursive: true });
const runs = syntheticLedger({ runs: RUNS });
fs.writeFileSync(ledger, runs.map((r) => JSON.stringify(r) + '\n').join(''));
const mb = (fs.statSync(ledger).size / 1048576).toFixed(1);

/** The longest the event loop was held while `work` ran (a 1 ms timer's worst lateness). */
async function hostStall(work) {
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 1);
    last = now;
  }, 1);
  const t0 = performance.now();
  const result = await work();
  const wall = performance.now() - t0;
  clearInterval(timer);
  return { result, wall, worst };
}

const client = new LearnWorkerClient(workerScript);
const first = await hostStall(() => client.poll([ledger]));
const series = first.result.ledgers[0].entries.length;
const extra = { ...runs[runs.length - 1], id: 'bench-append', time: new Date(Date.parse(runs[runs.length - 1].time) + 1000).toISOString() };
fs.appendFileSync(ledger, JSON.stringify(extra) + '\n');
const append = await hostStall(() => client.poll([ledger]));
fs.appendFileSync(ledger, '{"v":1,"type":"run","id":"broken"\n' + JSON.stringify({ ...extra, id: 'bench-after-bad' }) + '\n');
const afterBad = await hostStall(() => client.poll([ledger]));
const bad = afterBad.result.ledgers[0];
client.dispose();

const t0 = performance.now();
const report = backtestOutputEstimates(runs);
const backtestMs = performance.now() - t0;
fs.rmSync(dir, { recursive: true, force: true });

const f = (x) => x.toFixed(0);
const lines = [
  '# Learned output tokens — bench',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${os.cpus().length} cores, shared), node ${process.version}; \`node bench/learned.mjs --runs ${RUNS}\`.`,
  `Ledger: ${RUNS.toLocaleString('en-US')} synthetic runs (${mb} MB; src/core/history/learned/synthetic.ts), ${series} prompt × model series.`,
  '',
  '| step | wall | in the worker | host event loop held at most |',
  '|---|---:|---:|---:|',
  `| first learn (whole ledger) | ${f(first.wall)} ms | ${f(first.result.ledgers[0].ms)} ms | ${f(first.worst)} ms |`,
  `| one run appended (reads only the new line) | ${f(append.wall)} ms | ${f(append.result.ledgers[0].ms)} ms | ${f(append.worst)} ms |`,
  `| a bad line + a run appended | ${f(afterBad.wall)} ms | ${f(bad.ms)} ms | ${f(afterBad.worst)} ms |`,
  '',
  `After the bad line: ${bad.corruptLines} line skipped, learning went on (changed: ${bad.changed}).`,
  '',
  `Walk-forward backtest (\`prompt-cost history accuracy\`, in process): ${f(backtestMs)} ms.`,
  '',
  '| model | runs evaluated | p50 median abs % error | p90 coverage | without history: error |',
  '|---|---:|---:|---:|---:|',
  `| all | ${report.runsEvaluated} | ${report.p50MedianAbsPctError} % | ${report.p90Coverage} % | ${report.baselineMedianAbsPctError} % |`,
  ...Object.entries(report.byModel).map(
    ([m, r]) => `| ${m} | ${r.runsEvaluated} | ${r.p50MedianAbsPctError} % | ${r.p90Coverage} % | ${r.baselineMedianAbsPctError} % |`,
  ),
  '',
];
fs.writeFileSync(path.join(here, 'LEARNED.md'), lines.join('\n'));
console.log(lines.join('\n'));
