// A loopback stand-in for GitHub's REST API as a browser meets it, for "Compare with the Pull Request's Base"
// (src/features/changes/pullRequestBase.ts): `GET /repos/{owner}/{repo}/pulls/{number}` answered with the fields of
// "Get a pull request" (docs.github.com/en/rest/pulls/pulls#get-a-pull-request: number, state, title, head and base
// with label, ref, sha), a 404 `{"message":"Not Found","documentation_url"}` otherwise, and CORS as the REST API
// documents it (docs.github.com/en/rest/using-the-rest-api/using-cors-and-jsonp-to-make-cross-origin-requests:
// `Access-Control-Allow-Origin: *`; the preflight's allowed headers are that page's list, which does not include
// X-GitHub-Api-Version — a browser request with it fails, github/docs issue 24706). `GET /__log` lists the requests.
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';

const ALLOW_HEADERS =
  'Authorization, Content-Type, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, Accept-Encoding, X-GitHub-OTP, X-Requested-With, User-Agent';
const EXPOSE_HEADERS =
  'ETag, Link, X-GitHub-Request-Id, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval';

/** Starts the server with one open pull request, acme/agents#12, whose base commit is random per run. */
export async function startFakeGitHubApi() {
  const pulls = {
    'acme/agents/12': {
      number: 12,
      state: 'open',
      title: 'Tighten the triage prompt',
      head: { label: 'contributor:tighten-triage', ref: 'tighten-triage', sha: randomBytes(20).toString('hex') },
      base: { label: 'acme:release', ref: 'release', sha: randomBytes(20).toString('hex') },
    },
  };
  const log = [];
  const server = http.createServer((req, res) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSE_HEADERS };
    log.push({ method: req.method, path: req.url, origin: req.headers.origin, authorization: req.headers.authorization !== undefined });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': ALLOW_HEADERS,
        'access-control-allow-methods': 'GET, POST, PATCH, PUT, DELETE',
        'access-control-max-age': '86400',
      });
      return res.end();
    }
    if (req.method === 'GET' && req.url === '/__log') {
      res.writeHead(200, { 'content-type': 'application/json', ...cors });
      return res.end(JSON.stringify(log));
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/.exec(req.url ?? '');
    const pull = req.method === 'GET' && m ? pulls[`${m[1]}/${m[2]}/${m[3]}`] : undefined;
    res.writeHead(pull ? 200 : 404, { 'content-type': 'application/json; charset=utf-8', ...cors });
    res.end(
      JSON.stringify(
        pull ?? { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/pulls/pulls#get-a-pull-request', status: '404' },
      ),
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, pulls, close: () => new Promise((resolve) => server.close(resolve)) };
}
