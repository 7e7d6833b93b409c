// Our runs-as-spans against the OpenTelemetry JS SDK itself (issue 26, "Testing it for real"): the same spans —
// name, kind, ids, parent, times, status, resource, scope and attributes as JS values — are made by the SDK's
// own tracer (npm @opentelemetry/sdk-trace 3.1.1, TracerProvider with an IdGenerator handing out our ids) and
// serialized by its own OTLP serializers (npm @opentelemetry/otlp-transformer 0.301.1: JsonTraceSerializer,
// ProtobufTraceSerializer). Then:
//  - the SDK's protobuf body and ours (core/history/otel/protobuf.ts), decoded with the official .proto files,
//    carry the same spans and attribute values, typed the same (one documented exception: the JS SDK cannot
//    write a whole-number double, otlp-transformer src/common/internal.ts toAnyValue: Number.isInteger → intValue);
//  - the SDK's OTLP/JSON, read by our importer, gives back the runs we started from.
// The SDK, the serializers and the .proto files are test oracles (scripts/oracle.mjs → .oracle/): without them
// these tests skip with a message.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from '../../src/core/history/record';
import { OtlpFileProblem, runsToTraceRequest, spansOfRequest, spansToRecords } from '../../src/core/history/otel/jsonl';
import { OtlpAnyValue, OtlpKeyValue, OtlpSpan, OtlpTraceRequest } from '../../src/core/history/otel/model';
import { encodeTraceRequest } from '../../src/core/history/otel/protobuf';
import { NO_OTLP_PROTO, conformanceProblems, decodeProtobufRequest } from '../support/otlpProto';

const ORACLE = path.resolve(__dirname, '../../../.oracle/node_modules');
const NO_SDK = fs.existsSync(path.join(ORACLE, '@opentelemetry', 'otlp-transformer', 'package.json'))
  ? NO_OTLP_PROTO
  : 'the OpenTelemetry JS SDK oracle is not installed: run node scripts/oracle.mjs';

/* eslint-disable @typescript-eslint/no-require-imports */
interface Sdk {
  api: {
    trace: { setSpanContext(ctx: unknown, sc: unknown): unknown };
    ROOT_CONTEXT: unknown;
  };
  TracerProvider: new (o: Record<string, unknown>) => {
    getTracer(
      name: string,
      version?: string,
      o?: { schemaUrl?: string },
    ): {
      startSpan(name: string, o: Record<string, unknown>, ctx?: unknown): { setStatus(s: unknown): void; end(t: unknown): void };
    };
    forceFlush(): Promise<void>;
  };
  InMemorySpanExporter: new () => { getFinishedSpans(): unknown[] };
  SimpleSpanProcessor: new (e: unknown) => unknown;
  resourceFromAttributes(a: Record<string, unknown>): unknown;
  json: { serializeRequest(spans: unknown[]): Uint8Array | undefined };
  proto: { serializeRequest(spans: unknown[]): Uint8Array | undefined };
}

