// A loopback HTTP server that speaks the OpenAI chat-completions and Anthropic messages wire
// shapes (JSON and SSE streaming) plus their error modes, so the real provider clients can be
// tested end to end. Used by unit tests and by the VS Code integration tests.
//
//   const server = await startFakeProviderServer({ apiKey: 'sk-test-1234567890' });
//   // OpenAI-compatible base URL: server.openaiBaseUrl  (…/v1, request to …/v1/chat/completions)
//   // Anthropic base URL:         server.anthropicBaseUrl (request to …/v1/messages)
//   server.enqueue({ mode: 'status', status: 429, retryAfter: '7' }); // next request only
//   await server.close();
//
// Behaviour per request: the next enqueued scenario, else the model-name convention
// (`fake-401`, `fake-404`, `fake-429`, `fake-500`, `fake-hang`, `fake-malformed`,
// `fake-malformed-sse`, `fake-truncated`, `fake-no-usage`), else `defaults`.
// A wrong API key (when `apiKey` is set) gives 401 whose body echoes the key, as a worst case
// for redaction. Models not in `knownModels` (when set) give 404.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeMode =
  | 'ok'
  | 'status' // HTTP error `status` with the provider's error body
  | 'hang' // accept the request, never answer
  | 'hang-mid-stream' // stream some text, then stall forever
  | 'malformed-json' // 200 with a body that is not JSON
  | 'malformed-sse' // stream an event whose data is not JSON
  | 'truncated' // stream some text, then close without the terminal event
  | 'stream-error' // stream some text, then an in-stream error event
  | 'no-usage' // a stream without any usage (an old OpenAI-compatible server)
  | 'destroy' // drop the connection without a response
  | 'huge-line' // 200 + a stream whose first line is `hugeBytes` long and never ends (written in 64 KB pieces)
  | 'huge-body' // 200 + a JSON body `hugeBytes` long (a long string field), with or without Content-Length
  | 'trickle-body'; // 200 + the normal JSON body, one piece per `chunkDelayMs` (bytes keep arriving)

export interface FakeScenario {
  mode?: FakeMode;
  /** For `status`. */
  status?: number;
  /** `retry-after` header value for `status` (seconds or HTTP date). */
  retryAfter?: string;
  errorMessage?: string;
  /** Answer text, streamed in `chunks` pieces (default: split on spaces). */
  text?: string;
  chunks?: string[];
  /** Delay between streamed chunks. */
  chunkDelayMs?: number;
  /** Raw OpenAI `usage` object to send (provider shape). */
  openaiUsage?: Record<string, unknown>;
  /** Raw Anthropic `usage` object for the JSON body / message_start. */
  anthropicUsage?: Record<string, unknown>;
  /** Anthropic streaming: usage in `message_delta` (default `{output_tokens}` of anthropicUsage). */
  anthropicDeltaUsage?: Record<string, unknown>;
  /** For `huge-line` / `huge-body`: how many bytes to send. */
  hugeBytes?: number;
  /** For `huge-body`: announce the size in Content-Length (default: chunked, size unknown up front). */
  contentLength?: boolean;
  /** For `trickle-body`: bytes per piece (default 8). */
  trickleBytes?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown> | undefined;
  api: 'openai' | 'anthropic' | 'unknown';
}

export interface FakeProviderServerOptions {
  /** 0 (default) = any free port. */
  port?: number;
  host?: string;
  /** When set, requests must carry it (Bearer / api-key / x-api-key). */
  apiKey?: string;
  /** When set, other models get 404. */
  knownModels?: string[];
  defaults?: FakeScenario;
}

export interface FakeProviderServer {
  readonly url: string;
  readonly port: number;
  /** `${url}/v1`: OpenAI-compatible base URL. */
  readonly openaiBaseUrl: string;
  /** `${url}`: Anthropic base URL (the client appends /v1/messages). */
  readonly anthropicBaseUrl: string;
  readonly requests: RecordedRequest[];
  enqueue(...scenarios: FakeScenario[]): void;
  setDefaults(s: FakeScenario): void;
  close(): Promise<void>;
}

