// Regenerates the example workspace's run history (committed, so a fresh clone shows it at once):
//   examples/.prompt-cost/runs.jsonl  runs "recorded by the extension" (ok, failed, cancelled, approximate)
//   examples/.flujo/state.db          a small Flujo state database (flujo/state/backends/sqlite_core.py schema)
// Costs are exact: usage × the per-1K prices of examples/flujo.toml, in integer arithmetic. The database is
// written by sql.js (SQLite in WebAssembly, already a dependency), so no native module is needed.
// The nightly report run costs 84 % of its $10 budget: the Budgets view shows a budget near its limit.
// Usage: node scripts/example-data.mjs
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const examples = path.join(root, 'examples');

// USD per 1K tokens from examples/flujo.toml, as exact decimal text.
const PRICES = {
  'openai:gpt-4o': ['0.0025', '0.01'],
  'openai:gpt-4o-mini': ['0.00015', '0.0006'],
  'openai:gpt-4.1': ['0.002', '0.008'],
  'anthropic:claude-3-5-sonnet-20241022': ['0.003', '0.015'],
};
const SCALE = 12; // 10^-12 USD units: every per-token price here is a whole number of them

function units(decimal) {
  const [i, f = ''] = decimal.split('.');
  return BigInt(i + f.padEnd(SCALE, '0').slice(0, SCALE));
}
function decimalText(n) {
  const s = n.toString().padStart(SCALE + 1, '0');
  const frac = s.slice(-SCALE).replace(/0+$/, '');
  return `${s.slice(0, -SCALE)}${frac ? `.${frac}` : ''}`;
}
/** Exact cost of `input` and `output` tokens at the flujo.toml price of `model`. */
function cost(model, input, output) {
  const [pin, pout] = PRICES[model].map(units);
  return decimalText((pin * BigInt(input) + pout * BigInt(output)) / 1000n);
}

const usage = (inputTokens, outputTokens) => ({
  inputTokens,
  cachedInputTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  outputTokens,
});

/** A run recorded by the extension: the estimate at send time, then what the provider reported. */
function editorRun(id, time, model, promptFile, est, used, latencyMs, extra = {}) {
  const [provider, name] = model.split(':');
  const r = {
    v: 1,
    type: 'run',
    id,
    time,
    source: 'vscode',
    status: 'ok',
    provider,
    model: name,
    promptFile,
    estimate: {
      inputTokens: est[0],
      outputTokens: est[1],
      costUsd: cost(model, est[0], est[1]),
      ...(provider === 'anthropic' ? { approximate: true } : {}),
      priceSource: 'flujo.toml',
      outputTokensSource: est[1] === 500 ? 'setting' : 'file',
    },
    latencyMs,
  };
  if (used) Object.assign(r, { usage: usage(used[0], used[1]), costUsd: cost(model, used[0], used[1]) });
  return { ...r, ...extra };
}

const ledger = [
  editorRun('ex-01', '2026-11-25T09:12:07.000Z', 'openai:gpt-4o-mini', 'prompts/support-triage.prompt.md', [128, 300], [131, 86], 1840),
  editorRun('ex-02', '2026-11-25T10:47:31.000Z', 'openai:gpt-4.1', 'prompts/release-notes.prompty', [173, 800], [181, 612], 6310),
  editorRun(
    'ex-03',
    '2026-11-26T11:30:02.000Z',
    'anthropic:claude-3-5-sonnet-20241022',
    'prompts/support-triage.prompt.md',
    [150, 300],
    [163, 97],
    2970,
  ),
  editorRun('ex-04', '2026-11-26T11:34:40.000Z', 'openai:gpt-4o', 'prompts/summarize.txt', [62, 500], undefined, 412, {
    status: 'error',
    error: { kind: 'rate_limit', message: 'Rate limit reached for gpt-4o (HTTP 429); retry after 20 s', status: 429 },
  }),
  editorRun('ex-05', '2026-11-26T16:05:13.000Z', 'openai:gpt-4o', 'prompts/summarize.txt', [62, 500], [2180, 190], 4120),
  editorRun('ex-06', '2026-11-27T08:20:55.000Z', 'openai:gpt-4o-mini', 'prompts/summarize.txt', [62, 500], undefined, 2200, {
    status: 'cancelled',
    error: { kind: 'cancelled', message: 'The run was cancelled.' },
  }),
  editorRun('ex-07', '2026-11-27T09:02:48.000Z', 'openai:gpt-4o-mini', 'prompts/support-triage.prompt.md', [128, 300], [140, 112], 1510),
  // More triage runs: with 3 or more on a model the estimate uses what the answers really were
  // (learned output tokens, docs/user/learned-output.md) instead of the file's max_tokens of 300.
  editorRun('ex-08', '2026-11-27T10:15:09.000Z', 'openai:gpt-4o-mini', 'prompts/support-triage.prompt.md', [128, 300], [152, 94], 1390),
  editorRun('ex-09', '2026-11-28T08:41:30.000Z', 'openai:gpt-4o-mini', 'prompts/support-triage.prompt.md', [128, 300], [137, 79], 1270),
  editorRun('ex-10', '2026-11-28T09:03:12.000Z', 'openai:gpt-4o', 'prompts/support-triage.prompt.md', [128, 300], [133, 91], 2050),
  editorRun('ex-11', '2026-11-28T14:26:44.000Z', 'openai:gpt-4o-mini', 'prompts/support-triage.prompt.md', [128, 300], [161, 131], 1620),
  editorRun('ex-12', '2026-11-29T09:12:57.000Z', 'openai:gpt-4o-mini', 'prompts/support-triage.prompt.md', [128, 300], [129, 88], 1180),
];