function sdk(): Sdk {
  const req = (m: string) => require(path.join(ORACLE, m));
  const trace = req('@opentelemetry/sdk-trace');
  const transformer = req('@opentelemetry/otlp-transformer');
  return {
    api: req('@opentelemetry/api'),
    TracerProvider: trace.TracerProvider,
    InMemorySpanExporter: trace.InMemorySpanExporter,
    SimpleSpanProcessor: trace.SimpleSpanProcessor,
    resourceFromAttributes: req('@opentelemetry/resources').resourceFromAttributes,
    json: transformer.JsonTraceSerializer,
    proto: transformer.ProtobufTraceSerializer,
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** An OTLP attribute value as the JS value an instrumentation would pass the SDK. */
function jsValue(v: OtlpAnyValue): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  throw new Error(`attribute kind not used by our spans: ${JSON.stringify(v)}`);
}

function jsAttributes(kvs: OtlpKeyValue[]): Record<string, unknown> {
  return Object.fromEntries(kvs.map((kv) => [kv.key, jsValue(kv.value)]));
}

/** Unix nanoseconds (decimal string) as the SDK's HrTime [seconds, nanoseconds]. */
function hrTime(nanos: string): [number, number] {
  const n = BigInt(nanos);
  return [Number(n / 1_000_000_000n), Number(n % 1_000_000_000n)];
}

/** The same spans as `ours`, made and serialized by the SDK. */
async function sdkSerialized(ours: OtlpTraceRequest): Promise<{ json: unknown; protobuf: Uint8Array }> {
  const s = sdk();
  const rs = ours.resourceSpans[0];
  const scope = rs.scopeSpans[0];
  const ids: string[] = []; // handed out in the order the SDK asks: per span, its span id, then (root only) the trace id
  const exporter = new s.InMemorySpanExporter();
  const provider = new s.TracerProvider({
    resource: s.resourceFromAttributes(jsAttributes(rs.resource.attributes)),
    idGenerator: { generateSpanId: () => ids.shift()!, generateTraceId: () => ids.shift()! },
    spanProcessors: [new s.SimpleSpanProcessor({ exporter })], // sdk-trace 3: SimpleSpanProcessor({ exporter })
  });
  const tracer = provider.getTracer(scope.scope.name, scope.scope.version, { schemaUrl: scope.schemaUrl });
  for (const span of scope.spans) {
    ids.push(span.spanId);
    if (!span.parentSpanId) ids.push(span.traceId);
    const parent = span.parentSpanId
      ? s.api.trace.setSpanContext(s.api.ROOT_CONTEXT, { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: 1, isRemote: false })
      : s.api.ROOT_CONTEXT;
    const made = tracer.startSpan(
      span.name,
      { kind: span.kind - 1, attributes: jsAttributes(span.attributes), startTime: hrTime(span.startTimeUnixNano) },
      parent,
    );
    made.setStatus({ code: span.status.code, ...(span.status.message !== undefined ? { message: span.status.message } : {}) });
    made.end(hrTime(span.endTimeUnixNano));
  }
  await provider.forceFlush();
  assert.equal(ids.length, 0, 'the SDK asked for exactly the ids our spans have');
  const finished = exporter.getFinishedSpans();
  const json = s.json.serializeRequest(finished)!;
  return { json: JSON.parse(Buffer.from(json).toString('utf8')), protobuf: s.proto.serializeRequest(finished)! };
}

// Our own test runs (not from a fixture): a chat run with cache and reasoning usage, a failed run, a Flujo
// run whose two steps become child spans.
const chat: RunRecord = {
  v: 1,
  type: 'run',
  id: 'sdk-rt-0001-aa',
  time: '2026-05-06T07:08:09.123Z',
  source: 'cli',
  status: 'ok',
  provider: 'openai',
  model: 'gpt-4o',
  promptFile: 'prompts/refund.prompt.md',
  promptName: 'refund',
  usage: {
    inputTokens: 2048,
    cachedInputTokens: 512,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 377,
    reasoningTokens: 64,
  },
  costUsd: '0.009727',
  latencyMs: 2210.25,
};
const failed: RunRecord = {
  v: 1,
  type: 'run',
  id: 'sdk-rt-0002-bb',
  time: '2026-05-06T07:09:00.000Z',
  source: 'vscode',
  status: 'error',
  provider: 'anthropic',
  model: 'claude-3-5-haiku-latest',
  promptFile: 'prompts/triage.md',
  error: { kind: 'http', message: 'HTTP 529 overloaded', status: 529 },
  latencyMs: 75.5,
};
const flujo: RunRecord = {
  v: 1,
  type: 'run',
  id: 'flujo:sdk-rt-3',
  time: '2026-05-01T12:00:00.000Z',
  source: 'flujo',
  status: 'ok',
  statusDetail: 'completed',
  provider: 'flujo',
  pipeline: 'support',
  totalTokens: 3100,
  costUsd: '0.00415',
  latencyMs: 5000,
  steps: [
    { name: 'route', success: true, latencyMs: 800.5, tokens: 600, costUsd: '0.00035' },
    { name: 'draft', success: true, latencyMs: 4199.5, tokens: 2500, costUsd: '0.0038' },
  ],
  flujo: { runId: 'sdk-rt-3', pipelineId: 'pid', pipelineVersion: '2' },
};
const RUNS = [chat, failed, flujo];

interface DecodedSpan extends Omit<OtlpSpan, 'status'> {
  status?: { code?: number; message?: string };
}

function spansOf(decoded: Record<string, unknown>): DecodedSpan[] {
  return (decoded as unknown as OtlpTraceRequest).resourceSpans[0].scopeSpans[0].spans as DecodedSpan[];
}

describe('our spans and the OpenTelemetry JS SDK’s, for the same input', { skip: NO_SDK }, () => {
  it('decode from protobuf to the same spans and attributes (official .proto files)', async () => {
    const ours = runsToTraceRequest(RUNS, { serviceVersion: '0.1.0', member: 'ana' });
    const theirs = decodeProtobufRequest((await sdkSerialized(ours)).protobuf);
    const mine = decodeProtobufRequest(encodeTraceRequest(ours));
    const [a, b] = [spansOf(mine), spansOf(theirs)];
    assert.equal(b.length, 5, 'three runs and two Flujo steps');
    assert.equal(a.length, b.length);
    let wholeDoubles = 0;
    for (let i = 0; i < a.length; i++) {
      for (const k of ['traceId', 'spanId', 'parentSpanId', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano'] as const)
        assert.deepEqual(a[i][k], b[i][k], `span ${i} ${k}`);
      assert.deepEqual(a[i].status ?? {}, b[i].status ?? {}, `span ${i} status`);
      assert.deepEqual(
        a[i].attributes.map((kv) => kv.key),
        b[i].attributes.map((kv) => kv.key),
        `span ${i}: the same attribute keys, in the same order`,
      );
      a[i].attributes.forEach((kv, j) => {
        const theirsValue = b[i].attributes[j].value;
        if ('doubleValue' in kv.value && Number.isInteger(kv.value.doubleValue)) {
          // the one thing the JS SDK cannot say: a double with no fraction goes out as intValue
          wholeDoubles++;
          assert.deepEqual(theirsValue, { intValue: String(kv.value.doubleValue) }, `span ${i} ${kv.key}`);
        } else assert.deepEqual(kv.value, theirsValue, `span ${i} ${kv.key}`);
      });
    }
    assert.equal(wholeDoubles, 1, 'only the Flujo run’s 5000 ms latency is a whole-number double here');
    const resource = (d: Record<string, unknown>) => (d as unknown as OtlpTraceRequest).resourceSpans[0].resource.attributes;
    assert.deepEqual(resource(mine), resource(theirs));
    const scope = (d: Record<string, unknown>) => (d as unknown as OtlpTraceRequest).resourceSpans[0].scopeSpans[0];
    assert.deepEqual(scope(mine).scope, scope(theirs).scope);
    assert.equal(scope(mine).schemaUrl, scope(theirs).schemaUrl);
  });

  it('the SDK’s OTLP/JSON conforms to the proto and our importer reads back the runs we started from', async () => {
    const ours = runsToTraceRequest(RUNS, { serviceVersion: '0.1.0', member: 'ana' });
    const { json } = await sdkSerialized(ours);
    assert.deepEqual(conformanceProblems(json), []);
    const problems: OtlpFileProblem[] = [];
    const back = spansToRecords(spansOfRequest(json, 'sdk.json', problems), 'sdk.json', problems);
    assert.deepEqual(problems, []);
    assert.equal(back.otherSpans, 0);
    assert.deepEqual(
      back.records.map((r) => ({ ...r, origin: undefined, member: undefined })),
      RUNS.map((r) => ({ ...r, origin: undefined, member: undefined })),
    );
    assert.deepEqual(
      back.records.map((r) => [r.origin, r.member]),
      RUNS.map(() => ['sdk.json', 'ana']),
    );
  });
});
