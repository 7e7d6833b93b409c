// The Runs view of a team whose Flujo runs live in PostgreSQL, in a real VS Code host against a real server:
// Debian's postgresql started by test/support/postgresServer.ts, Flujo v0.6.11's own DDL
// (test/fixtures/flujo/postgres-schema.sql, from aandresalvarez/flujo flujo/state/backends/postgres.py
// PostgresBackend._init_schema) and rows written with its own SQL (test/support/flujoPostgresWriter.ts:
// save_run_start / save_state / save_step_result / save_run_end). The workspace's flujo.toml points
// `state_uri = "postgresql://…"` at it (flujo/cli/config.py: the postgres/postgresql schemes). "Import Flujo Runs"
// must give the same Runs view as the SQLite import of the same runs (flujo/state/backends/sqlite_core.py), the
// follower must show a run written afterwards, and an untrusted workspace must make no connection at all.
// Every connection of the extension goes through a counting loopback proxy in front of the server.
// Skipped, saying why, only where PostgreSQL is not installed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatUsd } from '../../../src/core/format';
import { readLedger } from '../../../src/core/history/ledger';
import type { RunsNode } from '../../../src/features/history/runsView';
import { insertFlujoRun, openFlujoWal, StepIn } from '../../support/flujoFixture';
import { FlujoPostgresWriter, stepResult } from '../../support/flujoPostgresWriter';
import { PgServer, postgresUnavailable, startPostgres } from '../../support/postgresServer';
import { extensionApi, scaled, waitFor, workspaceRoot } from './helpers';

const SUITE = 'Runs view: Flujo runs in PostgreSQL (real server)';
const unavailable = postgresUnavailable();

