// Reading a file named by a user, a config or a repository, bounded: only a regular file, only up to
// a size limit. A FIFO, socket or device (`/dev/zero`, a named pipe nobody writes to) would otherwise
// block the read forever or never end, and a 1 GB file would be read whole into memory.
import * as fs from 'node:fs';
import { errorText } from './errors';
import { formatBytes } from './format';

/** Prompt files, flujo.toml, prompt-cost.json: bigger than this is not a hand-written text file. */
export const MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024;

export type FileProblem = 'missing' | 'not-regular' | 'too-large' | 'unreadable';

/** Why a file was not read; `message` is one line that names the file. */
export class FileReadError extends Error {
  constructor(
    readonly problem: FileProblem,
    message: string,
  ) {
    super(message);
  }
}

/** What a non-regular file is, for messages ("a FIFO (named pipe)"). */
export function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'a regular file';
}

/**
 * Throws FileReadError unless `file` (followed through symlinks) is a regular file of at most
 * `maxBytes` (no limit when undefined). Checked with stat, so nothing is opened: a FIFO is never
 * touched. Returns the stat.
 */
export function assertRegularFile(file: string, label = file, maxBytes?: number): fs.Stats {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileReadError(code === 'ENOENT' ? 'missing' : 'unreadable', `cannot read ${label}: ${errorText(err, 'code')}`);
  }
  if (!st.isFile()) throw new FileReadError('not-regular', `${label} is ${fileKind(st)}, not a regular file; not read`);
  if (maxBytes !== undefined && st.size > maxBytes) throw tooLarge(label, st.size, maxBytes);
  return st;
}

function tooLarge(label: string, size: number | undefined, maxBytes: number): FileReadError {
  return new FileReadError(
    'too-large',
    `${label}${size === undefined ? '' : ` (${formatBytes(size)})`} is larger than the ${formatBytes(maxBytes)} limit for input files; not read`,
  );
}

/**
 * The bytes of the regular file `file`, at most `maxBytes` of them, else a FileReadError. The type is
 * checked before opening (stat) and again on the open descriptor (fstat), which is opened
 * non-blocking: a file swapped for a FIFO in between cannot hang the open. A file that grows past the
 * limit while being read is refused too.
 */
export function readRegularFileSync(file: string, maxBytes = MAX_TEXT_FILE_BYTES, label = file): Buffer {
  assertRegularFile(file, label, maxBytes);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new FileReadError('unreadable', `cannot read ${label}: ${errorText(err, 'code')}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new FileReadError('not-regular', `${label} is ${fileKind(st)}, not a regular file; not read`);
    if (st.size > maxBytes) throw tooLarge(label, st.size, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(st.size - total + 1, 1 << 16), maxBytes + 1 - total, 1 << 20));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw tooLarge(label, undefined, maxBytes);
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    throw new FileReadError('unreadable', `cannot read ${label}: ${errorText(err, 'code')}`);
  } finally {
    fs.closeSync(fd);
  }
}
