// SSE parse throughput: our parser (core/providers/http.ts SseParser) vs the one it replaced (re-scanned
// its whole buffer per chunk) and the official SDKs' SSE readers (openai, @anthropic-ai/sdk
// `_iterSSEMessages`), on the same bytes in the same chunking, each in a fresh process with a time limit.
// Writes bench/SERVERS.md.   Usage: node bench/servers.mjs [--quick]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.join(here, '.out');
const quick = process.argv.includes('--quick');
const TIMEOUT_MS = quick ? 15_000 : 45_000;
/** Runs per process; the median is reported (the first run, with JIT warm-up, in parentheses). */
const RUNS = 3;
fs.mkdirSync(out, { recursive: true });

// ---------- parsers under test (each a CommonJS module exporting parse(chunks) → events) ----------
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', absWorkingDir: root, logLevel: 'warning' };
await esbuild.build({
  ...common,
  stdin: {
    contents: `import { SseParser } from './src/core/providers/http';
      export function parse(chunks) { const p = new SseParser(1024 * 1024 * 1024); let n = 0, bytes = 0;
        for (const c of chunks) for (const e of p.push(c)) { n++; bytes += e.data.length; }
        for (const e of p.end()) { n++; bytes += e.data.length; } return { n, bytes }; }`,
    resolveDir: root,
    loader: 'ts',
  },
  outfile: path.join(out, 'sse-ours.cjs'),
});
// The parser before issue 17 (commit d83631c), from git: the baseline the issue measured (16 MB line: 8.9 s).
const oldSource = execFileSync('git', ['show', 'd83631c:src/core/providers/http.ts'], { cwd: root, encoding: 'utf8' });
fs.mkdirSync(path.join(out, 'old'), { recursive: true });
fs.writeFileSync(
  path.join(out, 'old', 'http.ts'),
  oldSource.replace("from './types'", `from ${JSON.stringify(path.join(root, 'src/core/providers/types'))}`),
);
await esbuild.build({
  ...common,
  stdin: {
    contents: `import { SseParser } from './http';
      export function parse(chunks) { const p = new SseParser(); let n = 0, bytes = 0;
        for (const c of chunks) for (const e of p.push(c)) { n++; bytes += e.data.length; }
        for (const e of p.end()) { n++; bytes += e.data.length; } return { n, bytes }; }`,
    resolveDir: path.join(out, 'old'),
    loader: 'ts',
  },
  outfile: path.join(out, 'sse-old.cjs'),
});
const sdkParser = (pkg) => `
  const { _iterSSEMessages } = require(${JSON.stringify(path.join(root, 'node_modules', pkg, 'core', 'streaming.js'))});
  exports.parse = async (chunks) => {
    let i = 0;
    const body = new ReadableStream({ pull(c) { if (i < chunks.length) c.enqueue(chunks[i++]); else c.close(); } });
    let n = 0, bytes = 0;
    for await (const e of _iterSSEMessages(new Response(body), new AbortController())) { n++; bytes += e.data.length; }
    return { n, bytes };
  };`;
fs.writeFileSync(path.join(out, 'sse-openai.cjs'), sdkParser('openai'));
fs.writeFileSync(path.join(out, 'sse-anthropic.cjs'), sdkParser('@anthropic-ai/sdk'));
const version = (name) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
const LIBS = [
  ['ours', 'sse-ours.cjs'],
  ['before #17', 'sse-old.cjs'],
  [`openai ${version('openai')}`, 'sse-openai.cjs'],
  [`@anthropic-ai/sdk ${version('@anthropic-ai/sdk')}`, 'sse-anthropic.cjs'],
];

