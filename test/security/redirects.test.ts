// Issue 24, items 2 and 3: API keys never follow a redirect to another origin or to http, and a base URL's
// user:password never reaches a message, --json output or the ledger. Real HTTP servers on 127.0.0.1
// (two ports = two origins, RFC 6454 §4: the origin is scheme, host and port) and the real CLI / the
// compiled core in a bounded child. Before the fix, fetch's default `redirect: 'follow'` re-sent
// `x-api-key`, `x-goog-api-key` and `api-key` (WHATWG Fetch §4.4 "HTTP-redirect fetch" strips only
// `Authorization` across origins) and the prompt body on a 307.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { compiled } from '../support/bounded';
import { tempDir } from '../support/tempDir';
import { assertNoStack, runCliAsync, runCodeAsync, withinBounds } from './support';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** A server whose every request is answered by `reply`; what it received is kept in `seen`. */
async function server(
  reply: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ url: string; seen: Seen[]; close(): void }> {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      reply(req, res);
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen, close: () => s.close() };
}

const KEY = 'sk-ant-secret-KEY-0123456789';
let attacker: Awaited<ReturnType<typeof server>>;
let redirector: Awaited<ReturnType<typeof server>>;
let status = 307;

before(async () => {
  attacker = await server((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ input_tokens: 1, totalTokens: 1, choices: [{ message: { content: 'stolen' } }] }));
  });
  redirector = await server((req, res) => {
    res.writeHead(status, { location: `${attacker.url}${req.url}` });
    res.end();
  });
});
after(() => {
  attacker.close();
  redirector.close();
});

function promptDir(): string {
  const dir = tempDir('pcl-sec-redirect-');
  fs.writeFileSync(path.join(dir, 'p.txt'), 'Count me, but only at the provider I configured.\n');
  return dir;
}

