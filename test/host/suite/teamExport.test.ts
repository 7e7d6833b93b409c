// Team history in a real VS Code: with `promptCost.telemetry.endpoint` set, a run that lands in the
// ledger reaches a loopback OTLP/HTTP receiver that decodes it with the official opentelemetry-proto
// definitions from the test oracles (test/support/otlpProto.ts; skipped with a message without .oracle/); headers come from SecretStorage; nothing is sent
// in an untrusted workspace; runs imported from the team are never sent back.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { appendRun } from '../../../src/core/history/ledger';
import type { RunRecord } from '../../../src/core/history/record';
import { spanIdOf } from '../../../src/core/history/otel/model';
import { OtlpReceiver, attr } from '../../support/otlpReceiver';
import { NO_OTLP_PROTO } from '../../support/otlpProto';
import { extensionApi, waitFor, workspaceRoot, scaled } from './helpers';

function rec(id: string, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    v: 1,
    type: 'run',
    id,
    time: new Date().toISOString(),
    source: 'vscode',
    status: 'ok',
    provider: 'openai',
    model: 'gpt-4o-mini',
    promptFile: 'prompts/support-triage.prompt.md',
    usage: { inputTokens: 120, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 30 },
    costUsd: '0.000036',
    ...extra,
  };
}

describe('team history export (promptCost.telemetry.endpoint)', function () {
  this.timeout(scaled(90_000));
  let rx: OtlpReceiver;
  let ledger: string;
  let ledgerExisted = false;
  const config = () => vscode.workspace.getConfiguration('promptCost');

  before(async function () {
    if (NO_OTLP_PROTO) this.skip();
    rx = await new OtlpReceiver().start();
    ledger = path.join(workspaceRoot(), '.prompt-cost', 'runs.jsonl');
    ledgerExisted = fs.existsSync(ledger);
    const a = await extensionApi();
    await a.services.context.secrets.store('promptCost.telemetry.headers', 'Authorization=Basic%20dGVhbTprZXk=');
    await config().update('telemetry.member', 'host-test', vscode.ConfigurationTarget.Global);
    await config().update('telemetry.endpoint', rx.url, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    if (!rx) return; // skipped: nothing was set up
    const a = await extensionApi();
    a.services.trust.simulateForTests(undefined);
    await config().update('telemetry.endpoint', undefined, vscode.ConfigurationTarget.Global);
    await config().update('telemetry.member', undefined, vscode.ConfigurationTarget.Global);
    await a.services.context.secrets.delete('promptCost.telemetry.headers');
    await rx.stop();
    if (!ledgerExisted) fs.rmSync(path.dirname(ledger), { recursive: true, force: true });
  });

  it('a new run in the ledger reaches the endpoint as a GenAI span, with the secret headers', async () => {
    const a = await extensionApi();
    await waitFor('the exporter to start', () => a.history.teamExport?.activeQueue);
    const r = rec(`host-otel-${Date.now()}`);
    await appendRun(ledger, r);
    const span = await waitFor('the span at the receiver', () => rx.spans.get(spanIdOf(r.id)), 30_000);
    assert.deepEqual(attr(span, 'gen_ai.request.model'), { stringValue: 'gpt-4o-mini' });
    assert.deepEqual(attr(span, 'gen_ai.usage.input_tokens'), { intValue: '120' });
    assert.deepEqual(attr(span, 'user.id'), { stringValue: 'host-test' });
    assert.deepEqual(attr(span, 'prompt_cost.cost_usd'), { stringValue: '0.000036' });
    assert.equal(rx.requests.at(-1)?.headers.authorization, 'Basic dGVhbTprZXk=');
    assert.deepEqual(rx.problems, []);
  });

  it('a team run (imported, with an origin) is not sent back; nothing is sent while untrusted', async () => {
    const a = await extensionApi();
    const team = rec(`host-team-${Date.now()}`, { origin: 'otlp-file:team.jsonl', member: 'bob' });
    await appendRun(ledger, team);
    a.services.trust.simulateForTests(false);
    await waitFor('export to stop when untrusted', () => (a.history.teamExport?.activeQueue === undefined ? true : undefined));
    const untrusted = rec(`host-untrusted-${Date.now()}`);
    await appendRun(ledger, untrusted);
    await waitFor(
      'the run in the Runs store',
      () => (a.history.store.runs().some((v) => v.run.id === untrusted.id) ? true : undefined),
      30_000,
    );
    // trust again: export resumes for runs recorded from now on
    a.services.trust.simulateForTests(true);
    await waitFor('the exporter to restart', () => a.history.teamExport?.activeQueue);
    const later = rec(`host-later-${Date.now()}`);
    await appendRun(ledger, later);
    await waitFor('the later span', () => rx.spans.get(spanIdOf(later.id)), 30_000);
    assert.equal(rx.spans.has(spanIdOf(team.id)), false, 'team runs are not re-exported');
    assert.equal(rx.spans.has(spanIdOf(untrusted.id)), false, 'nothing sent while untrusted');
  });
});
