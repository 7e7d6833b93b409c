// A loopback server speaking the two free token-count endpoints as a browser meets them, CORS included, for the
// web suite (test/web/suite/providerCount.test.ts). Request and answer shapes are the providers' published ones:
// - Anthropic `POST /v1/messages/count_tokens` (docs.anthropic.com/en/api/messages-count-tokens; the SDK's
//   anthropics/anthropic-sdk-typescript src/resources/messages/messages.ts MessageCountTokensParams → MessageTokensCount
//   `{input_tokens}`): headers `x-api-key` and `anthropic-version`, body `model` + `messages` (roles user/assistant)
//   + optional `system`; errors `{"type":"error","error":{"type","message"}}`.
//   CORS as api.anthropic.com answers it (open-pencil/open-pencil issue 436, curl against the live API; NextChat
//   issue 5429 for the body): a request with an Origin but without `anthropic-dangerous-direct-browser-access: true`
//   gets 401 authentication_error "CORS requests must set 'anthropic-dangerous-direct-browser-access' header" and
//   no Access-Control-Allow-Origin; with it, `access-control-allow-origin: *` and `access-control-expose-headers: *`.
//   The preflight is allowed (it cannot carry the header's value; the SDK's browser requests, which send custom
//   headers and so are preflighted, work).
// - Gemini `POST /v1beta/models/{model}:countTokens` (ai.google.dev/api/tokens; googleapis/js-genai src/models.ts
//   countTokens, src/types.ts CountTokensResponse `{totalTokens}`): header `x-goog-api-key` (js-genai
//   src/web/_web_auth.ts, the SDK's browser client), body `contents` or `generateContentRequest` (not both), roles
//   user/model; errors `{"error":{"code","message","status"}}`. Its browser client calls the endpoint directly,
//   so the endpoint answers CORS: the preflight and the answer allow the page's origin.
// Under the path prefix `/nocors/` the same endpoints answer without any CORS header (a proxy that does not allow
// browsers): the browser then refuses to hand the answer to the page. `GET /__log` lists what was asked.
import * as http from 'node:http';

const ANTHROPIC_PATH = '/v1/messages/count_tokens';
const GEMINI_PATH = /^\/v1beta\/models\/([^/:]+):countTokens$/;

/** The count the fake answers: derived from the text sent (so a request that lost a message gets another number). */
function fakeCount(texts) {
  return texts.reduce((n, t) => n + Math.ceil(new TextEncoder().encode(t).length / 4) + 3, 0);
}

function anthropicProblem(headers, body, apiKey) {
  if (headers['x-api-key'] !== apiKey) return [401, 'authentication_error', 'invalid x-api-key'];
  if (!headers['anthropic-version']) return [400, 'invalid_request_error', 'anthropic-version: header is required'];
  if (typeof body?.model !== 'string' || !body.model) return [400, 'invalid_request_error', 'model: Field required'];
  if (!Array.isArray(body.messages) || body.messages.length === 0) return [400, 'invalid_request_error', 'messages: Field required'];
  for (const m of body.messages) {
    if (m?.role !== 'user' && m?.role !== 'assistant') return [400, 'invalid_request_error', `messages: role must be user or assistant`];
    if (typeof m.content !== 'string' && !Array.isArray(m.content)) return [400, 'invalid_request_error', 'messages: content must be text'];
  }
  if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system))
    return [400, 'invalid_request_error', 'system: must be a string or text blocks'];
  return undefined;
}

