// Settings changes reach exactly the consumers that depend on them (features/config.ts CONFIG_KEYS):
// a view preference does not re-price or re-estimate; an estimate setting re-estimates without
// re-pricing; a price setting re-prices (and so re-estimates).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionApi, waitFor } from './helpers';

describe('settings changes', () => {
  const config = () => vscode.workspace.getConfiguration('promptCost');

  /** Counts the pricing and estimator change events while `change` runs, then until things settle. */
  async function eventsDuring(change: () => Thenable<void>): Promise<{ pricing: number; estimates: number }> {
    const api = await extensionApi();
    // Earlier suites' file events (flujo.toml written and deleted) may still arrive: start once quiet.
    let last = Date.now();
    const quiet = api.services.pricing.onDidChange(() => (last = Date.now()));
    await waitFor('no price events for 500 ms', () => (Date.now() - last > 500 ? true : undefined), 10_000);
    quiet.dispose();
    const seen = { pricing: 0, estimates: 0 };
    const subs = [api.services.pricing.onDidChange(() => seen.pricing++), api.services.estimator.onDidChange(() => seen.estimates++)];
    try {
      await change();
      // Change events are delivered synchronously after the settings write; a marker change proves delivery.
      const marker = new Promise<void>((resolve) => {
        const sub = vscode.workspace.onDidChangeConfiguration((e) => {
          if (e.affectsConfiguration('promptCost.history.storeText')) {
            sub.dispose();
            resolve();
          }
        });
      });
      await config().update('history.storeText', true, vscode.ConfigurationTarget.Workspace);
      await waitFor('the marker change', () => marker.then(() => true));
      await config().update('history.storeText', undefined, vscode.ConfigurationTarget.Workspace);
      return { ...seen };
    } finally {
      for (const s of subs) s.dispose();
    }
  }

  it('the Runs view group-by re-prices and re-estimates nothing', async () => {
    const seen = await eventsDuring(() => config().update('history.groupBy', 'model', vscode.ConfigurationTarget.Workspace));
    await config().update('history.groupBy', undefined, vscode.ConfigurationTarget.Workspace);
    assert.deepEqual(seen, { pricing: 0, estimates: 0 });
  });

  it('requests per day re-estimates without re-pricing', async () => {
    const seen = await eventsDuring(() => config().update('requestsPerDay', 123, vscode.ConfigurationTarget.Workspace));
    await config().update('requestsPerDay', undefined, vscode.ConfigurationTarget.Workspace);
    assert.equal(seen.pricing, 0);
    assert.ok(seen.estimates >= 1, JSON.stringify(seen));
  });

  it('price overrides re-price, and so re-estimate', async () => {
    const seen = await eventsDuring(() =>
      config().update(
        'pricingOverrides',
        { 'openai:gpt-4o': { input_per_mtok: 2, output_per_mtok: 8 } },
        vscode.ConfigurationTarget.Workspace,
      ),
    );
    await config().update('pricingOverrides', undefined, vscode.ConfigurationTarget.Workspace);
    assert.ok(seen.pricing >= 1 && seen.estimates >= 1, JSON.stringify(seen));
  });
});
