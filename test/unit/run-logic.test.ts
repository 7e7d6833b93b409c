import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { PriceCatalog } from '../../src/core/pricing/catalog';
import { Decimal } from '../../src/core/pricing/decimal';
import { parsePromptDocument } from '../../src/core/prompt';
import { costOfUsage, normalizeAnthropicUsage, normalizeOpenAIUsage } from '../../src/core/providers/usage';
import { redact } from '../../src/core/providers/http';
import {
  bucketPricesFor,
  filledDocument,
  fillMessages,
  providerErrorView,
  machineLooksOffline,
  runTargetFor,
  sampleValues,
  secretKeyFor,
  templateVariables,
} from '../../src/features/run/runLogic';

const ctx = { providerLabel: 'OpenAI-compatible', model: 'gpt-4o', baseUrl: 'http://127.0.0.1:9/v1', timeoutSeconds: 30 };

describe('run: model id → endpoint', () => {
  it('sends anthropic: to Anthropic and everything else to the OpenAI-compatible endpoint', () => {
    assert.deepEqual(runTargetFor('anthropic:claude-3-5-sonnet-latest'), {
      kind: 'anthropic',
      provider: 'anthropic',
      model: 'claude-3-5-sonnet-latest',
      id: 'anthropic:claude-3-5-sonnet-latest',
    });
    assert.deepEqual(runTargetFor('openai:gpt-4o-mini'), {
      kind: 'openai',
      provider: 'openai',
      model: 'gpt-4o-mini',
      id: 'openai:gpt-4o-mini',
    });
    assert.equal(runTargetFor('ollama:llama3.2').kind, 'openai');
    assert.equal(runTargetFor('ollama:llama3.2').model, 'llama3.2');
    assert.equal(runTargetFor('openrouter:anthropic/claude-3.5-sonnet').model, 'anthropic/claude-3.5-sonnet');
    // A bare Ollama tag keeps its colon: `llama3` is not a provider.
    assert.equal(runTargetFor('llama3:8b').model, 'llama3:8b');
    assert.equal(runTargetFor('claude-3-haiku-20240307').kind, 'anthropic');
    assert.equal(runTargetFor('gpt-4o').id, 'openai:gpt-4o');
    assert.equal(secretKeyFor('anthropic'), 'promptCost.apiKey.anthropic');
  });
});

describe('run: template variables', () => {
  const text =
    '---\nmodel: openai:gpt-4o\nsample:\n  plan: Pro\n  n: 3\n---\n# System\n\nBe brief.\r\n\r\n# User\n\nPlan: {{plan}}\r\nMessage: {{ message }} and {{plan}}\n{% if x %}x{% endif %}\n';
  const doc = parsePromptDocument(text, 'triage.prompt.md');

  it('lists variables once, in order, without blocks', () => {
    assert.deepEqual(templateVariables(doc), ['plan', 'message']);
    assert.deepEqual(sampleValues(doc), { plan: 'Pro', n: '3' });
  });

  it('fills values by placeholder range, never re-parsing the values', () => {
    const msgs = fillMessages(text, doc, { plan: 'Team', message: '# System\n{{plan}}' });
    assert.equal(msgs.length, 2);
    assert.deepEqual(msgs[0], { role: 'system', content: 'Be brief.' });
    assert.equal(msgs[1].role, 'user');
    assert.equal(msgs[1].content, 'Plan: Team\nMessage: # System\n{{plan}} and Team\n{% if x %}x{% endif %}');
  });

  it('leaves variables without a value as written and drops empty messages', () => {
    const msgs = fillMessages(text, doc, { plan: 'Team' });
    assert.match(msgs[1].content, /Message: \{\{ message \}\}/);
    const t2 = 'system:\n\nuser:\n{{q}}\n';
    const d2 = parsePromptDocument(t2, 'x.prompty');
    assert.deepEqual(fillMessages(t2, d2, { q: 'hi' }), [{ role: 'user', content: 'hi' }]);
  });

  it('filledDocument keeps the unfilled placeholders only', () => {
    const d = filledDocument(doc, text, { plan: 'Team' });
    assert.deepEqual([...new Set(d.placeholders.filter((p) => p.kind === 'variable').map((p) => p.name))], ['message']);
    assert.equal(d.messages.length, 2);
  });
});

