// The pure part of "Run Prompt…": which endpoint a model id goes to, template variables filled into
// the messages, catalog prices → per-bucket prices, and what each ProviderError tells the user.
// No `vscode` import: unit-tested under node (test/unit/run-logic.test.ts).
import type { ResolvedPrice } from '../../core/pricing/catalog';
import { rateAt } from '../../core/pricing/catalog';
import { parseModelId } from '../../core/pricing/model-id';
import type { PromptDocument, PromptMessage } from '../../core/prompt';
import { KNOWN_PROVIDERS } from '../../core/prompt/model';
import type { ChatMessage, ProviderErrorKind, ProviderKind, UsageBuckets } from '../../core/providers/types';
import type { BucketPrices } from '../../core/providers/usage';

export { PROVIDER_LABELS, secretKeyFor } from './keys';

export interface RunTarget {
  /** Wire protocol / client. */
  kind: ProviderKind;
  /** Provider recorded in the ledger (`openai`, `anthropic`, `ollama` …). */
  provider: string;
  /** Model name sent to the endpoint (the provider prefix removed). */
  model: string;
  /** `provider:model` as picked (the price catalog key). */
  id: string;
}

/**
 * `anthropic:claude-…` → Anthropic; everything else → the OpenAI-compatible endpoint. The prefix
 * is removed only when it is a known provider, so an Ollama tag such as `llama3:8b` is sent whole.
 */
export function runTargetFor(modelId: string): RunTarget {
  const s = modelId.trim();
  const colon = s.indexOf(':');
  const prefix = colon > 0 ? s.slice(0, colon) : '';
  if (prefix && KNOWN_PROVIDERS.has(prefix)) {
    const model = s.slice(colon + 1);
    return { kind: prefix === 'anthropic' ? 'anthropic' : 'openai', provider: prefix, model, id: s };
  }
  const ref = parseModelId(s);
  if (ref.provider === 'anthropic') return { kind: 'anthropic', provider: 'anthropic', model: s, id: `anthropic:${s}` };
  return { kind: 'openai', provider: ref.provider ?? 'openai', model: s, id: ref.provider ? `${ref.provider}:${s}` : s };
}

/** Names of the variables to ask for: distinct `variable` placeholders, in order (blocks and comments are not values). */
export function templateVariables(doc: PromptDocument): string[] {
  const seen = new Set<string>();
  for (const p of doc.placeholders) if (p.kind === 'variable' && !seen.has(p.name)) seen.add(p.name);
  return [...seen];
}

