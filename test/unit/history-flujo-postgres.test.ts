// Flujo runs from PostgreSQL, against a real server (Debian's postgresql, started by test/support/postgresServer.ts)
// with Flujo v0.6.11's own schema (PostgresBackend._init_schema, test/fixtures/flujo/postgres-schema.sql) and rows
// written with its own SQL (save_run_start / save_state / save_step_result / save_run_end,
// aandresalvarez/flujo flujo/state/backends/postgres.py). Skipped, saying why, only where PostgreSQL is not installed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  FlujoImportError,
  FlujoPostgresFollower,
  flujoPostgresChangeMark,
  flujoRunToRecord,
  readFlujoRuns,
  readFlujoRunsFromPostgres,
  redactPostgresUri,
  resolveFlujoState,
} from '../../src/core/history/flujo';
import { main } from '../../src/cli/main';
import { fakeIO } from '../support/fakeIO';
import { insertFlujoRun, openFlujoWal } from '../support/flujoFixture';
import { FlujoPostgresWriter, stepResult } from '../support/flujoPostgresWriter';
import { PgServer, postgresUnavailable, startPostgres } from '../support/postgresServer';
import { tempDir } from '../support/tempDir';

const unavailable = postgresUnavailable();
if (unavailable) console.log(`# SKIP PostgreSQL tests: ${unavailable}`);

