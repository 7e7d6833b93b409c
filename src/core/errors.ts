// How every message reads a caught value: `catch (err)` gives `unknown` — an Error, a Node errno
// error, a plain object posted back by a worker, a string, or undefined — and a message must come
// out of each without throwing a second time.

/** What the common file-system errors mean, in words (the raw code is for programs, not people). */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links (a loop?)',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'input/output error',
  EBUSY: 'the file is busy',
  ENXIO: 'no such device',
  EAGAIN: 'the file is not ready to be read (try again)',
  ETIMEDOUT: 'the read timed out',
};

/** A Node errno error in words: `no such file or folder` for ENOENT; for another code, Node's own description. */
function errnoText(code: string, message: unknown): string {
  if (Object.prototype.hasOwnProperty.call(ERRNO_WORDS, code)) return ERRNO_WORDS[code];
  // Node: "<CODE>: <what>, <syscall> '<path>'" — keep <what>.
  const m = typeof message === 'string' && message.startsWith(`${code}: `) ? /^[^:]+: ([^,]+)/.exec(message) : null;
  return m ? m[1] : code;
}

/**
 * The text of a caught value. `'message'` (default): an Error's (or error-like object's) message;
 * `'code'`: for "cannot read X: …", a Node errno error in words (`no such file or folder`, never a raw
 * `ENOENT`), else the message; `'stack'`: the stack when there is one, else the message — for the log.
 */
export function errorText(err: unknown, detail: 'message' | 'code' | 'stack' = 'message'): string {
  if (err === undefined || err === null) return 'unknown error';
  if (typeof err === 'object' || typeof err === 'function') {
    const e = err as { code?: unknown; stack?: unknown; message?: unknown };
    if (detail === 'code' && typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code)) return errnoText(e.code, e.message);
    if (detail === 'stack' && typeof e.stack === 'string' && e.stack) return e.stack;
    if (typeof e.message === 'string') return e.message;
  }
  try {
    return String(err);
  } catch {
    return typeof err; // an object whose toString is not a function, or throws
  }
}
