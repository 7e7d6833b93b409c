// The HTTP plumbing both clients share: timeouts and cancellation, status → error kind,
// Retry-After, capped body reads, and scrubbing secrets out of anything we put in a message.
// Requests themselves are made in request.ts (redirect policy), streams are parsed in sse.ts.
import { ProviderError, ProviderErrorKind, ProviderKind, RunPromptRequest, RunPromptResult } from './types';
import { errorText } from '../errors';
import { formatBytes } from '../format';
import { RequestRefusedError, sendRequest } from './request';
import { displayUrl, redactUrlCredentials } from './urls';

export { displayUrl } from './urls';

export const DEFAULT_TIMEOUT_MS = 60_000;
/** Overall limit of one run, however alive the stream is (a token every 300 ms never idles out). */
export const DEFAULT_TOTAL_TIMEOUT_MS = 600_000;
/**
 * Response size caps. A real answer is far below them: 100k output tokens stream as ~20 MB of SSE
 * (each delta is a ~200-byte JSON chunk), and one event carries one delta, usage or an error.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;
/** Of an error body only the first 300 characters are shown; more is never read. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** A response went past one of our size caps; the message names the cap. */
export class ResponseLimitError extends RangeError {
  override readonly name = 'ResponseLimitError';
  constructor(
    readonly what: string,
    readonly limitBytes: number,
  ) {
    super(`${what} is larger than ${formatBytes(limitBytes)} (the limit)`);
  }
}

/**
 * Removes the API key, and anything that looks like one, from text that goes into an error
 * message. OpenAI's 401 body echoes a masked key ("Incorrect API key provided: sk-pr***wxyz"),
 * and a misbehaving proxy may echo the whole header, so both the literal secrets and
 * key-shaped tokens are replaced.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = redactUrlCredentials(text);
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out
    .replace(/\b(sk|rk|pk)-[A-Za-z0-9_*-]{4,}/g, '[redacted]')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9_*.\-+/=]{4,}/gi, '$1 [redacted]')
    .replace(/\b((?:x-)?api[-_]?key)(["'\s:=]+)[^\s"',}]{4,}/gi, '$1$2[redacted]');
}

/** `retry-after-ms`, then `retry-after` as seconds or an HTTP date. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const ra = headers.get('retry-after');
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.round(Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limit';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  return 'bad_request';
}

const PROVIDER_LABEL: Record<ProviderKind, string> = { openai: 'OpenAI-compatible endpoint', anthropic: 'Anthropic' };

/** Extracts the server's own error text from `{"error":{"message"}}`, `{"error":"…"}`, `{"message"}` or plain text. */
export function serverErrorText(body: string): string {
  const trimmed = body.trim();
  if (!trimmed) return '';
  try {
    const j = JSON.parse(trimmed) as Record<string, unknown>;
    const e = j.error as unknown;
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object' && typeof (e as Record<string, unknown>).message === 'string') return (e as { message: string }).message;
    if (typeof j.message === 'string') return j.message;
    if (typeof j.detail === 'string') return j.detail;
  } catch {
    /* not JSON */
  }
  return trimmed.replace(/\s+/g, ' ');
}

export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * A text field of a server reply as we keep it (model name, finish reason, error message): a string,
 * clipped to `max` characters; anything else (a number, a 1,000,000-deep array) is `undefined`.
 */
export function serverText(v: unknown, max = 300): string | undefined {
  return typeof v === 'string' ? clip(v, max) : undefined;
}

/** Per-request context: the combined abort signal, the idle timer, and the error factory. */
export class RequestScope {
  readonly controller = new AbortController();
  private idleTimer: NodeJS.Timeout | undefined;
  private totalTimer: NodeJS.Timeout | undefined;
  private reason: 'timeout' | 'cancelled' | undefined;
  /** Which limit fired: no bytes for `timeoutMs` (idle) or the whole run past `totalTimeoutMs`. */
  private timeoutKind: 'idle' | 'total' | undefined;
  private readonly onAbort = () => this.abort('cancelled');
  readonly started = Date.now();
  readonly timeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxEventBytes: number;
  /** When the first answer text arrived (streaming), for time-to-first-token. */
  firstTokenAt: number | undefined;

