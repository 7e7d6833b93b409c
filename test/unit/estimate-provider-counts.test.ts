// Cached provider counts in the estimate (issue 11, item 5): a cached exact count of the same
// request is shown as exact with its source; enough cached (estimate, exact) pairs calibrate the
// offline estimate with the measured band. Cache files live in temp dirs; no test touches the network
// (fetch is replaced by a function that fails the test, except the loopback count server below).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { main } from '../../src/cli/main';
import { PROVIDER_COUNT_CACHE } from '../../src/cli/providerCount';
import { CachedCount, ProviderCountCache, calibrate, countCacheKey } from '../../src/core/providers/countTokens';
import {
  MIN_CALIBRATION_PAIRS,
  applyProviderCounts,
  countMessagesOf,
  formatBand,
  estimateMarkdown,
  estimatePrompt,
  providerCalibration,
  promptFileTokens,
} from '../../src/core/estimate';
import { parsePromptDocument } from '../../src/core/prompt';
import { PriceCatalog } from '../../src/core/pricing/catalog';
import { countTokens } from '../../src/core/tokenize';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';

const CLAUDE = 'anthropic:claude-sonnet-4-5';
const PROMPT =
  '---\nmodel: anthropic:claude-sonnet-4-5\n---\n# system\nYou are terse.\n\n# user\nSummarise the attached report in two sentences.\n';

const doc = parsePromptDocument(PROMPT, 'p.prompt.md');
/** A model's offline summary, as the estimate makes it before the cache is applied. */
const offline = (model: string) =>
  estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), {
    models: [model],
    catalog: new PriceCatalog(),
    outputTokens: 0,
    requestsPerDay: 1,
  }).models[0];

function memoryCounts(entries: Record<string, CachedCount>) {
  return { get: (k: string) => entries[k], values: () => Object.values(entries) };
}
const count = (tokens: number, estimate?: number, provider: 'anthropic' | 'gemini' = 'anthropic'): CachedCount => ({
  tokens,
  estimate,
  provider,
  model: 'claude-sonnet-4-5',
  source: provider === 'anthropic' ? 'Anthropic count_tokens API' : 'Gemini countTokens API',
  at: '2026-11-29T10:00:00.000Z',
});

