// `node:path` for the browser bundle (scripts/build.mjs aliases it here): POSIX paths only, the only
// kind a web extension host has (workspace and extension URIs have `/`-separated paths). The semantics
// follow Node's own posix implementation (nodejs/node lib/path.js, `posix`): `.`/`..` segments resolved,
// repeated slashes collapsed, a trailing slash dropped; relative paths resolve against `/`.

export const sep = '/';
export const delimiter = ':';

function normalizeSegments(p: string, absolute: boolean): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(seg);
  }
  return out.join('/');
}

export function isAbsolute(p: string): boolean {
  return p.startsWith('/');
}

export function normalize(p: string): string {
  if (p === '') return '.';
  const abs = isAbsolute(p);
  const trailing = p.endsWith('/');
  const body = normalizeSegments(p, abs);
  if (body === '') return abs ? '/' : trailing ? './' : '.';
  return `${abs ? '/' : ''}${body}${trailing ? '/' : ''}`;
}

export function join(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  return joined === '' ? '.' : normalize(joined);
}

export function resolve(...parts: string[]): string {
  let resolved = '';
  for (let i = parts.length - 1; i >= 0 && !isAbsolute(resolved); i--) {
    if (parts[i]) resolved = resolved ? `${parts[i]}/${resolved}` : parts[i];
  }
  return `/${normalizeSegments(resolved, true)}`;
}

export function dirname(p: string): string {
  if (p === '') return '.';
  const hasRoot = p.startsWith('/');
  let end = -1;
  let matchedSlash = true;
  for (let i = p.length - 1; i >= 1; --i) {
    if (p[i] === '/') {
      if (!matchedSlash) {
        end = i;
        break;
      }
    } else matchedSlash = false;
  }
  if (end === -1) return hasRoot ? '/' : '.';
  if (hasRoot && end === 1) return '//'; // Node keeps a leading '//' (POSIX leaves its meaning to the system)
  return p.slice(0, end);
}

export function basename(p: string, ext?: string): string {
  const trimmed = p.replace(/\/+$/, '');
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return ext && base !== ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
}

export function extname(p: string): string {
  const base = basename(p);
  const dot = base.lastIndexOf('.');
  // '.hidden' and '..' have no extension (a dot at the start, or only dots before it).
  return dot <= 0 || /^\.+$/.test(base) ? '' : base.slice(dot);
}

export function relative(from: string, to: string): string {
  const a = resolve(from).split('/').filter(Boolean);
  const b = resolve(to).split('/').filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}

export function parse(p: string): { root: string; dir: string; base: string; ext: string; name: string } {
  const base = basename(p);
  const ext = extname(p);
  return {
    root: isAbsolute(p) ? '/' : '',
    dir: p.includes('/') ? dirname(p) : '',
    base,
    ext,
    name: ext ? base.slice(0, -ext.length) : base,
  };
}

export function toNamespacedPath(p: string): string {
  return p;
}

const posixPath = { sep, delimiter, isAbsolute, normalize, join, resolve, dirname, basename, extname, relative, parse, toNamespacedPath };
export const posix = posixPath;
/** The browser has no Windows paths: `path.win32` answers as POSIX (only used for labels there). */
export const win32 = posixPath;
export default { ...posixPath, posix: posixPath, win32: posixPath };
