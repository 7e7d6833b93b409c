// Flujo run import: where Flujo keeps its state (locate), how each column value is read (values), the
// readers of its SQLite file (read) and PostgreSQL server (postgres, followed live by follow), and the
// ledger import (import).
export * from './model';
export * from './locate';
export { flujoTime } from './values';
export { FlujoRunAssembler } from './assemble';
export type { LocatedRow } from './assemble';
export * from './read';
export * from './import';
export * from './postgres';
export * from './follow';
