// The Δ lens in VS Code for the Web (github.dev, vscode.dev on a GitHub or Azure repository). The desktop reads
// the base through VS Code's Git extension (changes/tracker.ts), which does not run in the browser. There, the
// repository is the GitHub Repositories extension's ("RemoteHub") virtual file system: `vscode-vfs:` URIs are
// the working copy (with the user's uncommitted edits), and its API maps each one to the provider URI of the
// committed file at the opened branch or pull request — the browser's HEAD — which `workspace.fs` reads:
//   - the API: `getProviderUri(uri)` of the extension `GitHub.remotehub` (or `ms-vscode.remote-repositories`),
//     typed in microsoft/vscode extensions/typescript-language-features/src/remoteRepositories.browser.ts and
//     gitkraken/vscode-gitlens src/plus/remotehub.ts (RemoteHub publishes no typings of its own);
//   - working vs committed: GitLens's GitHub provider (src/plus/integrations/providers/github/githubGitProvider.ts,
//     getBlameCore) stats `uri` as "working" and `uri.with({ scheme: 'github' })` as "committed", and builds a
//     file's revision URI with `remotehub.getProviderUri(...)` (createProviderUri).
// So the browser shows the change vs HEAD as the desktop does. A pull request's own base commit is not offered
// by that API (Metadata.getRevision() names the head only), so the Δ is of the working copy, not of the PR; in a
// pull request the tooltip and hover say so (pullRequest.ts).
// Without the extension, or when the committed file cannot be read, one lens says so, with the reason.
import * as vscode from 'vscode';
import type { FileVersions } from '../../core/diff/prompts';
import { errorText } from '../../core/errors';
import { IN_BROWSER, withDataFiles } from '../platform';
import type { Services } from '../services';
import { readConfig } from '../config';
import { editorPromptWorkspace } from '../prompt/workspace';
import { documentLength } from '../vscodeConvert';
import { Disposable } from '../util/dispose';
import { registerChangeLensAndHover } from './editor';
import { MAX_LIVE_CHARS, type DocumentChanges } from './tracker';
import { type PullRequestHead, type RemoteHubMetadataApi, pullRequestHead, pullRequestNote } from './pullRequest';
import { type PullRequestBase, atCommit, fetchPullRequestBase, silentGitHubToken } from './pullRequestBase';
import { CHANGES_COMMANDS } from '../commandIds';
import { readGitHubApiUrl } from '../config';

/** The part of RemoteHub's API this feature uses (the typings cited above). */
export interface RemoteHubApi extends RemoteHubMetadataApi {
  getProviderUri(uri: vscode.Uri): vscode.Uri;
}

/** The extension ids RemoteHub's API is published under, in the order GitLens and VS Code look them up. */
export const REMOTE_HUB_IDS = ['ms-vscode.remote-repositories', 'GitHub.remotehub'];

export const BASE_UNAVAILABLE_TITLE = 'Δ vs base: unavailable';
const ELSEWHERE = 'Open the change in VS Code desktop or a Codespace, or run `prompt-cost diff --base <ref>` in CI.';

/** Remote repositories in the browser (GitHub Repositories, Azure Repos) use the vscode-vfs scheme. */
const REMOTE_REPOSITORY: vscode.DocumentSelector = [{ scheme: 'vscode-vfs' }];

/** The base of one document: its committed text (undefined: not in HEAD, a new file), or why it cannot be read. */
export type RemoteBase = { committed: vscode.Uri; text: string | undefined } | { unavailable: string };

/** RemoteHub's API, or why there is none. */
export async function loadRemoteHub(): Promise<RemoteHubApi | string> {
  const ext = REMOTE_HUB_IDS.map((id) => vscode.extensions.getExtension<RemoteHubApi>(id)).find((e) => e);
  if (!ext) return 'the GitHub Repositories extension, which serves this repository, is not installed or not enabled';
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    return typeof api?.getProviderUri === 'function' ? api : `${ext.id} offers no getProviderUri in this version`;
  } catch (err) {
    return `${ext.id} did not start: ${errorText(err)}`;
  }
}

/** The committed version of a working-copy URI, read through workspace.fs. */
export async function readRemoteBase(hub: RemoteHubApi, uri: vscode.Uri): Promise<RemoteBase> {
  let committed: vscode.Uri;
  try {
    committed = hub.getProviderUri(uri);
  } catch (err) {
    return { unavailable: `the GitHub Repositories extension cannot map this file to its repository: ${errorText(err)}` };
  }
  if (committed.scheme === uri.scheme) return { unavailable: 'the GitHub Repositories extension gave no committed version' };
  try {
    const bytes = await vscode.workspace.fs.readFile(committed);
    if (bytes.includes(0)) return { unavailable: 'the committed version is not text' };
    return { committed, text: new TextDecoder().decode(bytes) };
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return { committed, text: undefined };
    return { unavailable: `the committed version could not be read: ${errorText(err)}` };
  }
}