  constructor(
    readonly provider: ProviderKind,
    readonly model: string,
    readonly url: string,
    private readonly secrets: readonly (string | undefined)[],
    private readonly req: RunPromptRequest,
  ) {
    this.timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.totalTimeoutMs = req.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
    this.maxResponseBytes = req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.maxEventBytes = req.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    if (req.signal?.aborted) this.reason = 'cancelled';
    req.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.totalTimer = setTimeout(() => this.abort('timeout', 'total'), this.totalTimeoutMs);
    this.touch();
  }

  /** The run's result with its timings (latency now, time to first token if text streamed). */
  result(fields: Omit<RunPromptResult, 'latencyMs' | 'timeToFirstTokenMs'>): RunPromptResult {
    const timeToFirstTokenMs = this.firstTokenAt !== undefined ? this.firstTokenAt - this.started : undefined;
    return { ...fields, latencyMs: Date.now() - this.started, ...(timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs } : {}) };
  }

  /** Resets the idle timer: call on response headers and on every chunk of bytes. */
  touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.abort('timeout', 'idle'), this.timeoutMs);
  }

  private abort(reason: 'timeout' | 'cancelled', timeoutKind?: 'idle' | 'total'): void {
    if (this.reason && this.controller.signal.aborted) return;
    this.reason ??= reason;
    if (this.reason === 'timeout') this.timeoutKind ??= timeoutKind;
    this.controller.abort();
  }

  get aborted(): 'timeout' | 'cancelled' | undefined {
    return this.controller.signal.aborted || this.req.signal?.aborted ? (this.reason ?? 'cancelled') : undefined;
  }

  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.totalTimer) clearTimeout(this.totalTimer);
    this.req.signal?.removeEventListener('abort', this.onAbort);
  }

  error(kind: ProviderErrorKind, message: string, extra: Omit<ProviderError['details'], 'provider'> = {}): ProviderError {
    return new ProviderError(kind, redact(message, this.secrets), { provider: this.provider, ...extra });
  }

  /** Maps a thrown fetch/stream error (abort, timeout, connection refused …) to a ProviderError. */
  fromThrown(err: unknown, partial: { partialText?: string } = {}): ProviderError {
    if (err instanceof ProviderError) return err;
    const where = `${PROVIDER_LABEL[this.provider]} ${displayUrl(this.url)}`;
    const aborted = this.aborted;
    if (aborted === 'cancelled') return this.error('cancelled', `Request to ${where} was cancelled.`, partial);
    if (aborted === 'timeout') {
      const timeout = this.timeoutKind ?? 'idle';
      const message =
        timeout === 'total'
          ? `${where} did not finish the answer within ${formatSeconds(this.totalTimeoutMs)} (the overall limit of a run; model ${this.model}).`
          : `${where} sent nothing for ${formatSeconds(this.timeoutMs)} (model ${this.model}).`;
      return this.error('timeout', message, { ...partial, timeout });
    }
    if (err instanceof ResponseLimitError) return this.badResponse(`${err.message}; the rest was not read.`, partial);
    if (err instanceof RequestRefusedError) return this.error('bad_request', `${PROVIDER_LABEL[this.provider]}: ${err.message}.`, partial);
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    const code = cause?.code ?? (err as { code?: string })?.code;
    const detail = code ?? cause?.message ?? errorText(err);
    // fetch reports the network as a TypeError with a cause (ECONNREFUSED, UND_ERR_SOCKET …); anything
    // else thrown while reading (a bug, the text callback) is not "cannot reach".
    const network =
      cause !== undefined || typeof code === 'string' || (err instanceof TypeError && /fetch failed|terminated/i.test(err.message));
    if (!network) return this.error('bad_response', `Reading the answer from ${where} failed (${detail}).`, partial);
    const hint =
      code === 'ECONNREFUSED'
        ? ' Is the server running and the base URL right?'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? ' Check the host name in the base URL.'
          : '';
    return this.error('network', `Cannot reach ${where} (${detail}).${hint}`, partial);
  }

  /** A non-2xx response → ProviderError with the server's message (scrubbed) and Retry-After. */
  async fromResponse(res: Response): Promise<ProviderError> {
    let body = '';
    try {
      body = (await readBodyCapped(res, MAX_ERROR_BODY_BYTES, { truncate: true, onBytes: () => this.touch() })).text;
    } catch {
      /* body unreadable: status alone */
    }
    const kind = kindForStatus(res.status);
    const retryAfterMs = parseRetryAfter(res.headers);
    const requestId = res.headers.get('x-request-id') ?? res.headers.get('request-id') ?? undefined;
    const server = clip(serverErrorText(body));
    const where = `${PROVIDER_LABEL[this.provider]} ${displayUrl(this.url)}`;
    const lead: Record<ProviderErrorKind, string> = {
      auth: `${where} rejected the API key (HTTP ${res.status}). Set the key again with "Prompt Cost: Set API key".`,
      not_found: `${where} does not know model '${this.model}' or the base URL is wrong (HTTP 404).`,
      rate_limit: `${where} is rate limiting requests (HTTP 429)${retryAfterMs !== undefined ? `; retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''}.`,
      server: `${where} had a server error (HTTP ${res.status}); try again later.`,
      bad_request: `${where} refused the request (HTTP ${res.status}).`,
      timeout: `${where} timed out (HTTP ${res.status}).`,
      network: '',
      bad_response: '',
      cancelled: '',
    };
    return this.error(kind, server ? `${lead[kind]} Server said: ${server}` : lead[kind], {
      status: res.status,
      retryAfterMs,
      requestId,
    });
  }

  badResponse(message: string, extra: Omit<ProviderError['details'], 'provider'> = {}): ProviderError {
    return this.error(
      'bad_response',
      `${PROVIDER_LABEL[this.provider]} ${displayUrl(this.url)} sent a malformed response: ${message}`,
      extra,
    );
  }
}

/** Sends the request; resolves with a 2xx response or throws a ProviderError. */
export async function send(
  scope: RequestScope,
  init: { headers: Record<string, string>; body: unknown; fetch?: typeof fetch },
): Promise<Response> {
  if (scope.aborted) throw scope.fromThrown(new Error('aborted'));
  let res: Response;
  try {
    res = await sendRequest({
      url: scope.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: JSON.stringify(init.body),
      signal: scope.controller.signal,
      fetch: init.fetch,
    });
  } catch (err) {
    throw scope.fromThrown(err);
  }
  scope.touch();
  if (!res.ok) {
    throw await scope.fromResponse(res);
  }
  return res;
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`; // a sub-second timeout is not "0 s"
  const s = Math.round(ms / 1000);
  return s >= 120 && s % 60 === 0 ? `${s / 60} min` : `${s} s`;
}

