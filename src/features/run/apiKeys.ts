// "Set API Key…" / "Clear API Key…": provider keys live ONLY in VS Code's SecretStorage
// (the OS keychain), never in settings, logs, the ledger or error messages.
import * as vscode from 'vscode';
import type { ProviderKind } from '../../core/providers/types';
import { COMMANDS } from '../commandIds';
import type { Services } from '../services';
import { PROVIDER_LABELS, secretKeyFor } from './keys';
import { baseUrlFromWorkspace, readRunSettings } from '../config';

const PROVIDERS: ProviderKind[] = ['openai', 'anthropic'];

export function getApiKey(context: vscode.ExtensionContext, provider: ProviderKind): Thenable<string | undefined> {
  return context.secrets.get(secretKeyFor(provider));
}

export async function storeApiKey(context: vscode.ExtensionContext, provider: ProviderKind, key: string): Promise<void> {
  const k = key.trim();
  if (!k) throw new Error('empty API key');
  await context.secrets.store(secretKeyFor(provider), k);
}

export async function clearApiKey(context: vscode.ExtensionContext, provider: ProviderKind): Promise<void> {
  await context.secrets.delete(secretKeyFor(provider));
}

async function pickProvider(services: Services, title: string, onlySet: boolean): Promise<ProviderKind | undefined> {
  const settings = readRunSettings();
  const items = [];
  for (const p of PROVIDERS) {
    const has = (await getApiKey(services.context, p)) !== undefined;
    if (onlySet && !has) continue;
    const url = p === 'openai' ? settings.openaiBaseUrl : settings.anthropicBaseUrl;
    items.push({ label: PROVIDER_LABELS[p], description: has ? 'key set' : 'no key', detail: url, value: p });
  }
  if (!items.length) {
    void vscode.window.showInformationMessage('Prompt Cost: no API keys are stored.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title }))?.value;
}

export function registerApiKeyCommands(services: Services): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.setApiKey, async (provider?: ProviderKind) => {
      const p = PROVIDERS.includes(provider as ProviderKind)
        ? (provider as ProviderKind)
        : await pickProvider(services, 'Prompt Cost: set the API key for', false);
      if (!p) return false;
      const key = await vscode.window.showInputBox({
        title: `Prompt Cost: ${PROVIDER_LABELS[p]} API key`,
        prompt: `Stored in VS Code's secret storage (OS keychain), never in settings or the run history.${p === 'openai' ? ' Local servers (Ollama, LM Studio, vLLM) need none.' : ''}`,
        password: true,
        ignoreFocusOut: true,
        placeHolder: p === 'anthropic' ? 'sk-ant-…' : 'sk-…',
        validateInput: (v) =>
          !v.trim() ? 'Enter a key (Escape to cancel).' : /\s/.test(v.trim()) ? 'An API key has no spaces.' : undefined,
      });
      if (!key) return false;
      await storeApiKey(services.context, p, key);
      void vscode.window.showInformationMessage(`Prompt Cost: ${PROVIDER_LABELS[p]} API key stored in the secret storage.`);
      return true;
    }),
    vscode.commands.registerCommand(COMMANDS.clearApiKey, async (provider?: ProviderKind) => {
      const p = PROVIDERS.includes(provider as ProviderKind)
        ? (provider as ProviderKind)
        : await pickProvider(services, 'Prompt Cost: clear the API key of', true);
      if (!p) return false;
      await clearApiKey(services.context, p);
      void vscode.window.showInformationMessage(`Prompt Cost: ${PROVIDER_LABELS[p]} API key removed.`);
      return true;
    }),
  );
}

const APPROVED_ORIGINS = 'promptCost.approvedKeyOrigins';

/**
 * A workspace's settings can point the base URL anywhere; the user's key must not follow silently.
 * Asks once per origin when the URL comes from workspace (or folder) settings; remembers the answer.
 */
export async function approveKeyDestination(services: Services, kind: ProviderKind, baseUrl: string): Promise<boolean> {
  if (services.context.extensionMode === vscode.ExtensionMode.Test) return true; // tests set the URL themselves
  if (!baseUrlFromWorkspace(kind)) return true;
  let origin: string;
  try {
    origin = new URL(baseUrl).origin;
  } catch {
    return true; // an invalid URL fails at the request with its own message
  }
  const approved = services.context.globalState.get<string[]>(APPROVED_ORIGINS, []);
  if (approved.includes(`${kind} ${origin}`)) return true;
  const choice = await vscode.window.showWarningMessage(
    `This workspace's settings send ${PROVIDER_LABELS[kind]} requests to ${origin}. Send your ${PROVIDER_LABELS[kind]} API key there?`,
    { modal: true },
    'Send Key',
  );
  if (choice !== 'Send Key') return false;
  await services.context.globalState.update(APPROVED_ORIGINS, [...approved, `${kind} ${origin}`]);
  return true;
}
