// Token-engine benchmark: ours vs js-tiktoken, gpt-tokenizer and tiktoken (WASM) on the same
// inputs in one run. Prints a ratio table (ours ÷ peer; < 1 means ours is faster/smaller) and
// writes bench/RESULTS.md.   Usage: node scripts/build.mjs && node bench/run.mjs [--quick]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.join(here, '.out');
const quick = process.argv.includes('--quick');
const COLD_RUNS = quick ? 3 : 5;
const PEER_TIMEOUT_MS = quick ? 5_000 : 10_000;
const PEERS = ['js-tiktoken', 'gpt-tokenizer', 'tiktoken'];
const LIBS = ['ours', ...PEERS];
const MB = 1_000_000;
fs.mkdirSync(path.join(out, 'inputs'), { recursive: true });

// ---------- builds ----------
if (!fs.existsSync(path.join(root, 'dist', 'encodings', 'o200k_base.bin'))) {
  const { buildEncodings } = await import(path.join(root, 'scripts', 'encodings.mjs'));
  await buildEncodings(path.join(root, 'dist', 'encodings'));
}
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', absWorkingDir: root, logLevel: 'warning' };
await esbuild.build({ ...common, entryPoints: ['src/core/tokenize/index.ts'], outfile: path.join(out, 'core.cjs') });
let cli = path.join(root, 'dist', 'cli.js');
let cliArgs = ['count'];
const cliWorks = fs.existsSync(cli) && spawnSync(process.execPath, [cli, 'count', '--help'], { encoding: 'utf8' }).status === 0;
if (!cliWorks) {
  // dist/cli.js is not built (or broken): bundle the count command on its own.
  console.error(`note: ${cli} missing or not runnable; benchmarking a bundle of src/cli/count.ts instead`);
  cli = path.join(out, 'count-cli.cjs');
  cliArgs = [];
  await esbuild.build({
    ...common,
    stdin: {
      contents:
        "import { runCount } from './src/cli/count'; import { processIO } from './src/cli/io'; runCount(process.argv.slice(2), processIO()).then((c) => { process.exitCode = c; });",
      resolveDir: root,
      loader: 'ts',
    },
    outfile: cli,
  });
}
let workerScript = path.join(root, 'dist', 'tokenize-worker.js');
if (!fs.existsSync(workerScript)) {
  workerScript = path.join(out, 'tokenize-worker.cjs');
  await esbuild.build({ ...common, entryPoints: ['src/core/tokenize/worker.ts'], outfile: workerScript });
}
const require = createRequire(import.meta.url);
const version = (name) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
const core = require(path.join(out, 'core.cjs'));
core.setEncodingDataDir(path.join(root, 'dist', 'encodings'));

// ---------- inputs ----------
let seed = 0x9e3779b9;
const rand = () => (seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296;
const randomBytes = (n) => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (rand() * 256) | 0;
  return b;
};

function corpus() {
  // Non-repetitive real text: READMEs of the installed packages (English prose, code, tables), then TypeScript's lib.
  const files = [];
  for (const d of fs.readdirSync(path.join(root, 'node_modules')).sort()) {
    const dirs = d.startsWith('@')
      ? fs
          .readdirSync(path.join(root, 'node_modules', d))
          .sort()
          .map((x) => path.join(d, x))
      : [d];
    for (const x of dirs) {
      const f = path.join(root, 'node_modules', x, 'README.md');
      if (fs.existsSync(f)) files.push(f);
    }
  }
  files.push(path.join(root, 'node_modules', 'typescript', 'lib', 'lib.dom.d.ts'));
  let text = '';
  const seen = new Set();
  for (const f of files) {
    const t = fs.readFileSync(f, 'utf8');
    if (seen.has(t)) continue;
    seen.add(t);
    text += t + '\n\n';
    if (text.length >= MB) break;
  }
  return text.slice(0, MB);
}
function minifiedJson() {
  const words = ['id', 'name', 'value', 'tags', 'créé', 'données', 'ключ', '名前', 'emoji🙂', 'url', 'score'];
  const items = [];
  let len = 0;
  while (len < MB) {
    const o = {};
    for (let k = 0; k < 6; k++)
      o[words[(rand() * words.length) | 0] + ((rand() * 100) | 0)] = rand() < 0.5 ? rand() * 1e6 : randomBytes(6).toString('base64');
    const s = JSON.stringify(o);
    items.push(s);
    len += s.length + 1;
  }
  return ('[' + items.join(',') + ']').slice(0, MB);
}
const inputs = {
  'corpus 1 MB': corpus(),
  "giant piece 'a'×1M": 'a'.repeat(MB),
  'base64 blob': randomBytes(MB).toString('base64').slice(0, MB),
  'minified JSON line': minifiedJson(),
  'random bytes as UTF-8': randomBytes(MB).toString('utf8'),
  '1 MB spaces': ' '.repeat(MB),
  '1 MB mixed whitespace': Array.from({ length: MB }, () => ' \t\n\u3000\u00a0\r\n'[(rand() * 7) | 0])
    .join('')
    .slice(0, MB),
};
const inputFile = {};
for (const [name, text] of Object.entries(inputs)) {
  const f = path.join(out, 'inputs', name.replace(/[^a-z0-9]+/gi, '-') + '.txt');
  fs.writeFileSync(f, text);
  inputFile[name] = f;
}

