import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import fc from 'fast-check';
import { Decimal } from '../../src/core/pricing/decimal';
import {
  ProviderError,
  RunPromptRequest,
  SseParser,
  costOfUsage,
  mergeAnthropicStreamUsage,
  normalizeAnthropicUsage,
  normalizeOpenAIUsage,
  parseOpenAIUsage,
  redact,
  runPrompt,
} from '../../src/core/providers';
import { FakeProviderServer, startFakeProviderServer, FAKE_DEFAULT_TEXT } from '../support/fakeProviderServer';

const KEY = 'sk-test-THISISTHESECRETKEY1234567890';
const ANT_KEY = 'sk-ant-api03-SECRETSECRETSECRET-abcdef';

describe('usage normalisation', () => {
  it('OpenAI prompt_tokens includes cached_tokens: uncached = prompt − cached', () => {
    const u = normalizeOpenAIUsage({
      prompt_tokens: 1200,
      completion_tokens: 50,
      prompt_tokens_details: { cached_tokens: 1000 },
      completion_tokens_details: { reasoning_tokens: 20 },
    });
    assert.deepEqual(u, {
      inputTokens: 200,
      cachedInputTokens: 1000,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 50,
      reasoningTokens: 20,
    });
  });

  it('OpenAI without details; a cached count larger than the prompt is unusable (unknown + warning, never a guessed split)', () => {
    assert.deepEqual(normalizeOpenAIUsage({ prompt_tokens: 10, completion_tokens: 2 }), {
      inputTokens: 10,
      cachedInputTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 2,
    });
    assert.equal(
      normalizeOpenAIUsage({ prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 50 } }),
      undefined,
    );
    assert.deepEqual(parseOpenAIUsage({ prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 50 } }).warnings, [
      'usage.prompt_tokens_details.cached_tokens: 50 is more than prompt_tokens (10), which includes it',
    ]);
    assert.equal(normalizeOpenAIUsage(null), undefined);
  });

  it('Anthropic input_tokens excludes cache read and write; writes split by TTL', () => {
    assert.deepEqual(
      normalizeAnthropicUsage({
        input_tokens: 200,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 300,
        cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
        output_tokens: 50,
      }),
      { inputTokens: 200, cachedInputTokens: 1000, cacheWrite5mTokens: 100, cacheWrite1hTokens: 200, outputTokens: 50 },
    );
    // Older API versions: no breakdown → all writes are 5-minute.
    assert.equal(normalizeAnthropicUsage({ input_tokens: 1, cache_creation_input_tokens: 300, output_tokens: 1 })!.cacheWrite5mTokens, 300);
  });

  it('Anthropic stream usage: message_delta fields win over message_start', () => {
    const u = mergeAnthropicStreamUsage({ input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 }, { output_tokens: 42 });
    assert.deepEqual(u, { inputTokens: 10, cachedInputTokens: 5, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 42 });
  });

  it('costOfUsage is exact per bucket', () => {
    const c = costOfUsage(
      { inputTokens: 200, cachedInputTokens: 1000, cacheWrite5mTokens: 100, cacheWrite1hTokens: 200, outputTokens: 50 },
      {
        inputPerMTok: Decimal.parse('3'),
        cachedInputPerMTok: Decimal.parse('0.30'),
        cacheWrite5mPerMTok: Decimal.parse('3.75'),
        cacheWrite1hPerMTok: Decimal.parse('6'),
        outputPerMTok: Decimal.parse('15'),
      },
    );
    // 200×3 + 1000×0.3 + 100×3.75 + 200×6 + 50×15 = 600+300+375+1200+750 = 3225 → /1e6
    assert.equal(c.totalUsd.toString(), '0.003225');
    assert.equal(c.cachedInputUsd.toString(), '0.0003');
    // One token at $0.15/M is not rounded away.
    assert.equal(
      costOfUsage(
        { inputTokens: 1, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0 },
        { inputPerMTok: Decimal.parse('0.15'), outputPerMTok: Decimal.parse('0.6') },
      ).totalUsd.toString(),
      '0.00000015',
    );
  });
});

