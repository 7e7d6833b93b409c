// "Update Prices": the extension's only network call besides running a prompt, and only when the
// user asks. Downloads the genai-prices catalog, validates it, stores it in global storage.
// Also warns once per session when the reference prices in use are older than 90 days.
import * as vscode from 'vscode';
import type { Services } from './services';
import { COMMANDS } from './commandIds';
import { errorText } from '../core/errors';

/** The URL @pydantic/genai-prices itself uses for its updates. */
export const PRICES_URL = 'https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json';
const TIMEOUT_MS = 30_000;

export function registerUpdatePrices(services: Services, fetchImpl: typeof fetch = fetch): vscode.Disposable {
  let warned = false;
  return vscode.Disposable.from(
    // Checked when prices are first needed, so activation never loads them.
    services.pricing.onDidLoadReference((reference) => {
      if (warned || !reference.isStale(new Date())) return;
      warned = true;
      void warnStale(reference.dataDate);
    }),
    vscode.commands.registerCommand(COMMANDS.updatePrices, async (testOptions?: { url?: string; confirm?: boolean }) => {
      // Another URL or skipping the question are for the extension's own tests only.
      const options = services.context.extensionMode === vscode.ExtensionMode.Test ? testOptions : undefined;
      const url = options?.url ?? PRICES_URL;
      if (options?.confirm !== false) {
        const ok = await vscode.window.showInformationMessage(
          `Download the latest model prices from ${new URL(url).host}? This is the only request Prompt Cost Lens makes on its own; the data is validated and kept in this machine's extension storage.`,
          { modal: true },
          'Download',
        );
        if (ok !== 'Download') return undefined;
      }
      return vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Prompt Cost: updating prices…', cancellable: true },
        async (_p, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
          try {
            const { downloadPriceData } = await import('../core/pricing/download');
            const { data } = await downloadPriceData(url, { fetch: fetchImpl, signal: controller.signal });
            const catalog = await services.pricing.storeUpdatedCatalog(data);
            void vscode.window.showInformationMessage(
              `Prompt Cost: prices updated (${catalog.models.length} models, data of ${catalog.dataDate}).`,
            );
            return catalog.dataDate;
          } catch (err) {
            const reason = controller.signal.aborted ? (token.isCancellationRequested ? 'cancelled' : 'timed out') : errorText(err);
            void vscode.window.showErrorMessage(`Prompt Cost: could not update prices: ${reason}. The prices in use are unchanged.`);
            return undefined;
          } finally {
            clearTimeout(timer);
          }
        },
      );
    }),
  );
}

async function warnStale(dataDate: string): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    `Prompt Cost: the reference prices are from ${dataDate}, more than 90 days ago.`,
    'Update Prices',
  );
  if (choice) await vscode.commands.executeCommand(COMMANDS.updatePrices);
}
