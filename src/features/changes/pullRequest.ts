// On github.dev a pull request opens at its head: the Δ lens there (browserBase.ts) prices the working copy
// against that head, not the change the pull request makes against its base branch. This file finds out whether
// the repository is a pull request, and says plainly what the Δ is then. What the published APIs offer:
// - GitHub Pull Requests (`GitHub.vscode-pull-request-github`, which runs on github.dev): its exported API
//   (microsoft/vscode-pull-request-github src/api/api.d.ts, `API.getRepositoryDescription(uri)`, implemented in
//   src/api/api1.ts from the folder's active pull request) gives `pullRequest: { number, title, url, id }` and
//   the repository's `defaultBranch` — not the pull request's base branch or commit.
// - GitHub Repositories (RemoteHub): `getMetadata(uri).getRevision()` → `{ type, name, revision }` of the opened
//   head (gitkraken/vscode-gitlens src/plus/remotehub.ts Metadata, HeadType; for a pull request GitLens reads
//   type RemoteBranch with name `owner:branch`, githubGitProvider.ts); and the workspace URI's authority
//   `github+<hex of {"v":1,"ref":{"type":3,"id":"<number>"}}>` names the pull request (RepositoryRefType.PullRequest
//   = 3, GitHubAuthorityMetadata; decoded by GitLens's decodeRemoteHubAuthority in src/git/gitUri.ts).
// Neither names the base commit. GitHub's REST API does (`GET /repos/{owner}/{repo}/pulls/{n}`, `base.sha`), but
// that is a request of our own: it is made only when the user clicks "Compare with the pull request's base…"
// (pullRequestBase.ts); until then the lens and hover say what the Δ is compared with.
import * as vscode from 'vscode';
import { errorText } from '../../core/errors';

/** The GitHub Pull Requests extension's id and the part of its API used here (api.d.ts, cited above). */
export const PULL_REQUESTS_ID = 'GitHub.vscode-pull-request-github';
export interface PullRequestsApi {
  getRepositoryDescription(uri: vscode.Uri): Promise<
    | {
        owner: string;
        repositoryName: string;
        defaultBranch: string;
        pullRequest?: { title: string; url: string; number: number; id: number };
      }
    | undefined
  >;
}

/** RemoteHub's getMetadata (gitkraken/vscode-gitlens src/plus/remotehub.ts). */
export interface RemoteHubMetadataApi {
  getMetadata?(
    uri: vscode.Uri,
  ): Promise<
    { repo?: { owner: string; name: string }; getRevision(): Promise<{ type: number; name: string; revision: string }> } | undefined
  >;
}

export interface PullRequestHead {
  number: number;
  title?: string;
  /** `owner:branch` or a branch name, as RemoteHub names the head. */
  head?: string;
  /** The head commit. */
  revision?: string;
}

const PULL_REQUEST_REF = 3; // RepositoryRefType.PullRequest

/** The pull request a RemoteHub URI's authority names (`github+<hex JSON>`), if any. */
export function pullRequestOfAuthority(authority: string): number | undefined {
  const plus = authority.indexOf('+');
  if (plus < 0) return undefined;
  const hex = authority.slice(plus + 1);
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex) || hex.length > 2048) return undefined;
  try {
    const bytes = new Uint8Array(hex.length / 2).map((_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
    const meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as {
      v?: unknown;
      ref?: { type?: unknown; id?: unknown };
    };
    const id = Number(meta?.ref?.id);
    return meta?.v === 1 && meta.ref?.type === PULL_REQUEST_REF && Number.isSafeInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

async function pullRequestsApi(): Promise<PullRequestsApi | undefined> {
  const ext = vscode.extensions.getExtension<PullRequestsApi>(PULL_REQUESTS_ID);
  if (!ext) return undefined;
  const api = ext.isActive ? ext.exports : await ext.activate();
  return typeof api?.getRepositoryDescription === 'function' ? api : undefined;
}

/** The pull request the document's repository is opened at, with its head as RemoteHub names it; undefined if none. */
export async function pullRequestHead(
  uri: vscode.Uri,
  hub: RemoteHubMetadataApi,
  log?: vscode.LogOutputChannel,
): Promise<PullRequestHead | undefined> {
  let pr: PullRequestHead | undefined;
  try {
    const described = (await (await pullRequestsApi())?.getRepositoryDescription(uri))?.pullRequest;
    if (described && Number.isSafeInteger(described.number)) pr = { number: described.number, title: String(described.title ?? '') };
  } catch (err) {
    log?.warn(`GitHub Pull Requests could not describe ${uri.toString()}: ${errorText(err)}`);
  }
  const fromAuthority = pullRequestOfAuthority(uri.authority);
  pr ??= fromAuthority !== undefined ? { number: fromAuthority } : undefined;
  if (!pr) return undefined;
  try {
    const revision = await (await hub.getMetadata?.(uri))?.getRevision();
    if (revision && typeof revision.name === 'string') return { ...pr, head: revision.name, revision: String(revision.revision ?? '') };
  } catch (err) {
    log?.warn(`GitHub Repositories named no revision for ${uri.toString()}: ${errorText(err)}`);
  }
  return pr;
}

/** What the Δ is compared with in a pull request, in the words of the lens tooltip and the hover. */
export function pullRequestNote(pr: PullRequestHead): string {
  const head = pr.head ? ` (${pr.head}${pr.revision ? ` @ ${pr.revision.slice(0, 7)}` : ''})` : '';
  return (
    `This is pull request #${pr.number}${pr.title ? ` “${pr.title}”` : ''}: HEAD is its head${head}, so the Δ is your edits, ` +
    `not what the pull request changes. Its base commit is not offered by the GitHub Repositories or GitHub Pull ` +
    `Requests extension APIs: “Compare with the pull request’s base…” asks GitHub for it.`
  );
}
