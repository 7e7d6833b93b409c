// Issue 25's divergences from Flujo v0.6.11 (aandresalvarez/flujo, tag v0.6.11, commit 4e7d1ae), one case each,
// written from Flujo's own source: the file and line the behaviour comes from is in each case's title.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flujoStateDbCandidates, flujoRunToRecord, readFlujoRuns, resolveFlujoState } from '../../src/core/history/flujo';
import { describeRun, groupRuns } from '../../src/core/history/group';
import { describeFlujoRecording, flujoRecording } from '../../src/core/pricing/flujo';
import { main } from '../../src/cli/main';
import { fakeIO } from '../support/fakeIO';
import { insertFlujoRun, openFlujoWal } from '../support/flujoFixture';
import { tempDir } from '../support/tempDir';

const CFG = '/proj/app';

test('flujo/cost.py:152-200 + flujo/utils/model_utils.py:200-203: a bare model id on the agent path records $0, strict or not; the direct-usage path infers', () => {
  for (const id of ['gpt-4o-mini', 'o3-mini', 'text-bison-001']) {
    const r = flujoRecording({ providers: new Map(), strict: true } as never, id);
    const said = describeFlujoRecording(r);
    if (id === 'o3-mini') {
      // o3 is not inferred on either path (cost.py _infer_provider_from_model): $0 on both.
      assert.equal(r.kind, 'zero');
    } else {
      assert.ok(r.agentPath, id);
      assert.match(
        said,
        /on its agent path \(make_agent_async\) an id without 'provider:' has no provider, so Flujo records \$0 and never raises/,
      );
    }
  }
  // text-bison is google on the direct path (google is checked before openai's `text-`).
  assert.equal(flujoRecording(undefined, 'text-bison-001').agentPath?.inferredProvider, 'google');
  // A provider:model id is the same on both paths.
  assert.equal(flujoRecording(undefined, 'openai:gpt-4o-mini').agentPath, undefined);
});

test('flujo/cli/config.py:119: state_uri = "state.db" (no scheme) is "Unsupported backend URI"; the CLI says so (exit 2), reading nothing', async () => {
  const where = resolveFlujoState({ configDir: CFG, stateUri: 'state.db' });
  assert.deepEqual(where, { kind: 'unsupported', uri: 'state.db', from: 'state_uri', message: 'Unsupported backend URI: state.db' });
  // A password in such a URI is not repeated in the message (the Runs view and the CLI show it).
  const secret = resolveFlujoState({ configDir: '/x', stateUri: 'mysql://u:hunter2@h/db' });
  assert.deepEqual(secret.kind === 'unsupported' ? secret.message : secret.kind, 'Unsupported backend URI: mysql://u:***@h/db');
  const proj = tempDir('pcl-div-uri-');
  fs.writeFileSync(path.join(proj, 'flujo.toml'), 'state_uri = "state.db"\n');
  fs.writeFileSync(path.join(proj, 'state.db'), '');
  const io = fakeIO(proj);
  assert.equal(await main(['history', 'import', '--dry-run'], io), 2);
  assert.match(io.err, /flujo\.toml: state_uri: Unsupported backend URI: state\.db \(the flujo CLI stops with this error\)/);
});

test('flujo/cli/config.py:30,100 + config_manager.py:736: FLUJO_STATE_URI (stripped) beats the file; its relative SQLite path is from the working directory', () => {
  const env = { FLUJO_STATE_URI: '  sqlite:///runs/env.db  ' };
  const w = resolveFlujoState({ configDir: CFG, stateUri: 'sqlite:///file.db', env, cwd: '/home/me' });
  assert.equal(w.kind === 'sqlite' && w.path, path.resolve('/home/me/runs/env.db'));
  assert.equal(w.from, 'FLUJO_STATE_URI');
  // whitespace only: load_backend_from_config falls to get_state_uri, which returns the unstripped "  " → no scheme
  assert.equal(resolveFlujoState({ configDir: CFG, stateUri: 'sqlite:///file.db', env: { FLUJO_STATE_URI: '  ' } }).kind, 'unsupported');
});

