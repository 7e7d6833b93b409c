// Bounded resources at the server boundary (issue 17, "Servers trusted"): each crafted reply runs in a
// child process under a 256 MB heap and a time limit, with a loopback server inside the child (the
// parent's event loop is blocked while it waits). Every case must end in seconds with a ProviderError
// or a result — never a hang, an out-of-memory abort, or an uncaught exception.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ROOT, compiled, runCodeBounded } from '../support/bounded';

const FAKE = JSON.stringify(path.join(ROOT, 'out', 'test', 'support', 'fakeProviderServer.js'));
const MB = 1024 * 1024;

/** Runs `body` with `providers` (core/providers), `server` (a fake provider server) and `out(x)` to report JSON. */
function withServer(body: string, opts: { timeoutMs?: number } = {}) {
  const code = `
    const providers = require(${compiled('core/providers/index')});
    const { startFakeProviderServer } = require(${FAKE});
    const server = await startFakeProviderServer();
    const out = (x) => process.stdout.write(JSON.stringify(x) + '\\n');
    const run = (req) => providers.runPrompt({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...req })
      .then((r) => ({ ok: true, usage: r.usage ?? null, warnings: r.warnings ?? [], text: r.text.length }),
            (e) => ({ ok: false, name: e.name, kind: e.kind, message: e.message, timeout: e.details && e.details.timeout }));
    const openai = { provider: 'openai', baseUrl: server.openaiBaseUrl };
    const anthropic = { provider: 'anthropic', baseUrl: server.anthropicBaseUrl, apiKey: 'k' };
    try { ${body} } finally { await server.close(); }`;
  const r = runCodeBounded(code, { timeoutMs: opts.timeoutMs ?? 20_000, heapMb: 256 });
  const lines = r.stdout.trim().split('\n').filter(Boolean);
  return { ...r, results: lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function assertBounded(r: ReturnType<typeof withServer>, maxRssMb = 400): void {
  assert.equal(r.timedOut, false, `timed out after ${r.ms} ms`);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.peakRssMb !== undefined && r.peakRssMb < maxRssMb, `peak RSS ${r.peakRssMb} MB`);
}

describe('bounded: SSE parser', () => {
  it('a 16 MB line parses in linear time when the cap allows it (the old parser took 8.9 s), and stops at the 4 MB default cap', () => {
    const r = runCodeBounded(
      `const { SseParser } = require(${compiled('core/providers/sse')});
       const piece = Buffer.alloc(64 * 1024, 120);
       const feed = (p, total) => { p.push('data: '); for (let n = 0; n < total; n += piece.length) p.push(piece); return p.push('\\n\\n'); };
       let t = Date.now();
       const events = feed(new SseParser(32 * 1024 * 1024), 16 * 1024 * 1024);
       const ms = Date.now() - t;
       let capped;
       try { feed(new SseParser(), 16 * 1024 * 1024); } catch (e) { capped = e.name + ': ' + e.message; }
       console.log(JSON.stringify({ len: events[0].data.length, ms, capped }));`,
      { timeoutMs: 20_000, heapMb: 256 },
    );
    assert.equal(r.timedOut, false);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { len: number; ms: number; capped: string };
    assert.equal(out.len, 16 * MB);
    assert.match(out.capped, /^ResponseLimitError: a stream line is larger than 4 MB \(the limit\)/);
  });

  it('a 100 MB stream of ordinary events parses with flat memory', () => {
    const r = runCodeBounded(
      `const { SseParser } = require(${compiled('core/providers/sse')});
       const event = Buffer.from('data: {"choices":[{"delta":{"content":"token "}}]}\\n\\n');
       const chunk = Buffer.concat(Array.from({ length: Math.floor(65536 / event.length) }, () => event));
       const p = new SseParser();
       let n = 0;
       for (let sent = 0; sent < 100 * 1024 * 1024; sent += chunk.length) n += p.push(chunk.subarray(0, 1000)).length + p.push(chunk.subarray(1000)).length;
       console.log(n);`,
      { timeoutMs: 30_000, heapMb: 256 },
    );
    assert.equal(r.timedOut, false);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Number(r.stdout) > 1_000_000);
    assert.ok(r.peakRssMb! < 300, `peak RSS ${r.peakRssMb} MB`);
  });
});