// Flujo runs: [run id, pipeline, status, created (Flujo's "YYYY-MM-DD HH:MM:SS" UTC), ms, steps [name, model, in, out, latency s, ok]].
const flujoRuns = [
  [
    'run-7f3a',
    'support-email',
    'completed',
    '2026-11-27 08:02:11',
    14_200,
    [
      ['classify', 'openai:gpt-4o-mini', 1310, 42, 2.1, true],
      ['draft_reply', 'openai:gpt-4o', 92_000, 4_500, 11.7, true],
    ],
  ],
  [
    'run-51c9',
    'nightly-report',
    'completed',
    '2026-11-26 02:00:04',
    1_896_400,
    [
      ['collect', 'openai:gpt-4o-mini', 610_000, 41_000, 220.4, true],
      ['summarize', 'openai:gpt-4.1', 3_150_000, 118_000, 1261.2, true],
      ['publish', 'openai:gpt-4o', 290_000, 14_500, 414.8, true],
    ],
  ],
  [
    'run-0d22',
    'support-chat',
    'failed',
    '2026-11-26 14:41:37',
    3_900,
    [
      ['classify', 'openai:gpt-4o-mini', 1_020, 38, 1.6, true],
      ['answer', 'openai:gpt-4o', 12_400, 0, 2.3, false],
    ],
  ],
  [
    'run-a91e',
    'research-agent',
    'completed',
    '2026-11-25 15:18:50',
    48_700,
    [
      ['search', 'openai:gpt-4o-mini', 18_000, 2_400, 9.9, true],
      ['synthesize', 'anthropic:claude-3-5-sonnet-20241022', 36_000, 5_200, 38.8, true],
    ],
  ],
];

// The schema of flujo/state/backends/sqlite_core.py (the same as test/support/flujoFixture.ts).
const SCHEMA = `
CREATE TABLE workflow_state (
  run_id TEXT PRIMARY KEY, pipeline_id TEXT NOT NULL, pipeline_name TEXT NOT NULL, pipeline_version TEXT NOT NULL,
  current_step_index INTEGER NOT NULL, pipeline_context TEXT, last_step_output TEXT, step_history TEXT,
  status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, total_steps INTEGER DEFAULT 0,
  error_message TEXT, execution_time_ms INTEGER, memory_usage_mb REAL, metadata TEXT,
  is_background_task INTEGER DEFAULT 0, parent_run_id TEXT, task_id TEXT, background_error TEXT);
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY, pipeline_id TEXT NOT NULL, pipeline_name TEXT NOT NULL, pipeline_version TEXT NOT NULL,
  status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, execution_time_ms INTEGER,
  memory_usage_mb REAL, total_steps INTEGER DEFAULT 0, error_message TEXT);
CREATE TABLE steps (
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, step_name TEXT NOT NULL, step_index INTEGER NOT NULL,
  status TEXT NOT NULL, output TEXT, raw_response TEXT, cost_usd REAL, token_counts INTEGER,
  execution_time_ms INTEGER, created_at TEXT NOT NULL, FOREIGN KEY (run_id) REFERENCES runs(run_id) ON DELETE CASCADE);
CREATE INDEX idx_steps_run_id ON steps(run_id);
`;

async function writeFlujoDb(file) {
  const require = createRequire(import.meta.url);
  const initSqlJs = require('sql.js');
  const SQL = await initSqlJs({ wasmBinary: fs.readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm')) });
  const db = new SQL.Database();
  db.run(SCHEMA);
  for (const [id, pipeline, status, created, ms, steps] of flujoRuns) {
    // Flujo stores cost_usd as a float: the exact decimal text parses to the nearest double, which we read back exactly.
    const history = steps.map(([name, model, input, output, latency, success]) => ({
      name,
      output: success ? '…' : null,
      success,
      attempts: 1,
      latency_s: latency,
      token_counts: input + output,
      cost_usd: Number(cost(model, input, output)),
      feedback: success ? null : 'openai.APITimeoutError: Request timed out.',
      metadata_: { model },
    }));
    db.run('INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,NULL,?,?)', [
      id,
      `pid-${pipeline}`,
      pipeline,
      '1.0',
      status,
      created,
      created,
      ms,
      steps.length,
      status === 'failed' ? 'Step answer failed: Request timed out.' : null,
    ]);
    db.run(
      'INSERT INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at, total_steps, execution_time_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
      [id, `pid-${pipeline}`, pipeline, '1.0', steps.length, JSON.stringify(history), status, created, created, steps.length, ms],
    );
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.from(db.export()));
  db.close();
}

const ledgerFile = path.join(examples, '.prompt-cost', 'runs.jsonl');
fs.mkdirSync(path.dirname(ledgerFile), { recursive: true });
fs.writeFileSync(ledgerFile, ledger.map((r) => JSON.stringify(r) + '\n').join(''));
await writeFlujoDb(path.join(examples, '.flujo', 'state.db'));
console.log(
  `wrote ${path.relative(root, ledgerFile)} (${ledger.length} runs) and examples/.flujo/state.db (${flujoRuns.length} Flujo runs)`,
);
for (const [id, pipeline, , , , steps] of flujoRuns) {
  const total = steps.reduce((s, [, model, i, o]) => s + units(cost(model, i, o)), 0n);
  console.log(`  ${id} ${pipeline}: $${decimalText(total)}`);
}
