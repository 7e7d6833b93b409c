// OpenAI-compatible chat completions (OpenAI, Azure OpenAI, OpenRouter, Ollama, vLLM, LM Studio).
import { RequestScope, joinUrl, readJson, send, serverText } from './http';
import { parseEventJson, sseEvents } from './sse';
import { OpenAIEndpoint, RunPromptRequest, RunPromptResult } from './types';
import { ParsedUsage, parseOpenAIUsage } from './usage';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function openAIRequestUrl(ep: OpenAIEndpoint): string {
  const url = new URL(joinUrl(ep.baseUrl, '/chat/completions'));
  if (ep.apiVersion) url.searchParams.set('api-version', ep.apiVersion);
  return url.toString();
}

function defaultMaxTokensField(ep: OpenAIEndpoint): 'max_tokens' | 'max_completion_tokens' {
  try {
    const host = new URL(ep.baseUrl).hostname;
    return ep.flavor === 'azure' || host === 'api.openai.com' || host.endsWith('.openai.azure.com')
      ? 'max_completion_tokens'
      : 'max_tokens';
  } catch {
    return 'max_tokens';
  }
}

export function openAIRequestBody(req: RunPromptRequest, ep: OpenAIEndpoint, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: req.model,
    messages: req.messages.map((m) => (m.name ? { role: m.role, content: m.content, name: m.name } : { role: m.role, content: m.content })),
  };
  if (req.maxOutputTokens !== undefined) body[ep.maxTokensField ?? defaultMaxTokensField(ep)] = req.maxOutputTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (stream) {
    body.stream = true;
    // Without this the stream carries no usage at all; with it, a last chunk with `choices: []` has it.
    body.stream_options = { include_usage: true };
  }
  return body;
}

function headersFor(ep: OpenAIEndpoint, stream: boolean): Record<string, string> {
  const h: Record<string, string> = { ...(ep.headers ?? {}), accept: stream ? 'text/event-stream' : 'application/json' };
  if (ep.apiKey) {
    if (ep.flavor === 'azure') h['api-key'] = ep.apiKey;
    else h.authorization = `Bearer ${ep.apiKey}`;
  }
  return h;
}

export async function runOpenAI(req: RunPromptRequest, ep: OpenAIEndpoint): Promise<RunPromptResult> {
  const stream = req.stream ?? true;
  const scope = new RequestScope('openai', req.model, openAIRequestUrl(ep), [ep.apiKey, ...Object.values(ep.headers ?? {})], req);
  let text = '';
  try {
    const res = await send(scope, { headers: headersFor(ep, stream), body: openAIRequestBody(req, ep, stream), fetch: req.fetch });
    const requestId = res.headers.get('x-request-id') ?? undefined;
    const ctype = res.headers.get('content-type') ?? '';
    if (!stream || !ctype.includes('text/event-stream')) {
      // Some servers ignore `stream: true` and answer with one JSON body; accept it.
      const j = await readJson(scope, res);
      if (isObject(j.error))
        throw scope.error('server', `Server error: ${serverText((j.error as Record<string, unknown>).message) ?? 'unknown'}`, {
          requestId,
        });
      const choice = Array.isArray(j.choices) && isObject(j.choices[0]) ? j.choices[0] : undefined;
      const message = choice && isObject(choice.message) ? choice.message : undefined;
      if (!message) throw scope.badResponse('no choices[0].message in the body', { requestId });
      text = typeof message.content === 'string' ? message.content : '';
      if (text) req.onText?.(text);
      const parsed = parseOpenAIUsage(j.usage);
      return scope.result({
        text,
        usage: parsed.usage,
        ...(parsed.warnings.length ? { warnings: parsed.warnings } : {}),
        responseModel: serverText(j.model, 200),
        finishReason: serverText(choice?.finish_reason, 100),
        requestId,
      });
    }

    let parsed: ParsedUsage = { warnings: [] };
    let responseModel: string | undefined;
    let finishReason: string | undefined;
    let done = false;
    for await (const e of sseEvents(scope, res)) {
      if (e.data.trim() === '[DONE]') {
        done = true;
        break;
      }
      const chunk = parseEventJson(scope, e, text);
      if (isObject(chunk.error)) {
        // OpenRouter and vLLM report mid-stream failures as a chunk with `error`.
        throw scope.error('server', `Stream failed: ${serverText(chunk.error.message) ?? 'unknown error'}`, {
          partialText: text,
          requestId,
        });
      }
      if (typeof chunk.model === 'string' && chunk.model) responseModel = serverText(chunk.model, 200);
      // The usage chunk (choices: []) comes last; some servers also put usage on every chunk: last wins.
      if (chunk.usage !== undefined && chunk.usage !== null) parsed = parseOpenAIUsage(chunk.usage);
      const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
      for (const c of choices) {
        if (!isObject(c)) continue;
        if (typeof c.finish_reason === 'string') finishReason = serverText(c.finish_reason, 100);
        const delta = isObject(c.delta) ? c.delta : undefined;
        if (delta && typeof delta.content === 'string' && delta.content) {
          scope.firstTokenAt ??= Date.now();
          text += delta.content;
          req.onText?.(delta.content);
        }
      }
    }
    const usage = parsed.usage;
    const warnings = parsed.warnings.length ? { warnings: parsed.warnings } : {};
    if (!done) {
      if (scope.aborted) throw scope.fromThrown(new Error('aborted'), { partialText: text });
      // The connection closed before `data: [DONE]`: the answer may be cut off.
      throw scope.badResponse('the stream ended before [DONE]', { partialText: text, partialUsage: usage, requestId, ...warnings });
    }
    return scope.result({ text, usage, responseModel, finishReason, requestId, ...warnings });
  } catch (err) {
    throw scope.fromThrown(err, { partialText: text || undefined });
  } finally {
    scope.dispose();
  }
}