function geminiProblem(headers, body, model, apiKey) {
  if (headers['x-goog-api-key'] !== apiKey) return [400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.'];
  const hasContents = body?.contents !== undefined;
  const request = body?.generateContentRequest;
  if (hasContents === (request !== undefined))
    return [400, 'INVALID_ARGUMENT', 'Exactly one of contents or generateContentRequest must be set.'];
  const contents = hasContents ? body.contents : request.contents;
  if (request && request.model !== `models/${model}`) return [400, 'INVALID_ARGUMENT', 'generateContentRequest.model must match the URL'];
  if (!Array.isArray(contents)) return [400, 'INVALID_ARGUMENT', 'contents must be a list'];
  for (const c of contents) {
    if (c?.role !== 'user' && c?.role !== 'model') return [400, 'INVALID_ARGUMENT', 'Please use a valid role: user, model.'];
    if (!Array.isArray(c.parts) || c.parts.some((p) => typeof p?.text !== 'string'))
      return [400, 'INVALID_ARGUMENT', 'parts must hold text'];
  }
  return undefined;
}

function textsOf(body) {
  const blocks = (c) => (typeof c === 'string' ? [c] : (c ?? []).map((b) => b.text ?? ''));
  if (body.messages) return [...blocks(body.system), ...body.messages.flatMap((m) => blocks(m.content))];
  const req = body.generateContentRequest ?? body;
  return [...(req.systemInstruction?.parts ?? []), ...req.contents.flatMap((c) => c.parts)].map((p) => p.text);
}

/** Starts the server; `apiKey` is the one key both endpoints accept. */
export async function startFakeCountServer({ apiKey }) {
  const log = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const noCors = req.url.startsWith('/nocors/');
      const path = (noCors ? req.url.slice('/nocors'.length) : req.url).split('?')[0];
      const origin = req.headers.origin;
      const send = (status, body, cors) => {
        const headers = { 'content-type': 'application/json', ...(noCors ? {} : cors) };
        res.writeHead(status, headers);
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      if (req.method === 'GET' && path === '/__log') return send(200, log, { 'access-control-allow-origin': '*' });
      const gemini = GEMINI_PATH.exec(path);
      const anthropic = path === ANTHROPIC_PATH;
      // Gemini echoes the page's origin; Anthropic answers `*` (the preflight of either allows what it asks for).
      const allowOrigin = gemini
        ? { 'access-control-allow-origin': origin ?? '*', vary: 'origin' }
        : { 'access-control-allow-origin': '*' };
      if (req.method === 'OPTIONS') {
        log.push({ method: 'OPTIONS', path: req.url, origin, requestHeaders: req.headers['access-control-request-headers'] });
        if (!gemini && !anthropic) return send(404, undefined, {});
        return send(204, undefined, {
          ...allowOrigin,
          'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
          'access-control-max-age': '600',
        });
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const entry = {
        method: req.method,
        path: req.url,
        origin,
        optIn: req.headers['anthropic-dangerous-direct-browser-access'],
        keyOk: (req.headers['x-api-key'] ?? req.headers['x-goog-api-key']) === apiKey,
        body,
      };
      log.push(entry);
      if (anthropic && req.method === 'POST') {
        if (origin && req.headers['anthropic-dangerous-direct-browser-access'] !== 'true') {
          entry.status = 401;
          const message = "CORS requests must set 'anthropic-dangerous-direct-browser-access' header";
          return send(401, { type: 'error', error: { type: 'authentication_error', message } }, {});
        }
        const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': '*' };
        const problem = anthropicProblem(req.headers, body, apiKey);
        entry.status = problem ? problem[0] : 200;
        if (problem) return send(problem[0], { type: 'error', error: { type: problem[1], message: problem[2] } }, cors);
        entry.answer = fakeCount(textsOf(body));
        return send(200, { input_tokens: entry.answer }, cors);
      }
      if (gemini && req.method === 'POST') {
        const problem = geminiProblem(req.headers, body, decodeURIComponent(gemini[1]), apiKey);
        entry.status = problem ? problem[0] : 200;
        if (problem) return send(problem[0], { error: { code: problem[0], message: problem[2], status: problem[1] } }, allowOrigin);
        entry.answer = fakeCount(textsOf(body));
        return send(200, { totalTokens: entry.answer, promptTokensDetails: [{ modality: 'TEXT', tokenCount: entry.answer }] }, allowOrigin);
      }
      entry.status = 404;
      return send(404, { error: { code: 404, message: `no such endpoint: ${req.method} ${path}`, status: 'NOT_FOUND' } }, allowOrigin);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, log, close: () => new Promise((resolve) => server.close(resolve)) };
}
