// The HTTP plumbing both clients share: timeouts and cancellation, status → error kind,
// Retry-After, Server-Sent Events, and scrubbing secrets out of anything we put in a message.
import { ProviderError, ProviderErrorKind, ProviderKind, RunPromptRequest, RunPromptResult } from './types';

export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Removes the API key, and anything that looks like one, from text that goes into an error
 * message. OpenAI's 401 body echoes a masked key ("Incorrect API key provided: sk-pr***wxyz"),
 * and a misbehaving proxy may echo the whole header, so both the literal secrets and
 * key-shaped tokens are replaced.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out
    .replace(/\b(sk|rk|pk)-[A-Za-z0-9_*-]{4,}/g, '[redacted]')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9_*.\-+/=]{4,}/gi, '$1 [redacted]')
    .replace(/\b((?:x-)?api[-_]?key)(["'\s:=]+)[^\s"',}]{4,}/gi, '$1$2[redacted]');
}

/** The base URL as shown in messages: origin + path only (no user:password@, no query such as `?key=`). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '(invalid URL)';
  }
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

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Per-request context: the combined abort signal, the idle timer, and the error factory. */
export class RequestScope {
  readonly controller = new AbortController();
  private idleTimer: NodeJS.Timeout | undefined;
  private totalTimer: NodeJS.Timeout | undefined;
  private reason: 'timeout' | 'cancelled' | undefined;
  private readonly onAbort = () => this.abort('cancelled');
  readonly started = Date.now();
  readonly timeoutMs: number;
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
    if (req.signal?.aborted) this.reason = 'cancelled';
    req.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (req.totalTimeoutMs !== undefined) {
      this.totalTimer = setTimeout(() => this.abort('timeout'), req.totalTimeoutMs);
    }
    this.touch();
  }

  /** The run's result with its timings (latency now, time to first token if text streamed). */
  result(fields: Omit<RunPromptResult, 'latencyMs' | 'timeToFirstTokenMs'>): RunPromptResult {
    const timeToFirstTokenMs = this.firstTokenAt !== undefined ? this.firstTokenAt - this.started : undefined;
    return { ...fields, latencyMs: Date.now() - this.started, ...(timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs } : {}) };
  }

  /** Resets the idle timer: call on response headers and on every chunk. */
  touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.abort('timeout'), this.timeoutMs);
  }

  private abort(reason: 'timeout' | 'cancelled'): void {
    if (this.reason && this.controller.signal.aborted) return;
    this.reason ??= reason;
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
      const limit =
        this.req.totalTimeoutMs !== undefined && Date.now() - this.started >= this.req.totalTimeoutMs
          ? this.req.totalTimeoutMs
          : this.timeoutMs;
      return this.error('timeout', `${where} did not respond within ${Math.round(limit / 1000)} s (model ${this.model}).`, partial);
    }
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    const code = cause?.code ?? (err as { code?: string })?.code;
    const detail = code ?? cause?.message ?? (err as Error)?.message ?? String(err);
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
      body = await res.text();
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
  const doFetch = init.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(scope.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: JSON.stringify(init.body),
      signal: scope.controller.signal,
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

/** Reads a whole (non-streaming) body as JSON, honouring the idle timeout. */
export async function readJson(scope: RequestScope, res: Response): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await res.text();
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

export interface SseEvent {
  event?: string;
  data: string;
}

/**
 * Incremental Server-Sent Events parser (WHATWG rules: `\n`, `\r\n` or `\r` line ends, blank
 * line dispatches, `data:` lines joined with `\n`, `:` comments ignored). Decodes UTF-8 across
 * chunk boundaries.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event: string | undefined;
  private readonly decoder = new TextDecoder('utf-8');

  push(chunk: Uint8Array | string): SseEvent[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.drain(false);
  }

  /** End of stream: flush a final event not followed by a blank line. */
  end(): SseEvent[] {
    this.buffer += this.decoder.decode();
    return this.drain(true);
  }

  private drain(final: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      // A lone trailing '\r' may be the first half of '\r\n': wait for more unless final.
      if (!m || (m[0] === '\r' && m.index === this.buffer.length - 1 && !final)) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line, events);
    }
    if (final) {
      if (this.buffer) this.line(this.buffer, events);
      this.buffer = '';
      this.line('', events);
    }
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (this.data.length) events.push({ event: this.event, data: this.data.join('\n') });
      this.data = [];
      this.event = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }
}

/** Iterates the SSE events of a streaming response, resetting the idle timer per chunk. */
export async function* sseEvents(scope: RequestScope, res: Response): AsyncGenerator<SseEvent> {
  if (!res.body) throw scope.badResponse('empty streaming body');
  const parser = new SseParser();
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      scope.touch();
      for (const e of parser.push(value)) yield e;
    }
    for (const e of parser.end()) yield e;
  } finally {
    // Stop the download if the consumer bailed out (error, cancel).
    reader.cancel().catch(() => undefined);
  }
}

export function parseEventJson(scope: RequestScope, e: SseEvent, partialText: string): Record<string, unknown> {
  try {
    const j = JSON.parse(e.data) as unknown;
    if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new Error('not an object');
    return j as Record<string, unknown>;
  } catch {
    throw scope.badResponse(`a stream event is not JSON: ${JSON.stringify(clip(e.data, 80))}`, { partialText });
  }
}

export function joinUrl(base: string, path: string): string {
  const u = new URL(base);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}${path}`;
  return u.toString();
}
