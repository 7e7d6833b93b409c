// Reading the team's runs back from Langfuse, against a loopback server whose every response body is
// checked against Langfuse's published OpenAPI spec before it is sent (test/fixtures/otel/
// langfuse-openapi-observations-v2.json, taken from langfuse/langfuse web/public/generated/api/openapi.yml,
// see SOURCES.md), and whose every query parameter we send must be one the spec declares. The meaning of
// the usage keys is Langfuse's OTel ingestion (packages/shared/src/server/otel/OtelIngestionProcessor.ts:
// `input` without cache reads/writes, `output` without reasoning).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';
import { main } from '../../src/cli/main';
import { readLedger } from '../../src/core/history/ledger';
import { readLangfuseRuns } from '../../src/core/history/otel/langfuse';
import { fakeIO } from '../support/fakeIO';
import { tempDir } from '../support/tempDir';

const SPEC = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/otel/langfuse-openapi-observations-v2.json'), 'utf8'),
);

type Schema = {
  type?: string;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  $ref?: string;
  enum?: unknown[];
  additionalProperties?: Schema | boolean;
  format?: string;
};

/** A small OpenAPI 3.0 schema check (type, nullable, required, properties, items, enum, additionalProperties, $ref). */
function schemaProblems(v: unknown, s: Schema, at: string): string[] {
  if (s.$ref) return schemaProblems(v, SPEC.schemas[s.$ref.split('/').pop()!], at);
  if (v === null) return s.nullable ? [] : [`${at}: null not allowed`];
  if (s.enum && !s.enum.includes(v)) return [`${at}: ${JSON.stringify(v)} not in ${JSON.stringify(s.enum)}`];
  switch (s.type) {
    case 'string':
      return typeof v === 'string' && (s.format !== 'date-time' || Number.isFinite(Date.parse(v)))
        ? []
        : [`${at}: not a ${s.format ?? 'string'}`];
    case 'integer':
      return Number.isInteger(v) ? [] : [`${at}: not an integer`];
    case 'number':
      return typeof v === 'number' ? [] : [`${at}: not a number`];
    case 'boolean':
      return typeof v === 'boolean' ? [] : [`${at}: not a boolean`];
    case 'array':
      return Array.isArray(v) ? v.flatMap((x, i) => schemaProblems(x, s.items!, `${at}[${i}]`)) : [`${at}: not an array`];
    case 'object': {
      if (typeof v !== 'object' || Array.isArray(v)) return [`${at}: not an object`];
      const o = v as Record<string, unknown>;
      const p: string[] = (s.required ?? []).filter((k) => !(k in o)).map((k) => `${at}.${k}: required`);
      for (const [k, x] of Object.entries(o)) {
        const sub = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
        if (sub) p.push(...schemaProblems(x, sub, `${at}.${k}`));
        else if (s.properties && s.additionalProperties !== true) p.push(`${at}.${k}: not in the schema`);
      }
      return p;
    }
    default:
      return [];
  }
}

/** Observations as Langfuse stores what our exporter sent (usage split per OtelIngestionProcessor.ts). */
function observation(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `obs-${i}`,
    traceId: `trace-${i}`,
    startTime: new Date(Date.UTC(2026, 3, 1, 12, 0, i)).toISOString(),
    endTime: new Date(Date.UTC(2026, 3, 1, 12, 0, i, 900)).toISOString(),
    projectId: 'proj-1',
    parentObservationId: null,
    type: 'GENERATION',
    name: 'chat gpt-4o-mini',
    level: 'DEFAULT',
    userId: 'bob',
    providedModelName: 'gpt-4o-mini',
    usageDetails: { input: 900, input_cached_tokens: 100, output: 200, output_reasoning_tokens: 20, total: 1220 },
    costDetails: { total: 0.00027 },
    totalCost: 0.00027,
    promptName: 'prompts/a.prompt.md',
    latency: 0.9,
    modelId: null,
    inputPrice: null,
    outputPrice: null,
    totalPrice: null,
    metadata: null,
    ...extra,
  };
}