test('flujo/cli/config.py:42-52: FLUJO_STATE_MODE=memory|ephemeral, FLUJO_EPHEMERAL_STATE, memory:// keep nothing', () => {
  for (const env of [{ FLUJO_STATE_MODE: 'Memory' }, { FLUJO_STATE_MODE: 'ephemeral' }, { FLUJO_EPHEMERAL_STATE: 'yes' }])
    assert.equal(resolveFlujoState({ configDir: CFG, stateUri: 'sqlite:///x.db', env }).kind, 'memory', JSON.stringify(env));
  for (const uri of ['memory', 'memory://', 'MEM://', ' inmemory:// '])
    assert.equal(resolveFlujoState({ configDir: CFG, stateUri: uri }).kind, 'memory', uri);
  assert.deepEqual(flujoStateDbCandidates(CFG, 'memory://'), []);
});

test('flujo/infra/config_manager.py:740-752: FLUJO_TEST_MODE with FLUJO_TEST_STATE_DIR uses <dir>/flujo_ops.db over the file', () => {
  const w = resolveFlujoState({
    configDir: CFG,
    stateUri: 'sqlite:///file.db',
    env: { FLUJO_TEST_MODE: 'true', FLUJO_TEST_STATE_DIR: '/tmp/t' },
  });
  assert.equal(w.kind === 'sqlite' && w.path, path.resolve('/tmp/t/flujo_ops.db'));
  assert.equal(
    resolveFlujoState({ configDir: CFG, stateUri: 'sqlite:///file.db', env: { FLUJO_TEST_STATE_DIR: '/tmp/t' } }).from,
    'state_uri',
  );
});

test('flujo/cli/config.py:74: a postgres state_uri is PostgreSQL — a stale flujo_ops.db next to flujo.toml is not read instead', () => {
  assert.equal(resolveFlujoState({ configDir: CFG, stateUri: 'postgresql://u@db/flujo' }).kind, 'postgres');
  assert.equal(resolveFlujoState({ configDir: CFG, stateUri: ' Postgres://u@db/flujo' }).kind, 'postgres'); // urlsplit strips, lower-cases
  assert.deepEqual(flujoStateDbCandidates(CFG, 'postgresql://u@db/flujo'), []);
});

test('flujo/domain/models.py:320 (StepResult.cost_usd: float = 0.0) and flujo/state/models.py:23 (status paused)', async () => {
  const dir = tempDir('pcl-div-null-');
  const file = path.join(dir, 'flujo_ops.db');
  const db = openFlujoWal(file);
  insertFlujoRun(db, 'p-1', 'hitl', 'paused', '2025-01-01T00:00:00+00:00', [{ name: 'ask', cost: 0.001, tokens: 3 }]);
  db.exec('BEGIN');
  db.prepare('UPDATE workflow_state SET step_history = ? WHERE run_id = ?').run(
    '[{"name":"ask","cost_usd":0.001,"token_counts":3},{"name":"wait","cost_usd":null,"token_counts":null},{"name":"left-out"}]',
    'p-1',
  );
  db.exec('COMMIT');
  db.close();
  const run = (await readFlujoRuns(file)).runs[0];
  // null is not what Flujo writes: unknown, not $0; a key left out is pydantic's default 0.0.
  assert.equal(run.costUsd, undefined);
  assert.equal(run.totalTokens, undefined);
  const rec = flujoRunToRecord(run);
  assert.equal(rec.status, 'paused');
  assert.match(describeRun(rec), /^cost unknown · paused/);
  assert.equal(groupRuns([rec], 'day')[0].totals.paused, 1);
  assert.equal(groupRuns([rec], 'day')[0].totals.running, 0);
});
