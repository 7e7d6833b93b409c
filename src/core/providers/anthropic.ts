// Anthropic Messages API (`POST /v1/messages`), streaming and not.
import { RequestScope, joinUrl, readJson, send, serverText } from './http';
import { parseEventJson, sseEvents } from './sse';
import { AnthropicEndpoint, ChatMessage, RunPromptRequest, RunPromptResult } from './types';
import { parseAnthropicStreamUsage, parseAnthropicUsage } from './usage';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_DEFAULT_VERSION = '2023-06-01';
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** System and developer messages become the top-level `system`; the rest keep their order. */
export function anthropicRequestBody(req: RunPromptRequest, stream: boolean): Record<string, unknown> {
  const system = req.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.content);
  const messages = req.messages
    .filter((m): m is ChatMessage & { role: 'user' | 'assistant' } => m.role === 'user' || m.role === 'assistant')
    .map((m) => ({ role: m.role, content: m.content }));
  const body: Record<string, unknown> = {
    model: req.model,
    max_tokens: req.maxOutputTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages,
  };
  if (system.length) body.system = system.join('\n\n');
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (stream) body.stream = true;
  return body;
}

export function anthropicRequestUrl(ep: AnthropicEndpoint): string {
  return joinUrl(ep.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL, '/v1/messages');
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is Record<string, unknown> => isObject(b) && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('');
}

export async function runAnthropic(req: RunPromptRequest, ep: AnthropicEndpoint): Promise<RunPromptResult> {
  const stream = req.stream ?? true;
  const scope = new RequestScope('anthropic', req.model, anthropicRequestUrl(ep), [ep.apiKey, ...Object.values(ep.headers ?? {})], req);
  const headers: Record<string, string> = {
    ...(ep.headers ?? {}),
    'x-api-key': ep.apiKey,
    'anthropic-version': ep.anthropicVersion ?? ANTHROPIC_DEFAULT_VERSION,
    accept: stream ? 'text/event-stream' : 'application/json',
  };
  let text = '';
  try {
    const res = await send(scope, { headers, body: anthropicRequestBody(req, stream), fetch: req.fetch });
    const requestId = res.headers.get('request-id') ?? res.headers.get('x-request-id') ?? undefined;
    const ctype = res.headers.get('content-type') ?? '';
    if (!stream || !ctype.includes('text/event-stream')) {
      const j = await readJson(scope, res);
      if (j.type === 'error' && isObject(j.error))
        throw scope.error('server', `Server error: ${serverText(j.error.message) ?? 'unknown'}`, { requestId });
      if (!Array.isArray(j.content)) throw scope.badResponse('no `content` array in the body', { requestId });
      text = textOf(j.content);
      if (text) req.onText?.(text);
      const parsed = parseAnthropicUsage(j.usage);
      return scope.result({
        text,
        usage: parsed.usage,
        ...(parsed.warnings.length ? { warnings: parsed.warnings } : {}),
        responseModel: serverText(j.model, 200),
        finishReason: serverText(j.stop_reason, 100),
        requestId,
      });
    }

    let startUsage: unknown;
    let deltaUsage: unknown;
    let responseModel: string | undefined;
    let finishReason: string | undefined;
    let stopped = false;
    for await (const e of sseEvents(scope, res)) {
      const ev = parseEventJson(scope, e, text);
      const type = typeof ev.type === 'string' ? ev.type : e.event;
      if (type === 'message_start' && isObject(ev.message)) {
        startUsage = ev.message.usage;
        if (typeof ev.message.model === 'string') responseModel = serverText(ev.message.model, 200);
      } else if (type === 'content_block_delta' && isObject(ev.delta)) {
        if (ev.delta.type === 'text_delta' && typeof ev.delta.text === 'string' && ev.delta.text) {
          scope.firstTokenAt ??= Date.now();
          text += ev.delta.text;
          req.onText?.(ev.delta.text);
        }
      } else if (type === 'message_delta') {
        if (isObject(ev.usage)) deltaUsage = ev.usage;
        if (isObject(ev.delta) && typeof ev.delta.stop_reason === 'string') finishReason = serverText(ev.delta.stop_reason, 100);
      } else if (type === 'message_stop') {
        stopped = true;
        break;
      } else if (type === 'error') {
        const err = isObject(ev.error) ? ev.error : {};
        const etype = serverText(err.type, 60) ?? 'error';
        const kind =
          etype === 'rate_limit_error' ? 'rate_limit' : etype === 'overloaded_error' || etype === 'api_error' ? 'server' : 'bad_request';
        const parsed = parseAnthropicStreamUsage(startUsage, deltaUsage);
        throw scope.error(kind, `Anthropic stream failed (${etype}): ${serverText(err.message) ?? 'unknown error'}`, {
          partialText: text,
          partialUsage: parsed.usage,
          requestId,
          ...(parsed.warnings.length ? { warnings: parsed.warnings } : {}),
        });
      }
      // ping, content_block_start/stop and unknown future events are ignored.
    }
    const parsed = parseAnthropicStreamUsage(startUsage, deltaUsage);
    const usage = parsed.usage;
    const warnings = parsed.warnings.length ? { warnings: parsed.warnings } : {};
    if (!stopped) {
      if (scope.aborted) throw scope.fromThrown(new Error('aborted'), { partialText: text });
      throw scope.badResponse('the stream ended before message_stop', { partialText: text, partialUsage: usage, requestId, ...warnings });
    }
    return scope.result({ text, usage, responseModel, finishReason, requestId, ...warnings });
  } catch (err) {
    throw scope.fromThrown(err, { partialText: text || undefined });
  } finally {
    scope.dispose();
  }
}