describe('Flujo state in PostgreSQL (real server)', { skip: unavailable }, () => {
  let pg: PgServer;
  let w: FlujoPostgresWriter;
  const DB = 'flujo_team';

  before(async () => {
    pg = await startPostgres();
    pg.createFlujoDb(DB);
    w = await FlujoPostgresWriter.open(pg.uri(DB));
    // r-1: a finished run as a real pipeline leaves it (run start, state after each step, step rows, run end).
    await w.saveRunStart({
      run_id: 'r-1',
      pipeline_id: 'pid-summarize',
      pipeline_name: 'summarize',
      created_at: '2025-03-01T10:00:00.123456+00:00',
    });
    await w.saveState('r-1', {
      pipeline_name: 'summarize',
      status: 'running',
      created_at: '2025-03-01T10:00:00.123456+00:00',
      step_history: [stepResult('draft', 0.00015, 300)],
    });
    await w.saveStepResult({ run_id: 'r-1', step_name: 'draft', step_index: 0 });
    await w.saveState('r-1', {
      pipeline_name: 'summarize',
      status: 'completed',
      created_at: '2025-03-01T10:00:00.123456+00:00',
      updated_at: '2025-03-01T10:00:09+00:00',
      step_history: [stepResult('draft', 0.00015, 300), stepResult('review', 0.0006, 1200)],
    });
    await w.saveStepResult({ run_id: 'r-1', step_name: 'review', step_index: 1 });
    await w.saveRunEnd('r-1', { status: 'completed', execution_time_ms: 9000 });
    // r-2: failed, known only from runs/steps (steps.cost_usd NULL as Flujo leaves it): cost unknown, not $0.
    await w.saveRunStart({
      run_id: 'r-2',
      pipeline_id: 'pid-classify',
      pipeline_name: 'classify',
      created_at: '2025-03-02T08:00:00+02:00',
    });
    await w.saveStepResult({ run_id: 'r-2', step_name: 'label', step_index: 0, status: 'failed' });
    await w.saveRunEnd('r-2', { status: 'failed', error_message: 'boom' });
    // r-3: paused (a human-in-the-loop step), its step_history has a JSON null cost.
    await w.saveRunStart({ run_id: 'r-3', pipeline_id: 'pid-hitl', pipeline_name: 'hitl', created_at: '2025-03-03T00:00:00+00:00' });
    await w.saveState('r-3', {
      pipeline_name: 'hitl',
      status: 'paused',
      created_at: '2025-03-03T00:00:00+00:00',
      step_history: [stepResult('ask', 0.001, 10), stepResult('wait', null, null)],
    });
  });

  after(async () => {
    await w?.close();
    pg?.stop();
  });

  test('runs, steps and exact costs as Flujo wrote them; the same records as the SQLite import of the same runs', async () => {
    const read = await readFlujoRunsFromPostgres(pg.uri(DB));
    const byId = new Map(read.runs.map((r) => [r.runId, r]));
    assert.deepEqual([...byId.keys()], ['r-1', 'r-2', 'r-3']);
    const r1 = byId.get('r-1')!;
    assert.equal(r1.status, 'completed');
    assert.equal(r1.createdAt, '2025-03-01T10:00:00.123Z');
    assert.equal(r1.costUsd?.toString(), '0.00075'); // 0.00015 + 0.0006 exactly, not 0.00075000000000000002
    assert.equal(r1.totalTokens, 1500);
    assert.equal(r1.executionTimeMs, 9000);
    assert.deepEqual(
      r1.steps.map((s) => [s.name, s.costUsd?.toString(), s.tokens, s.latencyMs]),
      [
        ['draft', '0.00015', 300, 500],
        ['review', '0.0006', 1200, 500],
      ],
    );
    const r2 = byId.get('r-2')!;
    assert.equal(r2.createdAt, '2025-03-02T06:00:00.000Z'); // +02:00 → UTC
    assert.equal(r2.costUsd, undefined);
    assert.equal(r2.errorMessage, 'boom');
    assert.equal(flujoRunToRecord(r2).status, 'error');
    const r3 = byId.get('r-3')!;
    assert.equal(r3.status, 'paused');
    assert.equal(r3.costUsd, undefined, 'a cost_usd of null inside step_history is unknown, not $0');
    assert.match(read.warnings.join('\n'), /2 runs have no recorded cost/);

    // The same two finished runs written to a SQLite state file: the import gives identical ledger records.
    const dir = tempDir('pcl-pg-same-');
    const file = path.join(dir, 'flujo_ops.db');
    const db = openFlujoWal(file);
    insertFlujoRun(
      db,
      'r-1',
      'summarize',
      'completed',
      '2025-03-01T10:00:00.123456+00:00',
      [
        { name: 'draft', cost: 0.00015, tokens: 300 },
        { name: 'review', cost: 0.0006, tokens: 1200 },
      ],
      { executionMs: 9000 },
    );
    db.close();
    const fromFile = (await readFlujoRuns(file)).runs.find((r) => r.runId === 'r-1')!;
    const a = flujoRunToRecord(r1);
    const b = flujoRunToRecord(fromFile);
    assert.deepEqual({ ...a, flujo: undefined }, { ...b, flujo: undefined });
  });

  test('pages through a large table with server-side cursors; a run cap says what it left out', async () => {
    pg.psql(
      `INSERT INTO runs (run_id, pipeline_id, pipeline_name, pipeline_version, status, created_at, updated_at)
       SELECT 'bulk-' || i, 'pid-bulk', 'bulk', '1.0', 'completed', now(), now() FROM generate_series(1, 2500) i;
       INSERT INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at)
       SELECT 'bulk-' || i, 'pid-bulk', 'bulk', '1.0', 1, '[{"name":"s","cost_usd":0.001,"token_counts":5}]'::jsonb, 'completed', now(), now() FROM generate_series(1, 2500) i;`,
      DB,
    );
    try {
      const read = await readFlujoRunsFromPostgres(pg.uri(DB), { pageSize: 97 });
      const bulk = read.runs.filter((r) => r.pipelineName === 'bulk');
      assert.equal(bulk.length, 2500);
      assert.ok(bulk.every((r) => r.costUsd?.toString() === '0.001' && r.totalTokens === 5));
      const capped = await readFlujoRunsFromPostgres(pg.uri(DB), { maxRuns: 10 });
      assert.ok(capped.runs.length <= 11);
      assert.match(capped.warnings.join('\n'), /more than 10 runs: the rest were not read/);
    } finally {
      pg.psql(`DELETE FROM workflow_state WHERE run_id LIKE 'bulk-%'; DELETE FROM runs WHERE run_id LIKE 'bulk-%';`, DB);
    }
  });

  test('credentials as libpq finds them: URI, PGPASSWORD, a private .pgpass; a wrong one is refused and never echoed', async () => {
    const noPw = `postgresql://postgres@127.0.0.1:${pg.port}/${DB}`;
    // PGPASSWORD
    assert.equal((await readFlujoRunsFromPostgres(noPw, { env: { PGPASSWORD: pg.password } })).runs.length, 3);
    // PGPASSFILE (libpq ignores a password file others can read)
    const dir = tempDir('pcl-pgpass-');
    const pass = path.join(dir, 'pgpass');
    const esc = pg.password.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
    fs.writeFileSync(pass, `127.0.0.1:${pg.port}:${DB}:postgres:${esc}\n`, { mode: 0o600 });
    assert.equal((await readFlujoRunsFromPostgres(noPw, { env: { PGPASSFILE: pass } })).runs.length, 3);
    // PGHOST/PGPORT/PGUSER/PGDATABASE fill what the URI leaves out
    const envOnly = { PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGUSER: 'postgres', PGDATABASE: DB, PGPASSWORD: pg.password };
    assert.equal((await readFlujoRunsFromPostgres('postgresql://', { env: envOnly })).runs.length, 3);
    // A wrong password: a FlujoImportError naming user@host:port/db, without the password.
    const bad = pg.uri(DB, 'postgres', 'hunter2-wrong');
    const err = await readFlujoRunsFromPostgres(bad).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof FlujoImportError);
    assert.match(
      err.message,
      new RegExp(`cannot connect to PostgreSQL postgres@127\\.0\\.0\\.1:${pg.port}/${DB}: .*password authentication failed`),
    );
    assert.doesNotMatch(err.message + err.file, /hunter2-wrong/);
    assert.equal(redactPostgresUri(bad), `postgresql://postgres:***@127.0.0.1:${pg.port}/${DB}`);
    assert.equal(redactPostgresUri('postgres://u@h/db?password=s3cret&sslmode=require'), 'postgres://u@h/db?password=***&sslmode=require');
  });

  test('a server that holds a lock past the statement timeout ends the import with an error, not a hang', async () => {
    const locker = spawn(
      process.getuid?.() === 0 ? 'runuser' : 'psql',
      [
        ...(process.getuid?.() === 0 ? ['-u', 'postgres', '--', 'psql'] : []),
        '-X',
        '-q',
        '-h',
        '127.0.0.1',
        '-p',
        String(pg.port),
        '-U',
        'postgres',
        '-d',
        DB,
        '-c',
        'BEGIN; LOCK TABLE runs IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20); COMMIT;',
      ],
      { env: { ...process.env, PGPASSWORD: pg.password }, stdio: 'ignore' },
    );
    try {
      // wait until the lock is held
      for (let i = 0; i < 200; i++) {
        if (
          pg
            .psql(
              `SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'runs' AND l.mode = 'AccessExclusiveLock' AND l.granted`,
              DB,
            )
            .trim() === '1'
        )
          break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const started = Date.now();
      await assert.rejects(readFlujoRunsFromPostgres(pg.uri(DB), { statementTimeoutMs: 500 }), (e: unknown) => {
        assert.ok(e instanceof FlujoImportError);
        assert.match(e.message, /statement timeout/);
        return true;
      });
      assert.ok(Date.now() - started < 15_000);
    } finally {
      locker.kill();
      pg.psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()`, DB);
    }
  });

  test('the change mark moves when Flujo saves a step (the Runs view polls it; Flujo sends no NOTIFY)', async () => {
    const m1 = await flujoPostgresChangeMark(pg.uri(DB));
    assert.equal(await flujoPostgresChangeMark(pg.uri(DB)), m1);
    await w.saveStepResult({ run_id: 'r-3', step_name: 'wait', step_index: 1 });
    assert.notEqual(await flujoPostgresChangeMark(pg.uri(DB)), m1);
  });

  test('prompt-cost history import: state_uri and FLUJO_STATE_URI resolved as the flujo CLI does; no stale flujo_ops.db', async () => {
    const proj = tempDir('pcl-pg-cli-');
    const ledger = path.join(proj, 'ledger.jsonl');
    // A stale SQLite file next to flujo.toml, with a run PostgreSQL does not have.
    const stale = openFlujoWal(path.join(proj, 'flujo_ops.db'));
    insertFlujoRun(stale, 'stale-1', 'old', 'completed', '2024-01-01T00:00:00+00:00', [{ name: 's', cost: 1, tokens: 1 }]);
    stale.close();
    fs.writeFileSync(path.join(proj, 'flujo.toml'), `state_uri = "${pg.uri(DB)}"\n`);
    const io = fakeIO(proj, {});
    const code = await main(['history', 'import', '--json', '--ledger', ledger], io);
    assert.equal(code, 0, io.err);
    const out = JSON.parse(io.out) as { db: string; found: number; added: number; backend: string };
    assert.equal(out.backend, 'postgres');
    assert.equal(out.found, 3);
    assert.equal(out.db, redactPostgresUri(pg.uri(DB)));
    assert.doesNotMatch(io.out + io.err + fs.readFileSync(ledger, 'utf8'), new RegExp(pg.password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.doesNotMatch(fs.readFileSync(ledger, 'utf8'), /stale-1/);

    // FLUJO_STATE_URI wins over the file's state_uri (flujo/cli/config.py load_backend_from_config).
    fs.writeFileSync(path.join(proj, 'flujo.toml'), 'state_uri = "sqlite:///flujo_ops.db"\n');
    const io2 = fakeIO(proj, { FLUJO_STATE_URI: pg.uri(DB) });
    assert.equal(await main(['history', 'import', '--json', '--dry-run', '--ledger', ledger], io2), 0, io2.err);
    assert.equal((JSON.parse(io2.out) as { found: number }).found, 3);
    assert.equal(
      resolveFlujoState({ configDir: proj, stateUri: 'sqlite:///flujo_ops.db', env: { FLUJO_STATE_URI: pg.uri(DB) } }).kind,
      'postgres',
    );

    // A server that is not there: exit 2 with a located one-line error, the password not in it.
    const io3 = fakeIO(proj, { FLUJO_STATE_URI: `postgresql://postgres:${pg.password}@127.0.0.1:1/${DB}` });
    assert.equal(await main(['history', 'import', '--ledger', ledger], io3), 2);
    assert.match(io3.err, /cannot connect to PostgreSQL postgres@127\.0\.0\.1:1\//);
    assert.ok(!io3.err.includes(pg.password));
  });
  test('the Runs view follows the database: a new run Flujo writes is re-read, one poll at a time, backing off when the server fails', async () => {
    // Live: the mark is read, Flujo writes a run, the next poll sees the mark move and re-reads.
    let inFlight = 0;
    let maxInFlight = 0;
    const readMark = async (uri: string, o: object) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await flujoPostgresChangeMark(uri, o);
      } finally {
        inFlight--;
      }
    };
    let seen: string[] = [];
    let changed!: () => void;
    const changedOnce = new Promise<void>((resolve) => (changed = resolve));
    const follower = new FlujoPostgresFollower(pg.uri(DB), {
      intervalMs: 50,
      readMark,
      onChange: async () => {
        seen = (await readFlujoRunsFromPostgres(pg.uri(DB))).runs.map((r) => r.runId);
        changed();
      },
    });
    follower.start(await flujoPostgresChangeMark(pg.uri(DB)));
    // While one poll runs, another is refused (no second connection).
    const first = follower.poll();
    assert.equal(await follower.poll(), 'skipped');
    assert.equal(await first, 'same');
    await w.saveRunStart({ run_id: 'r-4', pipeline_id: 'pid-live', pipeline_name: 'live', created_at: '2025-03-04T00:00:00+00:00' });
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no re-read within 60 s')), 60_000)));
    try {
      await Promise.race([changedOnce, bound]);
    } finally {
      clearTimeout(timer);
      follower.stop();
    }
    assert.ok(seen.includes('r-4'), seen.join(','));
    assert.equal(maxInFlight, 1);
    assert.equal(follower.state, 'stopped');
    assert.equal(await follower.poll(), 'skipped');

    // A server that is down: each failed poll doubles the wait, up to the ceiling, and says why without the password.
    const errors: string[] = [];
    const down = new FlujoPostgresFollower(`postgresql://postgres:${pg.password}@127.0.0.1:1/${DB}`, {
      intervalMs: 100,
      maxIntervalMs: 500,
      onChange: () => assert.fail('no change from a server that is down'),
      onError: (m) => errors.push(m),
    });
    assert.equal(down.nextDelayMs, 100);
    for (const want of [200, 400, 500]) {
      assert.equal(await down.poll(), 'error');
      assert.equal(down.nextDelayMs, want);
    }
    assert.equal(errors.length, 3);
    assert.ok(!errors.join('\n').includes(pg.password));
    down.stop();

    // Not allowed any more (the workspace lost its trust, flujo.toml points elsewhere): it stops without connecting.
    let asked = 0;
    const gated = new FlujoPostgresFollower(pg.uri(DB), {
      readMark: async () => String(++asked),
      allowed: () => false,
      onChange: () => undefined,
    });
    assert.equal(await gated.poll(), 'skipped');
    assert.equal(gated.state, 'stopped');
    assert.equal(asked, 0);
  });
});
