// The providers' free token-count endpoints, for the models no offline tokenizer counts exactly:
//   Anthropic  POST {base}/v1/messages/count_tokens   (x-api-key, anthropic-version) → {"input_tokens": N}
//   Gemini     POST {base}/v1beta/models/{model}:countTokens (x-goog-api-key)       → {"totalTokens": N}
// Called only on demand (a command, `--provider-count`), never per keystroke. Results are
// cached by a hash of (provider, model, messages): an unchanged prompt is never sent twice,
// and a cached count is still exact. The cached pairs (offline estimate, exact count) calibrate
// the offline estimate: calibrate() gives a factor and the measured error band.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { readRegularFileSync } from '../files';
import { writeFileAtomicSync } from '../safeWrite';
import * as path from 'node:path';
import { ResponseLimitError, displayUrl, kindForStatus, readBodyCapped, redact, serverErrorText } from './http';
import { shownValue } from '../untrustedText';
import { RequestRefusedError, sendRequest } from './request';
import type { ProviderErrorKind } from './types';
import { maxOf } from '../arrays';
import { CountSigner } from './countTrust';

export type CountProvider = 'anthropic' | 'gemini';

export const ANTHROPIC_COUNT_BASE_URL = 'https://api.anthropic.com';
export const GEMINI_COUNT_BASE_URL = 'https://generativelanguage.googleapis.com';
const ANTHROPIC_VERSION = '2023-06-01';
const DEFAULT_TIMEOUT_MS = 30_000;
/** The answer is `{"input_tokens": N}`; 1 MB is generous, and an error body is clipped to 300 characters anyway. */
export const MAX_COUNT_RESPONSE_BYTES = 1024 * 1024;

export interface CountMessage {
  role: string;
  content: string;
}

export interface ProviderCountRequest {
  provider: CountProvider;
  /** The provider's own model name (no `anthropic:` / `google:` prefix). */
  model: string;
  messages: readonly CountMessage[];
  apiKey: string;
  baseUrl?: string;
  /** Overall limit of the request, body included (default 30 s). */
  timeoutMs?: number;
  /** Cap on the answer's size (default 1 MB). */
  maxResponseBytes?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /**
   * Sent from a browser (VS Code for the Web): Anthropic answers a cross-origin request only with its opt-in
   * header, and a refused CORS request fails without a status, so the message says what may have happened.
   */
  browser?: boolean;
}

export interface ProviderCount {
  tokens: number;
  provider: CountProvider;
  model: string;
  /** Human label of where the number comes from, e.g. "Anthropic count_tokens API". */
  source: string;
}

export class ProviderCountError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderCountError';
  }
}

export const COUNT_SOURCES: Record<CountProvider, string> = {
  anthropic: 'Anthropic count_tokens API',
  gemini: 'Gemini countTokens API',
};

/** Which count endpoint serves a model id (`anthropic:claude-…`, `claude-…`, `google:gemini-…`, `gemini-…`), if any. */
export function countProviderFor(modelId: string): { provider: CountProvider; model: string } | undefined {
  const id = modelId.trim();
  const colon = id.indexOf(':');
  const prefix = colon > 0 ? id.slice(0, colon).toLowerCase() : '';
  const model = colon > 0 ? id.slice(colon + 1) : id;
  const bare = model.slice(model.lastIndexOf('/') + 1);
  if ((prefix === '' || prefix === 'anthropic') && /^claude-/i.test(bare)) return { provider: 'anthropic', model: bare };
  if ((prefix === '' || prefix === 'google' || prefix === 'gemini') && /^gemini-/i.test(bare)) return { provider: 'gemini', model: bare };
  return undefined;
}

/** The request body each endpoint expects (system messages become the system prompt / systemInstruction). */
export function countRequestBody(provider: CountProvider, model: string, messages: readonly CountMessage[]): Record<string, unknown> {
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.content);
  const turns = messages.filter((m) => m.role !== 'system' && m.role !== 'developer');
  if (provider === 'anthropic') {
    const body: Record<string, unknown> = {
      model,
      messages: (turns.length ? turns : [{ role: 'user', content: '' }]).map((m) => ({
        role: m.role === 'assistant' ? 'assistant' : 'user',
        content: m.content,
      })),
    };
    if (system.length) body.system = system.join('\n\n');
    return body;
  }
  const contents = turns.map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] }));
  const request: Record<string, unknown> = { model: `models/${model}`, contents };
  if (system.length) request.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  return { generateContentRequest: request };
}