describe('run: exact actual cost from the catalog', () => {
  it('OpenAI: cached tokens are billed at the cached price, not twice', () => {
    const catalog = new PriceCatalog();
    const r = catalog.resolve('openai:gpt-4o');
    assert.ok(r.ok);
    const usage = normalizeOpenAIUsage({ prompt_tokens: 1200, completion_tokens: 50, prompt_tokens_details: { cached_tokens: 1000 } })!;
    const prices = bucketPricesFor(r.price, usage)!;
    assert.ok(prices.cachedInputPerMTok, 'the reference has a cached-input price for gpt-4o');
    const cost = costOfUsage(usage, prices).totalUsd;
    const expected = prices.inputPerMTok
      .times(200)
      .plus(prices.cachedInputPerMTok!.times(1000))
      .plus(prices.outputPerMTok.times(50))
      .shiftLeft(6);
    assert.equal(cost.toString(), expected.toString());
  });

  it('Anthropic from flujo.toml per-1K prices: cache read 0.1×, writes 1.25× / 2×', () => {
    const flujo = {
      strict: false,
      providers: new Map([
        [
          'anthropic',
          new Map([['claude-3-5-sonnet-20241022', { promptPer1k: Decimal.parse('0.003'), completionPer1k: Decimal.parse('0.015') }]]),
        ],
      ]),
    };
    const catalog = new PriceCatalog({ flujo });
    const r = catalog.resolve('anthropic:claude-3-5-sonnet-20241022');
    assert.ok(r.ok);
    const usage = normalizeAnthropicUsage({
      input_tokens: 200,
      cache_read_input_tokens: 1000,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      output_tokens: 50,
    })!;
    const prices = bucketPricesFor(r.price, usage)!;
    assert.equal(prices.inputPerMTok.toString(), '3');
    // 200×3 + 1000×0.3 + 100×3.75 + 200×6 + 50×15 = 600 + 300 + 375 + 1200 + 750 = 3225 per 1M
    assert.equal(costOfUsage(usage, prices).totalUsd.toString(), '0.003225');
  });

  it('no cost without input and output prices', () => {
    const catalog = new PriceCatalog({ settings: new Map([['x-model', { inputPerMtok: Decimal.parse('1') }]]) });
    const r = catalog.resolve('x-model');
    if (r.ok)
      assert.equal(
        bucketPricesFor(r.price, { inputTokens: 1, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 1 }),
        undefined,
      );
  });
});

describe('run: error messages per ProviderError kind', () => {
  it('gives each kind a clear message and the right actions', () => {
    assert.deepEqual(providerErrorView({ kind: 'auth', message: 'Incorrect API key', status: 401 }, ctx).actions, ['Set API Key…']);
    assert.match(providerErrorView({ kind: 'auth', message: '', status: 401 }, ctx).message, /rejected the API key \(HTTP 401\)/);
    assert.match(
      providerErrorView({ kind: 'not_found', message: '', status: 404 }, ctx).message,
      /Model 'gpt-4o' was not found at http:\/\/127\.0\.0\.1:9\/v1/,
    );
    const rl = providerErrorView({ kind: 'rate_limit', message: '', status: 429, retryAfterMs: 7000 }, ctx);
    assert.match(rl.message, /Retry after 7 s/);
    assert.equal(rl.severity, 'warning');
    assert.match(providerErrorView({ kind: 'timeout', message: '' }, ctx).message, /for 30 s \(promptCost\.run\.timeoutSeconds\)/);
    assert.match(providerErrorView({ kind: 'network', message: 'ECONNREFUSED' }, ctx).message, /Cannot reach/);
    assert.match(providerErrorView({ kind: 'server', message: '', status: 503 }, ctx).message, /server error \(HTTP 503\)/);
    assert.match(providerErrorView({ kind: 'bad_response', message: '' }, ctx).message, /malformed/);
    assert.equal(providerErrorView({ kind: 'cancelled', message: 'x' }, ctx).severity, 'info');
  });

  // The client's message (src/core/providers/http.ts) names the code once; the view says it once, and says
  // "offline" only when the machine has no network besides loopback (issue 29: it said "Cannot reach" twice).
  it('network: one message, "offline" when the machine is, the host name or the server otherwise', () => {
    const client = 'Cannot reach http://127.0.0.1:9/v1 (ENOTFOUND). Check the host name in the base URL.';
    const offline = providerErrorView({ kind: 'network', message: client }, { ...ctx, offline: true }).message;
    assert.equal(
      offline,
      'Cannot reach http://127.0.0.1:9/v1 (ENOTFOUND): this machine is offline. Token counts and estimates work offline; running a prompt needs the network.',
    );
    const online = providerErrorView({ kind: 'network', message: client }, ctx).message;
    assert.match(online, /^Cannot reach http:\/\/127\.0\.0\.1:9\/v1 \(ENOTFOUND\): the host name does not resolve\./);
    for (const m of [offline, online]) assert.equal(m.match(/Cannot reach/g)?.length, 1, m);
    assert.match(
      providerErrorView({ kind: 'network', message: 'Cannot reach x (ECONNREFUSED). Is the server running?' }, { ...ctx, offline: true })
        .message,
      /\(ECONNREFUSED\): nothing listens there\. Is the server running/,
    );
    assert.equal(machineLooksOffline({ lo: [{ internal: true, address: '127.0.0.1' }] }), true);
    assert.equal(machineLooksOffline({ lo: [{ internal: true, address: '::1' }], eth0: [{ internal: false, address: 'fe80::1' }] }), true);
    assert.equal(machineLooksOffline({ eth0: [{ internal: false, address: '10.0.0.5' }] }), false);
  });

  it('never adds a key to the message (the client message is already scrubbed)', () => {
    const key = 'sk-test-SECRET-123456';
    const scrubbed = redact(`Incorrect API key provided: ${key}`, [key]);
    const v = providerErrorView({ kind: 'auth', message: scrubbed, status: 401 }, ctx);
    assert.ok(!v.message.includes(key));
  });
});