// ---------- inputs (built in the child: no big files on disk) ----------
const INPUTS = [
  {
    name: `Typical stream: ${quick ? 8 : 32} MB of OpenAI chunk events, 16 KB reads`,
    mb: quick ? 8 : 32,
    make: `const ev = Buffer.from('data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":" token"},"finish_reason":null}]}\\n\\n');
      const all = Buffer.concat(Array.from({ length: Math.ceil(MBS * 1048576 / ev.length) }, () => ev));
      const chunks = []; for (let i = 0; i < all.length; i += 16384) chunks.push(all.subarray(i, i + 16384));`,
  },
  {
    name: 'One 4 MB data line, 64 KB reads',
    mb: 4,
    make: `const chunks = [Buffer.from('data: ')]; for (let i = 0; i < MBS * 16; i++) chunks.push(Buffer.alloc(65536, 120)); chunks.push(Buffer.from('\\n\\n'));`,
  },
  {
    name: 'One 16 MB data line, 64 KB reads (the issue: 8.9 s before)',
    mb: 16,
    make: `const chunks = [Buffer.from('data: ')]; for (let i = 0; i < MBS * 16; i++) chunks.push(Buffer.alloc(65536, 120)); chunks.push(Buffer.from('\\n\\n'));`,
  },
];

function runOne(file, input) {
  const code = `const MBS = ${input.mb}; const RUNS = ${RUNS}; ${input.make}
    const { parse } = require(${JSON.stringify(path.join(out, file))});
    (async () => {
      const times = [];
      let r;
      for (let k = 0; k < RUNS; k++) {
        const t = process.hrtime.bigint();
        r = await parse(chunks);
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      const first = times[0];
      times.sort((a, b) => a - b);
      console.log(JSON.stringify({ ms: times[Math.floor(times.length / 2)], first, n: r.n, rss: process.resourceUsage().maxRSS / 1024 }));
    })();`;
  const r = spawnSync(process.execPath, ['--max-old-space-size=2048', '-e', code], {
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  if (r.error?.code === 'ETIMEDOUT') return { timeout: true };
  if (r.status !== 0) return { failed: (r.stderr || '').split('\n')[0] };
  return JSON.parse(r.stdout.trim());
}

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const rows = [];
for (const input of INPUTS) {
  const results = LIBS.map(([, file]) => runOne(file, input));
  const ours = results[0];
  const cell = (r) =>
    r.timeout
      ? `> ${TIMEOUT_MS / 1000 / RUNS} s`
      : r.failed
        ? 'failed'
        : `${fmtMs(r.ms)}, ${(input.mb / (r.ms / 1000)).toFixed(0)} MB/s (first ${fmtMs(r.first)}; ${r.rss.toFixed(0)} MB RSS)`;
  const ratio = (r) =>
    r.timeout ? `< ${((ours.ms * RUNS) / TIMEOUT_MS).toFixed(3)}` : r.failed || !ours.ms ? '—' : (ours.ms / r.ms).toFixed(2);
  rows.push(`| ${input.name} | ${results.map(cell).join(' | ')} | ${results.slice(1).map(ratio).join(' | ')} |`);
  console.log(rows[rows.length - 1]);
}

const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
const md = `# Server boundary benchmark: SSE parsing

Generated by \`node bench/servers.mjs${quick ? ' --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)} — ${cpu} (${os.cpus().length} cores), Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}.
Each parser runs in a fresh process on the same bytes and chunking, ${RUNS} times; the median is shown, the first
(cold, JIT warm-up) run in parentheses (time to parse only; inputs built before the clock starts); ratios are ours ÷
peer on the medians (< 1: ours is faster). A process past ${TIMEOUT_MS / 1000} s for its ${RUNS} runs is stopped. Our parser runs here with its
caps raised to 1 GB so the long lines are parsed, not refused (default: 4 MB per line/event, 64 MB per stream).

| Input | ${LIBS.map(([n]) => n).join(' | ')} | ${LIBS.slice(1)
  .map(([n]) => `ours ÷ ${n}`)
  .join(' | ')} |
|---|${LIBS.map(() => '---:').join('|')}|${LIBS.slice(1)
  .map(() => '---:')
  .join('|')}|
${rows.join('\n')}
`;
fs.writeFileSync(path.join(here, 'SERVERS.md'), md);
console.log(`wrote bench/SERVERS.md`);
