// Provider count endpoints against loopback servers (no key, no network): the request each API
// documents (Anthropic "Count Message tokens": POST /v1/messages/count_tokens with x-api-key and
// anthropic-version, answer {"input_tokens"}; Gemini "models.countTokens": POST
// /v1beta/models/{model}:countTokens with x-goog-api-key, answer {"totalTokens"}), errors without
// the key in them, the content-hash cache and the CLI's --provider-count.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  ProviderCountCache,
  ProviderCountError,
  calibrate,
  countCacheKey,
  countProviderFor,
  countRequestBody,
  providerCount,
} from '../../src/core/providers/countTokens';
import { CountSigner } from '../../src/core/providers/countTrust';
import { runCount } from '../../src/cli/count';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A loopback server answering like the count endpoints; `reply` decides status and body. */
function countServer(reply: (s: Seen) => [number, unknown]): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString('utf8')));
    req.on('end', () => {
      const s: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: data ? (JSON.parse(data) as Record<string, unknown>) : {},
      };
      seen.push(s);
      const [status, body] = reply(s);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

const KEY = 'sk-ant-test-0123456789abcdef';

describe('provider count endpoints', () => {
  it('maps model ids to the endpoint that counts them', () => {
    assert.deepEqual(countProviderFor('anthropic:claude-sonnet-4-5'), { provider: 'anthropic', model: 'claude-sonnet-4-5' });
    assert.deepEqual(countProviderFor('claude-3-5-haiku-latest'), { provider: 'anthropic', model: 'claude-3-5-haiku-latest' });
    assert.deepEqual(countProviderFor('google:gemini-2.5-flash'), { provider: 'gemini', model: 'gemini-2.5-flash' });
    assert.deepEqual(countProviderFor('gemini-2.0-flash'), { provider: 'gemini', model: 'gemini-2.0-flash' });
    for (const id of ['gpt-4o', 'meta-llama/Llama-3.1-8B-Instruct', 'bedrock:anthropic.claude-v2', 'mistral-large-latest'])
      assert.equal(countProviderFor(id), undefined, id);
  });
  it('Anthropic: POST /v1/messages/count_tokens, headers, system as top-level system', async () => {
    const srv = await countServer(() => [200, { input_tokens: 42 }]);
    try {
      const r = await providerCount({
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        apiKey: KEY,
        baseUrl: srv.url + '/',
        messages: [
          { role: 'system', content: 'Be terse.' },
          { role: 'user', content: 'Hi' },
        ],
      });
      assert.deepEqual(r, { tokens: 42, provider: 'anthropic', model: 'claude-sonnet-4-5', source: 'Anthropic count_tokens API' });
      const s = srv.seen[0];
      assert.equal(s.method, 'POST');
      assert.equal(s.url, '/v1/messages/count_tokens');
      assert.equal(s.headers['x-api-key'], KEY);
      assert.equal(s.headers['anthropic-version'], '2023-06-01');
      assert.deepEqual(s.body, { model: 'claude-sonnet-4-5', system: 'Be terse.', messages: [{ role: 'user', content: 'Hi' }] });
    } finally {
      await srv.close();
    }
  });
  it('from a browser: Anthropic gets its opt-in header, Gemini none, and a blocked fetch names both causes', async () => {
    // anthropics/anthropic-sdk-typescript src/client.ts: `anthropic-dangerous-direct-browser-access: true` when
    // dangerouslyAllowBrowser; googleapis/js-genai src/web/_web_auth.ts: only x-goog-api-key in the browser.
    const srv = await countServer((s) => [200, s.url.includes('countTokens') ? { totalTokens: 3 } : { input_tokens: 3 }]);
    try {
      const messages = [{ role: 'user', content: 'Hi' }];
      await providerCount({ provider: 'anthropic', model: 'claude-sonnet-4-5', apiKey: KEY, baseUrl: srv.url, messages, browser: true });
      await providerCount({ provider: 'anthropic', model: 'claude-sonnet-4-5', apiKey: KEY, baseUrl: srv.url, messages });
      await providerCount({ provider: 'gemini', model: 'gemini-2.5-flash', apiKey: KEY, baseUrl: srv.url, messages, browser: true });
      assert.deepEqual(
        srv.seen.map((s) => s.headers['anthropic-dangerous-direct-browser-access']),
        ['true', undefined, undefined],
      );
    } finally {
      await srv.close();
    }
    // What a browser's fetch throws when CORS refuses the answer (Chromium: "Failed to fetch").
    const failing: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    await assert.rejects(
      providerCount({
        provider: 'gemini',
        model: 'gemini-2.5-flash',
        apiKey: KEY,
        baseUrl: 'https://proxy.example/g',
        messages: [],
        browser: true,
        fetch: failing,
      }),
      (err: Error) =>
        err instanceof ProviderCountError &&
        err.kind === 'network' &&
        err.message.startsWith(
          'Gemini countTokens API: the browser got no answer it may read from https://proxy.example/g/v1beta/models/gemini-2.5-flash:countTokens (Failed to fetch).',
        ) &&
        /cannot be reached, or it does not allow requests from a web page \(no CORS headers/.test(err.message),
    );
  });
  it('Gemini: POST /v1beta/models/{model}:countTokens with a generateContentRequest', async () => {
    const srv = await countServer(() => [200, { totalTokens: 7 }]);
    try {
      const r = await providerCount({
        provider: 'gemini',
        model: 'gemini-2.5-flash',
        apiKey: 'AIza-test-key-123456',
        baseUrl: srv.url,
        messages: [
          { role: 'system', content: 'Be terse.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
        ],
      });
      assert.equal(r.tokens, 7);
      const s = srv.seen[0];
      assert.equal(s.url, '/v1beta/models/gemini-2.5-flash:countTokens');
      assert.equal(s.headers['x-goog-api-key'], 'AIza-test-key-123456');
      assert.deepEqual(
        s.body,
        countRequestBody('gemini', 'gemini-2.5-flash', [
          { role: 'system', content: 'Be terse.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
        ]),
      );
      assert.deepEqual(s.body, {
        generateContentRequest: {
          model: 'models/gemini-2.5-flash',
          contents: [
            { role: 'user', parts: [{ text: 'Hi' }] },
            { role: 'model', parts: [{ text: 'Hello' }] },
          ],
          systemInstruction: { parts: [{ text: 'Be terse.' }] },
        },
      });
    } finally {
      await srv.close();
    }
  });
  it('errors: status → kind, server text kept, the key never in the message', async () => {
    const srv = await countServer((s) =>
      s.body.model === 'auth'
        ? [401, { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${KEY}` } }]
        : s.body.model === 'busy'
          ? [429, { error: { message: 'rate limited' } }]
          : s.body.model === 'junk'
            ? [200, 'not json']
            : [200, { something: 1 }],
    );
    try {
      const ask = (model: string) =>
        providerCount({ provider: 'anthropic', model, apiKey: KEY, baseUrl: srv.url, messages: [{ role: 'user', content: 'x' }] });
      await assert.rejects(ask('auth'), (e: ProviderCountError) => e.kind === 'auth' && /401/.test(e.message) && !e.message.includes(KEY));
      await assert.rejects(ask('busy'), (e: ProviderCountError) => e.kind === 'rate_limit' && /rate limited/.test(e.message));
      await assert.rejects(ask('junk'), (e: ProviderCountError) => e.kind === 'bad_response');
      await assert.rejects(ask('other'), (e: ProviderCountError) => e.kind === 'bad_response' && /input_tokens/.test(e.message));
    } finally {
      await srv.close();
    }
    await assert.rejects(
      providerCount({ provider: 'gemini', model: 'gemini-x', apiKey: KEY, baseUrl: 'http://127.0.0.1:9', messages: [] }),
      (e: ProviderCountError) => e.kind === 'network' && !e.message.includes(KEY),
    );
  });
  it('cache: keyed by content hash, persisted as JSON, a damaged file starts empty', () => {
    const dir = tempDir('pc-count-cache-');
    const file = path.join(dir, 'counts.json');
    const k1 = countCacheKey('anthropic', 'claude-x', [{ role: 'user', content: 'a' }]);
    assert.notEqual(k1, countCacheKey('anthropic', 'claude-x', [{ role: 'user', content: 'b' }]));
    assert.notEqual(k1, countCacheKey('gemini', 'claude-x', [{ role: 'user', content: 'a' }]));
    new ProviderCountCache(file).set(k1, { tokens: 5, provider: 'anthropic', model: 'claude-x', source: 's', at: 't', estimate: 4 });
    assert.equal(new ProviderCountCache(file).get(k1)?.tokens, 5);
    fs.writeFileSync(file, '{broken');
    assert.equal(new ProviderCountCache(file).get(k1), undefined);
  });
  it('cache: a forged entry (committed into a cloned repo) is not used; the good ones are', () => {
    const dir = tempDir('pc-count-forged-');
    const file = path.join(dir, '.prompt-cost', 'counts.json');
    const signer = new CountSigner(path.join(dir, 'config'));
    const key = (content: string) => countCacheKey('anthropic', 'claude-x', [{ role: 'user', content }]);
    const good = { tokens: 5, provider: 'anthropic' as const, model: 'claude-x', source: 's', at: '2026-11-29T00:00:00Z' };
    new ProviderCountCache(file, dir, signer).set(key('ok'), good); // signed with this machine's key
    const signed = JSON.parse(fs.readFileSync(file, 'utf8'))[key('ok')];
    assert.match(signed.mac, /^[0-9a-f]{64}$/);
    const forged: Record<string, unknown> = {
      [key('ok')]: signed,
      [key('huge')]: { ...good, tokens: 1e300 },
      [key('negative')]: { ...good, tokens: -5 },
      [key('fraction')]: { ...good, tokens: 2.5 },
      [key('string')]: { ...good, tokens: '5' },
      [key('provider')]: { ...good, provider: 'openai' },
      [key('long-model')]: { ...good, model: 'm'.repeat(1_000_000) },
      [key('estimate')]: { ...good, estimate: -1 },
      'not-a-hash': good,
      [key('null')]: null,
      // well-formed, but not signed here: a committed count, or ours with a changed number or key
      [key('unsigned')]: good,
      [key('tampered')]: { ...signed, tokens: 1 },
      [key('moved')]: signed,
      [key('other-machine')]: { ...good, mac: 'ab'.repeat(32) },
    };
    fs.writeFileSync(file, JSON.stringify(forged));
    const cache = new ProviderCountCache(file, dir, signer);
    assert.deepEqual(
      cache.values().map((v) => v.tokens),
      [5],
    );
    assert.equal(cache.get(key('ok'))?.tokens, 5);
    assert.equal(cache.untrusted, 4);
    // another user's (or machine's) key verifies none of them
    assert.deepEqual(new ProviderCountCache(file, dir, new CountSigner(path.join(dir, 'other'))).values(), []);
  });
  it('calibrate: factor from the pairs, error band covers every pair, needs 3 pairs', () => {
    assert.equal(calibrate([{ estimate: 10, exact: 12 }]), undefined);
    const c = calibrate([
      { estimate: 100, exact: 110 },
      { estimate: 200, exact: 230 },
      { estimate: 50, exact: 52 },
    ]);
    assert.ok(c);
    assert.equal(c.n, 3);
    assert.ok(Math.abs(c.factor - 392 / 350) < 1e-12);
    for (const p of [
      [100, 110],
      [200, 230],
      [50, 52],
    ])
      assert.ok(Math.abs(p[0] * c.factor - p[1]) / p[1] <= c.errorBand + 1e-12);
  });
});

describe('prompt-cost count --provider-count', () => {
  let srv: Awaited<ReturnType<typeof countServer>>;
  let dir: string;
  before(async () => {
    srv = await countServer((s) => [200, s.url.includes('countTokens') ? { totalTokens: 11 } : { input_tokens: 17 }]);
    dir = tempDir('pc-count-provider-');
    fs.writeFileSync(path.join(dir, 'p.txt'), 'Summarise this.\n');
  });
  after(() => srv.close());

  it('Claude: exact from the endpoint, source in JSON, then from the cache without a request', async () => {
    const env = { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: srv.url };
    let io = fakeIO(dir, env);
    assert.equal(await runCount(['--model', 'anthropic:claude-sonnet-4-5', '--provider-count', '--json', 'p.txt'], io), 0, io.err);
    assert.deepEqual(JSON.parse(io.out).files[0], {
      path: 'p.txt',
      encoding: 'claude',
      tokens: 17,
      approximate: false,
      source: 'Anthropic count_tokens API',
      cached: false,
    });
    const requests = srv.seen.length;
    assert.deepEqual(srv.seen[requests - 1].body.messages, [{ role: 'user', content: 'Summarise this.\n' }]);
    io = fakeIO(dir, env);
    assert.equal(await runCount(['--model', 'anthropic:claude-sonnet-4-5', '--provider-count', 'p.txt'], io), 0, io.err);
    assert.match(io.out, /^17 {2}p\.txt\n\(Exact: Anthropic count_tokens API \(cached\)\. Model: anthropic:claude-sonnet-4-5\.\)/);
    assert.equal(srv.seen.length, requests, 'no second request');
    assert.ok(fs.existsSync(path.join(dir, '.prompt-cost', 'provider-counts.json')));
  });
  it('Gemini through GEMINI_API_KEY / GEMINI_BASE_URL', async () => {
    const io = fakeIO(dir, { GEMINI_API_KEY: 'g-key-123456', GEMINI_BASE_URL: srv.url });
    assert.equal(await runCount(['--model', 'google:gemini-2.5-flash', '--provider-count', '--json', 'p.txt'], io), 0, io.err);
    assert.equal(JSON.parse(io.out).files[0].tokens, 11);
  });
  it('no key: exit 2 naming the variable; no --model: exit 2; exact models are counted locally with a note', async () => {
    let io = fakeIO(dir, {});
    await assert.rejects(runCount(['--model', 'claude-sonnet-4-5', '--provider-count', 'p.txt'], io), /ANTHROPIC_API_KEY is not set/);
    io = fakeIO(dir, {});
    await assert.rejects(runCount(['--provider-count', 'p.txt'], io), /needs --model/);
    io = fakeIO(dir, {});
    assert.equal(await runCount(['--model', 'gpt-4o', '--provider-count', '--json', 'p.txt'], io), 0);
    assert.match(io.err, /exact offline for gpt-4o/);
    assert.equal(JSON.parse(io.out).files[0].approximate, false);
  });
});
