// Sends runs to an OTLP/HTTP endpoint (protobuf body) through the one request builder, and classifies
// the answer as the OTLP specification says (opentelemetry-proto v1.11.0 docs/specification.md,
// "OTLP/HTTP Response"): 2xx = accepted (a partial_success may count rejected spans); 429, 502, 503,
// 504 and network errors = retry later (Retry-After honoured); 413 = too large: split the batch;
// 400 and other 4xx/5xx = never retried. One deviation: a 500 is retried a few times (MAX_500_ATTEMPTS)
// — collectors behind proxies answer 500 for a restart — then dropped like any permanent error.
import { sendRequest } from '../../providers/request';
import { displayUrl } from '../../providers/urls';
import { errorText } from '../../errors';
import { RunRecord } from '../record';
import { ExportOptions, runsToTraceRequest } from './jsonl';
import { encodeTraceRequest } from './protobuf';

export const MAX_500_ATTEMPTS = 3;
/** OTLP recommends clients keep a request under 64 MiB (specification.md, OTLP/HTTP Request). */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

export type SendOutcome =
  | { kind: 'ok'; rejectedSpans: number; message?: string }
  | { kind: 'retry'; status?: number; retryAfterMs?: number; message: string }
  | { kind: 'tooLarge'; message: string }
  | { kind: 'failed'; status?: number; message: string };

export interface SendOptions extends ExportOptions {
  /** The full traces URL, e.g. http://localhost:4318/v1/traces (see tracesUrl). */
  url: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A base endpoint (`http://host:4318`, Langfuse's `…/api/public/otel`) gets `/v1/traces`, as OTEL_EXPORTER_OTLP_ENDPOINT does. */
export function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return /\/v1\/traces$/.test(trimmed) ? trimmed : `${trimmed}/v1/traces`;
}

/** OTEL_EXPORTER_OTLP_HEADERS format: comma-separated `key=value`, values percent-decoded. */
export function parseOtlpHeaders(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // not percent-encoded: used as written
    }
    if (key) out[key] = value;
  }
  return out;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const t = Date.parse(header);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

/** ExportTraceServiceResponse.partial_success.rejected_spans from a JSON or protobuf answer; 0 when absent. */
async function rejectedSpans(res: Response): Promise<{ rejected: number; message?: string }> {
  const type = res.headers.get('content-type') ?? '';
  const body = new Uint8Array(await res.arrayBuffer());
  if (!body.length) return { rejected: 0 };
  if (type.includes('json')) {
    try {
      const j = JSON.parse(new TextDecoder().decode(body)) as {
        partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string };
      };
      const n = Number(j.partialSuccess?.rejectedSpans ?? 0);
      return {
        rejected: Number.isSafeInteger(n) ? n : 0,
        ...(j.partialSuccess?.errorMessage ? { message: j.partialSuccess.errorMessage } : {}),
      };
    } catch {
      return { rejected: 0 };
    }
  }
  return { rejected: 0 };
}

async function bodyText(res: Response): Promise<string> {
  try {
    return (await res.text()).slice(0, 300).replace(/\s+/g, ' ').trim();
  } catch {
    return '';
  }
}

/** One POST of these runs; never throws (network errors are a `retry`). */
export async function sendRuns(records: readonly RunRecord[], o: SendOptions, attempt = 1): Promise<SendOutcome> {
  const body = encodeTraceRequest(runsToTraceRequest(records, o));
  if (body.length > MAX_REQUEST_BYTES)
    return { kind: 'tooLarge', message: `${body.length.toLocaleString('en-US')} bytes is over the 64 MiB OTLP request limit` };
  const timeout = AbortSignal.timeout(o.timeoutMs ?? 30_000);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await sendRequest({
      url: o.url,
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', ...o.headers },
      body,
      signal,
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
  } catch (err) {
    if (o.signal?.aborted) return { kind: 'failed', message: 'cancelled' };
    return { kind: 'retry', message: `${displayUrl(o.url)}: ${timeout.aborted ? 'no answer in time' : errorText(err)}` };
  }
  const where = `${displayUrl(o.url)} answered HTTP ${res.status}`;
  if (res.ok) {
    const r = await rejectedSpans(res);
    return { kind: 'ok', rejectedSpans: r.rejected, ...(r.message ? { message: r.message } : {}) };
  }
  const text = await bodyText(res);
  const detail = text ? `${where}: ${text}` : where;
  if ([429, 502, 503, 504].includes(res.status) || (res.status === 500 && attempt < MAX_500_ATTEMPTS))
    return { kind: 'retry', status: res.status, retryAfterMs: retryAfterMs(res.headers.get('retry-after')), message: detail };
  if (res.status === 413) return { kind: 'tooLarge', message: detail };
  return { kind: 'failed', status: res.status, message: detail };
}