/**
 * Reads a body chunk by chunk, at most `maxBytes` (the Content-Length is checked first, so a declared
 * oversize body is refused before any byte is read). Over the cap: throws ResponseLimitError and stops
 * the download, or with `truncate` returns what fits. `onBytes` runs per chunk (the idle timer).
 */
export async function readBodyCapped(
  res: Response,
  maxBytes: number,
  options: { what?: string; truncate?: boolean; onBytes?: (n: number) => void } = {},
): Promise<{ text: string; bytes: number; truncated: boolean }> {
  const what = options.what ?? 'the response body';
  const declared = Number(res.headers.get('content-length'));
  if (!options.truncate && Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new ResponseLimitError(what, maxBytes);
  }
  if (!res.body) return { text: '', bytes: 0, truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      options.onBytes?.(value.byteLength);
      if (bytes + value.byteLength > maxBytes) {
        if (!options.truncate) throw new ResponseLimitError(what, maxBytes);
        chunks.push(value.subarray(0, maxBytes - bytes));
        bytes = maxBytes;
        truncated = true;
        break;
      }
      chunks.push(value);
      bytes += value.byteLength;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return { text: new TextDecoder('utf-8').decode(Buffer.concat(chunks, bytes)), bytes, truncated };
}

/** Reads a whole (non-streaming) body as JSON: idle means no bytes, and the size is capped. */
export async function readJson(scope: RequestScope, res: Response): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = (await readBodyCapped(res, scope.maxResponseBytes, { onBytes: () => scope.touch() })).text;
  } catch (err) {
    throw scope.fromThrown(err);
  }
  try {
    const j = JSON.parse(text) as unknown;
    if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new Error('not an object');
    return j as Record<string, unknown>;
  } catch {
    throw scope.badResponse(`expected a JSON object, got ${JSON.stringify(clip(text, 80))}`);
  }
}

export function joinUrl(base: string, path: string): string {
  const u = new URL(base);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}${path}`;
  return u.toString();
}
