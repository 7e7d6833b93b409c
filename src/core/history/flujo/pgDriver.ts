// Everything PostgreSQL needs from npm, in one module: the `pg` client (node-postgres, pure JavaScript),
// its URI parser and its password-file reader. Bundled on its own as dist/pg.js (scripts/build.mjs) and
// loaded with `await import('./pgDriver')` only when a Flujo PostgreSQL state is read, so the extension
// and the CLI start without it.
import * as pg from 'pg';
import { parse } from 'pg-connection-string';

export const Client = pg.Client;
export type { ClientConfig } from 'pg';
export const parseConnectionString = parse;

/** pgpass/lib/helper.js: the `.pgpass` matching and permission checks node-postgres itself uses. */
export interface PgPassHelper {
  usePgPass(stat: import('node:fs').Stats, file: string): boolean;
  getPassword(conn: object, stream: NodeJS.ReadableStream, cb: (pass: string | undefined) => void): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const pgPassHelper = require('pgpass/lib/helper.js') as PgPassHelper;