/** A loopback TCP proxy to the server that counts the connections made through it. */
interface CountingProxy {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

async function countingProxy(targetPort: number): Promise<CountingProxy> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    count++;
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function api() {
  const a = await extensionApi();
  assert.ok(a.history.runs, 'the Runs view is registered');
  return { a, runs: a.history.runs, store: a.history.store };
}

interface ShownRun {
  label: string;
  description: string;
  contextValue?: string;
  steps: [string, string][];
}

/** Every run of the Runs view, as the tree shows it (label, description, its steps' rows), by run id. */
async function shownRuns(): Promise<Map<string, ShownRun>> {
  const { runs } = await api();
  const out = new Map<string, ShownRun>();
  const visit = async (nodes: RunsNode[]) => {
    for (const node of nodes) {
      if (node.kind === 'group') await visit(await runs.getChildren(node));
      if (node.kind !== 'run') continue;
      const item = runs.getTreeItem(node);
      const steps = (await runs.getChildren(node)).map((s) => runs.getTreeItem(s));
      out.set(node.view.run.id, {
        label: String(item.label),
        description: String(item.description ?? ''),
        contextValue: item.contextValue,
        steps: steps.map((s) => [String(s.label), String(s.description ?? '')]),
      });
    }
  };
  await visit(await runs.getChildren());
  return out;
}

/** The runs of this suite, written alike to PostgreSQL (ids pg-…) and to a SQLite state file (ids sq-…). */
const day = new Date().toISOString().slice(0, 10);
const RUNS: { id: string; pipeline: string; created: string; ms: number; steps: StepIn[] }[] = [
  {
    id: 'a',
    pipeline: 'pg-summarize',
    created: `${day}T07:00:00.123456+00:00`,
    ms: 9000,
    steps: [
      { name: 'draft', cost: 0.00015, tokens: 300 },
      { name: 'review', cost: 0.0006, tokens: 1200 },
    ],
  },
  { id: 'b', pipeline: 'pg-classify', created: `${day}T07:30:00+00:00`, ms: 2100, steps: [{ name: 'label', cost: 1.25, tokens: 4000 }] },
];

async function writePostgresRun(w: FlujoPostgresWriter, r: (typeof RUNS)[number], id: string): Promise<void> {
  // As a pipeline run leaves it: run start, the state after the steps, the step rows, run end.
  await w.saveRunStart({ run_id: id, pipeline_id: `pid-${r.pipeline}`, pipeline_name: r.pipeline, created_at: r.created });
  await w.saveState(id, {
    pipeline_name: r.pipeline,
    status: 'completed',
    created_at: r.created,
    step_history: r.steps.map((s) => stepResult(s.name, s.cost, s.tokens)),
  });
  for (const [i, s] of r.steps.entries()) await w.saveStepResult({ run_id: id, step_name: s.name, step_index: i });
  await w.saveRunEnd(id, { status: 'completed', execution_time_ms: r.ms, updated_at: r.created });
}

/**
 * True once the store reads flujo.toml's state as PostgreSQL (`postgres`) or not. The file watcher normally tells
 * the store; re-reading on each probe does not depend on it (a write into a busy workbench can be seen late).
 */
async function readAgain(store: Awaited<ReturnType<typeof api>>['store'], postgres: boolean): Promise<true | undefined> {
  if (store.flujoSources().some((s) => s.flujo.postgres) === postgres) return true;
  await store.refresh();
  return store.flujoSources().some((s) => s.flujo.postgres) === postgres ? true : undefined;
}

if (unavailable) {
  describe(SUITE, () => {
    // A pending test: the harness lists it as skipped, with the reason in its title.
    it(`skipped: ${unavailable}`);
  });
} else {
  describe(SUITE, function () {
    this.timeout(scaled(90_000));
    let pg: PgServer | undefined;
    let w: FlujoPostgresWriter | undefined;
    let proxy: CountingProxy | undefined;
    let sqliteDir: string | undefined;
    let original: string | undefined;
    const DB = 'flujo_host';
    const tomlFile = () => path.join(workspaceRoot(), 'flujo.toml');

    before(async function () {
      this.timeout(scaled(240_000)); // initdb + start on a loaded machine
      const { store } = await api();
      await store.whenReady(); // the store reads nothing until a view needs it
      pg = await startPostgres();
      pg.createFlujoDb(DB);
      w = await FlujoPostgresWriter.open(pg.uri(DB));
      proxy = await countingProxy(pg.port);
      for (const r of RUNS) await writePostgresRun(w, r, `pg-${r.id}`);
      sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcl-host-sqlite-'));
      const db = openFlujoWal(path.join(sqliteDir, 'flujo_ops.db'));
      for (const r of RUNS) insertFlujoRun(db, `sq-${r.id}`, r.pipeline, 'completed', r.created, r.steps, { executionMs: r.ms });
      db.close();
      // A check every 250 ms instead of the product's 15 s, so the follower is seen within the test.
      store.postgresPollMs = 250;
      original = fs.readFileSync(tomlFile(), 'utf8');
      assert.match(original, /^state_uri = .*$/m);
      const viaProxy = pg.uri(DB).replace(`:${pg.port}/`, `:${proxy.port}/`);
      fs.writeFileSync(tomlFile(), original.replace(/^state_uri = .*$/m, `state_uri = ${JSON.stringify(viaProxy)}`));
      await waitFor('flujo.toml read with its PostgreSQL state_uri', () => readAgain(store, true), 20_000);
    });

    after(async function () {
      this.timeout(scaled(120_000));
      // Everything below runs whatever failed before: the cluster is always stopped (and, should this host die
      // first, the harness stops it: PCL_PG_CLUSTERS).
      const { a, store } = await api();
      a.services.trust.simulateForTests(undefined);
      store.postgresPollMs = 15_000;
      try {
        if (original !== undefined) {
          fs.writeFileSync(tomlFile(), original);
          await waitFor('flujo.toml back on SQLite', () => readAgain(store, false), 20_000);
        }
      } finally {
        for (const f of store.postgresFollowers()) f.stop();
        await w?.close().catch(() => undefined);
        await proxy?.close();
        pg?.stop();
        if (sqliteDir) fs.rmSync(sqliteDir, { recursive: true, force: true });
      }
    });

    it('"Import Flujo Runs" shows the PostgreSQL runs as the SQLite import shows the same runs, then follows new ones', async () => {
      const { store } = await api();
      assert.ok(proxy && w);
      const before = proxy.connections();
      const imported =
        await vscode.commands.executeCommand<{ db: string; added: number; warnings: string[] }[]>('promptCost.runs.importFlujo');
      assert.ok(imported, 'the import did not fail');
      const fromPg = imported.find((r) => r.db.startsWith('postgresql://'));
      assert.ok(fromPg, `imported from PostgreSQL: ${JSON.stringify(imported)}`);
      assert.equal(fromPg.added, RUNS.length);
      assert.doesNotMatch(fromPg.db, new RegExp(encodeURIComponent(pg!.password).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no password');
      assert.ok(proxy.connections() > before, 'the import connected through the proxy');
      const sqlite = await vscode.commands.executeCommand<{ added: number }[]>(
        'promptCost.runs.importFlujo',
        path.join(sqliteDir!, 'flujo_ops.db'),
      );
      assert.equal(sqlite[0].added, RUNS.length);

      const shown = await waitFor('both imports in the Runs view', async () => {
        const all = await shownRuns();
        return RUNS.every((r) => all.has(`flujo:pg-${r.id}`) && all.has(`flujo:sq-${r.id}`)) ? all : undefined;
      });
      for (const r of RUNS) {
        const fromPostgres = shown.get(`flujo:pg-${r.id}`)!;
        assert.deepEqual(fromPostgres, shown.get(`flujo:sq-${r.id}`), `run ${r.id}: PostgreSQL and SQLite show alike`);
        assert.equal(fromPostgres.steps.length, r.steps.length);
      }
      // The exact sum, not a float's: 0.00015 + 0.0006 is 0.00075 (0.00075000000000000002 as doubles).
      const ledger = await readLedger(await store.ledgerFileFor());
      const a = ledger.runs.find((x) => x.id === 'flujo:pg-a')!;
      assert.equal(a.costUsd, '0.00075');
      assert.equal(a.totalTokens, 1500);
      assert.equal(shown.get('flujo:pg-a')!.description, formatUsd('0.00075'));
      assert.equal(store.postgresFollowers().length, 1, 'the import started following the server');

      // A run Flujo writes afterwards appears without another import: the follower saw updated_at move.
      await writePostgresRun(w, { ...RUNS[1], created: `${day}T08:00:00+00:00` }, 'pg-new');
      const late = await waitFor('the new PostgreSQL run in the Runs view', async () => (await shownRuns()).get('flujo:pg-new'), 20_000);
      assert.equal(late.description, shown.get('flujo:pg-b')!.description);
      assert.deepEqual(late.steps, shown.get('flujo:pg-b')!.steps);
    });

    it('an untrusted workspace makes no connection: no import, no following', async () => {
      const { a, store } = await api();
      assert.ok(proxy && w);
      const followers = store.postgresFollowers();
      a.services.trust.simulateForTests(false);
      await waitFor(
        'the untrusted notice instead of the PostgreSQL state',
        () =>
          store.notices().some((n) => /not trusted/.test(n)) && !store.flujoSources().some((s) => s.flujo.postgres) ? true : undefined,
        20_000,
      );
      // The notice names the state without its password (a view shows it).
      const password = encodeURIComponent(pg!.password);
      assert.ok(
        store.notices().every((n) => !n.includes(password) && !n.includes(pg!.password)),
        store.notices().join('\n'),
      );
      assert.match(
        store.notices().join('\n'),
        /state_uri in flujo\.toml \(postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/flujo_host\) is not read/,
      );
      // Whatever was following stopped for good (a stopped follower never polls again: core/history/flujo/follow.ts).
      for (const f of followers) await waitFor('the follower to stop', () => (f.state === 'stopped' ? true : undefined));
      assert.deepEqual(store.postgresFollowers(), []);
      const count = proxy.connections();
      await writePostgresRun(w, { ...RUNS[0], created: `${day}T09:00:00+00:00` }, 'pg-untrusted');
      const results = await store.importFlujo();
      assert.ok(
        results.every((r) => !r.db.startsWith('postgres')),
        JSON.stringify(results),
      );
      assert.equal(proxy.connections(), count, 'no connection while the workspace is untrusted');
      assert.equal((await shownRuns()).has('flujo:pg-untrusted'), false);
      // The command says why (the notice) before offering a file, rather than opening a SQLite file picker.
      if (!store.flujoSources().some((s) => s.flujo.db)) {
        const shown: string[] = [];
        const window = vscode.window as { showWarningMessage: unknown };
        const real = window.showWarningMessage;
        window.showWarningMessage = async (message: string) => void shown.push(message);
        try {
          assert.deepEqual(await vscode.commands.executeCommand('promptCost.runs.importFlujo'), []);
        } finally {
          window.showWarningMessage = real;
        }
        assert.equal(shown.length, 1, shown.join('\n'));
        assert.match(
          shown[0],
          /state_uri in flujo\.toml \(postgresql:\/\/postgres:\*\*\*@.*\) is not read because this workspace is not trusted/,
        );
      }
    });
  });
}
