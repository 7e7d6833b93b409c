// The PostgreSQL driver's place in the browser bundle (scripts/build.mjs maps ./pgDriver here instead of
// the external dist/pg.js): a web extension host cannot open TCP connections, so reading a Flujo
// state_uri on PostgreSQL fails with "not available in the browser" at its first step.
function notAvailable(): never {
  throw Object.assign(new Error('PostgreSQL is not available in the browser'), { code: 'ENOTSUP' });
}

export const parseConnectionString = notAvailable;

export class Client {
  constructor() {
    notAvailable();
  }
}

export const pgPassHelper = { usePgPass: notAvailable, getPassword: notAvailable };
