// A throwaway PostgreSQL server for tests: Debian's `postgresql` package (.ci/run installs it), a cluster
// made by initdb in a temp folder, started with pg_ctl on a free loopback port and stopped (immediate) when
// the test process ends. initdb and postgres refuse to run as root, so as root they run as the `postgres`
// user (runuser). Passwords are required over TCP (scram-sha-256), so the tests exercise real credentials.
// Flujo's schema is created by running its own DDL (test/fixtures/flujo/postgres-schema.sql).
// initdb and pg_ctl start run asynchronously (a VS Code extension host that starts a cluster keeps answering).
// pg_ctl detaches the server (setsid): a test process killed outright cannot stop it, so when PCL_PG_CLUSTERS names
// a folder, each running cluster leaves a file there and the host harness stops what is left (stopRegisteredClusters).
import { spawn, spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PgServer {
  port: number;
  /** Superuser `postgres`, password below; database `postgres`. */
  password: string;
  /** postgresql://postgres:<password>@127.0.0.1:<port>/<db> */
  uri(db?: string, user?: string, password?: string): string;
  /** Runs SQL with psql over the Unix socket (no password), stopping at the first error. */
  psql(sql: string, db?: string): string;
  /** Creates a database with Flujo's v0.6.11 schema in it. */
  createFlujoDb(name: string): void;
  stop(): void;
}

const FIXTURES = [path.resolve(__dirname, '../fixtures/flujo'), path.resolve(__dirname, '../../../test/fixtures/flujo')].find((d) =>
  fs.existsSync(path.join(d, 'postgres-schema.sql')),
);

export function flujoFixture(name: string): string {
  if (!FIXTURES) throw new Error('test/fixtures/flujo not found');
  return path.join(FIXTURES, name);
}

/** The folder with initdb, pg_ctl and postgres: PG_BIN, Debian's /usr/lib/postgresql/<newest>/bin, or PATH. */
function pgBinDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  try {
    const versions = fs
      .readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // not Debian's layout
  }
  candidates.push(...(process.env.PATH ?? '').split(path.delimiter));
  return candidates.find((d) => d && fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl')));
}

function psqlBinary(bin: string): string {
  return fs.existsSync(path.join(bin, 'psql')) ? path.join(bin, 'psql') : 'psql';
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailable(): string | undefined {
  if (!pgBinDir())
    return 'PostgreSQL is not installed (initdb/pg_ctl not found; Debian: apt-get install -y postgresql — .ci/run does this)';
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0)
    return 'running as root and there is no `postgres` user to run the server as (initdb refuses root)';
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Spawned {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

/** spawn to completion without blocking the event loop (bounded: killed after `timeoutMs`). */
function spawnAsync(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<Spawned> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ status: null, stdout, stderr, error });
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** A cluster as the registry records it: enough to stop it from another process. */
interface ClusterRecord {
  dir: string;
  bin: string;
  asRoot: boolean;
}

function stopCluster(c: ClusterRecord): void {
  const args = ['-D', path.join(c.dir, 'data'), '-m', 'immediate', '-w', 'stop'];
  const pgCtl = path.join(c.bin, 'pg_ctl');
  if (fs.existsSync(path.join(c.dir, 'data', 'postmaster.pid')))
    spawnSync(c.asRoot ? 'runuser' : pgCtl, c.asRoot ? ['-u', 'postgres', '--', pgCtl, ...args] : args, { cwd: c.dir, timeout: 60_000 });
  fs.rmSync(c.dir, { recursive: true, force: true });
}

/** The host harness's backstop: stops every cluster still registered in `registry` (a test killed mid-run). */
export function stopRegisteredClusters(registry: string): string[] {
  const stopped: string[] = [];
  for (const name of fs.existsSync(registry) ? fs.readdirSync(registry) : []) {
    const file = path.join(registry, name);
    try {
      const c = JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterRecord;
      stopCluster(c);
      stopped.push(c.dir);
    } catch {
      // not one of ours
    }
    fs.rmSync(file, { force: true });
  }
  return stopped;
}

const servers: PgServer[] = [];
process.on('exit', () => {
  for (const s of servers.splice(0)) s.stop();
});

/** Starts a server; throws with the server's own log when it does not come up. */
export async function startPostgres(): Promise<PgServer> {
  const bin = pgBinDir();
  if (!bin) throw new Error(postgresUnavailable());
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const password = `pw-${Math.random().toString(36).slice(2)}'"\\ $x`; // quoting and escaping exercised
  fs.writeFileSync(path.join(dir, 'pw'), `${password}\n`);
  if (asRoot) {
    fs.chmodSync(dir, 0o700);
    spawnSync('chown', ['-R', 'postgres:postgres', dir]);
  }
  const run = (cmd: string, args: string[], input?: string): SpawnSyncReturns<string> => {
    const [c, a] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    return spawnSync(c, a, { encoding: 'utf8', input, cwd: dir, timeout: 120_000 });
  };
  const must = (r: Spawned | SpawnSyncReturns<string>, what: string) => {
    if (r.status !== 0) {
      const serverLog = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : '';
      throw new Error(`${what} failed (${r.status ?? r.error?.message}): ${r.stderr}${r.stdout}\n${serverLog}`);
    }
    return r.stdout;
  };
  const runAsync = (cmd: string, args: string[]) =>
    asRoot ? spawnAsync('runuser', ['-u', 'postgres', '--', cmd, ...args], dir, 180_000) : spawnAsync(cmd, args, dir, 180_000);
  must(
    await runAsync(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      `--pwfile=${path.join(dir, 'pw')}`,
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]),
    'initdb',
  );
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const record: ClusterRecord = { dir, bin, asRoot };
  const registry = process.env.PCL_PG_CLUSTERS;
  const registered = registry ? path.join(registry, `${path.basename(dir)}.json`) : undefined;
  if (registered) fs.writeFileSync(registered, JSON.stringify(record));
  try {
    must(await runAsync(path.join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', log, '-w', '-t', '120', 'start']), 'pg_ctl start');
  } catch (err) {
    stopCluster(record);
    if (registered) fs.rmSync(registered, { force: true });
    throw err;
  }
  let stopped = false;
  const server: PgServer = {
    port,
    password,
    uri: (db = 'postgres', user = 'postgres', pw = password) =>
      `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@127.0.0.1:${port}/${encodeURIComponent(db)}`,
    psql: (sql, db = 'postgres') =>
      must(
        run(psqlBinary(bin), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-U', 'postgres', '-d', db, '-At'], sql),
        'psql',
      ),
    createFlujoDb(name) {
      server.psql(`CREATE DATABASE "${name}";`);
      server.psql(fs.readFileSync(flujoFixture('postgres-schema.sql'), 'utf8'), name);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      stopCluster(record);
      if (registered) fs.rmSync(registered, { force: true });
    },
  };
  servers.push(server);
  return server;
}