describe('bounded: runPrompt against hostile servers', () => {
  it('a 100 MB never-ending first line fails at the per-event cap, naming it (OpenAI and Anthropic)', () => {
    const r = withServer(`
      for (const endpoint of [openai, anthropic]) {
        server.enqueue({ mode: 'huge-line', hugeBytes: 100 * 1024 * 1024 });
        out(await run({ endpoint }));
      }`);
    assertBounded(r);
    for (const res of r.results) {
      assert.equal(res.kind, 'bad_response');
      assert.match(String(res.message), /a stream line is larger than 4 MB \(the limit\); the rest was not read/);
    }
  });

  it('a stream over the total cap fails naming it', () => {
    const r = withServer(`
      server.enqueue({ text: 'x'.repeat(4000), chunks: Array.from({ length: 2000 }, () => 'y'.repeat(500)) });
      out(await run({ endpoint: openai, maxResponseBytes: 256 * 1024 }));`);
    assertBounded(r);
    assert.equal(r.results[0].kind, 'bad_response');
    assert.match(String(r.results[0].message), /the streamed answer is larger than 256 KB \(the limit\)/);
  });

  it('a 100 MB JSON body (chunked, or announced by Content-Length) fails at the body cap', () => {
    const r = withServer(`
      for (const contentLength of [false, true]) {
        server.enqueue({ mode: 'huge-body', hugeBytes: 100 * 1024 * 1024, contentLength });
        out(await run({ endpoint: openai, stream: false, maxResponseBytes: 8 * 1024 * 1024 }));
      }`);
    assertBounded(r);
    for (const res of r.results) {
      assert.equal(res.kind, 'bad_response');
      assert.match(String(res.message), /the response body is larger than 8 MB \(the limit\)/);
    }
  });

  it('a reply trickling a token every 300 ms ends at the overall limit, reported as such', () => {
    const r = withServer(`
      server.enqueue({ chunkDelayMs: 300, chunks: Array.from({ length: 1000 }, () => 'tok ') });
      const t = Date.now();
      out({ ...(await run({ endpoint: openai, timeoutMs: 1000, totalTimeoutMs: 1500 })), ms: Date.now() - t });`);
    assertBounded(r);
    const res = r.results[0];
    assert.equal(res.kind, 'timeout');
    assert.equal(res.timeout, 'total');
    assert.match(String(res.message), /did not finish the answer within 2 s \(the overall limit of a run/);
    assert.ok(Number(res.ms) < 4000);
  });

  it('non-streaming: idle means no bytes — a body arriving slowly but steadily is read whole', () => {
    const r = withServer(`
      server.enqueue({ mode: 'trickle-body', chunkDelayMs: 100, trickleBytes: 8 });
      const t = Date.now();
      out({ ...(await run({ endpoint: openai, stream: false, timeoutMs: 1500 })), ms: Date.now() - t });
      server.enqueue({ mode: 'hang' });
      out(await run({ endpoint: openai, stream: false, timeoutMs: 300 }));`);
    assertBounded(r);
    assert.equal(r.results[0].ok, true, JSON.stringify(r.results[0]));
    // 100 ms between pieces leaves the 1.5 s idle timer room on a loaded machine; the whole body takes longer.
    assert.ok(Number(r.results[0].ms) > 1500, 'the body took longer than the idle timeout');
    assert.equal(r.results[1].kind, 'timeout');
    assert.equal(r.results[1].timeout, 'idle');
  });

  it('prompt_tokens: 1e300, strings and negatives: the run ends in a result with usage unknown and a warning, and a ledger record', () => {
    const r = withServer(`
      const { buildRunRecord } = require(${compiled('core/history/record')});
      const { Decimal } = require(${compiled('core/pricing/decimal')});
      const prices = { inputPerMTok: Decimal.parse('3'), outputPerMTok: Decimal.parse('15') };
      for (const [endpoint, key, usage] of [
        [openai, 'openaiUsage', { prompt_tokens: 1e300, completion_tokens: 5 }],
        [openai, 'openaiUsage', { prompt_tokens: '12', completion_tokens: -3 }],
        [anthropic, 'anthropicUsage', { input_tokens: 1e300, output_tokens: 5 }],
      ]) for (const stream of [true, false]) {
        server.enqueue({ [key]: usage });
        let result, error;
        try { result = await providers.runPrompt({ endpoint, model: 'm', messages: [{ role: 'user', content: 'hi' }], stream }); } catch (e) { error = e; }
        const rec = buildRunRecord({ source: 'cli', provider: 'p', model: 'm', result, error, prices, storeText: false });
        out({ status: rec.status, usage: rec.usage ?? null, cost: rec.costUsd ?? null, warnings: rec.warnings ?? [] });
      }`);
    assertBounded(r);
    assert.equal(r.results.length, 6);
    for (const res of r.results) {
      assert.equal(res.status, 'ok');
      assert.equal(res.usage, null);
      assert.equal(res.cost, null);
      assert.ok((res.warnings as string[]).length > 0);
    }
    assert.match((r.results[0].warnings as string[])[0], /^usage\.prompt_tokens: expected a whole number ≥ 0, got 1e\+300$/);
    assert.deepEqual(r.results[2].warnings, [
      'usage.prompt_tokens: expected a whole number ≥ 0, got "12"',
      'usage.completion_tokens: expected a whole number ≥ 0, got -3',
    ]);
    assert.match((r.results[4].warnings as string[])[0], /^usage\.input_tokens: expected a whole number ≥ 0, got 1e\+300$/);
  });
});

describe('bounded: what a reply may hold', () => {
  it('usage nested a million deep, a 1 MB model name and a 1 MB error message: kept short, recorded, no stack overflow', () => {
    const r = runCodeBounded(
      `const http = require('node:http');
       const providers = require(${compiled('core/providers/index')});
       const deep = '['.repeat(1e6) + ']'.repeat(1e6);
       let body;
       const server = http.createServer(async (req, res) => { for await (const _ of req); res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); });
       await new Promise((r) => server.listen(0, '127.0.0.1', r));
       const endpoint = { provider: 'openai', baseUrl: 'http://127.0.0.1:' + server.address().port + '/v1' };
       const run = () => providers.runPrompt({ endpoint, model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: false })
         .then((x) => ({ ok: true, model: x.responseModel.length, usage: x.usage ?? null, warnings: x.warnings }), (e) => ({ kind: e.kind, length: e.message.length }));
       const out = [];
       body = '{"model":"' + 'm'.repeat(1e6) + '","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":' + deep + ',"completion_tokens":1}}';
       out.push(await run());
       body = '{"error":{"message":"' + 'e'.repeat(1e6) + '"}}';
       out.push(await run());
       server.close();
       console.log(JSON.stringify(out));`,
      { timeoutMs: 20_000, heapMb: 256 },
    );
    assert.equal(r.timedOut, false);
    assert.equal(r.status, 0, r.stderr);
    const [deep, error] = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(deep, {
      ok: true,
      model: 201,
      usage: null,
      warnings: ['usage.prompt_tokens: expected a whole number ≥ 0, got a list'],
    });
    assert.equal(error.kind, 'server');
    assert.ok(Number(error.length) < 600, `message of ${String(error.length)} characters`);
  });
});

describe('bounded: count-tokens endpoint replies', () => {
  it('a huge reply fails at the 1 MB cap; a trickling reply at the overall timeout; input_tokens 1e300 is refused', () => {
    const r = runCodeBounded(
      `const http = require('node:http');
       const { providerCount } = require(${compiled('core/providers/countTokens')});
       let mode = '';
       const piece = Buffer.alloc(65536, 32);
       const server = http.createServer(async (req, res) => {
         for await (const _ of req);
         res.writeHead(200, { 'content-type': 'application/json' });
         if (mode === 'huge') { res.write('{"input_tokens": 1'); for (let i = 0; i < 1600 && !res.destroyed; i++) if (!res.write(piece)) await new Promise((r) => res.once('drain', r)); res.end('}'); }
         else if (mode === 'trickle') { for (let i = 0; i < 100 && !res.destroyed; i++) { res.write(' '); await new Promise((r) => setTimeout(r, 200)); } res.end('{"input_tokens": 3}'); }
         else res.end('{"input_tokens": 1e300}');
       });
       server.on('clientError', () => {});
       await new Promise((r) => server.listen(0, '127.0.0.1', r));
       const baseUrl = 'http://127.0.0.1:' + server.address().port;
       const ask = (extra) => providerCount({ provider: 'anthropic', model: 'claude-x', messages: [{ role: 'user', content: 'hi' }], apiKey: 'k', baseUrl, ...extra })
         .then((c) => ({ tokens: c.tokens }), (e) => ({ kind: e.kind, message: e.message }));
       const out = [];
       mode = 'huge'; out.push(await ask({}));
       mode = 'trickle'; out.push(await ask({ timeoutMs: 1000 }));
       mode = 'absurd'; out.push(await ask({}));
       server.closeAllConnections(); server.close();
       console.log(JSON.stringify(out));`,
      { timeoutMs: 20_000, heapMb: 256 },
    );
    assert.equal(r.timedOut, false);
    assert.equal(r.status, 0, r.stderr);
    const [huge, trickle, absurd] = JSON.parse(r.stdout) as { kind: string; message: string }[];
    assert.equal(huge.kind, 'bad_response');
    assert.match(huge.message, /the answer is larger than 1 MB \(the limit\)/);
    assert.equal(trickle.kind, 'timeout');
    assert.equal(absurd.kind, 'bad_response');
    assert.match(absurd.message, /input_tokens must be a whole number ≥ 0, got 1e\+300/);
  });
});

describe('bounded: price data', () => {
  it('a 100 MB download stops at the 20 MB byte cap; 200,000 models and a ReDoS pattern are harmless', () => {
    const r = runCodeBounded(
      `const http = require('node:http');
       const { downloadPriceData } = require(${compiled('core/pricing/download')});
       const { validateCatalogData, loadReferenceCatalog } = require(${compiled('core/pricing/reference')});
       const piece = Buffer.alloc(65536, 32);
       let sent = 0;
       const server = http.createServer(async (req, res) => {
         res.writeHead(200, { 'content-type': 'application/json' });
         res.write('[');
         for (let i = 0; i < 1600 && !res.destroyed; i++) { sent += piece.length; if (!res.write(piece)) await new Promise((r) => { res.once('drain', r); res.once('close', r); }); }
         res.end(']');
       });
       await new Promise((r) => server.listen(0, '127.0.0.1', r));
       const out = {};
       try { await downloadPriceData('http://127.0.0.1:' + server.address().port + '/data.json'); } catch (e) { out.download = e.message; }
       out.sentMb = Math.round(sent / 1048576);
       server.closeAllConnections(); server.close();
       const many = [{ id: 'p', models: Array.from({ length: 200000 }, (_, i) => ({ id: 'm' + i, match: { equals: 'm' + i }, prices: { input_mtok: 1 } })) }];
       out.many = validateCatalogData(many).errors;
       const redos = [{ id: 'p', models: [{ id: 'evil', match: { regex: '^(a+)+$' }, prices: { input_mtok: 1, output_mtok: 2 } }, { id: 'e2', match: { regex: '(a|aa)*(\\\\d?)*b' }, prices: { input_mtok: 1 } }] }];
       const t = Date.now();
       const catalog = loadReferenceCatalog(redos);
       out.found = [catalog.find('p', 'a'.repeat(900) + '!')?.id ?? null, catalog.find('p', 'a'.repeat(900))?.id ?? null];
       out.ms = Date.now() - t;
       console.log(JSON.stringify(out));`,
      { timeoutMs: 20_000, heapMb: 256 },
    );
    assert.equal(r.timedOut, false);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { download: string; sentMb: number; many: string[]; found: (string | null)[]; ms: number };
    assert.match(out.download, /the price data is larger than 20 MB \(the limit\)/);
    assert.ok(out.sentMb < 60, `the server got to send ${out.sentMb} MB before the client stopped reading`);
    assert.deepEqual(out.many, ['providers: more than 50000 models in all (200000)']);
    // A backtracking RegExp takes ~2^900 steps on the first; the Pike VM answers at once.
    assert.deepEqual(out.found, [null, 'evil']);
    assert.ok(r.peakRssMb! < 400, `peak RSS ${r.peakRssMb} MB`);
  });
});
