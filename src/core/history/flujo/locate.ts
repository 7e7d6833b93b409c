// Where a Flujo project keeps its runs, resolved exactly as Flujo 0.6.11's CLI does
// (aandresalvarez/flujo flujo/cli/config.py `load_backend_from_config`, flujo/infra/config_manager.py
// `ConfigManager.get_state_uri`, flujo/state/sqlite_uri.py `normalize_sqlite_path`): a SQLite file,
// a PostgreSQL server, memory (nothing kept), or a URI Flujo rejects.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { redactPostgresUri } from './postgres';

/** The files a live view should watch: the database and its WAL. */
export function flujoWatchFiles(dbPath: string): string[] {
  return [dbPath, `${dbPath}-wal`];
}

/**
 * The database file Flujo opens for `state_uri`, resolved as Flujo 0.6.11 does
 * (aandresalvarez/flujo flujo/state/sqlite_uri.py `normalize_sqlite_path`, called from
 * flujo/cli/config.py and flujo/application/core/runtime/factories.py with the flujo.toml folder):
 * only a `sqlite*` scheme names a file (`postgres://`, `memory://` and a bare path do not: Flujo
 * uses Postgres, memory, or rejects it as "Unsupported backend URI"). Parsed as Python's urlparse:
 * `sqlite:///rel.db` and `sqlite:rel.db` are relative to the flujo.toml folder, `sqlite:////abs.db`
 * is absolute, `sqlite://dir/x.db` (netloc form) is `dir/x.db` relative unless absolute; query and
 * fragment are dropped; an empty path is Flujo's "Malformed SQLite URI" (undefined here).
 */
export function sqlitePathFromStateUri(stateUri: string, configDir: string): string | undefined {
  const uri = stateUri.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  if (!scheme || !scheme[1].toLowerCase().startsWith('sqlite')) return undefined;
  let rest = uri.slice(scheme[0].length).split('#')[0].split('?')[0];
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
  }
  if (netloc) {
    const p = netloc + rest;
    return path.isAbsolute(p) ? path.resolve(p) : path.resolve(configDir, p);
  }
  if (!rest.trim()) return undefined;
  if (rest.startsWith('//')) return path.resolve(rest.slice(1));
  const clean = rest.startsWith('/') ? rest.slice(1) : rest;
  return path.isAbsolute(clean) ? path.resolve(clean) : path.resolve(configDir, clean);
}

/** What Flujo would use for its state, and why. `from` says which setting decided it. */
export type FlujoStateLocation =
  | { kind: 'sqlite'; uri: string; path: string; from: FlujoStateSource }
  | { kind: 'postgres'; uri: string; from: FlujoStateSource }
  | { kind: 'memory'; why: string; from: FlujoStateSource }
  /** The `flujo` CLI exits 1 with `message` (Flujo's own text). */
  | { kind: 'unsupported'; uri: string; message: string; from: FlujoStateSource };

export type FlujoStateSource =
  'FLUJO_STATE_URI' | 'FLUJO_TEST_STATE_DIR' | 'FLUJO_STATE_MODE' | 'FLUJO_EPHEMERAL_STATE' | 'state_uri' | 'default';

const TRUTHY = new Set(['1', 'true', 'yes', 'on']);
const MEMORY_URIS = new Set(['memory', 'memory://', 'mem://', 'inmemory://']);
// Python's urlsplit strips leading C0 controls and spaces before it reads the scheme (urllib/parse.py).
const stripLeadingC0 = (s: string): string => {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) <= 0x20) i++;
  return s.slice(i);
};

/** urlparse(uri).scheme as Python computes it: letters first, then letters, digits, `+-.`; lower-cased. */
export function pythonUrlScheme(uri: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(stripLeadingC0(uri).replace(/[\t\r\n]/g, ''));
  return m ? m[1].toLowerCase() : '';
}

