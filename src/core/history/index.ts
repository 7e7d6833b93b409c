// Run history: the durable ledger, Flujo state DB import, budgets, and tree/CSV views.
export * from './record';
export * from './ledger';
export * from './group';
export * from './budgets';
export {
  readFlujoRuns,
  readFlujoRunsFromDb,
  readFlujoRunsFromSnapshot,
  FlujoImportError,
  flujoRunToRecord,
  importFlujoRunsToLedger,
  findFlujoStateDb,
  flujoStateDbCandidates,
  flujoWatchFiles,
  sqlitePathFromStateUri,
  resolveFlujoState,
  redactPostgresUri,
  flujoStatusToRunStatus,
} from './flujo/index';
export type { FlujoRun, FlujoStep, FlujoReadResult, ImportResult } from './flujo/index';
export { replayWal, readDatabaseSnapshot, WalSnapshotError, MAX_SNAPSHOT_BYTES } from './wal';
export type { WalReplay } from './wal';
export { setSqlWasmPath } from './sqlite';