describe('applyProviderCounts (core)', () => {
  const key = countCacheKey('anthropic', 'claude-sonnet-4-5', countMessagesOf(doc));

  it('the cached exact count of the same messages replaces the estimate: exact, with source and date', () => {
    const m = applyProviderCounts(offline(CLAUDE), doc, memoryCounts({ [key]: count(42) }));
    assert.equal(m.inputTokens, 42);
    assert.equal(m.tokenizer.approximate, false);
    assert.deepEqual(m.providerCount, { source: 'Anthropic count_tokens API, cached 2026-11-29', at: '2026-11-29T10:00:00.000Z' });
    assert.match(m.tokenizer.method, /^Exact: Anthropic count_tokens API, cached 2026-11-29\.$/);
  });

  it('the same prompt spelled with another model id prefix hits the same entry (the endpoint model is the key)', () => {
    assert.equal(applyProviderCounts(offline('claude-sonnet-4-5'), doc, memoryCounts({ [key]: count(42) })).inputTokens, 42);
  });

  it('other messages, another model or another provider: no hit', () => {
    const other = countCacheKey('anthropic', 'claude-sonnet-4-5', [{ role: 'user', content: 'something else' }]);
    const base = offline(CLAUDE);
    assert.deepEqual(applyProviderCounts(base, doc, memoryCounts({ [other]: count(42) })), base);
    const opus = offline('anthropic:claude-opus-4-1');
    assert.deepEqual(applyProviderCounts(opus, doc, memoryCounts({ [key]: count(42) })), opus);
  });

  it('exact offline models (OpenAI) are never touched', () => {
    const gpt = offline('openai:gpt-4o');
    assert.deepEqual(applyProviderCounts(gpt, doc, memoryCounts({ [key]: count(42, 40), a: count(1, 1), b: count(2, 2) })), gpt);
  });

  it(`calibration needs ${MIN_CALIBRATION_PAIRS} pairs of the provider: below, the documented band stays`, () => {
    const base = offline(CLAUDE);
    const two = memoryCounts({ a: count(110, 100), b: count(220, 200), g: count(5, 1, 'gemini') });
    assert.equal(providerCalibration(two, 'anthropic'), undefined);
    assert.deepEqual(applyProviderCounts(base, doc, two), base);
    // entries without an estimate (older caches) are not pairs
    assert.equal(providerCalibration(memoryCounts({ a: count(110, 100), b: count(220, 200), c: count(330) }), 'anthropic'), undefined);
  });

  it('three pairs: the estimate × calibrate() factor, the measured band and N in the method', () => {
    // factor Σexact/Σestimate = 660/600 = 1.1; errors 0, |220−210|/210 = 4.76 %, |330−340|/340 = 2.94 % → band 4.76 %
    const counts = memoryCounts({ a: count(110, 100), b: count(210, 200), c: count(340, 300) });
    const cal = calibrate([
      { estimate: 100, exact: 110 },
      { estimate: 200, exact: 210 },
      { estimate: 300, exact: 340 },
    ])!;
    assert.ok(Math.abs(cal.factor - 1.1) < 1e-12);
    assert.ok(Math.abs(cal.errorBand - 10 / 210) < 1e-12);
    const base = offline(CLAUDE);
    const m = applyProviderCounts(base, doc, counts);
    assert.equal(m.tokenizer.approximate, true);
    assert.equal(m.inputTokens, Math.ceil(base.inputTokens * cal.factor));
    assert.deepEqual(
      m.messageTokens,
      base.messageTokens.map((n) => Math.ceil(n * cal.factor)),
    );
    assert.equal(m.calibration?.band, '±4.8 % (measured on 3 counts)');
    assert.match(
      m.tokenizer.method,
      /calibrated on this workspace's cached Anthropic count_tokens API counts, ±4\.8 % \(measured on 3 counts\)/,
    );
  });

  it('formatBand: one decimal below 10 %, whole percents above', () => {
    assert.equal(formatBand(0.0476), '±4.8 %');
    assert.equal(formatBand(0), '±0.0 %');
    assert.equal(formatBand(0.1249), '±12 %');
  });
});

describe('the hover table (estimateMarkdown)', () => {
  const key = countCacheKey('anthropic', 'claude-sonnet-4-5', countMessagesOf(doc));
  const md = (entries: Record<string, CachedCount>) =>
    estimateMarkdown(
      estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), {
        models: [CLAUDE, 'google:gemini-2.5-flash'],
        catalog: new PriceCatalog(),
        outputTokens: 100,
        requestsPerDay: 1,
        providerCounts: memoryCounts(entries),
      }),
      { requestsPerDay: 1 },
    );

  it('a cached count: the row without ≈, a note with source and date; Gemini keeps its own ≈ note', () => {
    const text = md({ [key]: count(42) });
    assert.match(text, /\| claude-sonnet-4-5 \| 42 \| \$/);
    assert.match(text, /claude-sonnet-4-5: exact, Anthropic count_tokens API, cached 2026-11-29\./);
    assert.match(text, /≈ gemini-2\.5-flash: Approximate: /);
    assert.doesNotMatch(text, /≈ [^\n]*claude-sonnet-4-5/);
  });

  it('calibrated Claude and documented Gemini: one note per method', () => {
    const text = md({ a: count(110, 100), b: count(210, 200), c: count(340, 300) });
    assert.match(text, /≈ claude-sonnet-4-5: Approximate: offline estimate × 1\.100, [^\n]*±4\.8 % \(measured on 3 counts\)\./);
    assert.match(text, /≈ gemini-2\.5-flash: Approximate: (?!offline estimate)/);
  });
});

