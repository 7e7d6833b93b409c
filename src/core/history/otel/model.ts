// The OTLP trace data model as its JSON encoding writes it (opentelemetry-proto v1.11.0,
// opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto; JSON mapping per
// docs/specification.md "JSON Protobuf Encoding": lowerCamelCase field names, trace and span ids as
// hex strings, enums as integers, 64-bit integers as decimal strings).
import { createHash } from 'node:crypto';

/** The version of the OpenTelemetry semantic conventions our span attributes follow (GenAI is at "development" stability). */
export const SEMCONV_VERSION = '1.41.0';
export const SEMCONV_SCHEMA_URL = `https://opentelemetry.io/schemas/${SEMCONV_VERSION}`;
/** The instrumentation scope name of every span we write. */
export const SCOPE_NAME = 'prompt-cost-lens';

export type OtlpAnyValue =
  | { stringValue: string }
  | { intValue: string | number }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { arrayValue: { values?: OtlpAnyValue[] } }
  | { kvlistValue: { values?: OtlpKeyValue[] } }
  | { bytesValue: string };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** trace.proto Span.SpanKind. */
export const SPAN_KIND_INTERNAL = 1;
export const SPAN_KIND_CLIENT = 3;
/** trace.proto Status.StatusCode. */
export const STATUS_UNSET = 0;
export const STATUS_OK = 1;
export const STATUS_ERROR = 2;

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status: { code: number; message?: string };
}

export interface OtlpResourceSpans {
  resource: { attributes: OtlpKeyValue[] };
  scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[]; schemaUrl?: string }[];
  schemaUrl?: string;
}

/** collector/trace/v1/trace_service.proto ExportTraceServiceRequest: one line of an OTLP JSON Lines file. */
export interface OtlpTraceRequest {
  resourceSpans: OtlpResourceSpans[];
}

/** An attribute value as our mapping writes it; `int` marks a whole number sent as intValue. */
export type AttrValue = string | boolean | { int: number } | { double: number };

export function keyValue(key: string, v: AttrValue): OtlpKeyValue {
  if (typeof v === 'string') return { key, value: { stringValue: v } };
  if (typeof v === 'boolean') return { key, value: { boolValue: v } };
  if ('int' in v) return { key, value: { intValue: String(v.int) } };
  return { key, value: { doubleValue: v.double } };
}

function hexDigest(parts: string[], hexChars: number): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  const hex = h.digest('hex').slice(0, hexChars);
  // An all-zero id is invalid in OTLP (trace.proto: "all zeroes … is considered invalid"); 2^-64 odds, still handled.
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}

/**
 * Stable ids from the run id, so exporting the same run twice gives the same trace and span: a store
 * that keys on span id (the Collector's file, Langfuse's observation id) sees one run, not two.
 */
export function traceIdOf(runId: string): string {
  return hexDigest(['prompt-cost-lens/trace', runId], 32);
}

export function spanIdOf(runId: string): string {
  return hexDigest(['prompt-cost-lens/span', runId], 16);
}

/** The child span of step `index` of a (Flujo) run. */
export function stepSpanIdOf(runId: string, index: number): string {
  return hexDigest(['prompt-cost-lens/step', runId, String(index)], 16);
}

/** Milliseconds since the epoch (may be fractional) as OTLP's fixed64 nanoseconds, exact to the nanosecond. */
export function msToUnixNano(ms: number): string {
  const whole = Math.floor(ms);
  const frac = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(frac)).toString();
}

/** OTLP nanoseconds (string or number) → milliseconds; undefined when not a whole non-negative number. */
export function unixNanoToMs(ns: unknown): number | undefined {
  const s = typeof ns === 'number' && Number.isSafeInteger(ns) ? String(ns) : ns;
  if (typeof s !== 'string' || !/^\d{1,20}$/.test(s)) return undefined;
  const n = BigInt(s);
  return Number(n / 1_000_000n) + Number(n % 1_000_000n) / 1e6;
}