class FakeLangfuse {
  server = http.createServer((req, res) => this.handle(req, res));
  url = '';
  pages: Record<string, unknown>[][] = [];
  queries: URLSearchParams[] = [];
  problems: string[] = [];
  auth: (string | undefined)[] = [];
  status = 200;

  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const u = new URL(req.url ?? '/', this.url);
    this.auth.push(req.headers.authorization);
    if (req.method !== 'GET' || u.pathname !== '/api/public/v2/observations') {
      res.writeHead(404).end();
      return;
    }
    if (this.status !== 200) {
      res.writeHead(this.status, { 'content-type': 'application/json' }).end('{"message":"Invalid credentials"}');
      return;
    }
    this.queries.push(u.searchParams);
    const declared = new Set(SPEC.operation.parameters.map((p: { name: string }) => p.name));
    for (const k of u.searchParams.keys()) if (!declared.has(k)) this.problems.push(`query parameter ${k} is not in the spec`);
    const at = Number(u.searchParams.get('cursor') ? Buffer.from(u.searchParams.get('cursor')!, 'base64').toString() : 0);
    const body = {
      data: this.pages[at] ?? [],
      meta: at + 1 < this.pages.length ? { cursor: Buffer.from(String(at + 1)).toString('base64') } : {},
    };
    this.problems.push(...schemaProblems(body, SPEC.operation.responses200.content['application/json'].schema, 'body'));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  stop() {
    this.server.closeAllConnections();
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe('Langfuse read-back (GET /api/public/v2/observations)', () => {
  let lf: FakeLangfuse;
  before(async () => {
    lf = await new FakeLangfuse().start();
  });
  after(() => lf.stop());

  it('pages through the cursor, maps usage, cost, member and prompt; bodies conform to the spec', async () => {
    lf.pages = [
      [observation(1), observation(2, { level: 'ERROR', statusMessage: 'rate limited' })],
      [observation(3, { type: 'GENERATION', promptName: null })],
    ];
    const r = await readLangfuseRuns({ baseUrl: lf.url, publicKey: 'pk-lf-1', secretKey: 'sk-lf-1', limit: 2 });
    assert.deepEqual(lf.problems, []);
    assert.equal(r.pages, 2);
    assert.equal(r.records.length, 3);
    assert.equal(lf.auth[0], `Basic ${Buffer.from('pk-lf-1:sk-lf-1').toString('base64')}`);
    assert.equal(lf.queries[0].get('type'), 'GENERATION');
    const a = r.records[0];
    assert.equal(a.id, 'langfuse:obs-1');
    assert.equal(a.member, 'bob');
    assert.equal(a.promptFile, 'prompts/a.prompt.md');
    assert.deepEqual(a.usage, {
      inputTokens: 900,
      cachedInputTokens: 100,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 220,
      reasoningTokens: 20,
    });
    assert.equal(a.costUsd, '0.00027');
    assert.equal(a.latencyMs, 900);
    assert.equal(r.records[1].status, 'error');
    assert.equal(r.records[2].promptFile, undefined);
  });

  it('our own exported run keeps its id (metadata.attributes prompt_cost.run.id): never counted twice', async () => {
    lf.pages = [
      [
        observation(4, {
          metadata: {
            attributes: {
              'prompt_cost.run.id': 'mine-1',
              'prompt_cost.cost_usd': '0.000270001',
              'prompt_cost.prompt.file': 'prompts/b.prompt.md',
            },
          },
        }),
      ],
    ];
    const r = await readLangfuseRuns({ baseUrl: lf.url, publicKey: 'p', secretKey: 's' });
    assert.equal(r.records[0].id, 'mine-1');
    assert.equal(r.records[0].costUsd, '0.000270001');
    assert.equal(r.records[0].promptFile, 'prompts/b.prompt.md');
  });

  it('bounded: stops after maxPages and says so', async () => {
    lf.pages = [[observation(5)], [observation(6)], [observation(7)]];
    const r = await readLangfuseRuns({ baseUrl: lf.url, publicKey: 'p', secretKey: 's', maxPages: 2 });
    assert.equal(r.pages, 2);
    assert.equal(r.truncated, true);
    assert.equal(r.records.length, 2);
  });

  it('prompt-cost history import --langfuse: keys from the environment, incremental, a 401 is a clear error', async () => {
    lf.pages = [[observation(8), observation(9)]];
    const dir = tempDir('pcl-lf-');
    fs.mkdirSync(path.join(dir, '.prompt-cost'));
    const env = { LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk', LANGFUSE_BASE_URL: lf.url };
    const io = fakeIO(dir, env);
    assert.equal(await main(['history', 'import', '--langfuse', '--json'], io), 0, io.err);
    assert.equal(JSON.parse(io.out).added, 2);
    const io2 = fakeIO(dir, env);
    assert.equal(await main(['history', 'import', '--langfuse', '--json'], io2), 0, io2.err);
    const second = JSON.parse(io2.out);
    assert.equal(second.added, 0);
    assert.equal(
      second.fromStartTime,
      new Date(Date.UTC(2026, 3, 1, 11, 0, 9)).toISOString(),
      'from the newest imported run, less an hour',
    );
    assert.equal(lf.queries.at(-1)?.get('fromStartTime'), second.fromStartTime);
    const ledger = await readLedger(path.join(dir, '.prompt-cost', 'runs.jsonl'));
    assert.equal(ledger.runs.length, 2);
    lf.status = 401;
    const io3 = fakeIO(dir, env);
    assert.equal(await main(['history', 'import', '--langfuse'], io3), 2);
    assert.match(io3.err, /HTTP 401 \(check the public and secret key\)/);
    lf.status = 200;
    const io4 = fakeIO(dir, { LANGFUSE_BASE_URL: lf.url });
    assert.equal(await main(['history', 'import', '--langfuse'], io4), 2);
    assert.match(io4.err, /LANGFUSE_PUBLIC_KEY/);
  });
});
