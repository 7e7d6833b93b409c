// "Compare with the Pull Request's Base" on github.dev: the one step the extension APIs do not offer
// (pullRequest.ts), done on the user's request. GitHub's REST API names the base:
//   GET {api}/repos/{owner}/{repo}/pulls/{number} → { base: { ref, sha }, head: { … } }
//   (docs.github.com/en/rest/pulls/pulls#get-a-pull-request, `Accept: application/vnd.github+json`; the REST API
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

export interface PullRequestBase {
  ref: string;
  sha: string;
}

/** The commit a RemoteHub URI names in its authority (RepositoryRefType.Commit). */
export function atCommit(uri: vscode.Uri, sha: string): vscode.Uri {
  const json = JSON.stringify({ v: 1, ref: { type: 2, id: sha } });
  const hex = [...new TextEncoder().encode(json)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return uri.with({ authority: `${uri.authority.split('+')[0]}+${hex}` });
}

/** Asks GitHub for a pull request's base branch and commit; rejects with a message that names the cause. */
export async function fetchPullRequestBase(
  repo: { owner: string; name: string },
  pullRequest: number,
  options: { apiUrl?: string; token?: string; fetch?: typeof fetch } = {},
): Promise<PullRequestBase> {
  const api = (options.apiUrl || GITHUB_API).replace(/\/+$/, '');
  const url = `${api}/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}/pulls/${pullRequest}`;
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let res: Response;
  let text: string;
  try {
    res = await sendRequest({ url, method: 'GET', headers, signal: AbortSignal.timeout(30_000), fetch: options.fetch });
    text = (await readBodyCapped(res, MAX_ANSWER_BYTES, { what: 'the answer', truncate: !res.ok })).text;
  } catch (err) {
    throw new Error(`GitHub could not be asked for pull request #${pullRequest} at ${displayUrl(url)}: ${errorText(err)}`, { cause: err });
  }
  if (!res.ok) {
    const hint = res.status === 404 || res.status === 401 ? ' (a private repository needs you signed in to GitHub in VS Code)' : '';
    throw new Error(`GitHub answered HTTP ${res.status} for pull request #${pullRequest}${hint}`);
  }
  let base: { ref?: unknown; sha?: unknown } | undefined;
  try {
    base = (JSON.parse(text) as { base?: { ref?: unknown; sha?: unknown } }).base;
  } catch (err) {
    throw new Error(`GitHub's answer for pull request #${pullRequest} is not JSON`, { cause: err });
  }
  if (typeof base?.sha !== 'string' || !/^[0-9a-f]{40}$/.test(base.sha) || typeof base.ref !== 'string' || base.ref.length > 255)
    throw new Error(`GitHub's answer for pull request #${pullRequest} has no base branch and commit`);
  return { ref: base.ref, sha: base.sha };
}

/** The user's GitHub token if VS Code already granted us a session (never a prompt here). */
export async function silentGitHubToken(): Promise<string | undefined> {
  try {
    return (await vscode.authentication.getSession('github', ['repo'], { silent: true }))?.accessToken;
  } catch {
    return undefined;
  }
}
