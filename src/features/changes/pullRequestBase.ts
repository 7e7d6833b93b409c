// "Compare with the Pull Request's Base" on github.dev: the one step the extension APIs do not offer
// (pullRequest.ts), done on the user's request. GitHub's REST API names the base in two answers:
//   GET {api}/repos/{owner}/{repo}/pulls/{number} → { base: { ref, sha }, head: { sha } }
//   (docs.github.com/en/rest/pulls/pulls#get-a-pull-request), where base.sha is the base branch's tip, and
//   GET {api}/repos/{owner}/{repo}/compare/{base.sha}...{head.sha} → { merge_base_commit: { sha } }
//   (docs.github.com/en/rest/commits/commits#compare-two-commits; schema commit-comparison in
//   github/rest-api-description), the commit the pull request's branch left the base at. GitHub's "Files changed"
//   is the three-dot diff against that merge base, so the Δ is too; if the base branch has moved on since, its tip
//   would count the base's own new commits as the pull request's. (`Accept: application/vnd.github+json`; the REST API
//   answers cross-origin requests from any origin, docs.github.com/en/rest/using-the-rest-api/using-cors-and-jsonp-
//   to-make-cross-origin-requests — but its preflight does not allow `X-GitHub-Api-Version`, github/docs issue
//   24706, so it is not sent: without it GitHub answers with its default version, 2022-11-28),
// and RemoteHub reads a file at that commit: a vscode-vfs URI whose authority names the commit
// (`github+<hex of {"v":1,"ref":{"type":2,"id":"<sha>"}}>`, RepositoryRefType.Commit = 2, as GitLens builds it in
// src/plus/integrations/providers/github/githubGitProvider.ts createVirtualUri/createProviderUri), mapped by
// `getProviderUri`. The request carries the user's GitHub session only if VS Code already has one for us (silent),
// else none (public repositories answer without it); it goes only to api.github.com or the user's own
// (application-scoped) `promptCost.github.apiUrl`.
import * as vscode from 'vscode';
import { readBodyCapped } from '../../core/providers/http';
import { sendRequest } from '../../core/providers/request';
import { displayUrl } from '../../core/providers/urls';
import { errorText } from '../../core/errors';

export const GITHUB_API = 'https://api.github.com';
const MAX_ANSWER_BYTES = 1024 * 1024;
const MAX_COMPARE_BYTES = 32 * 1024 * 1024;

export interface PullRequestBase {
  ref: string;
  /** The merge base of the pull request (what GitHub's "Files changed" compares with), else the base branch's tip. */
  sha: string;
  /** Why `sha` is the base branch's tip (GitHub named no merge base); undefined when it is the merge base. */
  tipBecause?: string;
}

/** The commit a RemoteHub URI names in its authority (RepositoryRefType.Commit). */
export function atCommit(uri: vscode.Uri, sha: string): vscode.Uri {
  const json = JSON.stringify({ v: 1, ref: { type: 2, id: sha } });
  const hex = [...new TextEncoder().encode(json)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return uri.with({ authority: `${uri.authority.split('+')[0]}+${hex}` });
}

interface GitHubRequest {
  apiUrl?: string;
  token?: string;
  fetch?: typeof fetch;
}

const isSha = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{40}$/.test(v);

/** GET of one REST API path, parsed; rejects with a message that names `what` and the cause. */
async function getJson(path: string, what: string, maxBytes: number, options: GitHubRequest): Promise<unknown> {
  const url = `${(options.apiUrl || GITHUB_API).replace(/\/+$/, '')}${path}`;
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let res: Response;
  let text: string;
  try {
    res = await sendRequest({ url, method: 'GET', headers, signal: AbortSignal.timeout(30_000), fetch: options.fetch });
    text = (await readBodyCapped(res, maxBytes, { what: 'the answer', truncate: !res.ok })).text;
  } catch (err) {
    throw new Error(`GitHub could not be asked for ${what} at ${displayUrl(url)}: ${errorText(err)}`, { cause: err });
  }
  if (!res.ok) {
    const hint = res.status === 404 || res.status === 401 ? ' (a private repository needs you signed in to GitHub in VS Code)' : '';
    throw new Error(`GitHub answered HTTP ${res.status} for ${what}${hint}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`GitHub's answer for ${what} is not JSON`, { cause: err });
  }
}

/** Asks GitHub for a pull request's base branch and merge base; rejects with a message that names the cause. */
export async function fetchPullRequestBase(
  repo: { owner: string; name: string },
  pullRequest: number,
  options: GitHubRequest = {},
): Promise<PullRequestBase> {
  const repoPath = `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}`;
  const pull = (await getJson(`${repoPath}/pulls/${pullRequest}`, `pull request #${pullRequest}`, MAX_ANSWER_BYTES, options)) as {
    base?: { ref?: unknown; sha?: unknown };
    head?: { sha?: unknown };
  } | null;
  const base = pull?.base;
  if (!isSha(base?.sha) || typeof base.ref !== 'string' || base.ref.length > 255)
    throw new Error(`GitHub's answer for pull request #${pullRequest} has no base branch and commit`);
  const head = pull?.head?.sha;
  if (!isSha(head)) return { ref: base.ref, sha: base.sha, tipBecause: 'its answer named no head commit' };
  try {
    // The answer lists the commits and files too (up to 300 files with their patches): a larger cap.
    const what = `the merge base of pull request #${pullRequest}`;
    const compared = (await getJson(`${repoPath}/compare/${base.sha}...${head}?per_page=1`, what, MAX_COMPARE_BYTES, options)) as {
      merge_base_commit?: { sha?: unknown };
    } | null;
    const mergeBase = compared?.merge_base_commit?.sha;
    if (!isSha(mergeBase)) return { ref: base.ref, sha: base.sha, tipBecause: 'its comparison named no merge base commit' };
    return { ref: base.ref, sha: mergeBase };
  } catch (err) {
    return { ref: base.ref, sha: base.sha, tipBecause: errorText(err) };
  }
}

/** The user's GitHub token if VS Code already granted us a session (never a prompt here). */
export async function silentGitHubToken(): Promise<string | undefined> {
  try {
    return (await vscode.authentication.getSession('github', ['repo'], { silent: true }))?.accessToken;
  } catch {
    return undefined;
  }
}
