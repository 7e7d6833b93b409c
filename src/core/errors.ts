// How every message reads a caught value: `catch (err)` gives `unknown` — an Error, a Node errno
// error, a plain object posted back by a worker, a string, or undefined — and a message must come
// out of each without throwing a second time.

/**
 * The text of a caught value. `'message'` (default): an Error's (or error-like object's) message;
 * `'code'`: a Node errno code (`ENOENT`) when there is one, else the message — for "cannot read X: …";
 * `'stack'`: the stack when there is one, else the message — for the log.
 */
export function errorText(err: unknown, detail: 'message' | 'code' | 'stack' = 'message'): string {
  if (err === undefined || err === null) return 'unknown error';
  if (typeof err === 'object' || typeof err === 'function') {
    const e = err as { code?: unknown; stack?: unknown; message?: unknown };
    if (detail === 'code' && typeof e.code === 'string' && e.code) return e.code;
    if (detail === 'stack' && typeof e.stack === 'string' && e.stack) return e.stack;
    if (typeof e.message === 'string') return e.message;
  }
  try {
    return String(err);
  } catch {
    return typeof err; // an object whose toString is not a function, or throws
  }
}