describe('SSE parser', () => {
  it('any chunking of a stream yields the same events', () => {
    const events = ['{"a":1}', 'line1\nline2', '[DONE]', '{"ü":"é漢"}'];
    const wire = events
      .map(
        (d, i) =>
          `${i % 2 ? 'event: x\r\n' : ': comment\n'}${d
            .split('\n')
            .map((l) => `data: ${l}`)
            .join('\n')}\n\n`,
      )
      .join('');
    const bytes = Buffer.from(wire, 'utf8');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const p = new SseParser();
        const got: string[] = [];
        let prev = 0;
        for (const c of [...points, bytes.length]) {
          for (const e of p.push(bytes.subarray(prev, c))) got.push(e.data);
          prev = c;
        }
        for (const e of p.end()) got.push(e.data);
        assert.deepEqual(got, events);
      }),
      { numRuns: 200 },
    );
  });
});

describe('redact', () => {
  it('never leaves the key in the text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/), (a, b, secret) => {
        const key = `sk-${secret}`;
        assert.ok(!redact(`${a}${key}${b}`, [key]).includes(key));
      }),
      { numRuns: 200 },
    );
    assert.equal(redact('Incorrect API key provided: sk-pr***wxyz.', []), 'Incorrect API key provided: [redacted].');
    assert.equal(redact('authorization: Bearer abcdefgh', []), 'authorization: Bearer [redacted]');
  });
});