export function baseUnavailableTooltip(reason: string): string {
  return `The cost change of this prompt needs its committed version, which cannot be read here: ${reason}. ${ELSEWHERE}`;
}

/** A title-only lens (no command: VS Code renders it as text, with the tooltip on hover). */
export function baseUnavailableLens(reason: string): vscode.CodeLens {
  return new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
    title: BASE_UNAVAILABLE_TITLE,
    tooltip: baseUnavailableTooltip(reason),
    command: '',
  });
}

type RemoteResult = { changes: DocumentChanges; committed: vscode.Uri } | { unavailable: string } | undefined;

/** Δs of remote-repository documents vs their committed version, cached per document version. */
export class RemoteChanges extends Disposable {
  private hub?: Promise<RemoteHubApi | string>;
  private readonly cache = new Map<string, { version: number; generation: number; result: Promise<RemoteResult> }>();
  /** Per repository (authority, owner, name): the pull request HEAD is the head of, if any. */
  private readonly pullRequests = new Map<string, Promise<PullRequestHead | undefined>>();
  /** Per repository: the pull request's base, once the user asked GitHub for it. */
  private readonly bases = new Map<string, PullRequestBase & { number: number }>();
  private generation = 0;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly services: Services,
    private readonly load: () => Promise<RemoteHubApi | string> = loadRemoteHub,
  ) {
    super();
    this._register(
      services.estimator.onDidChange(() => {
        this.generation++;
        this.changed.fire();
      }),
    );
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())));
  }

  result(doc: vscode.TextDocument): Promise<RemoteResult> {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version && hit.generation === this.generation) return hit.result;
    const result = this.compute(doc).catch((err): RemoteResult => {
      this.services.log.warn(`change vs HEAD of ${key}: ${errorText(err)}`);
      return { unavailable: `the change could not be priced: ${errorText(err)}` };
    });
    this.cache.set(key, { version: doc.version, generation: this.generation, result });
    return result;
  }

  async forDocument(doc: vscode.TextDocument): Promise<DocumentChanges | undefined> {
    const r = await this.result(doc);
    return r && 'changes' in r ? r.changes : undefined;
  }

  private async compute(doc: vscode.TextDocument): Promise<RemoteResult> {
    const type: FileVersions['type'] | undefined = this.services.estimator.isPromptDocument(doc)
      ? { kind: 'file' }
      : this.services.estimator.isCodeDocument(doc)
        ? { kind: 'code', languageId: doc.languageId }
        : undefined;
    if (!type || documentLength(doc) > MAX_LIVE_CHARS) return undefined;
    this.hub ??= this.load();
    const hub = await this.hub;
    if (typeof hub === 'string') return { unavailable: hub };
    const prBase = this.bases.get(repoKey(doc.uri));
    const [base, pr] = await Promise.all([
      readRemoteBase(hub, prBase ? atCommit(doc.uri, prBase.sha) : doc.uri),
      this.pullRequestOf(hub, doc.uri),
    ]);
    if ('unavailable' in base) return base;
    const baseLabel = prBase?.ref;
    const baseNote = prBase
      ? `Δ vs pull request #${prBase.number}'s base: ${prBase.ref} @ ${prBase.sha.slice(0, 7)}, ` +
        (prBase.tipBecause === undefined
          ? `the merge base (where its branch left ${prBase.ref}, as GitHub's “Files changed” compares), as GitHub named it when you asked.`
          : `the tip of ${prBase.ref} when you asked: GitHub named no merge base (${prBase.tipBecause}), so commits ${prBase.ref} gained since the pull request branched count in the Δ.`)
      : pr && pullRequestNote(pr);
    const after = doc.getText();
    const setting = readConfig(doc.uri).primaryModel;
    if (base.text === after)
      return { committed: base.committed, changes: { uri: doc.uri, changes: [], primary: () => '', baseNote, baseLabel } };
    if ((base.text?.length ?? 0) > MAX_LIVE_CHARS) return undefined;
    const [{ diffFilePrompts }, ws] = await Promise.all([import('../../core/diff/prompts'), editorPromptWorkspace(this.services, doc.uri)]);
    const rel = vscode.workspace.asRelativePath(doc.uri, false);
    const changes = await withDataFiles(async () => diffFilePrompts({ path: rel, before: base.text, after, type }, ws.pricing));
    return {
      committed: base.committed,
      changes: { uri: doc.uri, changes, primary: (c) => setting || c.primaryModel || ws.primary, baseNote, baseLabel },
    };
  }

  pullRequestOf(hub: RemoteHubApi, uri: vscode.Uri): Promise<PullRequestHead | undefined> {
    let pr = this.pullRequests.get(repoKey(uri));
    if (!pr) {
      pr = pullRequestHead(uri, hub, this.services.log);
      this.pullRequests.set(repoKey(uri), pr);
    }
    return pr;
  }

  /** Asks GitHub for the base of the pull request `uri` belongs to; from then on its Δs are against that base. */
  async usePullRequestBase(uri: vscode.Uri): Promise<PullRequestBase & { number: number }> {
    this.hub ??= this.load();
    const hub = await this.hub;
    if (typeof hub === 'string') throw new Error(hub);
    const pr = await this.pullRequestOf(hub, uri);
    if (!pr) throw new Error('this repository is not opened at a pull request');
    const repo = (await hub.getMetadata?.(uri))?.repo as { owner?: unknown; name?: unknown } | undefined;
    if (typeof repo?.owner !== 'string' || typeof repo.name !== 'string')
      throw new Error('the GitHub Repositories extension did not name the repository');
    const base = await fetchPullRequestBase({ owner: repo.owner, name: repo.name }, pr.number, {
      apiUrl: readGitHubApiUrl(),
      token: await silentGitHubToken(),
    });
    const entry = { ...base, number: pr.number };
    this.bases.set(repoKey(uri), entry);
    this.generation++;
    this.changed.fire();
    return entry;
  }
}

