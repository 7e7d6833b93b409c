// The cost of the working tree's changes against HEAD, through VS Code's Git extension: per open
// document (lens, hover) and per repository (the Changed Prompts view). Old text comes from
// `repository.show('HEAD', path)`; new text from the open editor buffer (unsaved edits count) or disk.
// Without git, without the Git extension or outside a repository, everything is simply empty.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileVersions, PromptChange } from '../../core/diff/prompts';
import type { Services } from '../services';
import { isPromptFile } from '../../core/prompt/glob';
import { codeLanguageForFile } from '../../core/prompt/codeLanguages';
import { readConfig } from '../config';
import { editorPromptWorkspace } from '../prompt/workspace';
import { GitAPI, GitRepository, GitStatus, headPathOf, loadGitApi } from './gitApi';
import { documentLength } from '../vscodeConvert';
import { errorText } from '../../core/errors';
import { pushAll } from '../../core/arrays';
import { Disposable } from '../util/dispose';
import { Debouncer } from '../util/debounce';

export const BASE_LABEL = 'HEAD';
/** A view refresh prices at most this many changed files (a huge working tree stays responsive). */
const MAX_VIEW_FILES = 300;
/** Bigger documents get no live Δ (both versions are counted on the extension host's thread); `prompt-cost diff` covers them. */
export const MAX_LIVE_CHARS = 200_000;

export interface DocumentChanges {
  uri: vscode.Uri;
  changes: PromptChange[];
  /** The model whose Δ is shown first (settings' primary, else the prompt's own, else the first configured). */
  primary: (c: PromptChange) => string;
  /** What HEAD is when that needs saying (a pull request on github.dev: changes/pullRequest.ts), for the tooltip and hover. */
  baseNote?: string;
  /** What the Δ is against when not HEAD (a pull request's base branch on github.dev). */
  baseLabel?: string;
}

export interface RepositoryChanges {
  root: vscode.Uri;
  changes: PromptChange[];
  /** Changed prompt/code files beyond MAX_VIEW_FILES that were not priced. */
  truncated: number;
}

export class ChangeTracker extends Disposable {
  private api?: Promise<GitAPI | undefined>;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when Δs may differ: a repository changed (commit, stage, save), settings or prices changed. */
  readonly onDidChange = this.changed.event;
  private readonly headText = new Map<string, Promise<string | undefined>>();
  private readonly docCache = new Map<
    string,
    { version: number; head: string; generation: number; result: Promise<DocumentChanges | undefined> }
  >();
  private generation = 0;
  /** Repositories report bursts of changes (a save, then the index refresh): one refresh for the burst. */
  private readonly burst = this._register(new Debouncer(150));