/** Prompty `sample:` values (front matter), as strings, to pre-fill the variable prompts. */
export function sampleValues(doc: PromptDocument): Record<string, string> {
  const data = doc.frontMatter?.data;
  const out: Record<string, string> = {};
  if (!data || typeof data !== 'object') return out;
  const sample = (data as Record<string, unknown>).sample;
  if (!sample || typeof sample !== 'object' || Array.isArray(sample)) return out;
  for (const [k, v] of Object.entries(sample as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** One message's content with the given variables substituted, line endings normalised like the parser. */
export function fillContent(text: string, m: PromptMessage, values: Readonly<Record<string, string>>): string {
  let content = '';
  let at = m.range.start;
  for (const p of m.placeholders) {
    if (p.kind !== 'variable' || !Object.prototype.hasOwnProperty.call(values, p.name)) continue;
    if (p.range.start < at || p.range.end > m.range.end) continue;
    content += text.slice(at, p.range.start) + values[p.name];
    at = p.range.end;
  }
  content += text.slice(at, m.range.end);
  return content.replace(/\r\n?/g, '\n');
}

/**
 * The document as it is sent: each message's content with the given variables substituted (by the
 * placeholder ranges the parser found, so a value containing `{{x}}` or a role header is never
 * re-parsed); variables without a value stay as written; empty messages dropped (as Prompty does).
 */
export function filledDocument(doc: PromptDocument, text: string, values: Readonly<Record<string, string>>): PromptDocument {
  const has = (name: string) => Object.prototype.hasOwnProperty.call(values, name);
  const messages = doc.messages
    .map((m) => ({
      ...m,
      content: fillContent(text, m, values),
      placeholders: m.placeholders.filter((p) => p.kind !== 'variable' || !has(p.name)),
    }))
    .filter((m) => m.content.trim() !== '');
  return { ...doc, messages, placeholders: doc.placeholders.filter((p) => p.kind !== 'variable' || !has(p.name)) };
}

/** The chat messages to send (`tool`/`function` sections go as `user`). */
export function fillMessages(text: string, doc: PromptDocument, values: Readonly<Record<string, string>>): ChatMessage[] {
  return filledDocument(doc, text, values).messages.map((m) => {
    const role: ChatMessage['role'] = m.role === 'tool' || m.role === 'function' ? 'user' : m.role;
    return m.name ? { role, content: m.content, name: m.name } : { role, content: m.content };
  });
}

/**
 * Per-bucket USD/1M prices from a catalog price, at the tier that applies to a request with
 * `promptTokens` input tokens. Undefined when the price has no input or output rate (never
 * guess a cost). Missing cache prices fall back to the input price (never under-charge).
 */
export function bucketPricesFor(price: ResolvedPrice, usage: UsageBuckets): BucketPrices | undefined {
  if (!price.input || !price.output) return undefined;
  const n = usage.inputTokens + usage.cachedInputTokens + usage.cacheWrite5mTokens + usage.cacheWrite1hTokens;
  const out: BucketPrices = { inputPerMTok: rateAt(price.input, n), outputPerMTok: rateAt(price.output, n) };
  if (price.cacheRead) out.cachedInputPerMTok = rateAt(price.cacheRead, n);
  if (price.cacheWrite5m) out.cacheWrite5mPerMTok = rateAt(price.cacheWrite5m, n);
  if (price.cacheWrite1h) out.cacheWrite1hPerMTok = rateAt(price.cacheWrite1h, n);
  return out;
}

export interface ErrorContext {
  providerLabel: string;
  model: string;
  /** Display form of the base URL (no credentials, no query). */
  baseUrl: string;
  timeoutSeconds: number;
  /** Overall limit of a run (promptCost.run.maxDurationSeconds). */
  maxDurationSeconds?: number;
  /** The machine has no network interface besides loopback (machineLooksOffline). */
  offline?: boolean;
}

/** The network error codes an offline machine gives (no DNS, no route). */
const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH']);

/**
 * True when no network interface other than loopback has an address: the machine is offline (a run cannot
 * reach a remote provider), as opposed to one host being unreachable. `interfaces` is os.networkInterfaces().
 */
export function machineLooksOffline(interfaces: Record<string, { internal: boolean; address: string }[] | undefined>): boolean {
  return !Object.values(interfaces).some((list) => list?.some((i) => !i.internal && !/^fe80:/i.test(i.address)));
}

/** One message for a network failure (the client's message names the code once: "Cannot reach … (ENOTFOUND)."). */
function networkMessage(clientMessage: string, ctx: ErrorContext): string {
  const code = /\b(E[A-Z0-9_]{3,}|UND_ERR_[A-Z_]+)\b/.exec(clientMessage)?.[1];
  const what = `Cannot reach ${ctx.baseUrl}${code ? ` (${code})` : ''}`;
  if (ctx.offline && (!code || OFFLINE_CODES.has(code)))
    return `${what}: this machine is offline. Token counts and estimates work offline; running a prompt needs the network.`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `${what}: the host name does not resolve. Check the base URL setting, or whether a DNS server or proxy is reachable.`;
  if (code === 'ECONNREFUSED') return `${what}: nothing listens there. Is the server running and the base URL right?`;
  if (/^Cannot reach /.test(clientMessage)) return clientMessage;
  return `${what}.${clientMessage && !code ? ` ${clientMessage}` : ''}`;
}

export interface ErrorView {
  message: string;
  /** Buttons to offer. */
  actions: ('Set API Key…' | 'Open Settings' | 'Retry')[];
  /** Cancelled runs are information, not errors. */
  severity: 'error' | 'warning' | 'info';
}

/** A clear message per ProviderError kind. `detail` is the client's (already key-scrubbed) message. */
export function providerErrorView(
  err: { kind: ProviderErrorKind | string; message: string; status?: number; retryAfterMs?: number; timeout?: 'idle' | 'total' },
  ctx: ErrorContext,
): ErrorView {
  const detail = err.message ? ` ${err.message}` : '';
  const status = err.status !== undefined ? ` (HTTP ${err.status})` : '';
  switch (err.kind) {
    case 'auth':
      return {
        severity: 'error',
        actions: ['Set API Key…'],
        message: `${ctx.providerLabel} rejected the API key${status}. Set a valid key with "Prompt Cost: Set API Key…".${detail}`,
      };
    case 'not_found':
      return {
        severity: 'error',
        actions: ['Open Settings'],
        message: `Model '${ctx.model}' was not found at ${ctx.baseUrl}${status}: check the model id and the base URL setting.${detail}`,
      };
    case 'rate_limit': {
      const wait =
        err.retryAfterMs !== undefined ? ` Retry after ${Math.max(1, Math.ceil(err.retryAfterMs / 1000))} s.` : ' Try again later.';
      return { severity: 'warning', actions: ['Retry'], message: `${ctx.providerLabel} rate limit reached${status}.${wait}${detail}` };
    }
    case 'server':
      return {
        severity: 'error',
        actions: ['Retry'],
        message: `${ctx.providerLabel} server error${status}: the provider failed to answer; try again.${detail}`,
      };
    case 'timeout':
      return {
        severity: 'error',
        actions: ['Retry', 'Open Settings'],
        message:
          err.timeout === 'total'
            ? `${ctx.baseUrl} was still answering after ${ctx.maxDurationSeconds ?? '?'} s, the overall limit of a run (promptCost.run.maxDurationSeconds).${detail}`
            : `No response from ${ctx.baseUrl} for ${ctx.timeoutSeconds} s (promptCost.run.timeoutSeconds).${detail}`,
      };
    case 'network':
      return { severity: 'error', actions: ['Retry', 'Open Settings'], message: networkMessage(err.message, ctx) };
    case 'bad_response':
      return {
        severity: 'error',
        actions: ['Retry'],
        message: `${ctx.baseUrl} sent a malformed response: is it really ${ctx.providerLabel === 'Anthropic' ? 'the Anthropic Messages API' : 'an OpenAI-compatible endpoint'}?${detail}`,
      };
    case 'bad_request':
      return { severity: 'error', actions: [], message: `${ctx.providerLabel} rejected the request${status}.${detail}` };
    case 'cancelled':
      return { severity: 'info', actions: [], message: 'Run cancelled.' };
    default:
      return { severity: 'error', actions: [], message: `Run failed.${detail}` };
  }
}
