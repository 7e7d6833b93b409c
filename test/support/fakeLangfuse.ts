// A loopback Langfuse for tests (unit and host): GET /api/public/v2/observations, cursor-paged, whose every
// response body is checked against Langfuse's published OpenAPI spec before it is sent
// (test/fixtures/otel/langfuse-openapi-observations-v2.json, from langfuse/langfuse
// web/public/generated/api/openapi.yml, see SOURCES.md there), and whose every query parameter must be one the
// spec declares; `problems` lists what did not conform. Observations are built as Langfuse stores what our
// exporter sent (usage split per packages/shared/src/server/otel/OtelIngestionProcessor.ts).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';

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
export function schemaProblems(v: unknown, s: Schema, at: string): string[] {
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
export function observation(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
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

export class FakeLangfuse {
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
