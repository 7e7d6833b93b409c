// Writing files that a cloned repository can shape. A repository can commit a symbolic link where we
// write (`.prompt-cost/runs.jsonl` → `~/.bashrc`, `prompt-cost.sarif` → any file), or a symlinked
// folder (`.prompt-cost` → `../..`). So every write we make:
// - never follows a symlink in the final component (lstat first, O_NOFOLLOW on open, and a whole-file
//   write goes to a fresh temp file in the same folder that is renamed over the target: rename
//   replaces a link, it never writes through it);
// - when the path lies inside the workspace/repository `root` as written, requires its folder to
//   resolve (realpath) inside `root` too. A path outside `root` as written is one the user chose
//   explicitly (a flag, an absolute setting, a confirmed workspace setting) and is not confined.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolvePhysical } from './confine';
import { fileKind } from './files';

/** 0 where the platform has no O_NOFOLLOW (Windows: symlinks need privileges there). */
export const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** Why a write was refused (a symlink, a non-regular file, a folder that leads out of the workspace). */
export class UnsafeWriteError extends Error {
  readonly code = 'EUNSAFE';
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeWriteError';
  }
}

function inside(folder: string, p: string): boolean {
  const rel = path.relative(folder, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Throws UnsafeWriteError unless `file` may be written: not a symbolic link, not a directory/FIFO/device
 * when it exists, and (when `root` is given and `file` is inside it as written) its folder resolves
 * inside `root`. Nothing is created.
 */
export function checkWriteTarget(file: string, root?: string): void {
  const abs = path.resolve(file);
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(abs);
  } catch {
    st = undefined; // missing: created by the write
  }
  if (st?.isSymbolicLink()) {
    let target = '';
    try {
      target = ` (to ${fs.readlinkSync(abs)})`;
    } catch {
      /* unreadable link: named without its target */
    }
    throw new UnsafeWriteError(
      `${file} is a symbolic link${target}; not written through it (a link committed to a repository could point at any file, such as ~/.bashrc). Remove the link or choose another path.`,
    );
  }
  if (st && !st.isFile()) throw new UnsafeWriteError(`${file} is ${fileKind(st)}, not a regular file; not written`);
  if (root === undefined) return;
  const lexicalRoot = path.resolve(root);
  if (!inside(lexicalRoot, abs)) return; // chosen explicitly, outside the workspace
  const realRoot = resolvePhysical(lexicalRoot);
  const realDir = resolvePhysical(path.dirname(abs));
  if (!inside(realRoot, realDir))
    throw new UnsafeWriteError(
      `${file} is not written: its folder resolves to ${realDir}, outside ${root} (a symbolic link in the path leads out of it)`,
    );
}

/** Maps ELOOP from an O_NOFOLLOW open to the symlink message; other errors pass unchanged. */
export function noFollowError(file: string, err: unknown): unknown {
  if ((err as NodeJS.ErrnoException)?.code === 'ELOOP')
    return new UnsafeWriteError(`${file} is a symbolic link; not written through it. Remove the link or choose another path.`);
  return err;
}

/**
 * Writes `data` as the whole content of `file`: checked (checkWriteTarget), written to a new temp file
 * next to it (O_EXCL | O_NOFOLLOW), flushed, then renamed over `file`. Readers see the old or the new
 * content, never half; a failed write leaves the old file as it was.
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, options: { root?: string; mode?: number } = {}): void {
  checkWriteTarget(file, options.root);
  const abs = path.resolve(file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  // the folder may have been created just now: confinement again, on the real path
  checkWriteTarget(file, options.root);
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, options.mode ?? 0o644);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.byteLength) off += fs.writeSync(fd, buf, off, buf.byteLength - off);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, abs);
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw noFollowError(file, err);
  }
}

/** Errors of the file system that are the machine's state, not a bug: shown as one line, never a stack. */
const FS_CODES = new Set([
  'ENOSPC',
  'EROFS',
  'EACCES',
  'EPERM',
  'EDQUOT',
  'EIO',
  'EISDIR',
  'ENOTDIR',
  'EEXIST',
  'ELOOP',
  'EMFILE',
  'ENFILE',
  'EFBIG',
  'EBUSY',
  'ENOENT',
  'EUNSAFE',
]);

const FS_WORDS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  EFBIG: 'file too large',
};

/** A one-line message for a file-system error (`cannot write X: no space left on the device (ENOSPC)`), or undefined for other errors. */
export function fsErrorLine(err: unknown, action = 'cannot write'): string | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string' || !FS_CODES.has(e.code)) return undefined;
  if (e instanceof UnsafeWriteError) return e.message;
  const words = FS_WORDS[e.code];
  const where = typeof e.path === 'string' ? `${action} ${e.path}: ` : '';
  return `${where}${words ? `${words} (${e.code})` : e.code}`;
}