describe('prompt-cost estimate / compare with a cached count', () => {
  let dir: string;
  let realFetch: typeof fetch;
  before(() => {
    realFetch = globalThis.fetch;
    globalThis.fetch = () => Promise.reject(new Error('estimate must not call the network'));
    dir = tempDir('pcl-estimate-cached-');
    fs.writeFileSync(path.join(dir, 'p.prompt.md'), PROMPT);
    const cache = new ProviderCountCache(path.join(dir, PROVIDER_COUNT_CACHE));
    cache.set(countCacheKey('anthropic', 'claude-sonnet-4-5', countMessagesOf(doc)), count(37));
  });
  after(() => {
    globalThis.fetch = realFetch;
  });

  it('estimate --json: approximate false, the cached count, countSource', async () => {
    const io = fakeIO(dir);
    assert.equal(await main(['estimate', 'p.prompt.md', '--model', `${CLAUDE},openai:gpt-4o`, '--json'], io), 0, io.err);
    const [claude, gpt] = JSON.parse(io.out).estimates;
    assert.equal(claude.model, CLAUDE);
    assert.equal(claude.inputTokens, 37);
    assert.equal(claude.approximate, false);
    assert.equal(claude.countSource, 'Anthropic count_tokens API, cached 2026-11-29');
    assert.equal(gpt.countSource, null);
  });

  it('estimate (text): no ≈ on the cached model, a note with the source', async () => {
    const io = fakeIO(dir);
    assert.equal(await main(['estimate', 'p.prompt.md', '--model', CLAUDE], io), 0, io.err);
    assert.match(io.out, /anthropic:claude-sonnet-4-5\s+37\s/);
    assert.doesNotMatch(io.out, /≈/);
    assert.match(io.out, /note: anthropic:claude-sonnet-4-5: exact input tokens, Anthropic count_tokens API, cached 2026-11-29/);
  });

  it('compare --json: the same row', async () => {
    const io = fakeIO(dir);
    assert.equal(await main(['compare', 'p.prompt.md', '--models', CLAUDE, '--json'], io), 0, io.err);
    const row = JSON.parse(io.out).rows[0];
    assert.equal(row.inputTokens, 37);
    assert.equal(row.approximate, false);
  });

  it('a changed prompt is not the cached one: back to the estimate, calibrated once 3 pairs exist', async () => {
    const changed = path.join(dir, 'q.prompt.md');
    fs.writeFileSync(changed, PROMPT.replace('two sentences', 'three sentences'));
    let io = fakeIO(dir);
    assert.equal(await main(['estimate', 'q.prompt.md', '--model', CLAUDE, '--json'], io), 0, io.err);
    const before = JSON.parse(io.out).estimates[0];
    assert.equal(before.approximate, true);
    assert.equal(before.calibration, null);
    const cache = new ProviderCountCache(path.join(dir, PROVIDER_COUNT_CACHE));
    cache.set('a'.repeat(64), count(110, 100));
    cache.set('b'.repeat(64), count(210, 200));
    cache.set('c'.repeat(64), count(340, 300));
    io = fakeIO(dir);
    assert.equal(await main(['estimate', 'q.prompt.md', '--model', CLAUDE, '--json'], io), 0, io.err);
    const after = JSON.parse(io.out).estimates[0];
    assert.equal(after.approximate, true);
    assert.equal(after.calibration.n, 3);
    assert.equal(after.inputTokens, Math.ceil(before.inputTokens * after.calibration.factor));
    io = fakeIO(dir);
    assert.equal(await main(['estimate', 'q.prompt.md', '--model', CLAUDE], io), 0, io.err);
    assert.match(io.out, /calibrated estimate \(× 1\.100\), ±4\.8 % \(measured on 3 counts\)/);
  });
});

