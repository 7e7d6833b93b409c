// `what did this change cost`: the prompts that differ between a git base and the working tree.
// Only changed files are read: their list comes from `git diff --name-status -M`, their old content
// from one `git cat-file --batch`, their new content from disk (or the editor's open buffers).
import * as fs from 'node:fs';
import { FileReadError, readRegularFileSync } from '../files';
import { formatBytes } from '../format';
import * as path from 'node:path';
import { BaseChoice, BaseFallback, FileChange, GitError, changedFiles, defaultBase, explicitBase, readBlobs, repoRoot } from './git';
import { SCAN_POLICY, codeLanguageForFile } from '../prompt/codeLanguages';
import { FileVersions, PricingOptions, PromptChange, diffFilePrompts, modelDeltas, primaryDelta } from './prompts';

export * from './prompts';
export { GitError, type BaseChoice, type BaseFallback, type FileChange } from './git';

export interface WorkingTreeDiffOptions extends PricingOptions {
  /** A folder inside the repository. */
  cwd: string;
  /** REF to compare against (at its merge-base with HEAD); default: merge-base with the upstream/default branch, else HEAD. */
  base?: string;
  /** A shallow clone without the merge-base: `tip` compares with REF's tip instead of failing. */
  baseFallback?: BaseFallback;
  /** Limit to these files or folders (absolute or relative to cwd). */
  paths?: readonly string[];
  /** Is this repository-relative path a prompt file? */
  isPromptFile: (relPath: string) => boolean;
  /** Also look for prompts inside source code (Python, JS/TS). Default true. */
  code?: boolean;
  /** What a file is priced with (the nearest flujo.toml's prices); default: these options. */
  pricingFor?: (relPath: string) => PricingOptions;
  /** New content of a file (e.g. an unsaved editor buffer); default: read from disk. */
  readWorkingFile?: (absPath: string) => string | undefined;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface WorkingTreeDiff {
  root: string;
  base: BaseChoice;
  changes: PromptChange[];
  /** Changed files that were prompt or code files (and so were read). */
  filesRead: number;
  skipped: SkippedFile[];
}

/** Files bigger than this are not priced in a diff (they are reported as skipped). */
const MAX_FILE_BYTES = SCAN_POLICY.maxFileBytes;

/** Throws GitError when cwd is not in a git work tree, git is missing, or REF is unknown. */
export async function diffWorkingTree(opts: WorkingTreeDiffOptions): Promise<WorkingTreeDiff> {
  const root = await repoRoot(opts.cwd);
  if (!root) throw new GitError(`not a git repository (or git is missing): ${opts.cwd}`);
  const base: BaseChoice = opts.base ? await explicitBase(root, opts.base, opts.baseFallback) : await defaultBase(root, opts.baseFallback);
  const pathspecs = (opts.paths ?? []).map((p) => toPathspec(root, opts.cwd, p));
  const typeOf = (rel: string): FileVersions['type'] | undefined => {
    if (opts.isPromptFile(rel)) return { kind: 'file' };
    if (opts.code === false) return undefined;
    const lang = codeLanguageForFile(rel);
    return lang ? { kind: 'code', languageId: lang } : undefined;
  };
  const relevant: { change: FileChange; type: FileVersions['type'] }[] = [];
  for (const change of await changedFiles(root, base.commit, pathspecs)) {
    const type = typeOf(change.path) ?? (change.oldPath ? typeOf(change.oldPath) : undefined);
    if (type) relevant.push({ change, type });
  }
  const oldPathOf = (c: FileChange) => c.oldPath ?? c.path;
  const hasOld = (c: FileChange) => c.status !== 'added' && c.status !== 'untracked';
  const blobs = await readBlobs(
    root,
    base.commit,
    relevant.filter((r) => hasOld(r.change)).map((r) => oldPathOf(r.change)),
    MAX_FILE_BYTES, // a larger base version is skipped by its size, never read
  );
  const skipped: SkippedFile[] = [];
  const changes: PromptChange[] = [];
  for (const { change, type } of relevant) {
    const decode = (bytes: Buffer | number | undefined, where: string): string | undefined => {
      if (bytes === undefined) return undefined;
      const size = typeof bytes === 'number' ? bytes : bytes.length;
      if (size > MAX_FILE_BYTES || typeof bytes === 'number') throw new SkipFile(`${where} is larger than ${formatBytes(MAX_FILE_BYTES)}`);
      if (bytes.includes(0)) throw new SkipFile(`${where} looks binary`);
      return bytes.toString('utf8');
    };
    try {
      const before = hasOld(change) ? decode(blobs.get(oldPathOf(change)), 'the base version') : undefined;
      let after: string | undefined;
      if (change.status !== 'deleted') {
        const abs = path.join(root, change.path);
        after = opts.readWorkingFile?.(abs) ?? decode(readIfFile(abs), 'the working-tree version');
      }
      if (before === undefined && after === undefined) continue;
      const renamed = change.status === 'renamed' || change.status === 'copied';
      changes.push(
        ...diffFilePrompts(
          { path: change.path, oldPath: renamed ? change.oldPath : undefined, before, after, type, renamed },
          opts.pricingFor?.(change.path) ?? opts,
        ),
      );
    } catch (err) {
      if (err instanceof SkipFile) skipped.push({ path: change.path, reason: err.message });
      else throw err;
    }
  }
  return { root, base, changes: sortChanges(changes), filesRead: relevant.length, skipped };
}

class SkipFile extends Error {}

function readIfFile(abs: string): Buffer | undefined {
  try {
    // only a regular file: a FIFO or device in the working tree would hang the read
    return readRegularFileSync(abs, MAX_FILE_BYTES, 'the working-tree version');
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    if (err.problem === 'too-large' || (err.problem === 'not-regular' && !fs.statSync(abs).isDirectory())) throw new SkipFile(err.message);
    return undefined; // a submodule folder, or deleted since git looked
  }
}

/** A CLI path as a pathspec relative to the repository root (git runs there). */
export function toPathspec(root: string, cwd: string, p: string): string {
  let abs = path.resolve(cwd, p);
  try {
    abs = fs.realpathSync(abs);
  } catch {
    // a deleted file: keep the path as given
  }
  const realRoot = safeRealpath(root);
  const rel = path.relative(realRoot, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new GitError(`${p} is outside the repository ${root}`);
  // `:(literal)` so `*` or `?` in a file name mean themselves.
  return rel === '' ? '.' : `:(literal)${rel.split(path.sep).join('/')}`;
}

function safeRealpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** Biggest monthly change first (by absolute value), then tokens, then path. */
export function sortChanges(changes: PromptChange[]): PromptChange[] {
  const key = (c: PromptChange) => {
    const d = primaryDelta(c);
    return { money: Math.abs(d?.monthlyDelta?.toNumber() ?? 0), tokens: Math.abs(d?.tokensDelta ?? 0) };
  };
  return changes
    .map((c) => ({ c, k: key(c) }))
    .sort((x, y) => y.k.money - x.k.money || y.k.tokens - x.k.tokens || (x.c.path < y.c.path ? -1 : x.c.path > y.c.path ? 1 : 0))
    .map((x) => x.c);
}

/** Totals over all changes for each model: Δ tokens, Δ per request and Δ monthly (what a PR adds). */
export function totals(changes: readonly PromptChange[]) {
  const byModel = new Map<string, { tokensDelta: number; monthlyDelta?: import('../pricing/decimal').Decimal; approximate: boolean }>();
  for (const c of changes)
    for (const d of modelDeltas(c)) {
      // A model switch is its own line (`gpt-4o-mini → o1`), never summed into either model's.
      const key = d.modelBefore ? `${d.modelBefore} → ${d.model}` : d.model;
      const t = byModel.get(key) ?? { tokensDelta: 0, monthlyDelta: undefined, approximate: false };
      t.tokensDelta += d.tokensDelta;
      if (d.monthlyDelta) t.monthlyDelta = t.monthlyDelta ? t.monthlyDelta.plus(d.monthlyDelta) : d.monthlyDelta;
      t.approximate ||= d.approximate;
      byModel.set(key, t);
    }
  return byModel;
}