function countUrl(req: ProviderCountRequest): string {
  const base = (req.baseUrl ?? (req.provider === 'anthropic' ? ANTHROPIC_COUNT_BASE_URL : GEMINI_COUNT_BASE_URL)).replace(/\/+$/, '');
  return req.provider === 'anthropic'
    ? `${base}/v1/messages/count_tokens`
    : `${base}/v1beta/models/${encodeURIComponent(req.model)}:countTokens`;
}

/** Asks the provider's count endpoint. Rejects with a ProviderCountError whose message never contains the key. */
export async function providerCount(req: ProviderCountRequest): Promise<ProviderCount> {
  const url = countUrl(req);
  const label = COUNT_SOURCES[req.provider];
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (req.provider === 'anthropic') {
    headers['x-api-key'] = req.apiKey;
    headers['anthropic-version'] = ANTHROPIC_VERSION;
    // anthropics/anthropic-sdk-typescript src/client.ts sends it when `dangerouslyAllowBrowser` is set; without it
    // api.anthropic.com answers a browser's request (one with an Origin) 401 "CORS requests must set
    // 'anthropic-dangerous-direct-browser-access' header" and no Access-Control-Allow-Origin.
    if (req.browser) headers['anthropic-dangerous-direct-browser-access'] = 'true';
  } else {
    headers['x-goog-api-key'] = req.apiKey;
  }
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  // The one signal covers the body too: a reply trickling in stops at the same overall limit.
  const failed = (err: unknown): ProviderCountError => {
    if (err instanceof ProviderCountError) return err;
    if (req.signal?.aborted) return new ProviderCountError('cancelled', `${label}: cancelled.`);
    if (timeout.aborted)
      return new ProviderCountError('timeout', `${label}: no complete answer from ${displayUrl(url)} within ${timeoutMs} ms.`);
    if (err instanceof ResponseLimitError)
      return new ProviderCountError('bad_response', `${label}: ${err.message}; the rest was not read.`);
    if (err instanceof RequestRefusedError) return new ProviderCountError('bad_request', `${label}: ${err.message}.`);
    const msg = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    if (req.browser) return new ProviderCountError('network', browserFetchFailure(label, url, redact(msg, [req.apiKey])));
    return new ProviderCountError('network', `${label}: cannot reach ${displayUrl(url)}: ${redact(msg, [req.apiKey])}`);
  };
  let res: Response;
  let text: string;
  try {
    res = await sendRequest({
      url,
      method: 'POST',
      headers,
      body: JSON.stringify(countRequestBody(req.provider, req.model, req.messages)),
      signal,
      fetch: req.fetch,
    });
    const max = req.maxResponseBytes ?? MAX_COUNT_RESPONSE_BYTES;
    text = (await readBodyCapped(res, max, { what: 'the answer', truncate: !res.ok })).text;
  } catch (err) {
    throw failed(err);
  }
  if (!res.ok) {
    const detail = redact(serverErrorText(text), [req.apiKey]).slice(0, 300);
    throw new ProviderCountError(kindForStatus(res.status), `${label}: HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ProviderCountError('bad_response', `${label}: the answer is not JSON.`);
  }
  const field = req.provider === 'anthropic' ? 'input_tokens' : 'totalTokens';
  const tokens = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[field] : undefined;
  if (tokens === undefined) throw new ProviderCountError('bad_response', `${label}: no ${field} in the answer.`);
  if (typeof tokens !== 'number' || !Number.isSafeInteger(tokens) || tokens < 0)
    throw new ProviderCountError('bad_response', `${label}: ${field} must be a whole number ≥ 0, got ${shownValue(tokens)}.`);
  return { tokens, provider: req.provider, model: req.model, source: label };
}

/**
 * A browser's fetch fails the same way ("Failed to fetch", no status) whether the server is down or its answer
 * lacks the CORS headers that let a web page read it (the browser hides which, by design): say both.
 */
export function browserFetchFailure(label: string, url: string, detail: string): string {
  return (
    `${label}: the browser got no answer it may read from ${displayUrl(url)} (${detail}). Either the server cannot be ` +
    `reached, or it does not allow requests from a web page (no CORS headers: Access-Control-Allow-Origin); a proxy ` +
    `set as the base URL must allow them, or count in VS Code desktop.`
  );
}

/** Content hash of a count request: what the cache is keyed by. */
export function countCacheKey(provider: CountProvider, model: string, messages: readonly CountMessage[]): string {
  return createHash('sha256')
    .update(JSON.stringify([provider, model, messages.map((m) => [m.role, m.content])]))
    .digest('hex');
}

export interface CachedCount extends ProviderCount {
  /** The offline estimate of the same request when it was counted (for calibration). */
  estimate?: number;
  /** ISO time of the count. */
  at: string;
  /** HMAC with this machine's key (countTrust.ts): only a signed entry is trusted. */
  mac?: string;
}

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
const isShortText = (t: unknown): t is string => typeof t === 'string' && t.length <= 300;

/**
 * A cache entry as we write it. The file sits in the workspace, so a cloned repository could hold a
 * forged one (1e300 or negative tokens, a megabyte of model name): such entries are not used.
 */
export function isCachedCount(key: string, v: unknown): v is CachedCount {
  if (!/^[0-9a-f]{64}$/.test(key) || typeof v !== 'object' || v === null) return false;
  const e = v as Partial<CachedCount>;
  return (
    isCount(e.tokens) &&
    (e.provider === 'anthropic' || e.provider === 'gemini') &&
    isShortText(e.model) &&
    isShortText(e.source) &&
    isShortText(e.at) &&
    (e.estimate === undefined || isCount(e.estimate))
  );
}

/**
 * Where exact counts are kept: a signed JSON file in the workspace (ProviderCountCache, desktop and CLI) or
 * the extension's per-workspace storage in the browser (features/countCache.ts). `set` may write asynchronously.
 */
export interface CountCache {
  get(key: string): CachedCount | undefined;
  set(key: string, value: CachedCount): void | Promise<void>;
  values(): CachedCount[];
}

/**
 * Cached exact counts, in memory and (optionally) in a JSON file such as `.prompt-cost/provider-counts.json`.
 * Only entries signed with this machine's key are read (countTrust.ts); the others are counted in
 * `untrusted` and dropped when the file is next written.
 */
export class ProviderCountCache implements CountCache {
  private entries = new Map<string, CachedCount>();
  /** Well-formed entries of the file that were not written on this machine (no valid MAC): not used. */
  untrusted = 0;

  /**
   * `root`: the workspace folder the file belongs to (default: the folder above `.prompt-cost/`); the
   * file is written only if it resolves inside it and is not a symbolic link (safeWrite).
   * `signer`: the machine key that signs and verifies entries (default: the user's config folder).
   */
  constructor(
    private readonly file?: string,
    private readonly root = file ? path.dirname(path.dirname(file)) : undefined,
    private readonly signer = new CountSigner(),
  ) {
    this.load();
  }

  private load(): void {
    this.untrusted = 0;
    if (this.file && fs.existsSync(this.file)) {
      try {
        // a regular file of sane size only: a FIFO or device here must not hang the estimate
        const data = JSON.parse(readRegularFileSync(this.file).toString('utf8')) as Record<string, CachedCount>;
        for (const [k, v] of Object.entries(data)) {
          if (!isCachedCount(k, v)) continue;
          if (this.signer.verify(k, v)) this.entries.set(k, v);
          else this.untrusted++;
        }
      } catch {
        // a damaged cache is only a cache: start empty, it is rewritten on the next count
      }
    }
  }

  get(key: string): CachedCount | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: CachedCount): void {
    const fields: CachedCount = { ...value };
    delete fields.mac; // a MAC is only ever ours
    const mac = this.signer.sign(key, fields);
    this.entries.set(key, mac ? { ...fields, mac } : fields);
    if (!this.file) return;
    // keep what others (the editor, another counter) wrote since this cache was read
    const mine = new Map(this.entries);
    this.load();
    for (const [k, v] of mine) this.entries.set(k, v);
    writeFileAtomicSync(this.file, JSON.stringify(Object.fromEntries(this.entries), null, 1) + '\n', { root: this.root });
  }

  values(): CachedCount[] {
    return [...this.entries.values()];
  }
}

/**
 * Fits the offline estimate to exact counts: factor = Σexact / Σestimate, and the error band =
 * the largest relative error of the calibrated estimates (so every measured pair lies inside it).
 * Needs at least 3 pairs; undefined otherwise.
 */
export function calibrate(
  pairs: readonly { estimate: number; exact: number }[],
): { factor: number; errorBand: number; n: number } | undefined {
  const usable = pairs.filter((p) => p.estimate > 0 && p.exact > 0);
  if (usable.length < 3) return undefined;
  const factor = usable.reduce((a, p) => a + p.exact, 0) / usable.reduce((a, p) => a + p.estimate, 0);
  const errorBand = maxOf(usable.map((p) => Math.abs(p.estimate * factor - p.exact) / p.exact));
  return { factor, errorBand, n: usable.length };
}
