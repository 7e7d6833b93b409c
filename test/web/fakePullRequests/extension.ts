// A stand-in for the GitHub Pull Requests extension (GitHub.vscode-pull-request-github) as github.dev runs it: the
// one call of its published API the product uses, `getRepositoryDescription(uri)`, with the shape of
// microsoft/vscode-pull-request-github src/api/api.d.ts (RepositoryDescription) and its meaning in src/api/api1.ts
// (the folder's active pull request, else no `pullRequest`). The pull request is the one the RemoteHub stand-in's
// authority names (../fakeRemoteHub/extension.ts); a repository named `no-pr-extension` gets no description, as
// when the extension has not loaded the repository yet.
import * as vscode from 'vscode';
import { pullRequestOf } from '../fakeRemoteHub/extension';

/** Titles of the pull requests the suites open. */
const TITLES: Record<number, string> = { 12: 'Tighten the triage prompt' };

export function activate() {
  return {
    async getRepositoryDescription(uri: vscode.Uri) {
      const [, owner, repositoryName] = uri.path.split('/');
      if (uri.scheme !== 'vscode-vfs' || repositoryName === 'no-pr-extension') return undefined;
      const number = pullRequestOf(uri);
      return {
        owner,
        repositoryName,
        defaultBranch: 'main',
        pullRequest:
          number === undefined
            ? undefined
            : {
                title: TITLES[number] ?? `Pull request ${number}`,
                url: `https://github.com/${owner}/${repositoryName}/pull/${number}`,
                number,
                id: 1000 + number,
              },
      };
    },
  };
}
