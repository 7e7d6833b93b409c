// Open-model families and the peers measured for issue 11, in one run: ours vs Hugging Face
// tokenizers (the oracle, on each family's tokenizer.json) per family, and ours vs ai-tokenizer
// and tiktoken-node (native Rust via N-API) on OpenAI's encodings. Writes bench/FAMILIES.md.
//   node scripts/oracle.mjs && node scripts/build.mjs && nice node bench/families.mjs [--quick]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.join(here, '.out');
const quick = process.argv.includes('--quick');
const RUNS = quick ? 1 : 3;
const MB = 1_000_000;
const FAMILIES = ['llama3', 'qwen3', 'deepseek_v3', 'gemma3'];
fs.mkdirSync(path.join(out, 'inputs'), { recursive: true });
if (!fs.existsSync(path.join(root, '.oracle', 'node_modules', 'tokenizers'))) {
  console.error('bench/families.mjs needs the oracles: node scripts/oracle.mjs');
  process.exit(2);
}
const cli = path.join(root, 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('build first: node scripts/build.mjs');
  process.exit(2);
}
await esbuild.build({
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  absWorkingDir: root,
  logLevel: 'warning',
  entryPoints: ['src/core/tokenize/index.ts'],
  outfile: path.join(out, 'core.cjs'),
});

// ---------- inputs ----------
let seed = 0x2545f491;
const rand = () => (seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296;
const randomBytes = (n) => Buffer.from(Array.from({ length: n }, () => (rand() * 256) | 0));
function corpus() {
  // real, non-repetitive text: READMEs of the installed packages, then TypeScript's DOM typings
  let text = '';
  for (const d of fs.readdirSync(path.join(root, 'node_modules')).sort()) {
    const f = path.join(root, 'node_modules', d, 'README.md');
    if (fs.existsSync(f)) text += fs.readFileSync(f, 'utf8') + '\n\n';
    if (text.length >= MB) break;
  }
  if (text.length < MB) text += fs.readFileSync(path.join(root, 'node_modules', 'typescript', 'lib', 'lib.dom.d.ts'), 'utf8');
  return text.slice(0, MB);
}
const inputs = {
  'corpus 1 MB': corpus(),
  "giant piece 'a'×1M": 'a'.repeat(MB),
  'base64 blob': randomBytes(MB).toString('base64').slice(0, MB),
  'random bytes as UTF-8': randomBytes(MB).toString('utf8').slice(0, MB),
  '1 MB spaces': ' '.repeat(MB),
  '1 MB mixed whitespace': Array.from({ length: MB }, () => ' \t\n\u3000\u00a0\r\n'[(rand() * 7) | 0]).join(''),
  '1 MB CJK + digits': Array.from(
    { length: MB / 4 },
    () => '東京2024年'[(rand() * 7) | 0] + 'あ1 '[(rand() * 3) | 0] + '語字'[(rand() * 2) | 0] + '9',
  ).join(''),
};
const inputFile = {};
for (const [name, text] of Object.entries(inputs)) {
  const f = path.join(out, 'inputs', 'fam-' + name.replace(/[^a-z0-9]+/gi, '-') + '.txt');
  fs.writeFileSync(f, text);
  inputFile[name] = f;
}

// ---------- helpers ----------
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
function peer(lib, name, file, repeat = 1) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(here, 'peer-families.cjs'), lib, name, file, String(repeat)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 1 << 20,
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) return { error: (r.stderr || String(r.error)).slice(0, 300), wallMs };
  return { ...JSON.parse(r.stdout), wallMs };
}
function cliCount(name, file) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'count', '--json', '--encoding', name, file], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { ms: performance.now() - t0, tokens: JSON.parse(r.stdout).totalTokens };
}
const fmt = (ms) => (ms === undefined ? '—' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
const cell = (r, key) => (r.error ? `fails: ${r.error.slice(0, 60)}` : fmt(r[key]));
const ratio = (a, b) => (a === undefined || b === undefined ? '—' : (a / b).toFixed(2));
const log = (...a) => console.error(...a);

// ---------- families vs the oracle ----------
const famRows = [];
const worstRows = [];
for (const fam of FAMILIES) {
  log(`${fam}: cold count of 1 MB (CLI vs oracle process), load, warm count…`);
  const colds = [];
  const oracleColds = [];
  let tokens;
  for (let i = 0; i < RUNS; i++) {
    const c = cliCount(fam, inputFile['corpus 1 MB']);
    colds.push(c.ms);
    tokens = c.tokens;
    oracleColds.push(peer('hf', fam, inputFile['corpus 1 MB']).wallMs);
  }
  const oracleTokens = peer('hf-ordinary', fam, inputFile['corpus 1 MB']).tokens;
  const ours = peer('ours', fam, inputFile['corpus 1 MB'], 3);
  const hf = peer('hf', fam, inputFile['corpus 1 MB'], 3);
  famRows.push({
    fam,
    cold: median(colds),
    oracleCold: median(oracleColds),
    load: ours.loadMs,
    oracleLoad: hf.loadMs,
    warm: median(ours.countMs),
    oracleWarm: median(hf.countMs),
    rss: ours.rssLoadedMB,
    exact: tokens === oracleTokens ? `yes (${tokens})` : `NO (${tokens} vs ${oracleTokens})`,
  });
  for (const name of Object.keys(inputs).slice(1)) {
    const o = peer('ours', fam, inputFile[name]);
    const h = peer('hf', fam, inputFile[name]);
    const ho = peer('hf-ordinary', fam, inputFile[name]);
    worstRows.push({
      fam,
      name,
      ours: o.countMs?.[0],
      hf: h.countMs?.[0],
      exact: o.tokens === ho.tokens ? 'yes' : `NO (${o.tokens} vs ${ho.tokens ?? ho.error})`,
    });
    log(`   ${name}: ours ${fmt(o.countMs?.[0])}, oracle ${fmt(h.countMs?.[0])}, exact ${worstRows.at(-1).exact}`);
  }
}

// ---------- OpenAI encodings: ai-tokenizer and tiktoken-node ----------
const peerRows = [];
for (const enc of ['o200k_base', 'cl100k_base']) {
  log(`${enc}: ours vs ai-tokenizer vs tiktoken-node…`);
  const row = { enc };
  for (const lib of ['ours', 'ai-tokenizer', 'tiktoken-node']) {
    const walls = [];
    let r;
    for (let i = 0; i < RUNS; i++) {
      r = peer(lib, enc, inputFile['corpus 1 MB'], 3);
      walls.push(r.wallMs);
    }
    row[lib] = r.error
      ? {
          error:
            r.error
              .split('\n')
              .find((l) => /Error/.test(l))
              ?.trim() ?? 'failed',
        }
      : { cold: median(walls), load: r.loadMs, first: r.countMs?.[0], warm: r.countMs && median(r.countMs), tokens: r.tokens };
  }
  peerRows.push(row);
}

// ---------- report ----------
const lines = [];
lines.push('## Families vs Hugging Face tokenizers (the oracle)', '');
lines.push(
  '| Family | cold `count` 1 MB (CLI) | oracle cold (load + encode) | ours ÷ oracle (goal ≤ 0.25) | load in process | oracle load | count 1 MB warm | oracle warm | RSS added | same count |',
);
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of famRows)
  lines.push(
    `| ${r.fam} | ${fmt(r.cold)} | ${fmt(r.oracleCold)} | ${ratio(r.cold, r.oracleCold)} | ${fmt(r.load)} | ${fmt(r.oracleLoad)} | ${fmt(r.warm)} | ${fmt(r.oracleWarm)} | ${r.rss.toFixed(0)} MB | ${r.exact} |`,
  );