/**
 * Flujo's choice of state backend for a project. `configDir` is the folder of the flujo.toml Flujo finds
 * (undefined: none, then Flujo works in `cwd`); `stateUri` its `state_uri`; `cwd` where `flujo` runs (the
 * editor has no such thing and passes the flujo.toml folder). The order is Flujo's:
 * 1. `FLUJO_STATE_URI` (stripped; a relative SQLite path then resolves against `cwd`, not the flujo.toml folder);
 * 2. `FLUJO_STATE_MODE=memory|ephemeral`, `FLUJO_EPHEMERAL_STATE=1|true|yes|on` or a `memory://` URI: memory;
 * 3. `FLUJO_TEST_MODE` with `FLUJO_TEST_STATE_DIR`: `sqlite:///<dir>/flujo_ops.db`;
 * 4. `state_uri` from flujo.toml, else `sqlite:///flujo_ops.db`;
 * then the scheme: `postgres`/`postgresql` → PostgreSQL, `sqlite*` → a file, anything else (a bare `state.db`)
 * → "Unsupported backend URI".
 */
export function resolveFlujoState(options: {
  configDir?: string;
  stateUri?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): FlujoStateLocation {
  const env = options.env ?? {};
  const configDir = options.configDir ?? options.cwd ?? process.cwd();
  const cwd = options.cwd ?? configDir;
  const envUri = (env.FLUJO_STATE_URI ?? '').trim();
  let uri: string | undefined;
  let from: FlujoStateSource;
  if (envUri) [uri, from] = [envUri, 'FLUJO_STATE_URI'];
  else if (env.FLUJO_STATE_URI)
    [uri, from] = [env.FLUJO_STATE_URI, 'FLUJO_STATE_URI']; // get_state_uri: unstripped
  else if (TRUTHY.has((env.FLUJO_TEST_MODE ?? '').trim().toLowerCase()) && (env.FLUJO_TEST_STATE_DIR ?? '').trim())
    [uri, from] = [`sqlite:///${path.posix.join((env.FLUJO_TEST_STATE_DIR ?? '').trim(), 'flujo_ops.db')}`, 'FLUJO_TEST_STATE_DIR'];
  else if (options.stateUri !== undefined) [uri, from] = [options.stateUri, 'state_uri'];
  else from = 'default';
  const mode = (env.FLUJO_STATE_MODE ?? '').trim().toLowerCase();
  if (mode === 'memory' || mode === 'ephemeral') return { kind: 'memory', why: `FLUJO_STATE_MODE=${mode}`, from: 'FLUJO_STATE_MODE' };
  if (TRUTHY.has((env.FLUJO_EPHEMERAL_STATE ?? '').trim().toLowerCase()))
    return { kind: 'memory', why: 'FLUJO_EPHEMERAL_STATE is set', from: 'FLUJO_EPHEMERAL_STATE' };
  if (uri !== undefined && MEMORY_URIS.has(uri.trim().toLowerCase())) return { kind: 'memory', why: `state URI ${uri.trim()}`, from };
  uri ??= 'sqlite:///flujo_ops.db';
  const scheme = pythonUrlScheme(uri);
  if (scheme === 'postgres' || scheme === 'postgresql') return { kind: 'postgres', uri, from };
  if (scheme.startsWith('sqlite')) {
    const p = sqlitePathFromStateUri(uri, from === 'FLUJO_STATE_URI' ? cwd : configDir);
    if (p === undefined)
      return {
        kind: 'unsupported',
        uri,
        from,
        message: "Malformed SQLite URI: empty path. Use 'sqlite:///file.db' or 'sqlite:////abs/path.db'.",
      };
    return { kind: 'sqlite', uri, path: p, from };
  }
  // Flujo's own words (flujo/cli/config.py), with a password in the URI shown as *** (a view and the CLI print it).
  return { kind: 'unsupported', uri, from, message: `Unsupported backend URI: ${redactPostgresUri(uri)}` };
}

/**
 * The state databases to look for, first existing wins: the one Flujo uses (resolveFlujoState); when
 * nothing names one, also `.flujo/state.db` (what `flujo init` creates). A PostgreSQL, memory or rejected
 * URI names no file: no stale `flujo_ops.db` next to flujo.toml is read instead.
 */
export function flujoStateDbCandidates(configDir: string, stateUri?: string, env: NodeJS.ProcessEnv = {}, cwd?: string): string[] {
  const where = resolveFlujoState({ configDir, stateUri, env, cwd });
  if (where.kind !== 'sqlite') return [];
  if (where.from !== 'default') return [where.path];
  return [where.path, path.join(configDir, '.flujo', 'state.db')];
}

export function findFlujoStateDb(configDir: string, stateUri?: string, env: NodeJS.ProcessEnv = {}, cwd?: string): string | undefined {
  return flujoStateDbCandidates(configDir, stateUri, env, cwd).find((p) => fs.existsSync(p));
}
