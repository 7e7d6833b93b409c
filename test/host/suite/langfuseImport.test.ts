// "Import Team Runs from Langfuse…" in a real VS Code: against the loopback Langfuse the unit tests use
// (test/support/fakeLangfuse.ts: every response body checked against Langfuse's published OpenAPI spec,
// langfuse/langfuse web/public/generated/api/openapi.yml), keys from SecretStorage sent as Basic auth, the
// team's runs in the Runs store, incremental on the second import, refused in an untrusted workspace, and the
// keys never written to the log.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FakeLangfuse, observation } from '../../support/fakeLangfuse';
import { extensionApi, scaled, waitFor, workspaceRoot } from './helpers';

const COMMAND = 'promptCost.importLangfuse';
const PUBLIC_KEY = 'pk-lf-host-test-7c1f';
const SECRET_KEY = 'sk-lf-host-test-SECRET-93ab';

interface ImportResult {
  added: number;
  updated: number;
  unchanged: number;
  from?: string;
  pages: number;
}

describe('Import Team Runs from Langfuse…', function () {
  this.timeout(scaled(60_000));
  let lf: FakeLangfuse;
  let ledger: string;
  let sizeBefore: number | undefined;
  const logged: string[] = [];
  const restore: (() => void)[] = [];

  before(async () => {
    lf = await new FakeLangfuse().start();
    ledger = path.join(workspaceRoot(), '.prompt-cost', 'runs.jsonl');
    sizeBefore = fs.existsSync(ledger) ? fs.statSync(ledger).size : undefined;
    const a = await extensionApi();
    await a.services.context.secrets.store('promptCost.langfuse.publicKey', PUBLIC_KEY);
    await a.services.context.secrets.store('promptCost.langfuse.secretKey', SECRET_KEY);
    // Everything the extension writes to its log while these tests run, to check the keys never appear.
    const log = a.services.log as unknown as Record<string, (...args: unknown[]) => void>;
    for (const m of ['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace']) {
      const original = log[m];
      log[m] = (...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
        return original.apply(log, args);
      };
      restore.push(() => (log[m] = original));
    }
  });

  after(async () => {
    for (const r of restore) r();
    const a = await extensionApi();
    a.services.trust.simulateForTests(undefined);
    await a.services.context.secrets.delete('promptCost.langfuse.publicKey');
    await a.services.context.secrets.delete('promptCost.langfuse.secretKey');
    await lf.stop();
    // the ledger as it was: appended lines cut off, or the folder removed if we created it
    if (sizeBefore === undefined) fs.rmSync(path.dirname(ledger), { recursive: true, force: true });
    else fs.truncateSync(ledger, sizeBefore);
    await vscode.commands.executeCommand('promptCost.runs.refresh');
  });

  it('in an untrusted workspace it is refused and nothing is requested', async () => {
    const a = await extensionApi();
    a.services.trust.simulateForTests(false);
    const r = await vscode.commands.executeCommand<ImportResult | undefined>(COMMAND, { baseUrl: lf.url });
    assert.equal(r, undefined);
    assert.equal(lf.auth.length, 0, 'no request reached Langfuse');
  });

  it('imports the team’s runs with the keys from SecretStorage, then only what is new', async () => {
    const a = await extensionApi();
    a.services.trust.simulateForTests(true);
    lf.pages = [[observation(1), observation(2, { level: 'ERROR', statusMessage: 'rate limited' })], [observation(3)]];
    const first = await vscode.commands.executeCommand<ImportResult | undefined>(COMMAND, { baseUrl: lf.url });
    assert.ok(first, 'the import returned its result');
    assert.deepEqual([first.added, first.updated, first.pages], [3, 0, 2]);
    assert.deepEqual(lf.problems, [], 'every body the fake sent conforms to the OpenAPI spec; every query parameter is declared');
    assert.equal(lf.auth[0], `Basic ${Buffer.from(`${PUBLIC_KEY}:${SECRET_KEY}`).toString('base64')}`);
    const origin = `langfuse:${new URL(lf.url).host}`;
    const team = await waitFor('the team runs in the Runs store', () => {
      const runs = a.history.store.runs().filter((v) => v.run.origin === origin);
      return runs.length === 3 ? runs : undefined;
    });
    assert.deepEqual(team.map((v) => [v.run.id, v.run.member, v.run.status]).sort(), [
      ['langfuse:obs-1', 'bob', 'ok'],
      ['langfuse:obs-2', 'bob', 'error'],
      ['langfuse:obs-3', 'bob', 'ok'],
    ]);
    // again: from an hour before the newest imported run (late arrivals), nothing appended twice
    lf.pages = [[observation(3), observation(4)]];
    const second = await vscode.commands.executeCommand<ImportResult | undefined>(COMMAND, { baseUrl: lf.url });
    assert.ok(second);
    assert.deepEqual([second.added, second.unchanged], [1, 1]);
    const newest = Date.parse(observation(3).startTime as string);
    assert.equal(lf.queries.at(-1)?.get('fromStartTime'), new Date(newest - 3_600_000).toISOString());
  });

  it('a 401 fails with a message naming the status; the keys are never in the log', async () => {
    lf.status = 401;
    const r = await vscode.commands.executeCommand<ImportResult | undefined>(COMMAND, { baseUrl: lf.url });
    assert.equal(r, undefined);
    assert.ok(
      logged.some((l) => /Langfuse import: .*answered HTTP 401 \(check the public and secret key\)/.test(l)),
      logged.join('\n'),
    );
    for (const line of logged) {
      assert.ok(!line.includes(SECRET_KEY) && !line.includes(PUBLIC_KEY), `a key in the log: ${line}`);
      assert.ok(!line.includes(Buffer.from(`${PUBLIC_KEY}:${SECRET_KEY}`).toString('base64')), `the Basic auth in the log: ${line}`);
    }
    lf.status = 200;
  });
});
