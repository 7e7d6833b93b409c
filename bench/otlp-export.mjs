// Team history at scale: exporting a 100,000-run ledger (the synthetic ledger of the learned-output bench,
// src/core/history/learned/synthetic.ts) as OTLP/HTTP protobuf to a loopback receiver in another process,
// the OTLP JSON Lines file of the same runs and its import back, and a check that every span arrived
// once (the receiver counts span ids with the official opentelemetry-proto definitions through protobufjs
// on a sample, and counts bodies and bytes on all). Writes bench/OTLP.md.
//   Usage: node bench/otlp-export.mjs [--runs N]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const arg = process.argv.indexOf('--runs');
const RUNS = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const out = path.join(here, '.out');
fs.mkdirSync(out, { recursive: true });

if (process.argv.includes('--receiver')) {
  // Child process: an OTLP/HTTP receiver that decodes every 50th body fully and reads span ids of all.
  const http = await import('node:http');
  const protobuf = createRequire(import.meta.url)('protobufjs');
  const rootPb = new protobuf.Root();
  // the official .proto files come with the test oracles (node scripts/oracle.mjs): see test/support/otlpProto.ts
  const protoDir = path.join(root, '.oracle/node_modules/@elastic/mockotlpserver');
  if (!fs.existsSync(path.join(protoDir, 'opentelemetry/proto/collector/trace/v1/trace_service.proto')))
    throw new Error('the OTLP .proto files are not installed: run node scripts/oracle.mjs first');
  rootPb.resolvePath = (_o, t) => path.join(protoDir, t);
  rootPb.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  const Req = rootPb.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  const ids = new Set();
  let bodies = 0;
  let bytes = 0;
  let spans = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies++;
      bytes += body.length;
      const msg = Req.decode(body);
      for (const rs of msg.resourceSpans)
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans) {
            spans++;
            ids.add(Buffer.from(s.spanId).toString('hex'));
          }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', (m) => {
    if (m === 'stats') process.send({ bodies, bytes, spans, unique: ids.size });
    if (m === 'stop') server.close(() => process.exit(0));
  });
} else {
  const bundle = path.join(out, 'otlp-bench.cjs');
  await esbuild.build({
    stdin: {
      contents: `export { syntheticLedger } from './src/core/history/learned/synthetic';
export { exportRunsToOtlp } from './src/core/history/otel/exportRuns';
export { runsToJsonLines, parseOtlpJsonLines, spansToRecords } from './src/core/history/otel/jsonl';
export { encodeTraceRequest } from './src/core/history/otel/protobuf';
export { runsToTraceRequest } from './src/core/history/otel/jsonl';`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'error',
  });
  const m = createRequire(import.meta.url)(bundle);
  const child = fork(fileURLToPath(import.meta.url), ['--receiver'], { stdio: 'inherit' });
  const { port } = await new Promise((r) => child.once('message', r));
  const ask = () => new Promise((r) => (child.once('message', r), child.send('stats')));
  const runs = m.syntheticLedger({ runs: RUNS, seed: 7 }).filter((r) => r.type === 'run');
  const spansTotal = runs.reduce((n, r) => n + 1 + (r.steps?.length ?? 0), 0);
  const load = os.loadavg()[0].toFixed(1);

  let t = performance.now();
  const cpu0 = process.cpuUsage();
  const sent = await m.exportRunsToOtlp(runs, { url: `http://127.0.0.1:${port}/v1/traces` });
  const exportMs = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  const exportCpuMs = (cpu.user + cpu.system) / 1000;
  const first = await ask();
  t = performance.now();
  await m.exportRunsToOtlp(runs, { url: `http://127.0.0.1:${port}/v1/traces` });
  const againMs = performance.now() - t;
  const second = await ask();
  child.send('stop');

  t = performance.now();
  const text = m.runsToJsonLines(runs);
  const fileMs = performance.now() - t;
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  t = performance.now();
  const problems = [];
  const back = m.spansToRecords(m.parseOtlpJsonLines(text, 'bench.jsonl', problems), 'bench', problems);
  const importMs = performance.now() - t;
  const oneRunBytes = m.encodeTraceRequest(m.runsToTraceRequest([runs[0]])).length;

  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const report = `# OTLP export at scale (bench/otlp-export.mjs)

${RUNS.toLocaleString('en-US')} synthetic runs (${spansTotal.toLocaleString('en-US')} spans), node ${process.version}, ${os.cpus().length} cores, load average ${load} at the start (a shared machine: times are wall clock under that load).

| step | result |
| --- | --- |
| export to a loopback OTLP/HTTP receiver (protobuf, batches of 512 spans) | ${s(exportMs)}: ${sent.requests.toLocaleString('en-US')} requests, ${(first.bytes / 1e6).toFixed(1)} MB, ${Math.round(RUNS / (exportMs / 1000)).toLocaleString('en-US')} runs/s; failures ${sent.failures.length} |
| CPU time of the exporting process for that export (mapping, ids, protobuf, HTTP) | ${s(exportCpuMs)}, ${Math.round(RUNS / (exportCpuMs / 1000)).toLocaleString('en-US')} runs per CPU second |
| spans the receiver decoded (official .proto via protobufjs) | ${first.spans.toLocaleString('en-US')} spans, ${first.unique.toLocaleString('en-US')} distinct span ids |
| the same export again | ${s(againMs)}; the receiver then held ${second.unique.toLocaleString('en-US')} distinct span ids (${second.spans.toLocaleString('en-US')} received): nothing new |
| one run as a protobuf request | ${oneRunBytes} bytes |
| OTLP JSON Lines file of all runs | ${s(fileMs)}, ${(text.length / 1e6).toFixed(1)} MB, ${lines.toLocaleString('en-US')} lines |
| import of that file (parse, dedup by span id, records) | ${s(importMs)}: ${back.records.length.toLocaleString('en-US')} runs, ${problems.length} problems |
`;
  fs.writeFileSync(path.join(here, 'OTLP.md'), report);
  process.stdout.write(report);
  if (first.unique !== spansTotal || second.unique !== spansTotal || back.records.length !== RUNS) process.exitCode = 1;
}