describe('security 2: no request follows a redirect to another origin or to http', () => {
  for (const [provider, model, env] of [
    ['Anthropic count_tokens', 'anthropic:claude-3-5-sonnet-latest', { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: '' }],
    ['Gemini countTokens', 'google:gemini-1.5-pro', { GEMINI_API_KEY: KEY, GEMINI_BASE_URL: '' }],
  ] as const) {
    it(`count --provider-count (${provider}): a 307/302 to another origin is an error naming both URLs; nothing reaches it`, async () => {
      for (const code of [307, 302]) {
        status = code;
        attacker.seen.length = 0;
        const base = provider.startsWith('Anthropic') ? 'ANTHROPIC_BASE_URL' : 'GEMINI_BASE_URL';
        const r = await runCliAsync(['count', '--model', model, '--provider-count', '--json', 'p.txt'], {
          cwd: promptDir(),
          env: { ...env, [base]: redirector.url },
        });
        withinBounds(`2 ${provider} ${code} cross-origin`, r);
        assert.equal(r.status, 2, r.stdout + r.stderr);
        const message = JSON.parse(r.stdout).error.message as string;
        assert.ok(message.includes(redirector.url) && message.includes(attacker.url), message);
        assert.match(message, /another origin/);
        assert.equal(attacker.seen.length, 0, 'the key and prompt went to the other origin');
        assert.ok(!r.stdout.includes(KEY) && !r.stderr.includes(KEY));
      }
    });
  }

  for (const [name, endpoint] of [
    ['OpenAI', { provider: 'openai', baseUrl: '', apiKey: KEY }],
    ['Azure OpenAI (api-key header)', { provider: 'openai', flavor: 'azure', apiVersion: '2024-10-21', baseUrl: '', apiKey: KEY }],
    ['Anthropic', { provider: 'anthropic', baseUrl: '', apiKey: KEY }],
  ] as const) {
    it(`running a prompt (${name}): a 307 to another origin is refused, nothing reaches it`, async () => {
      status = 307;
      attacker.seen.length = 0;
      const r = await runCodeAsync(
        `const { runPrompt } = require(${compiled('core/providers/index')});
         const endpoint = { ...${JSON.stringify(endpoint)}, baseUrl: ${JSON.stringify(redirector.url)} };
         try { await runPrompt({ endpoint, model: 'm', messages: [{ role: 'user', content: 'secret prompt' }], stream: false });
               console.log('followed'); }
         catch (e) { console.log(JSON.stringify({ kind: e.kind, message: e.message })); }`,
      );
      withinBounds(`2 run ${name} 307 cross-origin`, r);
      const out = JSON.parse(r.stdout) as { kind: string; message: string };
      assert.equal(out.kind, 'bad_request', r.stdout);
      assert.ok(out.message.includes(redirector.url) && out.message.includes(attacker.url), out.message);
      assert.equal(attacker.seen.length, 0);
    });
  }

  it('https → http is refused even to the same host; same-origin redirects are followed at most 3 times', async () => {
    const r = await runCodeAsync(
      `const { sendRequest } = require(${compiled('core/providers/request')});
       const calls = [];
       const hop = (to) => new Response(null, { status: 308, headers: { location: to } });
       const out = {};
       try { await sendRequest({ url: 'https://api.example.test/v1/x', headers: { 'x-api-key': 'k' }, body: '{}',
               fetch: async (u) => { calls.push(u); return hop('http://api.example.test/v1/x'); } }); }
       catch (e) { out.downgrade = e.message; }
       out.downgradeCalls = calls.length;
       calls.length = 0;
       const ok = await sendRequest({ url: 'https://api.example.test/a', body: '{}',
         fetch: async (u, init) => { calls.push([u, init.method, init.body ?? null, init.redirect]);
           return calls.length <= 3 ? hop('/a' + calls.length) : new Response('{"ok":1}', { status: 200 }); } });
       out.sameOrigin = { status: ok.status, calls: calls.slice() };
       calls.length = 0;
       try { await sendRequest({ url: 'https://api.example.test/a', body: '{}', fetch: async (u) => { calls.push(u); return hop('/again'); } }); }
       catch (e) { out.loop = e.message; }
       out.loopCalls = calls.length;
       console.log(JSON.stringify(out));`,
    );
    withinBounds('2 https→http and same-origin hops', r);
    const out = JSON.parse(r.stdout);
    assert.match(out.downgrade, /https:\/\/api\.example\.test\/v1\/x redirected to http:\/\/api\.example\.test\/v1\/x, from https to http/);
    assert.equal(out.downgradeCalls, 1);
    assert.equal(out.sameOrigin.status, 200);
    assert.deepEqual(out.sameOrigin.calls, [
      ['https://api.example.test/a', 'POST', '{}', 'manual'],
      ['https://api.example.test/a1', 'POST', '{}', 'manual'], // 308 keeps method and body
      ['https://api.example.test/a2', 'POST', '{}', 'manual'],
      ['https://api.example.test/a3', 'POST', '{}', 'manual'],
    ]);
    assert.match(out.loop, /redirected more than 3 times/);
    assert.equal(out.loopCalls, 4);
  });

  it('the price update refuses a redirect to another origin', async () => {
    status = 302;
    attacker.seen.length = 0;
    const r = await runCodeAsync(
      `const { downloadPriceData } = require(${compiled('core/pricing/download')});
       try { await downloadPriceData(${JSON.stringify(`${redirector.url}/data.json`)}); console.log('followed'); }
       catch (e) { console.log(JSON.stringify(e.message)); }`,
    );
    withinBounds('2 price update 302 cross-origin', r);
    assert.match(JSON.parse(r.stdout), /redirected to http:\/\/127\.0\.0\.1:\d+\/data\.json, to another origin/);
    assert.equal(attacker.seen.length, 0);
  });

  it('one request builder: no fetch( call in src/ outside core/providers/request.ts', () => {
    const root = path.resolve(__dirname, '..', '..', '..', 'src');
    const offenders: string[] = [];
    for (const f of fs.readdirSync(root, { recursive: true }).map(String)) {
      if (!f.endsWith('.ts') || f === path.join('core', 'providers', 'request.ts')) continue;
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      text.split('\n').forEach((line, i) => {
        if (/(^|[^.\w])fetch\s*\(|doFetch\s*\(|\bhttps?\.request\s*\(/.test(line) && !/^\s*(\/\/|\/?\*)/.test(line))
          offenders.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(offenders, []);
  });
});

describe('security 3: credentials in a base URL are redacted everywhere', () => {
  const PASSWORD = 'hunter2-PASSWORD';

  it('count --provider-count: not on stderr, not in --json, and nothing is sent', async () => {
    attacker.seen.length = 0;
    const base = attacker.url.replace('http://', `http://alice:${PASSWORD}@`);
    for (const json of [true, false]) {
      const r = await runCliAsync(
        ['count', '--model', 'anthropic:claude-3-5-sonnet-latest', '--provider-count', ...(json ? ['--json'] : []), 'p.txt'],
        {
          cwd: promptDir(),
          env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: base },
        },
      );
      withinBounds(`3 credentials in base URL (count${json ? ' --json' : ''})`, r);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.ok(!(r.stdout + r.stderr).includes(PASSWORD), r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /alice:\*\*\*@127\.0\.0\.1/);
      assertNoStack(r.stderr);
    }
    assert.equal(attacker.seen.length, 0);
  });

  it('a failed run’s ledger entry (error.message) holds no password; redact() covers any URL in free text', async () => {
    const dir = tempDir('pcl-sec-ledger-');
    const ledger = path.join(dir, 'runs.jsonl');
    const r = await runCodeAsync(
      `const { runPrompt, redact } = require(${compiled('core/providers/index')});
       const { buildRunRecord } = require(${compiled('core/history/record')});
       const { appendRun } = require(${compiled('core/history/ledger')});
       for (const endpoint of [
         { provider: 'openai', baseUrl: 'http://bob:${PASSWORD}@127.0.0.1:9/v1' },
         { provider: 'anthropic', baseUrl: 'http://bob:${PASSWORD}@127.0.0.1:9', apiKey: 'k' },
       ]) {
         let error;
         try { await runPrompt({ endpoint, model: 'm', messages: [{ role: 'user', content: 'x' }], stream: false }); } catch (e) { error = e; }
         await appendRun(${JSON.stringify(ledger)}, buildRunRecord({ source: 'vscode', provider: endpoint.provider, model: 'm', error, storeText: false }));
         await appendRun(${JSON.stringify(ledger)}, buildRunRecord({ source: 'vscode', provider: endpoint.provider, model: 'm',
           error: new TypeError('fetch failed: connect to ' + endpoint.baseUrl + ' refused'), storeText: false }));
       }
       console.log(JSON.stringify(redact('see https://u:p4ss@h.example/x and ftp://tok3n@h and http://h.example/ok', [])));`,
    );
    withinBounds('3 credentials in base URL (ledger error.message)', r);
    assert.equal(r.status, 0, r.stderr);
    const text = fs.readFileSync(ledger, 'utf8');
    assert.equal(text.trim().split('\n').length, 4);
    assert.ok(!text.includes(PASSWORD), text);
    assert.match(text, /bob:\*\*\*@127\.0\.0\.1/);
    assert.equal(JSON.parse(r.stdout), 'see https://u:***@h.example/x and ftp://***@h and http://h.example/ok');
  });
});