describe('runPrompt against the loopback server', () => {
  let server: FakeProviderServer;
  before(async () => {
    server = await startFakeProviderServer({ apiKey: KEY });
  });
  after(async () => {
    await server.close();
  });

  const openai = (over: Partial<RunPromptRequest> = {}): RunPromptRequest => ({
    endpoint: { provider: 'openai', baseUrl: server.openaiBaseUrl, apiKey: KEY },
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ],
    timeoutMs: 5000,
    ...over,
  });
  const anthropic = (over: Partial<RunPromptRequest> = {}): RunPromptRequest => ({
    endpoint: { provider: 'anthropic', baseUrl: server.anthropicBaseUrl, apiKey: KEY },
    model: 'claude-3-5-haiku-latest',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ],
    timeoutMs: 5000,
    ...over,
  });

  async function rejects(p: Promise<unknown>): Promise<ProviderError> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof ProviderError, `expected ProviderError, got ${err}`);
      for (const k of [KEY, ANT_KEY]) assert.ok(!err.message.includes(k), `key leaked: ${err.message}`);
      assert.ok(!/SECRET/.test(err.message), `key fragment leaked: ${err.message}`);
      return err;
    }
    assert.fail('expected a rejection');
  }

  it('OpenAI streaming: deltas, include_usage requested, cached tokens split out', async () => {
    const deltas: string[] = [];
    const r = await runPrompt(openai({ onText: (d) => deltas.push(d) }));
    assert.equal(r.text, FAKE_DEFAULT_TEXT);
    assert.equal(deltas.join(''), FAKE_DEFAULT_TEXT);
    assert.ok(deltas.length > 1);
    assert.deepEqual(r.usage, {
      inputTokens: 200,
      cachedInputTokens: 1000,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 50,
      reasoningTokens: 20,
    });
    assert.equal(r.finishReason, 'stop');
    assert.equal(r.requestId, 'req_fake_ok');
    const req = server.requests.at(-1)!;
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(req.body!.stream_options, { include_usage: true });
    assert.equal(req.body!.stream, true);
  });

  it('OpenAI non-streaming gives the same usage', async () => {
    const r = await runPrompt(openai({ stream: false, maxOutputTokens: 100 }));
    assert.equal(r.text, FAKE_DEFAULT_TEXT);
    assert.equal(r.usage!.inputTokens, 200);
    assert.equal(r.usage!.cachedInputTokens, 1000);
    const body = server.requests.at(-1)!.body!;
    assert.equal(body.stream, undefined);
    assert.equal(body.max_tokens, 100); // loopback host → max_tokens, not max_completion_tokens
  });

  it('Azure flavour: api-key header and api-version query', async () => {
    await runPrompt(
      openai({
        endpoint: {
          provider: 'openai',
          flavor: 'azure',
          baseUrl: `${server.url}/openai/deployments/my-dep`,
          apiKey: KEY,
          apiVersion: '2024-10-21',
        },
        maxOutputTokens: 5,
      }),
    );
    const req = server.requests.at(-1)!;
    assert.equal(req.path, '/openai/deployments/my-dep/chat/completions?api-version=2024-10-21');
    assert.equal(req.headers['api-key'], KEY);
    assert.equal(req.headers.authorization, undefined);
    assert.equal(req.body!.max_completion_tokens, 5);
  });

  it('Anthropic streaming: usage from message_start + message_delta, system hoisted', async () => {
    const deltas: string[] = [];
    const r = await runPrompt(anthropic({ onText: (d) => deltas.push(d) }));
    assert.equal(r.text, FAKE_DEFAULT_TEXT);
    assert.equal(deltas.join(''), FAKE_DEFAULT_TEXT);
    assert.deepEqual(r.usage, {
      inputTokens: 200,
      cachedInputTokens: 1000,
      cacheWrite5mTokens: 100,
      cacheWrite1hTokens: 200,
      outputTokens: 50,
    });
    assert.equal(r.finishReason, 'end_turn');
    const req = server.requests.at(-1)!;
    assert.equal(req.path, '/v1/messages');
    assert.equal(req.headers['x-api-key'], KEY);
    assert.equal(req.headers['anthropic-version'], '2023-06-01');
    assert.equal(req.body!.system, 'Be brief.');
    assert.deepEqual(req.body!.messages, [{ role: 'user', content: 'Hi' }]);
    assert.equal(req.body!.max_tokens, 4096);
  });

  it('Anthropic non-streaming', async () => {
    const r = await runPrompt(anthropic({ stream: false }));
    assert.equal(r.text, FAKE_DEFAULT_TEXT);
    assert.equal(r.usage!.cacheWrite1hTokens, 200);
    assert.equal(r.usage!.inputTokens, 200);
  });

  it('a stream without usage (server ignores include_usage) resolves with usage undefined', async () => {
    const r = await runPrompt(openai({ model: 'fake-no-usage' }));
    assert.equal(r.text, FAKE_DEFAULT_TEXT);
    assert.equal(r.usage, undefined);
  });

  it('401: clear message, no key even when the server echoes it', async () => {
    for (const mk of [openai, anthropic]) {
      const req = mk();
      (req.endpoint as { apiKey: string }).apiKey = ANT_KEY;
      const e = await rejects(runPrompt(req));
      assert.equal(e.kind, 'auth');
      assert.equal(e.status, 401);
      assert.match(e.message, /rejected the API key/);
    }
  });

  it('404 unknown model, 429 with retry-after, 500', async () => {
    for (const mk of [openai, anthropic]) {
      const nf = await rejects(runPrompt(mk({ model: 'fake-404' })));
      assert.equal(nf.kind, 'not_found');
      assert.match(nf.message, /fake-404/);
      const rl = await rejects(runPrompt(mk({ model: 'fake-429' })));
      assert.equal(rl.kind, 'rate_limit');
      assert.equal(rl.retryAfterMs, 7000);
      assert.match(rl.message, /retry after 7 s/);
      const se = await rejects(runPrompt(mk({ model: 'fake-500' })));
      assert.equal(se.kind, 'server');
      assert.equal(se.status, 500);
    }
  });

  it('timeout when the server never answers, and when a stream stalls', async () => {
    for (const mk of [openai, anthropic]) {
      const t0 = Date.now();
      const e = await rejects(runPrompt(mk({ model: 'fake-hang', timeoutMs: 150 })));
      assert.equal(e.kind, 'timeout');
      assert.ok(Date.now() - t0 < 3000);
      server.enqueue({ mode: 'hang-mid-stream' });
      // Long enough for the first chunk to arrive on a loaded machine: the partial text is what is checked.
      const e2 = await rejects(runPrompt(mk({ timeoutMs: 1500 })));
      assert.equal(e2.kind, 'timeout');
      assert.ok(e2.details.partialText && FAKE_DEFAULT_TEXT.startsWith(e2.details.partialText));
    }
  });

  it('totalTimeoutMs caps a slow but alive stream', async () => {
    server.enqueue({ chunkDelayMs: 100, chunks: Array.from({ length: 30 }, () => 'x') });
    const e = await rejects(runPrompt(openai({ totalTimeoutMs: 250 })));
    assert.equal(e.kind, 'timeout');
  });

  it('connection refused', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const e = await rejects(runPrompt(openai({ endpoint: { provider: 'openai', baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEY } })));
    assert.equal(e.kind, 'network');
    assert.match(e.message, /ECONNREFUSED/);
  });

  it('connection dropped without a response', async () => {
    server.enqueue({ mode: 'destroy' });
    const e = await rejects(runPrompt(openai()));
    assert.equal(e.kind, 'network');
  });

  it('malformed JSON body, malformed SSE, truncated stream, in-stream error', async () => {
    for (const mk of [openai, anthropic]) {
      server.enqueue({ mode: 'malformed-json' });
      assert.equal((await rejects(runPrompt(mk({ stream: false })))).kind, 'bad_response');
      server.enqueue({ mode: 'malformed-sse' });
      assert.equal((await rejects(runPrompt(mk()))).kind, 'bad_response');
      server.enqueue({ mode: 'truncated' });
      const tr = await rejects(runPrompt(mk()));
      assert.equal(tr.kind, 'bad_response');
      assert.match(tr.message, /ended before/);
      assert.ok(tr.details.partialText);
      server.enqueue({ mode: 'stream-error', errorMessage: `boom ${KEY}` });
      const se = await rejects(runPrompt(mk()));
      assert.equal(se.kind, 'server');
      assert.match(se.message, /boom \[redacted\]/);
    }
  });

  it('an exception that is not the network (here: the text callback) is not reported as "cannot reach"', async () => {
    for (const mk of [openai, anthropic]) {
      const e = await rejects(
        runPrompt(
          mk({
            onText: () => {
              throw new Error('the view was closed');
            },
          }),
        ),
      );
      assert.equal(e.kind, 'bad_response');
      assert.match(e.message, /^Reading the answer from .* failed \(the view was closed\)\.$/);
    }
    // The network itself still is: nothing listens on port 9.
    const down = await rejects(runPrompt(openai({ endpoint: { provider: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: KEY } })));
    assert.equal(down.kind, 'network');
  });

  it('cancel mid-stream via AbortSignal, and a signal aborted before sending', async () => {
    for (const mk of [openai, anthropic]) {
      const ac = new AbortController();
      server.enqueue({ chunkDelayMs: 50, chunks: Array.from({ length: 40 }, (_, i) => `w${i} `) });
      let got = '';
      const p = runPrompt(
        mk({
          signal: ac.signal,
          onText: (d) => {
            got += d;
            if (got.length > 6) ac.abort();
          },
        }),
      );
      const e = await rejects(p);
      assert.equal(e.kind, 'cancelled');
      assert.ok(e.details.partialText);
      const pre = new AbortController();
      pre.abort();
      assert.equal((await rejects(runPrompt(mk({ signal: pre.signal })))).kind, 'cancelled');
    }
  });
});
