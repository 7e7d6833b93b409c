// Flujo in VS Code for the Web: the workspace folder's flujo.toml ([budgets], state_uri) and the runs of its SQLite
// state database, read through vscode.workspace.fs — the database and its -wal whole (a web extension has no
// random access to files), the WAL replayed and the image read by sql.js as on the desktop (core/history). The
// WebAssembly is the extension's own dist/sql-wasm.wasm, fetched on first use (features/platform.ts). Only a
// database inside the workspace folder can be read; PostgreSQL needs TCP, which a browser does not have.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FlujoHistoryConfig } from '../../core/flujo/historyConfig';
import { errorText } from '../../core/errors';
import { formatBytes } from '../../core/format';
import { notInBrowser, provideExtensionFile } from '../platform';
import type { Services } from '../services';
import type { FlujoSource } from './store';

/**
 * A browser reads the database and its WAL into memory whole (the desktop reads up to 512 MiB page by page):
 * a bigger state database is left to the desktop, with a notice.
 */
export const BROWSER_MAX_DB_BYTES = 64 * 1024 * 1024;

type History = typeof import('../../core/history');

let sqlWasm: Promise<void> | undefined;
/** sql.js's WebAssembly from the extension's own files, fetched once (setSqlWasmPath restarts sql.js). */
function useBrowserSqlWasm(services: Services, history: History): Promise<void> {
  sqlWasm ??= provideExtensionFile(services.context, 'dist/sql-wasm.wasm').then((p) => history.setSqlWasmPath(p));
  sqlWasm.catch(() => (sqlWasm = undefined));
  return sqlWasm;
}

/** [budgets] as the desktop reads them (store.ts): none applied when flujo.toml does not load (Flujo's runner). */
export function applyBudgets(src: FlujoSource, config: FlujoHistoryConfig, history: History): void {
  if (config.budgets !== undefined && config.loadError) {
    // flujo/application/runner.py:267-283: Flujo applies no TOML budget when flujo.toml does not load.
    src.budgets = { pipeline: {} };
    src.budgetProblems = [`Flujo cannot load flujo.toml (${config.loadError}), so it applies none of its budgets`];
  } else if (config.budgets !== undefined) {
    const b = history.budgetsFromToml(config.budgets);
    src.budgets = b.budgets;
    src.budgetProblems = b.problems;
  }
}

async function readOptional(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
    throw err;
  }
}

async function isFile(uri: vscode.Uri): Promise<vscode.FileStat | undefined> {
  try {
    const st = await vscode.workspace.fs.stat(uri);
    return st.type & vscode.FileType.File ? st : undefined;
  } catch {
    return undefined;
  }
}

/** The folder's flujo.toml → budgets and the runs of its state database; undefined when there is no flujo.toml. */
export async function browserFlujoSource(
  services: Services,
  folder: vscode.Uri,
  readConfig: (uri: vscode.Uri) => Promise<FlujoHistoryConfig>,
  previous?: FlujoSource,
): Promise<FlujoSource | undefined> {
  const configUri = (await services.pricing.forDocument(folder)).flujo?.uri;
  if (!configUri) return undefined;
  const history = await import('../../core/history');
  const src: FlujoSource = { config: configUri.toString(true), candidates: [], budgetProblems: [], live: [], warnings: [] };
  let stateUri: string | undefined;
  try {
    const config = await readConfig(configUri);
    stateUri = config.stateUri;
    applyBudgets(src, config, history);
  } catch (err) {
    src.error = `flujo.toml: ${errorText(err).split('\n')[0]}`;
    src.budgets = previous?.budgets;
    src.budgetProblems = previous?.budgetProblems ?? [];
  }
  // state_uri is the repository's choice of a path: followed only in a trusted workspace (as on the desktop).
  const trusted = services.trust.isTrusted;
  const where = history.resolveFlujoState({ configDir: path.dirname(configUri.path), stateUri: trusted ? stateUri : undefined, env: {} });
  if (where.kind === 'postgres') src.notice = notInBrowser('Reading Flujo runs from PostgreSQL');
  const all = history.flujoStateDbCandidates(path.dirname(configUri.path), trusted ? stateUri : undefined, {});
  const inside = (p: string) => p === folder.path || p.startsWith(`${folder.path.replace(/\/$/, '')}/`);
  src.candidates = all.filter(inside);
  if (all.length > src.candidates.length)
    src.notice ??= notInBrowser(`Reading a Flujo state database outside the workspace folder (${all.find((p) => !inside(p))})`);
  if (!trusted && stateUri !== undefined)
    src.notice ??= `state_uri in flujo.toml (${history.redactPostgresUri(stateUri)}) is not read because this workspace is not trusted (Workspace Trust).`;
  for (const candidate of src.candidates) {
    const dbUri = folder.with({ path: candidate });
    const st = await isFile(dbUri);
    if (!st) continue;
    src.db = dbUri.toString(true);
    if (st.size > BROWSER_MAX_DB_BYTES) {
      src.notice = `${path.basename(candidate)} is ${formatBytes(st.size)}: VS Code for the Web reads Flujo state databases up to ${formatBytes(BROWSER_MAX_DB_BYTES)}; open the folder in VS Code desktop for its runs.`;
      break;
    }
    try {
      await useBrowserSqlWasm(services, history);
      const db = await vscode.workspace.fs.readFile(dbUri);
      const wal = await readOptional(folder.with({ path: `${candidate}-wal` }));
      const snap = history.replayWal(db, wal, `${path.basename(candidate)}-wal`, { owned: true });
      const read = await history.readFlujoRunsFromSnapshot(src.db, snap);
      src.live = read.runs.map(history.flujoRunToRecord);
      src.warnings = read.warnings;
    } catch (err) {
      // A database caught mid-write: keep the last good runs; the next change re-reads it.
      src.error = errorText(err);
      src.live = previous?.live ?? [];
      services.log.warn(`Flujo runs: ${src.error}`);
    }
    break;
  }
  return src;
}

/** Watch patterns for a candidate database and its -wal inside `folder`. */
export function browserDbPattern(folder: vscode.Uri, candidate: string): vscode.RelativePattern {
  const rel = path.relative(folder.path, path.dirname(candidate));
  const base = path.basename(candidate);
  return new vscode.RelativePattern(folder, `${rel ? `${rel}/` : ''}{${base},${base}-wal}`);
}
