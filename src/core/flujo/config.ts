// Finding flujo.toml the way Flujo does: an explicit path, then FLUJO_CONFIG_PATH, then flujo.toml in the
// start folder and each of its parents.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ConfigLookup {
  /** Explicit path (CLI --config, the promptCost.flujoConfigPath setting); relative to startDir. */
  explicitPath?: string;
  env?: Record<string, string | undefined>;
  /** Folder to start the parent search from. */
  startDir: string;
  /** Injectable for tests and virtual workspaces. */
  isFile?: (p: string) => boolean;
}

export interface ConfigLocation {
  path: string;
  reason: 'explicit' | 'FLUJO_CONFIG_PATH' | 'search';
}

function defaultIsFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Where Flujo would read its config from; undefined when there is none. An explicit path is returned even if missing (the caller reports it). */
export function findFlujoConfig(lookup: ConfigLookup): ConfigLocation | undefined {
  const isFile = lookup.isFile ?? defaultIsFile;
  if (lookup.explicitPath) return { path: path.resolve(lookup.startDir, lookup.explicitPath), reason: 'explicit' };
  const env = lookup.env?.FLUJO_CONFIG_PATH;
  if (env) return { path: path.resolve(lookup.startDir, env), reason: 'FLUJO_CONFIG_PATH' };
  let dir = path.resolve(lookup.startDir);
  for (let i = 0; i < 256; i++) {
    const candidate = path.join(dir, 'flujo.toml');
    if (isFile(candidate)) return { path: candidate, reason: 'search' };
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/**
 * The folder of the flujo.toml a file belongs to: the nearest folder, from the file's own upwards, that
 * holds one. That is the flujo.toml Flujo reads when the program is run from the file's folder
 * (flujo/infra/config_manager.py `_find_config_file`: cwd, then its parents), so a folder with its own
 * flujo.toml (examples/with-mistakes/) is not governed by the one above it. `dirname` lets the editor use
 * URI paths (posix) while the CLI uses the platform's.
 */
export function owningConfigDir(
  fileDir: string,
  hasConfig: (dir: string) => boolean,
  dirname: (p: string) => string = path.dirname,
): string | undefined {
  let dir = fileDir;
  for (let i = 0; i < 256; i++) {
    if (hasConfig(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