/** One repository of RemoteHub: authority (the opened ref) and owner/name. */
const repoKey = (uri: vscode.Uri) => `${uri.authority}${uri.path.split('/').slice(0, 3).join('/')}`;

/** In the browser: the Δ lens and hover on remote-repository prompts, or the lens saying why there is none. */
export function registerBrowserBaseLens(services: Services): vscode.Disposable {
  if (!IN_BROWSER) return new vscode.Disposable(() => undefined);
  const remote = new RemoteChanges(services);
  const openChange = async (uri: vscode.Uri): Promise<vscode.Command> => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const r = doc && (await remote.result(doc));
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    return r && 'committed' in r
      ? { title: '', command: 'vscode.diff', arguments: [r.committed, uri, `${name} (${r.changes.baseLabel ?? 'HEAD'} ↔ working copy)`] }
      : { title: '', command: '' };
  };
  const unavailable = vscode.languages.registerCodeLensProvider(REMOTE_REPOSITORY, {
    onDidChangeCodeLenses: remote.onDidChange,
    async provideCodeLenses(document) {
      if (!readConfig(document.uri).codeLensEnabled) return [];
      const r = await remote.result(document);
      if (r && 'unavailable' in r) return [baseUnavailableLens(r.unavailable)];
      // In a pull request whose base is not known yet: offer to ask GitHub (a request only when clicked).
      if (r && r.changes.baseNote && !r.changes.baseLabel)
        return [
          new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
            title: 'Compare with the pull request’s base…',
            tooltip: 'Asks GitHub for the pull request’s base commit (one request), then prices the change against it',
            command: CHANGES_COMMANDS.pullRequestBase,
            arguments: [document.uri],
          }),
        ];
      return [];
    },
  });
  const command = vscode.commands.registerCommand(CHANGES_COMMANDS.pullRequestBase, async (uri?: vscode.Uri) => {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!target || target.scheme !== 'vscode-vfs') {
      void vscode.window.showWarningMessage('Prompt Cost: open a file of a pull request on github.dev first.');
      return undefined;
    }
    try {
      const base = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Prompt Cost: asking GitHub for the pull request’s base…' },
        () => remote.usePullRequestBase(target),
      );
      if (base.tipBecause !== undefined)
        void vscode.window.showWarningMessage(
          `Prompt Cost: the Δ is against the tip of ${base.ref}, not where the pull request branched: GitHub named no merge base (${base.tipBecause}).`,
        );
      return base;
    } catch (err) {
      void vscode.window.showErrorMessage(`Prompt Cost: ${errorText(err)}`);
      return undefined;
    }
  });
  return vscode.Disposable.from(remote, unavailable, command, registerChangeLensAndHover(remote, REMOTE_REPOSITORY, openChange));
}
