// "Import Team Runs from Langfuse…": the team's runs read back from Langfuse's public API into this workspace's
// ledger (Runs view, learned output tokens), on the same core as `prompt-cost history import --langfuse`
// (core/history/otel/langfuse.ts: paged, bounded, incremental from the newest run already imported). It sends
// the project's keys to a URL, so it runs only on the user's command and only in a trusted workspace; the keys
// live in SecretStorage (never in settings, never in the log: messages name the URL, redacted, and the status).
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { IN_BROWSER, notInBrowser } from '../platform';
import type { Services } from '../services';
import { historyStore } from './store';
import { errorText } from '../../core/errors';

/** SecretStorage keys of the Langfuse project keys (public `pk-lf-…`, secret `sk-lf-…`). */
export const LANGFUSE_SECRETS = { publicKey: 'promptCost.langfuse.publicKey', secretKey: 'promptCost.langfuse.secretKey' } as const;
/** The last Langfuse URL used in this workspace (not a secret). */
const BASE_URL_STATE = 'promptCost.langfuse.baseUrl';
const DEFAULT_BASE_URL = 'https://cloud.langfuse.com';

/** Arguments for a programmatic call (tests, other commands): what the prompts would otherwise ask. */
export interface LangfuseImportArgs {
  baseUrl?: string;
  maxPages?: number;
}

async function askBaseUrl(services: Services): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Import Team Runs from Langfuse (1/3)',
    prompt: 'Langfuse URL: https://cloud.langfuse.com, https://us.cloud.langfuse.com or your own',
    value: services.context.workspaceState.get<string>(BASE_URL_STATE) ?? DEFAULT_BASE_URL,
    ignoreFocusOut: true,
    validateInput: (v) => (/^https?:\/\//.test(v.trim()) && URL.canParse(v.trim()) ? undefined : 'an http(s) URL'),
  });
}

/** A stored key, else asked for (password box) and stored. */
async function key(services: Services, which: keyof typeof LANGFUSE_SECRETS, step: string): Promise<string | undefined> {
  const stored = await services.context.secrets.get(LANGFUSE_SECRETS[which]);
  if (stored) return stored;
  const value = await vscode.window.showInputBox({
    title: `Import Team Runs from Langfuse (${step})`,
    prompt:
      which === 'publicKey'
        ? 'Langfuse public key (pk-lf-…), kept in SecretStorage'
        : 'Langfuse secret key (sk-lf-…), kept in SecretStorage',
    password: which === 'secretKey',
    ignoreFocusOut: true,
  });
  if (!value?.trim()) return undefined;
  await services.context.secrets.store(LANGFUSE_SECRETS[which], value.trim());
  return value.trim();
}

/** Runs the import; the result (for tests and callers) or undefined when refused, cancelled or failed. */
export async function importTeamRunsFromLangfuse(services: Services, args: LangfuseImportArgs = {}) {
  if (IN_BROWSER) {
    void vscode.window.showWarningMessage(`Prompt Cost: ${notInBrowser('Importing team runs into the ledger')}`);
    return undefined;
  }
  if (!services.trust.isTrusted) {
    void vscode.window.showWarningMessage(
      'Prompt Cost: importing team runs from Langfuse sends your project keys to its server, so it is only available in a trusted workspace.',
    );
    return undefined;
  }
  const baseUrl = (args.baseUrl ?? (await askBaseUrl(services)))?.trim();
  if (!baseUrl) return undefined;
  const publicKey = await key(services, 'publicKey', '2/3');
  const secretKey = publicKey && (await key(services, 'secretKey', '3/3'));
  if (!publicKey || !secretKey) return undefined;
  await services.context.workspaceState.update(BASE_URL_STATE, baseUrl);
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Prompt Cost: importing team runs from Langfuse…' },
      () => historyStore(services).importLangfuse({ baseUrl, publicKey, secretKey, ...(args.maxPages ? { maxPages: args.maxPages } : {}) }),
    );
    for (const p of r.problems) services.log.warn(`Langfuse import: ${p}`);
    const host = new URL(baseUrl).host;
    const message =
      `Prompt Cost: ${r.added} new and ${r.updated} updated team run${r.added + r.updated === 1 ? '' : 's'} from ${host}` +
      ` (${r.observations} observation${r.observations === 1 ? '' : 's'} in ${r.pages} page${r.pages === 1 ? '' : 's'}${r.from ? ` since ${r.from}` : ''}).`;
    if (r.truncated) void vscode.window.showWarningMessage(`${message} More are there: run the import again for the rest.`);
    else void vscode.window.showInformationMessage(message);
    return r;
  } catch (err) {
    // LangfuseError names the URL (credentials redacted) and the HTTP status, never the keys.
    services.log.warn(`Langfuse import: ${errorText(err)}`);
    const retry = 'Enter Keys Again';
    void vscode.window.showErrorMessage(`Prompt Cost: Langfuse import failed: ${errorText(err)}`, retry).then(async (pick) => {
      if (pick !== retry) return;
      await services.context.secrets.delete(LANGFUSE_SECRETS.publicKey);
      await services.context.secrets.delete(LANGFUSE_SECRETS.secretKey);
      await importTeamRunsFromLangfuse(services, { baseUrl });
    });
    return undefined;
  }
}

export function registerLangfuseImport(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.importLangfuse, (args?: LangfuseImportArgs) =>
    importTeamRunsFromLangfuse(services, typeof args === 'object' && args !== null ? args : {}),
  );
}
