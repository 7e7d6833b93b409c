// A loopback OTLP/HTTP trace receiver for tests: decodes each protobuf body with the official
// opentelemetry-proto definitions (otlpProto.ts), keeps spans by span id (so a duplicate is visible),
// and can be told to fail: a queue of statuses to answer with, a delay, a body-size limit (413).
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { conformanceProblems, decodeProtobufRequest } from './otlpProto';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  [k: string]: unknown;
}

export class OtlpReceiver {
  readonly spans = new Map<string, ReceivedSpan>();
  /** Every span id received, duplicates included. */
  readonly received: string[] = [];
  readonly requests: { contentType?: string; bytes: number; status: number; headers: http.IncomingHttpHeaders }[] = [];
  /** Problems the proto conformance check found in decoded requests (should stay empty). */
  readonly problems: string[] = [];
  /** Statuses to answer the next requests with (then 200). */
  failWith: number[] = [];
  delayMs = 0;
  maxBodyBytes = Infinity;
  private server?: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const forced = this.failWith.shift();
    let status = forced ?? 200;
    if (!forced && body.length > this.maxBodyBytes) status = 413;
    if (!forced && status === 200) {
      if (req.url !== '/v1/traces' || req.headers['content-type'] !== 'application/x-protobuf') status = 415;
      else {
        const decoded = decodeProtobufRequest(body) as { resourceSpans?: { scopeSpans?: { spans?: ReceivedSpan[] }[] }[] };
        for (const p of conformanceProblems(decoded)) this.problems.push(p);
        for (const rs of decoded.resourceSpans ?? [])
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? []) {
              this.received.push(s.spanId);
              this.spans.set(s.spanId, s);
            }
      }
    }
    this.requests.push({ contentType: req.headers['content-type'], bytes: body.length, status, headers: req.headers });
    if (status === 200) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    } else {
      res.writeHead(status, { 'content-type': 'text/plain', ...(status === 429 || status === 503 ? { 'retry-after': '0' } : {}) });
      res.end(`forced ${status}`);
    }
  }
}

/** The attribute value of a received span, as protobufjs decoded it (`{ intValue: '12' }` …). */
export function attr(span: ReceivedSpan, key: string): Record<string, unknown> | undefined {
  return span.attributes.find((a) => a.key === key)?.value;
}
