// URLs as we show and store them: never with a password. A base URL may be written
// `https://user:secret@proxy.example/v1`; every message, JSON answer and ledger entry shows it as
// `https://user:***@proxy.example/v1` (or without the user part where only the place matters).

export interface DisplayUrlOptions {
  /** Keep the user name, with the password as `***` (to say *which* part of the URL is wrong). */
  keepUser?: boolean;
}

/** The URL as shown in messages: scheme, host and path only (no user:password@, no query such as `?key=`). */
export function displayUrl(url: string | URL, options: DisplayUrlOptions = {}): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    const user = options.keepUser && (u.username || u.password) ? `${u.username}:***@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '(invalid URL)';
  }
}

// scheme://user:password@ — the scheme is bounded, so the search stays linear on any text
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s/?#@:]*)(:[^\s/?#@]*)?@/gi;

/**
 * Replaces the password of every `scheme://user:password@` in `text` with `***`; a user part without
 * a password (`https://TOKEN@host`, how tokens are often put in URLs) is replaced whole.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_m, scheme: string, user: string, password: string | undefined) =>
    password !== undefined && user ? `${scheme}${user}:***@` : `${scheme}***@`,
  );
}