export const FAKE_DEFAULT_TEXT = 'Hello from the fake provider.';
/** prompt 1200 of which 1000 cached; 50 out of which 20 reasoning. */
export const FAKE_OPENAI_USAGE = {
  prompt_tokens: 1200,
  completion_tokens: 50,
  total_tokens: 1250,
  prompt_tokens_details: { cached_tokens: 1000, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 20, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};
/** 200 uncached, 1000 cache read, 300 cache write (100 × 5m, 200 × 1h), 50 out. */
export const FAKE_ANTHROPIC_USAGE = {
  input_tokens: 200,
  cache_creation_input_tokens: 300,
  cache_read_input_tokens: 1000,
  cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
  output_tokens: 50,
  service_tier: 'standard',
};

const MODEL_MODES: Record<string, FakeScenario> = {
  'fake-401': { mode: 'status', status: 401 },
  'fake-404': { mode: 'status', status: 404 },
  'fake-429': { mode: 'status', status: 429, retryAfter: '7' },
  'fake-500': { mode: 'status', status: 500 },
  'fake-hang': { mode: 'hang' },
  'fake-malformed': { mode: 'malformed-json' },
  'fake-malformed-sse': { mode: 'malformed-sse' },
  'fake-truncated': { mode: 'truncated' },
  'fake-no-usage': { mode: 'no-usage' },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function keyOf(req: http.IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return (req.headers['x-api-key'] as string | undefined) ?? (req.headers['api-key'] as string | undefined);
}

function errorBody(api: 'openai' | 'anthropic', status: number, message: string): string {
  if (api === 'anthropic') {
    const type =
      status === 401
        ? 'authentication_error'
        : status === 404
          ? 'not_found_error'
          : status === 429
            ? 'rate_limit_error'
            : status === 529
              ? 'overloaded_error'
              : status >= 500
                ? 'api_error'
                : 'invalid_request_error';
    return JSON.stringify({ type: 'error', error: { type, message } });
  }
  const code = status === 401 ? 'invalid_api_key' : status === 404 ? 'model_not_found' : status === 429 ? 'rate_limit_exceeded' : null;
  return JSON.stringify({ error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code } });
}

/** Writes `head`, then `fill` repeated to `bytes` in 64 KB pieces (waiting for the socket to drain), then `tail`. */
async function writeRepeated(res: http.ServerResponse, head: string, fill: string, bytes: number, tail: string): Promise<void> {
  const piece = Buffer.from(fill.repeat(64 * 1024));
  res.write(head);
  for (let sent = 0; sent < bytes && !res.destroyed; sent += piece.length) {
    const ok = res.write(sent + piece.length <= bytes ? piece : piece.subarray(0, bytes - sent));
    if (!ok)
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
  }
  if (!res.destroyed) res.write(tail);
}

export async function startFakeProviderServer(options: FakeProviderServerOptions = {}): Promise<FakeProviderServer> {
  const queue: FakeScenario[] = [];
  let defaults: FakeScenario = options.defaults ?? {};
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> | undefined;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    } catch {
      body = undefined;
    }
    const path = (req.url ?? '/').split('?')[0];
    const api = path.endsWith('/chat/completions') ? 'openai' : path.endsWith('/v1/messages') ? 'anthropic' : 'unknown';
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, api });
    if (api === 'unknown' || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
      return;
    }
    if (!body) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(errorBody(api, 400, 'request body is not JSON'));
      return;
    }
    const model = String(body.model ?? '');
    const scenario: FakeScenario = { ...defaults, ...(queue.shift() ?? MODEL_MODES[model] ?? {}) };
    const key = keyOf(req);
    if (options.apiKey !== undefined && key !== options.apiKey) {
      // Worst case for redaction: the body names the key the client sent.
      const shown = key ? `${key} (${key.slice(0, 5)}***${key.slice(-4)})` : '(none)';
      res.writeHead(401, { 'content-type': 'application/json', 'x-request-id': 'req_fake_401' });
      res.end(errorBody(api, 401, `Incorrect API key provided: ${shown}.`));
      return;
    }
    if (options.knownModels && !options.knownModels.includes(model) && !(model in MODEL_MODES)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(errorBody(api, 404, `The model \`${model}\` does not exist or you do not have access to it.`));
      return;
    }
    await respond(api, body, model, scenario, req, res);
  }

  async function respond(
    api: 'openai' | 'anthropic',
    body: Record<string, unknown>,
    model: string,
    sc: FakeScenario,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const mode = sc.mode ?? 'ok';
    const stream = body.stream === true;
    const text = sc.text ?? FAKE_DEFAULT_TEXT;
    const pieces = sc.chunks ?? text.split(/(?<= )/);
    switch (mode) {
      case 'status': {
        const status = sc.status ?? 500;
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': `req_fake_${status}` };
        if (sc.retryAfter !== undefined) headers['retry-after'] = sc.retryAfter;
        res.writeHead(status, headers);
        res.end(errorBody(api, status, sc.errorMessage ?? `fake error ${status}`));
        return;
      }
      case 'hang':
        return; // the client's timeout or abort ends it; close() destroys the socket
      case 'destroy':
        req.socket.destroy();
        return;
      case 'malformed-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-broken", "choices": [');
        return;
      case 'huge-line': {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        await writeRepeated(res, 'data: ', 'x', sc.hugeBytes ?? 16 * 1024 * 1024, '');
        res.end();
        return;
      }
      case 'huge-body': {
        const head = '{"choices":[{"message":{"role":"assistant","content":"';
        const tail = '"}}]}';
        const n = sc.hugeBytes ?? 16 * 1024 * 1024;
        res.writeHead(200, { 'content-type': 'application/json', ...(sc.contentLength ? { 'content-length': String(n) } : {}) });
        await writeRepeated(res, head, 'x', n - head.length - tail.length, tail);
        res.end();
        return;
      }
    }

    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_fake_ok', 'request-id': 'req_fake_ok' });
      // `trickle-body`: the same body, a few bytes at a time.
      const end = async (body: string) => {
        if (mode !== 'trickle-body') return void res.end(body);
        const step = sc.trickleBytes ?? 8;
        for (let i = 0; i < body.length && !res.destroyed; i += step) {
          res.write(body.slice(i, i + step));
          await sleep(sc.chunkDelayMs ?? 100);
        }
        res.end();
      };
      if (api === 'openai') {
        await end(
          JSON.stringify({
            id: 'chatcmpl-fake',
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model,
            choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
            ...(mode === 'no-usage' ? {} : { usage: sc.openaiUsage ?? FAKE_OPENAI_USAGE }),
            system_fingerprint: 'fp_fake',
          }),
        );
      } else {
        await end(
          JSON.stringify({
            id: 'msg_fake',
            type: 'message',
            role: 'assistant',
            model,
            content: [{ type: 'text', text }],
            stop_reason: 'end_turn',
            stop_sequence: null,
            usage: sc.anthropicUsage ?? FAKE_ANTHROPIC_USAGE,
          }),
        );
      }
      return;
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-request-id': 'req_fake_ok',
      'request-id': 'req_fake_ok',
    });
    const send = async (event: string | undefined, data: string) => {
      if (res.destroyed) return;
      res.write(`${event ? `event: ${event}\n` : ''}data: ${data}\n\n`);
      if (sc.chunkDelayMs) await sleep(sc.chunkDelayMs);
    };
    const half = Math.max(1, Math.floor(pieces.length / 2));

    if (api === 'openai') {
      const base = {
        id: 'chatcmpl-fake',
        object: 'chat.completion.chunk',
        created: Math.floor(Date.now() / 1000),
        model,
        system_fingerprint: 'fp_fake',
      };
      const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true && mode !== 'no-usage';
      await send(
        undefined,
        JSON.stringify({
          ...base,
          choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, finish_reason: null }],
          ...(includeUsage ? { usage: null } : {}),
        }),
      );
      for (let i = 0; i < pieces.length; i++) {
        if (i === half) {
          if (mode === 'hang-mid-stream') return;
          if (mode === 'truncated') return void res.end();
          if (mode === 'malformed-sse') {
            await send(undefined, '{"choices": [ {"delta": ');
            return void res.end();
          }
          if (mode === 'stream-error') {
            await send(undefined, JSON.stringify({ error: { message: sc.errorMessage ?? 'upstream provider failed', code: 502 } }));
            return void res.end();
          }
        }
        await send(
          undefined,
          JSON.stringify({
            ...base,
            choices: [{ index: 0, delta: { content: pieces[i] }, finish_reason: null }],
            ...(includeUsage ? { usage: null } : {}),
          }),
        );
      }
      await send(
        undefined,
        JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], ...(includeUsage ? { usage: null } : {}) }),
      );
      if (includeUsage) await send(undefined, JSON.stringify({ ...base, choices: [], usage: sc.openaiUsage ?? FAKE_OPENAI_USAGE }));
      await send(undefined, '[DONE]');
      res.end();
      return;
    }

    const usage = sc.anthropicUsage ?? FAKE_ANTHROPIC_USAGE;
    const startUsage = { ...usage, output_tokens: 1 };
    await send(
      'message_start',
      JSON.stringify({
        type: 'message_start',
        message: {
          id: 'msg_fake',
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: startUsage,
        },
      }),
    );
    await send('content_block_start', JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
    await send('ping', JSON.stringify({ type: 'ping' }));
    for (let i = 0; i < pieces.length; i++) {
      if (i === half) {
        if (mode === 'hang-mid-stream') return;
        if (mode === 'truncated') return void res.end();
        if (mode === 'malformed-sse') {
          await send('content_block_delta', '{"type": "content_block_delta", "delta": ');
          return void res.end();
        }
        if (mode === 'stream-error') {
          await send(
            'error',
            JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: sc.errorMessage ?? 'Overloaded' } }),
          );
          return void res.end();
        }
      }
      await send(
        'content_block_delta',
        JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: pieces[i] } }),
      );
    }
    await send('content_block_stop', JSON.stringify({ type: 'content_block_stop', index: 0 }));
    await send(
      'message_delta',
      JSON.stringify({
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: sc.anthropicDeltaUsage ?? { output_tokens: usage.output_tokens },
      }),
    );
    await send('message_stop', JSON.stringify({ type: 'message_stop' }));
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  return {
    url,
    port: addr.port,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    enqueue: (...s) => void queue.push(...s),
    setDefaults: (s) => void (defaults = s),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Starts the server from the command line for manual tries: `node out/test/support/fakeProviderServer.js [port]`. */
if (require.main === module) {
  void startFakeProviderServer({ port: Number(process.argv[2] ?? 0) }).then((s) => {
    process.stdout.write(`fake provider server at ${s.url} (OpenAI base ${s.openaiBaseUrl}, Anthropic base ${s.anthropicBaseUrl})\n`);
  });
}