// ---------- helpers ----------
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))];
function peer(lib, encoding, file, repeat = 1, timeout = PEER_TIMEOUT_MS) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(here, 'peer.cjs'), lib, encoding, file, String(repeat)], {
    cwd: root,
    encoding: 'utf8',
    timeout,
    maxBuffer: 1 << 20,
  });
  const wallMs = performance.now() - t0;
  if (r.error || r.status !== 0)
    return {
      timedOut: r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM',
      wallMs,
      error: (r.stderr || String(r.error)).slice(0, 300),
    };
  return { ...JSON.parse(r.stdout), wallMs };
}
function timeCmd(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}
const fmt = (ms) => (ms === undefined ? '—' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
const log = (...a) => console.error(...a);

const rows = []; // { metric, values: {lib: number|undefined}, unit, note }
const ENC = 'o200k_base';
const corpusFile = inputFile['corpus 1 MB'];
const oracleTokens = peer('tiktoken', ENC, corpusFile).tokens;

// ---------- 1. cold CLI count of 1 MB ----------
log('1. cold count of a 1 MB file (process start + load + count)…');
const cold = Object.fromEntries(LIBS.map((l) => [l, []]));
let cliTokens;
for (let i = 0; i < COLD_RUNS; i++) {
  const r = timeCmd([cli, ...cliArgs, '--json', '--encoding', ENC, corpusFile]);
  cold.ours.push(r.ms);
  cliTokens = JSON.parse(r.stdout).totalTokens;
  for (const p of PEERS) cold[p].push(peer(p, ENC, corpusFile).wallMs);
}
const nodeStart = median(Array.from({ length: 3 }, () => timeCmd(['-e', '0']).ms));
rows.push({
  metric: 'Cold `count` 1 MB, wall (process+load+count)',
  values: Object.fromEntries(LIBS.map((l) => [l, median(cold[l])])),
  goal: 1,
});

// ---------- load + warm throughput (fresh process each) ----------
log('   load time and warm 1 MB throughput…');
const warm = {};
for (const l of LIBS) warm[l] = peer(l, ENC, corpusFile, quick ? 3 : 5);
rows.push({ metric: 'Load o200k (in process)', values: Object.fromEntries(LIBS.map((l) => [l, warm[l].loadMs])) });
rows.push({ metric: 'Count 1 MB, first call after load', values: Object.fromEntries(LIBS.map((l) => [l, warm[l].countMs?.[0]])) });
rows.push({
  metric: 'Count 1 MB, median of repeats',
  values: Object.fromEntries(LIBS.map((l) => [l, warm[l].countMs && median(warm[l].countMs)])),
});

// ---------- 2. incremental ----------
log('2. incremental recount after one-character edits in a 1 MB document…');
let doc = inputs['corpus 1 MB'];
const inc = new core.IncrementalCounter(ENC);
const tSet = performance.now();
inc.setText(doc);
const setMs = performance.now() - tSet;
const editMs = [];
const chars = 'aZ .,\n;é}';
for (let i = 0; i < (quick ? 200 : 500); i++) {
  const offset = (rand() * doc.length) | 0;
  const del = i % 2 && offset < doc.length ? 1 : 0;
  const ins = del ? '' : chars[(rand() * chars.length) | 0];
  const t0 = performance.now();
  inc.applyEdit(offset, del, ins);
  editMs.push(performance.now() - t0);
  doc = doc.slice(0, offset) + ins + doc.slice(offset + del);
}
const incExact = inc.total === core.countTokens(doc, ENC);
rows.push({
  metric: 'Recount after 1-char edit, 1 MB doc (median; peers: full recount)',
  values: { ours: median(editMs), ...Object.fromEntries(PEERS.map((p) => [p, warm[p].countMs && median(warm[p].countMs)])) },
  goal: 2,
});

// ---------- 3. worst cases ----------
log('3. worst-case 1 MB inputs (peers time out after', PEER_TIMEOUT_MS / 1000, 's)…');
const worst = [];
const crashes = [];
for (const name of Object.keys(inputs).slice(1)) {
  const res = {};
  for (const l of LIBS) res[l] = peer(l, ENC, inputFile[name], 1, l === 'ours' ? 60_000 : PEER_TIMEOUT_MS);
  const oracle = res.tiktoken.tokens;
  worst.push({
    name,
    res,
    exact: oracle === undefined ? 'oracle timed out' : res.ours.tokens === oracle ? 'yes' : `NO (${res.ours.tokens} vs ${oracle})`,
  });
  rows.push({
    metric: `Worst case: ${name}`,
    values: Object.fromEntries(LIBS.map((l) => [l, res[l].timedOut ? Infinity : res[l].error ? null : res[l].countMs?.[0]])),
    goal: 3,
  });
  for (const l of PEERS)
    if (res[l].error)
      crashes.push(
        `${l} on ${name}: ${
          res[l].error
            .split('\n')
            .find((x) => /Error/.test(x))
            ?.trim() ?? 'failed'
        }`,
      );
  log(`   ${name}: ours ${fmt(res.ours.countMs?.[0])}, exact: ${worst.at(-1).exact}`);
}

// ---------- 4. worker ----------
log('4. worker thread…');
const wc = new core.WorkerTokenCounter(workerScript, { dataDir: path.join(root, 'dist', 'encodings') });
let t0 = performance.now();
await wc.count('warm up', ENC);
const spawnMs = performance.now() - t0;
t0 = performance.now();
const pFirst = wc.count(inputs['corpus 1 MB'], ENC);
const callMs = performance.now() - t0;
const firstTokens = await pFirst;
const firstMs = performance.now() - t0;
const edited = inputs['corpus 1 MB'].slice(0, 500_000) + 'x' + inputs['corpus 1 MB'].slice(500_000);
t0 = performance.now();
await wc.count(edited, ENC);
const editedMs = performance.now() - t0;
t0 = performance.now();
const superseded = wc.count(inputs["giant piece 'a'×1M"], ENC).catch((e) => (core.isCancellationError(e) ? 'cancelled' : e));
const latest = wc.count(edited + 'y', ENC);
const [supState, latestTokens] = await Promise.all([superseded, latest]);
const supersedeMs = performance.now() - t0;
wc.dispose();
const workerOk = firstTokens === oracleTokens && supState === 'cancelled' && latestTokens === core.countTokens(edited + 'y', ENC);

// ---------- 5. memory ----------
log('5. memory (RSS) per encoding…');
const mem = {};
for (const e of ['o200k_base', 'cl100k_base', 'o200k_harmony', 'p50k_base', 'r50k_base']) mem[e] = peer('ours', e, '-');
const memPeers = {};
for (const l of PEERS) memPeers[l] = peer(l, ENC, '-');
rows.push({
  metric: 'RSS added by loading o200k_base (MB)',
  values: {
    ours: mem.o200k_base.rssLoadedMB - mem.o200k_base.rssBeforeMB,
    ...Object.fromEntries(PEERS.map((p) => [p, memPeers[p].rssLoadedMB - memPeers[p].rssBeforeMB])),
  },
  unit: 'MB',
  goal: 5,
});

// ---------- report ----------
const cell = (v, unit) =>
  v === null
    ? 'crashed'
    : v === undefined
      ? '—'
      : v === Infinity
        ? `> ${PEER_TIMEOUT_MS / 1000} s`
        : unit === 'MB'
          ? `${v.toFixed(1)} MB`
          : fmt(v);
const ratio = (a, b) =>
  a == null || b == null ? '—' : b === Infinity ? `< ${(a / PEER_TIMEOUT_MS).toFixed(3)}` : (a / b).toFixed(a / b < 0.1 ? 3 : 2);
const lines = [];
lines.push(
  `| Measure | ours | js-tiktoken | gpt-tokenizer | tiktoken (WASM) | ours ÷ js-tiktoken | ours ÷ gpt-tokenizer | ours ÷ tiktoken |`,
);
lines.push(`|---|---:|---:|---:|---:|---:|---:|---:|`);
for (const r of rows) {
  lines.push(
    `| ${r.goal ? `**G${r.goal}** ` : ''}${r.metric} | ${LIBS.map((l) => cell(r.values[l], r.unit)).join(' | ')} | ${PEERS.map((p) => ratio(r.values.ours, r.values[p])).join(' | ')} |`,
  );
}
const table = lines.join('\n');
const goals = [
  `1. Cold \`prompt-cost count\` on 1 MB: ${fmt(median(cold.ours))} vs gpt-tokenizer ${fmt(median(cold['gpt-tokenizer']))} → ${median(cold.ours) <= median(cold['gpt-tokenizer']) ? 'MET' : 'NOT MET'} (node start alone: ${fmt(nodeStart)}; count ${cliTokens === oracleTokens ? 'equals' : 'DIFFERS FROM'} tiktoken: ${oracleTokens} tokens).`,
  `2. Incremental: median ${fmt(median(editMs))}, p95 ${fmt(pct(editMs, 0.95))}, max ${fmt(Math.max(...editMs))} over ${editMs.length} one-char edits (initial setText ${fmt(setMs)}, ${inc.chunkCount} chunks) → ${median(editMs) <= 5 ? 'MET' : 'NOT MET'}; exact after all edits: ${incExact ? 'yes' : 'NO'}.`,
  `3. Worst case (< 2 s each, exact): ${worst.map((w) => `${w.name} ${fmt(w.res.ours.countMs?.[0])} (exact vs tiktoken: ${w.exact})`).join('; ')} → ${worst.every((w) => w.res.ours.countMs?.[0] < 2000 && !w.exact.startsWith('NO')) ? 'MET' : 'NOT MET'}.`,
  `4. Worker: count() returns to the caller in ${fmt(callMs)}; thread start + table load ${fmt(spawnMs)}; 1 MB counted in the worker in ${fmt(firstMs)}, ${fmt(editedMs)} after a one-char edit (chunk cache); a superseded request (giant 1 MB piece) is cancelled and the newer one answered in ${fmt(supersedeMs)} → ${workerOk ? 'MET' : 'CHECK'}.`,
  `5. Memory, RSS added by loading each encoding (ours, fresh process): ${Object.entries(mem)
    .map(([e, m]) => `${e} ${(m.rssLoadedMB - m.rssBeforeMB).toFixed(1)} MB`)
    .join(', ')} (o200k_harmony shares o200k_base's table); only requested encodings are loaded.`,
];
const md = `# Token engine benchmark

Generated by \`node bench/run.mjs\` on ${new Date().toISOString().slice(0, 10)} — ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}.
Encoding o200k_base unless stated; "1 MB" inputs are 1,000,000 UTF-16 code units. Peers run in fresh processes
(js-tiktoken ${version('js-tiktoken')}, gpt-tokenizer ${version('gpt-tokenizer')}, tiktoken ${version('tiktoken')}); ratios are ours ÷ peer (< 1: ours is faster/smaller).
Peers that run longer than ${PEER_TIMEOUT_MS / 1000} s on a worst-case input are stopped (shown as "> ${PEER_TIMEOUT_MS / 1000} s").

${table}

## Goals

${goals.map((g) => `- ${g}`).join('\n')}
${crashes.length ? `\nPeer failures ("crashed"): ${crashes.join('; ')}.\n` : ''}`;
fs.writeFileSync(path.join(here, 'RESULTS.md'), md);
console.log(table + '\n\n' + goals.join('\n'));
