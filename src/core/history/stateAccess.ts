// Which Flujo state databases the editor may read for a workspace folder. `state_uri` in flujo.toml is
// a path chosen by whoever wrote the repository: in a workspace the user has not trusted (Workspace
// Trust) it is not followed at all, and only the default locations inside the folder are read.
import { isInsideFolder } from '../confine';
import { flujoStateDbCandidates, redactPostgresUri, sqlitePathFromStateUri } from './flujo/index';

export interface StateDbAccess {
  /** Databases to look for, first existing wins (already confined when untrusted). */
  candidates: string[];
  /** Why something in flujo.toml was not followed, for the Runs view (undefined: nothing withheld). */
  notice?: string;
}

export function stateDbAccess(options: {
  /** Folder of the flujo.toml in use. */
  configDir: string;
  stateUri?: string;
  env?: NodeJS.ProcessEnv;
  /** The workspace folder whose history this is. */
  workspaceDir: string;
  trusted: boolean;
}): StateDbAccess {
  const { configDir, stateUri, workspaceDir } = options;
  if (options.trusted) return { candidates: flujoStateDbCandidates(configDir, stateUri, options.env ?? {}) };
  // Untrusted: ignore state_uri (and FLUJO_STATE_URI, which the extension host may have inherited),
  // keep only the defaults that resolve inside the workspace folder (symlinks followed).
  const candidates = flujoStateDbCandidates(configDir, undefined, {}).filter((c) => isInsideFolder(workspaceDir, c));
  const named = stateUri === undefined ? undefined : sqlitePathFromStateUri(stateUri, configDir);
  const notice =
    stateUri !== undefined && (named === undefined || !candidates.includes(named))
      ? `state_uri in flujo.toml (${redactPostgresUri(stateUri)}) is not read because this workspace is not trusted (Workspace Trust); trust the workspace to see the runs of that database.`
      : undefined;
  return { candidates, notice };
}
