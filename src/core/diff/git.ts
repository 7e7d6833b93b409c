// A small, safe reader of git: every call is `execFile('git', [args...])` (no shell, so no quoting
// or injection), and only what changed is read. Pure Node (no `vscode`), shared by the CLI and the editor.
import { execFile, spawn } from 'node:child_process';

/** git failed or is missing; `message` is git's own first stderr line when it gave one. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly exitCode?: number,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

const MAX_BUFFER = 256 * 1024 * 1024;

/** Runs `git args...` in `cwd` and returns its stdout bytes. */
export function runGit(cwd: string, args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args as string[],
      { cwd, encoding: 'buffer', maxBuffer: MAX_BUFFER, windowsHide: true, env: gitEnv() },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { code?: string | number };
        if (e.code === 'ENOENT') return reject(new GitError('git is not installed or not on PATH'));
        const first = stderr.toString('utf8').trim().split('\n')[0] || e.message;
        reject(new GitError(first, typeof e.code === 'number' ? e.code : undefined));
      },
    );
  });
}

/** No pager, no prompts, no locale-dependent messages, no optional locks (we only read). */
function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', GIT_PAGER: 'cat' };
}

async function gitText(cwd: string, args: readonly string[]): Promise<string> {
  return (await runGit(cwd, args)).toString('utf8').trim();
}

/** The repository's top folder, or undefined when `dir` is not inside a work tree (or git is missing). */
export async function repoRoot(dir: string): Promise<string | undefined> {
  try {
    return (await gitText(dir, ['rev-parse', '--show-toplevel'])) || undefined;
  } catch {
    return undefined;
  }
}

/** The tree git compares against when there is no commit yet. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** A ref is passed to git as an argument; one starting with `-` would be read as an option. */
export function checkRefSyntax(ref: string): void {
  if (!ref || ref.startsWith('-') || /[\0\n]/.test(ref)) throw new GitError(`invalid git ref '${ref}'`);
}

/** Resolves REF to a commit id (or the empty tree for an unborn HEAD); a clear error when REF does not exist. */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  checkRefSyntax(ref);
  try {
    return await gitText(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    if (ref === 'HEAD' && !(await hasCommits(root))) return EMPTY_TREE;
    throw new GitError(`unknown git revision '${ref}'`);
  }
}

async function hasCommits(root: string): Promise<boolean> {
  try {
    await gitText(root, ['rev-parse', '--verify', '--quiet', 'HEAD']);
    return true;
  } catch {
    return false;
  }
}

/**
 * An explicit REF, compared at its merge-base with HEAD (like a pull request's diff: a branch that is
 * behind REF does not show REF's newer commits as reverted). REF = HEAD or an ancestor is itself.
 */
export async function explicitBase(root: string, ref: string, fallback?: BaseFallback): Promise<BaseChoice> {
  const commit = await resolveCommit(root, ref);
  if (commit === EMPTY_TREE || !(await hasCommits(root))) return { label: ref, commit, how: 'explicit' };
  try {
    const mb = await gitText(root, ['merge-base', 'HEAD', commit]);
    if (mb && mb !== commit) return { label: ref, commit: mb, how: 'merge-base' };
    if (mb) return { label: ref, commit, how: 'explicit' };
  } catch {
    // no common commit: a shallow clone's cut history, or unrelated histories
  }
  return noMergeBase(root, ref, commit, fallback);
}

/** What to do when the merge-base is missing from a shallow clone: `tip` compares with REF itself (a warning). */
export type BaseFallback = 'tip';

/**
 * No merge-base of HEAD and REF. In a shallow clone the common commit exists but was not fetched:
 * comparing with REF's tip would show REF's newer edits as reverted, so that is an error naming the fix
 * (or, with fallback `tip`, REF's tip with how `tip`). Unrelated histories compare with REF itself.
 */
async function noMergeBase(root: string, ref: string, commit: string, fallback?: BaseFallback): Promise<BaseChoice> {
  if (!(await isShallow(root))) return { label: ref, commit, how: 'explicit' };
  if (fallback === 'tip') return { label: ref, commit, how: 'tip' };
  throw new GitError(
    `no merge-base of HEAD and ${ref}: this is a shallow clone and the common commit was not fetched. ` +
      `Fetch the history (actions/checkout with \`fetch-depth: 0\`, or \`git fetch --deepen=200 origin\` until it is found), ` +
      `or pass --base-fallback tip to compare with ${ref}'s tip (its newer edits then show as reverted)`,
  );
}