describe('count --provider-count then estimate: the same cache key end to end (loopback server)', () => {
  let server: http.Server;
  let url: string;
  let requests = 0;
  before(async () => {
    server = http.createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: 19 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  // `count` sends the file's text as it is; `estimate` looks up the parsed prompt's messages (a plain
  // text file without front matter and without a trailing newline is the same single user message).
  it('a plain text prompt counted by the endpoint is exact in estimate, with no further request', async () => {
    const dir = tempDir('pcl-count-then-estimate-');
    fs.writeFileSync(path.join(dir, 'p.txt'), 'Summarise this report.');
    const env = { ANTHROPIC_API_KEY: 'sk-ant-test-0123456789', ANTHROPIC_BASE_URL: url };
    let io = fakeIO(dir, env);
    assert.equal(await main(['count', '--model', CLAUDE, '--provider-count', 'p.txt'], io), 0, io.err);
    assert.equal(requests, 1);
    io = fakeIO(dir);
    assert.equal(await main(['estimate', 'p.txt', '--model', CLAUDE, '--json'], io), 0, io.err);
    const row = JSON.parse(io.out).estimates[0];
    assert.deepEqual([row.inputTokens, row.approximate], [19, false]);
    assert.equal(requests, 1);
    // the pair stored for calibration is the offline estimate of the same text
    const stored = Object.values(
      JSON.parse(fs.readFileSync(path.join(dir, PROVIDER_COUNT_CACHE), 'utf8')) as Record<string, CachedCount>,
    )[0];
    // the same number `estimate` shows offline for this prompt (one user message, chat framing included)
    assert.equal(stored.estimate, promptFileTokens('Summarise this report.', 'p.txt').tokens(CLAUDE).tokens);
  });
});

describe('prompt-cost estimate --provider-count (loopback servers for both endpoints)', () => {
  let server: http.Server;
  let url: string;
  const seen: string[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        // Anthropic: {"input_tokens"}; Gemini: {"totalTokens"} (countTokens.ts header)
        res.end(JSON.stringify(req.url?.includes(':countTokens') ? { totalTokens: 23 } : { input_tokens: 29 }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('asks each endpoint once per prompt, shows exact counts, stores the offline estimates; a second run sends nothing', async () => {
    const dir = tempDir('pcl-estimate-provider-count-');
    fs.writeFileSync(path.join(dir, 'p.prompt.md'), PROMPT);
    const env = {
      ANTHROPIC_API_KEY: 'sk-ant-test-0123456789',
      ANTHROPIC_BASE_URL: url,
      GEMINI_API_KEY: 'g-test-key',
      GEMINI_BASE_URL: url,
    };
    const models = `${CLAUDE},google:gemini-2.5-flash,openai:gpt-4o`;
    let io = fakeIO(dir, env);
    assert.equal(await main(['estimate', 'p.prompt.md', '--model', models, '--provider-count', '--json'], io), 0, io.err);
    assert.deepEqual(seen, ['/v1/messages/count_tokens', '/v1beta/models/gemini-2.5-flash:countTokens']);
    const rows = JSON.parse(io.out).estimates;
    assert.deepEqual(
      rows.map((r: { inputTokens: number; approximate: boolean }) => [r.inputTokens, r.approximate]),
      [
        [29, false],
        [23, false],
        [offline('openai:gpt-4o').inputTokens, false],
      ],
    );
    // both entries survive (two counters, one file), each with the uncalibrated offline estimate
    const stored = Object.values(JSON.parse(fs.readFileSync(path.join(dir, PROVIDER_COUNT_CACHE), 'utf8')) as Record<string, CachedCount>);
    assert.deepEqual(stored.map((c) => [c.provider, c.tokens, c.estimate]).sort(), [
      ['anthropic', 29, offline(CLAUDE).inputTokens],
      ['gemini', 23, offline('google:gemini-2.5-flash').inputTokens],
    ]);
    io = fakeIO(dir, env);
    assert.equal(await main(['estimate', 'p.prompt.md', '--model', models, '--provider-count'], io), 0, io.err);
    assert.equal(seen.length, 2, 'unchanged prompt: answered from the cache');
    assert.match(io.out, /note: google:gemini-2\.5-flash: exact input tokens, Gemini countTokens API, cached \d{4}-\d\d-\d\d/);
  });

  it('without the key: a usage error naming the variable, exit 2', async () => {
    const dir = tempDir('pcl-estimate-provider-count-nokey-');
    fs.writeFileSync(path.join(dir, 'p.prompt.md'), PROMPT);
    const io = fakeIO(dir);
    assert.equal(await main(['estimate', 'p.prompt.md', '--provider-count'], io), 2);
    assert.match(io.err, /ANTHROPIC_API_KEY is not set/);
  });
});
