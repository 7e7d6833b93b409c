// A stand-in for the GitHub Repositories extension ("RemoteHub", GitHub.remotehub), which is not open source and
// cannot run offline: a web extension that serves an in-memory repository as RemoteHub does — the working copy
// under `vscode-vfs:` and the committed files under the provider scheme `github:` (same authority and path; how
// GitLens reads them: gitkraken/vscode-gitlens src/plus/integrations/providers/github/githubGitProvider.ts,
// getBlameCore "working" vs "committed") — and exports RemoteHub's API as its consumers type it
// (gitkraken/vscode-gitlens src/plus/remotehub.ts RemoteHubApi; microsoft/vscode
// extensions/typescript-language-features/src/remoteRepositories.browser.ts). The suites seed files through
// vscode.workspace.fs. A committed path containing `/offline/` fails as an unreachable GitHub would.
import * as vscode from 'vscode';

class MemoryFs implements vscode.FileSystemProvider {
  private readonly files = new Map<string, Uint8Array>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  constructor(private readonly failing?: RegExp) {}
  private key(uri: vscode.Uri): string {
    return `${uri.authority}${uri.path}`;
  }
  /** The key of a file being read (reads of `failing` paths fail; the suite can still write them). */
  private readKey(uri: vscode.Uri): string {
    if (this.failing?.test(uri.path)) throw vscode.FileSystemError.Unavailable(`${uri.toString()}: GitHub could not be reached`);
    return this.key(uri);
  }
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    const key = this.readKey(uri);
    const file = this.files.get(key);
    const isDir = !file && [...this.files.keys()].some((p) => p.startsWith(`${key.replace(/\/$/, '')}/`));
    if (!file && !isDir) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: file ? vscode.FileType.File : vscode.FileType.Directory, ctime: 0, mtime: 0, size: file?.byteLength ?? 0 };
  }
  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(): void {}
  readFile(uri: vscode.Uri): Uint8Array {
    const file = this.files.get(this.readKey(uri));
    if (!file) throw vscode.FileSystemError.FileNotFound(uri);
    return file;
  }
  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    this.files.set(this.key(uri), content);
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }
  delete(uri: vscode.Uri): void {
    this.files.delete(this.key(uri));
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
}

/**
 * The pull request a URI's authority names: `github+<hex of {"v":1,"ref":{"type":3,"id":"<n>"}}>` as GitLens encodes
 * and decodes RemoteHub authorities (src/plus/remotehub.ts GitHubAuthorityMetadata, RepositoryRefType.PullRequest = 3;
 * githubGitProvider.ts encodeAuthority). Written here on its own, not with the code under test.
 */
export function pullRequestOf(uri: vscode.Uri): number | undefined {
  const [, hex] = uri.authority.split('+');
  if (!hex) return undefined;
  const json = hex.replace(/../g, (h) => String.fromCharCode(parseInt(h, 16)));
  const meta = JSON.parse(json) as { ref?: { type: number; id: string } };
  return meta.ref?.type === 3 ? Number(meta.ref.id) : undefined;
}

const VIRTUAL = 'vscode-vfs';
const PROVIDER = 'github';
/** owner/repo, the first two path segments of a RemoteHub URI (vscode-vfs://github/<owner>/<repo>/<path>). */
const root = (uri: vscode.Uri) => uri.with({ path: uri.path.split('/').slice(0, 3).join('/') });

export function activate(context: vscode.ExtensionContext) {
  context.subscriptions.push(
    vscode.workspace.registerFileSystemProvider(VIRTUAL, new MemoryFs(), { isCaseSensitive: true }),
    vscode.workspace.registerFileSystemProvider(PROVIDER, new MemoryFs(/\/offline\//), { isCaseSensitive: true }),
  );
  const provider = { id: 'github' as const, name: 'GitHub' };
  return {
    async getMetadata(uri: vscode.Uri) {
      const [, owner, name] = uri.path.split('/');
      return {
        provider,
        repo: { owner, name },
        // HeadType (gitkraken/vscode-gitlens src/plus/remotehub.ts): Branch = 0, RemoteBranch = 1; a pull request's
        // head is a RemoteBranch named `owner:branch` (GitLens githubGitProvider.ts splits it so).
        getRevision: async () =>
          pullRequestOf(uri) !== undefined
            ? { type: 1, name: 'contributor:tighten-triage', revision: 'c0ffee'.padEnd(40, '7') }
            : { type: 0, name: 'main', revision: '0'.repeat(40) },
      };
    },
    getProvider: (uri: vscode.Uri) => (uri.scheme === VIRTUAL || uri.scheme === PROVIDER ? provider : undefined),
    getProviderUri: (uri: vscode.Uri) => uri.with({ scheme: PROVIDER }),
    getProviderRootUri: (uri: vscode.Uri) => root(uri).with({ scheme: PROVIDER }),
    isProviderUri: (uri: vscode.Uri) => uri.scheme === PROVIDER,
    getVirtualUri: (uri: vscode.Uri) => uri.with({ scheme: VIRTUAL }),
    getVirtualWorkspaceUri: (uri: vscode.Uri) => root(uri).with({ scheme: VIRTUAL }),
    loadWorkspaceContents: async () => true,
  };
}