async function isShallow(root: string): Promise<boolean> {
  try {
    return (await gitText(root, ['rev-parse', '--is-shallow-repository'])) === 'true';
  } catch {
    return false;
  }
}

export interface BaseChoice {
  /** What the user would write: `origin/main`, `HEAD`. */
  label: string;
  /** The commit compared against (a merge-base when `label` is a branch), or EMPTY_TREE. */
  commit: string;
  /** `tip`: the merge-base was missing from a shallow clone and REF's tip is compared (--base-fallback tip). */
  how: 'explicit' | 'merge-base' | 'HEAD' | 'tip';
}

/**
 * The default base of a change: the merge-base of HEAD with the current branch's upstream, else with
 * the remote's default branch (`origin/HEAD`), else HEAD itself (a repository without remotes).
 */
export async function defaultBase(root: string, fallback?: BaseFallback): Promise<BaseChoice> {
  if (!(await hasCommits(root))) return { label: 'HEAD', commit: EMPTY_TREE, how: 'HEAD' };
  const candidates: string[] = [];
  try {
    candidates.push(await gitText(root, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']));
  } catch {
    // no upstream configured
  }
  try {
    candidates.push((await gitText(root, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'])).replace(/^refs\/remotes\//, ''));
  } catch {
    // no origin/HEAD
  }
  for (const label of candidates.filter(Boolean)) {
    try {
      const commit = await gitText(root, ['merge-base', 'HEAD', label]);
      if (commit) return { label, commit, how: 'merge-base' };
    } catch {
      // a shallow clone's cut history is an error (or REF's tip); unrelated histories: try the next candidate
      if (await isShallow(root)) return noMergeBase(root, label, await resolveCommit(root, label), fallback);
    }
  }
  return { label: 'HEAD', commit: await gitText(root, ['rev-parse', 'HEAD']), how: 'HEAD' };
}

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed' | 'untracked';

export interface FileChange {
  status: ChangeStatus;
  /** Path relative to the repository root, `/`-separated (the new path for renames). */
  path: string;
  /** Path at the base, for renames and copies. */
  oldPath?: string;
  /** Rename/copy similarity in percent, as git reports it. */
  similarity?: number;
}

const STATUS: Record<string, ChangeStatus> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
};

/** Parses `git diff --name-status -z` output (NUL-separated, so any file name survives). */
export function parseNameStatus(out: string): FileChange[] {
  const parts = out.split('\0');
  const changes: FileChange[] = [];
  for (let i = 0; i < parts.length;) {
    const code = parts[i++];
    if (!code) continue;
    const letter = code[0];
    const status = STATUS[letter];
    if (!status) {
      i++; // unmerged (U) or unknown (X): skip its path
      continue;
    }
    if (letter === 'R' || letter === 'C') {
      const oldPath = parts[i++];
      const path = parts[i++];
      changes.push({ status, path, oldPath, similarity: Number(code.slice(1)) || undefined });
    } else changes.push({ status, path: parts[i++] });
  }
  return changes;
}

/**
 * Files that differ between `base` and the working tree, renames detected (`-M`), limited to
 * `pathspecs` (repository-relative; empty = everything), plus untracked files that are not ignored.
 */
export async function changedFiles(root: string, base: string, pathspecs: readonly string[] = []): Promise<FileChange[]> {
  const spec = pathspecs.length ? ['--', ...pathspecs] : ['--'];
  const [diff, untracked] = await Promise.all([
    runGit(root, ['-c', 'core.quotepath=off', 'diff', '--name-status', '-z', '-M', '--no-ext-diff', base, ...spec]),
    runGit(root, ['ls-files', '--others', '--exclude-standard', '-z', ...spec]),
  ]);
  const changes = parseNameStatus(diff.toString('utf8'));
  const known = new Set(changes.map((c) => c.path));
  for (const p of untracked.toString('utf8').split('\0')) if (p && !known.has(p)) changes.push({ status: 'untracked', path: p });
  return changes;
}

/**
 * Reads `rev:path` for many paths with one `git cat-file --batch` process (paths on stdin, so
 * nothing is parsed by a shell). Missing objects map to undefined; a blob over `maxBytes` maps to its
 * size and is never held: the output is parsed as it streams, and its bytes are skipped (a 200 MB base
 * version used to be read whole, then skipped as too large).
 */
export function readBlobs(
  root: string,
  rev: string,
  paths: readonly string[],
  maxBytes = Infinity,
): Promise<Map<string, Buffer | number | undefined>> {
  const result = new Map<string, Buffer | number | undefined>();
  const unique = [...new Set(paths)];
  if (!unique.length || rev === EMPTY_TREE) {
    for (const p of unique) result.set(p, undefined);
    return Promise.resolve(result);
  }
  checkRefSyntax(rev);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: root, env: gitEnv(), windowsHide: true });
    const parser = new CatFileBatchParser(unique, result, maxBytes);
    let stderr = '';
    let failed: unknown;
    child.stdout.on('data', (c: Buffer) => {
      if (failed) return;
      try {
        parser.push(c);
      } catch (err) {
        failed = err;
        child.kill();
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', (err) =>
      reject(new GitError((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed or not on PATH' : err.message)),
    );
    child.on('close', (code) => {
      if (failed) return reject(failed);
      if (code !== 0) return reject(new GitError(stderr.trim().split('\n')[0] || `git cat-file exited with ${code}`, code ?? undefined));
      if (!parser.done) return reject(new GitError('git cat-file: truncated output'));
      resolve(result);
    });
    // A path with a newline cannot be asked through --batch; it reads as missing.
    for (const p of unique) child.stdin.write(/\n/.test(p) ? `${rev}:\n` : `${rev}:${p}\n`);
    child.stdin.end();
  });
}

/**
 * `<oid> <type> <size>\n<bytes>\n` per found object, `<name> missing\n` (or `ambiguous`) otherwise, parsed
 * chunk by chunk: a kept blob is copied once into its own buffer, an oversized one only counted past.
 */
class CatFileBatchParser {
  private next = 0; // index of the path whose answer comes next
  private header: Buffer[] = [];
  private headerBytes = 0;
  private body: { buf: Buffer | undefined; size: number; filled: number } | undefined;

  constructor(
    private readonly paths: readonly string[],
    private readonly into: Map<string, Buffer | number | undefined>,
    private readonly maxBytes: number,
  ) {}

  get done(): boolean {
    return this.next >= this.paths.length && !this.body;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.body) {
        // the blob's bytes, then its terminating newline (size + 1 in all)
        const take = Math.min(chunk.length - pos, this.body.size + 1 - this.body.filled);
        if (this.body.buf) chunk.copy(this.body.buf, this.body.filled, pos, pos + Math.min(take, this.body.size - this.body.filled));
        this.body.filled += take;
        pos += take;
        if (this.body.filled === this.body.size + 1) this.body = undefined;
        continue;
      }
      if (this.next >= this.paths.length) throw new GitError('git cat-file: unexpected output');
      const nl = chunk.indexOf(10, pos);
      const end = nl < 0 ? chunk.length : nl;
      this.header.push(chunk.subarray(pos, end));
      this.headerBytes += end - pos;
      if (this.headerBytes > 4096) throw new GitError('git cat-file: a header line longer than 4 KB');
      pos = end;
      if (nl < 0) break;
      pos++;
      this.onHeader(Buffer.concat(this.header).toString('utf8'));
      this.header = [];
      this.headerBytes = 0;
    }
  }

  private onHeader(line: string): void {
    const p = this.paths[this.next++];
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(line);
    if (!m) return void this.into.set(p, undefined);
    const size = Number(m[2]);
    // a tree or commit answer is skipped like an oversized blob; a blob within the cap gets its own buffer
    const buf = m[1] === 'blob' && size <= this.maxBytes ? Buffer.allocUnsafe(size) : undefined;
    this.into.set(p, buf ?? (m[1] === 'blob' ? size : undefined));
    this.body = { buf, size, filled: 0 };
  }
}

/** Tracked and untracked (not ignored) files under `pathspecs`, repository-relative, without reading them. */
export async function listFiles(root: string, pathspecs: readonly string[] = []): Promise<string[]> {
  const out = await runGit(root, [
    '-c',
    'core.quotepath=off',
    'ls-files',
    '-z',
    '--cached',
    '--others',
    '--exclude-standard',
    '--',
    ...pathspecs,
  ]);
  return [...new Set(out.toString('utf8').split('\0').filter(Boolean))];
}
