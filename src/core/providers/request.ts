// The one place every outgoing HTTP request is made: running a prompt (OpenAI-compatible, Azure,
// Anthropic), the free count endpoints (Anthropic, Gemini) and the price update. Redirects are never
// followed by fetch itself (`redirect: 'manual'`): a request carries an API key in a header
// (`authorization`, `x-api-key`, `x-goog-api-key`, `api-key`) and the prompt in its body, and fetch
// strips only `authorization` when it follows a redirect to another host. Here:
// - a redirect to another origin (scheme, host or port), or from https to http, is an error naming both
//   URLs, and nothing is sent there;
// - a redirect within the same origin is followed at most MAX_SAME_ORIGIN_REDIRECTS times (307/308 keep
//   the method and body; 301/302/303 of a POST become a GET without body, as fetch does);
// - a URL with a user name or password is refused before anything is sent (fetch would refuse it too,
//   with a message that prints the password).
import { displayUrl } from './urls';

export const MAX_SAME_ORIGIN_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface OutgoingRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Sent as is (callers JSON.stringify; OTLP export sends protobuf bytes). */
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** A redirect we refused to follow, or a URL we refused to request; the message names the URLs (redacted). */
export class RequestRefusedError extends Error {
  constructor(
    message: string,
    readonly from: string,
    readonly to?: string,
  ) {
    super(message);
    this.name = 'RequestRefusedError';
  }
}

/**
 * Sends the request and returns the final response (any status; the caller reads or rejects it). Throws
 * RequestRefusedError for a refused URL or redirect; fetch's own errors (network, abort) pass through.
 */
export async function sendRequest(req: OutgoingRequest): Promise<Response> {
  const doFetch = req.fetch ?? fetch;
  let url = parseRequestUrl(req.url);
  let method = req.method ?? 'POST';
  let body = req.body;
  for (let hop = 0; ; hop++) {
    const res = await doFetch(url.toString(), {
      method,
      headers: req.headers,
      body: method === 'GET' ? undefined : body,
      signal: req.signal,
      redirect: 'manual',
    });
    if (!REDIRECT_STATUSES.has(res.status)) return res;
    await res.body?.cancel().catch(() => undefined);
    const location = res.headers.get('location');
    if (!location)
      throw new RequestRefusedError(`${displayUrl(url)} answered HTTP ${res.status} (a redirect) without a Location`, url.toString());
    const next = resolveLocation(location, url);
    if (next.protocol === 'http:' && url.protocol === 'https:')
      throw refused(url, next, 'from https to http (the request and its API key would travel unencrypted)');
    if (next.origin !== url.origin) throw refused(url, next, 'to another origin (the request carries the API key and the prompt)');
    if (hop >= MAX_SAME_ORIGIN_REDIRECTS)
      throw new RequestRefusedError(
        `${displayUrl(req.url)} redirected more than ${MAX_SAME_ORIGIN_REDIRECTS} times (last to ${displayUrl(next)}); not followed further`,
        req.url,
        next.toString(),
      );
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
    url = next;
  }
}

function parseRequestUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RequestRefusedError(`${displayUrl(raw)} is not a valid URL`, raw);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new RequestRefusedError(`${displayUrl(url)}: only http and https URLs are requested`, raw);
  if (url.username || url.password)
    throw new RequestRefusedError(
      `${displayUrl(url, { keepUser: true })} contains a user name or password; not sent. Put the key in the API key setting (or its environment variable), not in the URL.`,
      raw,
    );
  return url;
}

function resolveLocation(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new RequestRefusedError(`${displayUrl(base)} redirected to an invalid URL; not followed`, base.toString());
  }
}

function refused(from: URL, to: URL, why: string): RequestRefusedError {
  return new RequestRefusedError(
    `${displayUrl(from)} redirected to ${displayUrl(to)}, ${why}; not followed`,
    from.toString(),
    to.toString(),
  );
}