lines.push('', '## Worst-case 1 MB inputs (goal < 2 s, same count as the oracle)', '');
lines.push('| Family | input | ours | oracle | same count |', '|---|---|---:|---:|---|');
for (const r of worstRows) lines.push(`| ${r.fam} | ${r.name} | ${fmt(r.ours)} | ${fmt(r.hf)} | ${r.exact} |`);
lines.push('', '## OpenAI encodings: ai-tokenizer and tiktoken-node (fresh process each)', '');
lines.push(
  '| Encoding | measure | ours | ai-tokenizer | tiktoken-node | ours ÷ ai-tokenizer | ours ÷ tiktoken-node |',
  '|---|---|---:|---:|---:|---:|---:|',
);
for (const r of peerRows) {
  for (const [label, key] of [
    ['cold: process + load + count 1 MB', 'cold'],
    ['load', 'load'],
    ['count 1 MB, first call', 'first'],
    ['count 1 MB, warm median', 'warm'],
  ])
    lines.push(
      `| ${r.enc} | ${label} | ${cell(r.ours, key)} | ${cell(r['ai-tokenizer'], key)} | ${cell(r['tiktoken-node'], key)} | ${ratio(r.ours[key], r['ai-tokenizer'][key])} | ${ratio(r.ours[key], r['tiktoken-node'][key])} |`,
    );
  lines.push(
    `| ${r.enc} | tokens of the 1 MB corpus | ${r.ours.tokens} | ${r['ai-tokenizer'].tokens ?? '—'} | ${r['tiktoken-node'].tokens ?? '—'} | | |`,
  );
}
const version = (m) => JSON.parse(fs.readFileSync(path.join(root, '.oracle', 'node_modules', m, 'package.json'), 'utf8')).version;
const md = `# Open-model families benchmark

Generated by \`node bench/families.mjs\` on ${new Date().toISOString().slice(0, 10)} — ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores, shared), Node ${process.version}.
"1 MB" = 1,000,000 UTF-16 code units; medians of ${RUNS} runs. Oracle: tokenizers ${version('tokenizers')} (Hugging Face, Rust via N-API)
loading each family's tokenizer.json with \`Tokenizer.fromFile\` (timings); "same count" compares with the oracle configured as \`count\` promises
(special tokens as plain text, other added tokens matched); peers: ai-tokenizer ${version('ai-tokenizer')}, tiktoken-node ${version('tiktoken-node')}.
Ours cold = \`prompt-cost count --encoding FAMILY\` as a fresh process (node start + load + count).

${lines.join('\n')}
`;
fs.writeFileSync(path.join(here, 'FAMILIES.md'), md);
console.log(md);
