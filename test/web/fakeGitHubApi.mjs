// A loopback stand-in for GitHub's REST API as a browser meets it, for "Compare with the Pull Request's Base"
// (src/features/changes/pullRequestBase.ts): `GET /repos/{owner}/{repo}/pulls/{number}` answered with the fields of
// "Get a pull request" (docs.github.com/en/rest/pulls/pulls#get-a-pull-request: number, state, title, head and base
// with label, ref, sha), a 404 `{"message":"Not Found","documentation_url"}` otherwise, and CORS as the REST API
// documents it (docs.github.com/en/rest/using-the-rest-api/using-cors-and-jsonp-to-make-cross-origin-requests:
// `Access-Control-Allow-Origin: *`; the preflight's allowed headers are that page's list, which does not include
// X-GitHub-Api-Version — a browser request with it fails, github/docs issue 24706). `GET /repos/{owner}/{repo}/compare/
// {base}...{head}` answers "Compare two commits" (docs.github.com/en/rest/commits/commits#compare-two-commits; the
// commit-comparison schema of github/rest-api-description: url, html_url, base_commit, merge_base_commit, status,
// ahead_by, behind_by, total_commits, commits, files) for the pull request's base tip and head: the base branch has
// moved on since the pull request branched, so its merge base is another commit. `GET /__log` lists the requests.
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
      mergeBase: randomBytes(20).toString('hex'),
    },
    // A pull request whose head GitHub cannot compare (a force-pushed-away head: "Compare two commits" answers 404).
    'acme/agents/13': {
      number: 13,
      state: 'open',
      title: 'Gone head',
      head: { label: 'contributor:gone', ref: 'gone', sha: randomBytes(20).toString('hex') },
      base: { label: 'acme:release', ref: 'release', sha: randomBytes(20).toString('hex') },
    },
  };
  const comparison = (owner, repo, pull) => {
    const commit = (sha) => ({ sha, url: `https://api.github.com/repos/${owner}/${repo}/commits/${sha}`, commit: { message: 'a commit' } });
    return {
      url: `https://api.github.com/repos/${owner}/${repo}/compare/${pull.base.sha}...${pull.head.sha}`,
      html_url: `https://github.com/${owner}/${repo}/compare/${pull.base.sha}...${pull.head.sha}`,
      base_commit: commit(pull.base.sha),
      merge_base_commit: commit(pull.mergeBase),
      status: 'diverged',
      ahead_by: 1,
      behind_by: 3,
      total_commits: 1,
      commits: [commit(pull.head.sha)],
      files: [{ filename: 'prompts/triage-v2.prompt.md', status: 'modified', additions: 1, deletions: 0, changes: 1 }],
    };
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
    const c = /^\/repos\/([^/]+)\/([^/]+)\/compare\/([0-9a-f]{40})\.\.\.([0-9a-f]{40})(\?.*)?$/.exec(req.url ?? '');
    const compared = c && Object.values(pulls).find((p) => p.mergeBase && p.base.sha === c[3] && p.head.sha === c[4]);
    const pull = req.method === 'GET' && m ? pulls[`${m[1]}/${m[2]}/${m[3]}`] : undefined;
    let answer;
    if (pull) {
      const { mergeBase: _mergeBase, ...fields } = pull; // GitHub's pull answer does not name the merge base
      answer = fields;
    } else if (req.method === 'GET' && compared) answer = comparison(c[1], c[2], compared);
    res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json; charset=utf-8', ...cors });
    res.end(
      JSON.stringify(
        answer ?? { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/pulls/pulls#get-a-pull-request', status: '404' },
      ),
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, pulls, close: () => new Promise((resolve) => server.close(resolve)) };
}
