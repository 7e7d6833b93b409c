// `node:fs` for the browser bundle (scripts/build.mjs aliases it here). A web extension host has no
// disk: files come through `vscode.workspace.fs`, asynchronously. The synchronous readers in the core
// (encoding tables, vocabularies) read from an in-memory set the web adapter fills (`provideFile`);
// a file under a lazy root that was not fetched yet throws `FileNotLoadedError`, which the adapter
// answers by fetching it and running the computation again. Every other call fails with a clear
// "not available in the browser" error (code ENOTSUP), never a crash at import time.

const files = new Map<string, Uint8Array>();
const lazyRoots: string[] = [];

/** Thrown by a synchronous read of a file that exists but was not fetched yet (see the header). */
export class FileNotLoadedError extends Error {
  readonly code = 'ENOTLOADED';
  constructor(readonly path: string) {
    super(`${path} is not loaded yet`);
    this.name = 'FileNotLoadedError';
  }
}

function notAvailable(what: string): Error {
  return Object.assign(new Error(`${what} is not available in the browser`), { code: 'ENOTSUP' });
}

/** Makes `path` readable by the synchronous calls below. */
export function provideFile(path: string, bytes: Uint8Array): void {
  files.set(path, bytes);
}

/** Files under `dir` exist (they ship with the extension) and are fetched on first read. */
export function addLazyRoot(dir: string): void {
  lazyRoots.push(dir.endsWith('/') ? dir : `${dir}/`);
}

const isLazy = (path: string) => lazyRoots.some((r) => path.startsWith(r));

export function existsSync(path: string): boolean {
  return files.has(path) || isLazy(path);
}

export function readFileSync(path: string, encoding?: string | { encoding?: string }): Uint8Array | string {
  const bytes = files.get(path);
  if (!bytes) throw isLazy(path) ? new FileNotLoadedError(path) : notAvailable(`reading ${path}`);
  const enc = typeof encoding === 'string' ? encoding : encoding?.encoding;
  return enc ? new TextDecoder().decode(bytes) : bytes;
}

const fail =
  (name: string) =>
  (..._args: unknown[]): never => {
    throw notAvailable(`fs.${name}`);
  };
const reject =
  (name: string) =>
  (..._args: unknown[]): Promise<never> =>
    Promise.reject(notAvailable(`fs.promises.${name}`));
const callbackFail =
  (name: string) =>
  (...args: unknown[]): void => {
    const cb = args[args.length - 1];
    if (typeof cb === 'function') queueMicrotask(() => (cb as (e: Error) => void)(notAvailable(`fs.${name}`)));
  };

export const statSync = fail('statSync');
export const lstatSync = fail('lstatSync');
export const fstatSync = fail('fstatSync');
export const openSync = fail('openSync');
export const closeSync = fail('closeSync');
export const readSync = fail('readSync');
export const writeSync = fail('writeSync');
export const fsyncSync = fail('fsyncSync');
export const readdirSync = fail('readdirSync');
export const readlinkSync = fail('readlinkSync');
export const mkdirSync = fail('mkdirSync');
export const rmSync = fail('rmSync');
export const renameSync = fail('renameSync');
export const writeFileSync = fail('writeFileSync');
export const createReadStream = fail('createReadStream');
export const realpathSync = Object.assign(fail('realpathSync'), { native: fail('realpathSync.native') });
export const readFile = callbackFail('readFile');
export const writeFile = callbackFail('writeFile');
export const stat = callbackFail('stat');
export const constants = { O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_CREAT: 64, O_EXCL: 128, O_APPEND: 1024, O_NOFOLLOW: 131072 };
export const promises = {
  open: reject('open'),
  readFile: reject('readFile'),
  writeFile: reject('writeFile'),
  lstat: reject('lstat'),
  stat: reject('stat'),
  rm: reject('rm'),
  rename: reject('rename'),
  mkdir: reject('mkdir'),
  link: reject('link'),
  readdir: reject('readdir'),
};
export class Stats {}
export class Dirent {}