  constructor(private readonly services: Services) {
    super();
    this._register(services.estimator.onDidChange(() => this.invalidate()));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.docCache.delete(d.uri.toString())));
  }

  private invalidate(): void {
    this.generation++;
    this.headText.clear();
    this.burst.schedule(() => this.changed.fire());
  }

  /** The Git API, loaded on first use; listens to every repository's state from then on (until disposed). */
  gitApi(): Promise<GitAPI | undefined> {
    if (!this.api) {
      this.api = loadGitApi().then((api) => {
        if (!api || this.isDisposed) return undefined;
        const watch = (r: GitRepository) => this._register(r.state.onDidChange(() => this.invalidate()));
        api.repositories.forEach(watch);
        this._register(
          api.onDidOpenRepository((r) => {
            watch(r);
            this.invalidate();
          }),
        );
        this._register(api.onDidCloseRepository(() => this.invalidate()));
        return api;
      });
    }
    return this.api;
  }

  /** The document's changed prompts vs HEAD (unchanged or merely moved prompts are left out). */
  async forDocument(doc: vscode.TextDocument): Promise<DocumentChanges | undefined> {
    const type = this.typeOf(doc.uri, doc);
    if (!type || doc.uri.scheme !== 'file' || documentLength(doc) > MAX_LIVE_CHARS) return undefined;
    const api = await this.gitApi();
    const repo = api?.getRepository(doc.uri);
    if (!repo) return undefined;
    const head = repo.state.HEAD?.commit ?? '';
    const key = doc.uri.toString();
    const hit = this.docCache.get(key);
    if (hit && hit.version === doc.version && hit.head === head && hit.generation === this.generation) return hit.result;
    const result = this.computeDocument(doc, repo, type).catch((err) => {
      this.services.log.warn(`change vs HEAD of ${doc.uri.fsPath}: ${errorText(err)}`);
      return undefined;
    });
    this.docCache.set(key, { version: doc.version, head, generation: this.generation, result });
    return result;
  }

  private async computeDocument(
    doc: vscode.TextDocument,
    repo: GitRepository,
    type: FileVersions['type'],
  ): Promise<DocumentChanges | undefined> {
    const where = headPathOf(repo, doc.uri);
    const before = where.path ? await this.show(repo, where.path) : undefined;
    const after = doc.getText();
    if (before === after) return { uri: doc.uri, changes: [], primary: () => '' };
    return this.diff(repo, doc.uri, where.path, before, after, type);
  }

  private async diff(
    repo: GitRepository,
    uri: vscode.Uri,
    headPath: string | undefined,
    before: string | undefined,
    after: string | undefined,
    type: FileVersions['type'],
  ): Promise<DocumentChanges> {
    const { diffFilePrompts } = await import('../../core/diff/prompts');
    const ws = await editorPromptWorkspace(this.services, uri);
    const rel = (p: string) => path.relative(repo.rootUri.fsPath, p).split(path.sep).join('/');
    const renamed = !!headPath && headPath !== uri.fsPath;
    const changes = diffFilePrompts(
      { path: rel(uri.fsPath), oldPath: renamed ? rel(headPath!) : undefined, before, after, type, renamed },
      ws.pricing,
    );
    const setting = readConfig(uri).primaryModel;
    return { uri, changes, primary: (c) => setting || c.primaryModel || ws.primary };
  }

  /** HEAD's text of a file, memoised per HEAD commit; undefined when the file is not in HEAD (or there is no commit). */
  private show(repo: GitRepository, fsPath: string): Promise<string | undefined> {
    const key = `${repo.state.HEAD?.commit ?? ''}:${fsPath}`;
    let p = this.headText.get(key);
    if (!p) {
      p = repo.show(BASE_LABEL, fsPath).then(
        (t) => t,
        () => undefined,
      );
      this.headText.set(key, p);
    }
    return p;
  }

  /** Prompt file or source with prompts, by the same rules as the estimates. */
  private typeOf(uri: vscode.Uri, doc?: vscode.TextDocument): FileVersions['type'] | undefined {
    if (doc) {
      if (this.services.estimator.isPromptDocument(doc)) return { kind: 'file' };
      if (this.services.estimator.isCodeDocument(doc)) return { kind: 'code', languageId: doc.languageId };
      return undefined;
    }
    const settings = readConfig(uri);
    const rel = vscode.workspace.asRelativePath(uri, false);
    if (isPromptFile(rel, settings.promptFiles) || isPromptFile(uri.path, [])) return { kind: 'file' };
    const lang = codeLanguageForFile(uri.path);
    return lang && settings.codePromptsEnabled ? { kind: 'code', languageId: lang } : undefined;
  }

  /** Every repository's changed prompts (working tree + index + untracked vs HEAD), for the view. */
  async forWorkingTree(): Promise<RepositoryChanges[]> {
    const api = await this.gitApi();
    if (!api) return [];
    const out: RepositoryChanges[] = [];
    for (const repo of api.repositories) {
      const byPath = new Map<string, { uri: vscode.Uri; status: GitStatus; headPath?: string }>();
      const untracked = repo.state.untrackedChanges ?? [];
      for (const c of [...repo.state.indexChanges, ...repo.state.workingTreeChanges, ...untracked]) {
        const uri = c.renameUri ?? c.uri;
        if (byPath.has(uri.fsPath)) continue;
        const isNew = c.status === GitStatus.UNTRACKED || c.status === GitStatus.INDEX_ADDED || c.status === GitStatus.INTENT_TO_ADD;
        const isRename =
          c.status === GitStatus.INDEX_RENAMED || c.status === GitStatus.INTENT_TO_RENAME || c.status === GitStatus.INDEX_COPIED;
        byPath.set(uri.fsPath, { uri, status: c.status, headPath: isNew ? undefined : isRename ? c.originalUri.fsPath : uri.fsPath });
      }
      // A staged rename's old path also shows as deleted in some states: the rename covers it.
      const renamedFrom = new Set([...byPath.values()].filter((e) => e.headPath && e.headPath !== e.uri.fsPath).map((e) => e.headPath!));
      const files = [...byPath.values()].filter((e) => !renamedFrom.has(e.uri.fsPath) && this.typeOf(e.uri));
      const changes: PromptChange[] = [];
      for (const f of files.slice(0, MAX_VIEW_FILES)) {
        const deleted = f.status === GitStatus.DELETED || f.status === GitStatus.INDEX_DELETED;
        const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === f.uri.fsPath);
        if (open && documentLength(open) > MAX_LIVE_CHARS) continue; // before building its text
        const after = deleted ? undefined : (open?.getText() ?? (await readText(f.uri)));
        const before = f.headPath ? await this.show(repo, f.headPath) : undefined;
        if ((after?.length ?? 0) > MAX_LIVE_CHARS || (before?.length ?? 0) > MAX_LIVE_CHARS) continue;
        if (before === after || (before === undefined && after === undefined)) continue;
        const type = open ? (this.typeOf(f.uri, open) ?? this.typeOf(f.uri)) : this.typeOf(f.uri);
        if (!type) continue;
        pushAll(changes, (await this.diff(repo, f.uri, f.headPath, before, after, type)).changes);
      }
      const { sortChanges } = await import('../../core/diff');
      out.push({ root: repo.rootUri, changes: sortChanges(changes), truncated: Math.max(0, files.length - MAX_VIEW_FILES) });
    }
    return out;
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.length > 5 * 1024 * 1024 || bytes.includes(0)) return undefined;
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  }
}
