// "Prompt Cost: Count Tokens with Provider…": the exact prompt-token count of the current prompt
// from the provider's free count endpoint (Anthropic count_tokens, Gemini countTokens), for the
// models no offline tokenizer counts exactly. Only when asked (never per keystroke), only in a
// trusted workspace, keys only from SecretStorage; answers are cached by content hash (features/countCache.ts:
// `.prompt-cost/provider-counts.json` on the desktop, shared with `prompt-cost count --provider-count`; the
// extension's workspace storage in the browser, where both endpoints allow the request: docs/user/browser.md).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IN_BROWSER } from './platform';
import { openCountCache } from './countCache';
import { COMMANDS } from './commandIds';
import { readConfig, readRunSettings } from './config';
import type { Services } from './services';
import { approveKeyDestination, getApiKey } from './run/apiKeys';
import { errorText } from '../core/errors';

export interface ProviderCountOptions {
  /** Count for this model without asking (tests, other commands). */
  model?: string;
}

export interface ProviderCountOutcome {
  model: string;
  tokens: number;
  source: string;
  cached: boolean;
}

/** SecretStorage key of the Gemini API key (Anthropic's is the one "Set API Key…" stores). */
export const GEMINI_SECRET = 'promptCost.apiKey.gemini';

async function countCommand(
  services: Services,
  uri?: vscode.Uri,
  options: ProviderCountOptions = {},
): Promise<ProviderCountOutcome | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Prompt Cost: provider counts are disabled in untrusted workspaces (Workspace Trust).');
    return undefined;
  }
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showWarningMessage('Prompt Cost: open a prompt to count it.');
    return undefined;
  }
  const [counts, promptCore, estimateCore] = await Promise.all([
    import('../core/providers/countTokens'),
    import('../core/prompt'),
    import('../core/estimate'),
  ]);
  let model = options.model;
  if (!model) {
    const candidates = [...new Set([...readConfig(doc.uri).models, 'anthropic:claude-sonnet-4-5', 'google:gemini-2.5-flash'])].filter((m) =>
      counts.countProviderFor(m),
    );
    model = await vscode.window.showQuickPick(candidates, { title: 'Count tokens with the provider for model' });
    if (!model) return undefined;
  }
  const target = counts.countProviderFor(model);
  if (!target) {
    void vscode.window.showInformationMessage(`Prompt Cost: no provider count endpoint for ${model} (only Claude and Gemini need one).`);
    return undefined;
  }
  const parsed = promptCore.parsePromptDocument(doc.getText(), path.posix.basename(doc.uri.path));
  // the same messages (and so the same cache key) the estimate looks up (core/estimate/providerCounts.ts)
  const messages = estimateCore.countMessagesOf(parsed);
  if (!messages.length) messages.push({ role: 'user', content: doc.getText() });

  const context = services.context;
  let apiKey = target.provider === 'anthropic' ? await getApiKey(context, 'anthropic') : await context.secrets.get(GEMINI_SECRET);
  if (!apiKey) {
    apiKey = await vscode.window.showInputBox({
      title: `${counts.COUNT_SOURCES[target.provider]}: API key (kept in the secret storage)`,
      password: true,
      ignoreFocusOut: true,
    });
    if (!apiKey?.trim()) return undefined;
    apiKey = apiKey.trim();
    await context.secrets.store(target.provider === 'anthropic' ? 'promptCost.apiKey.anthropic' : GEMINI_SECRET, apiKey);
  }
  const baseUrl = target.provider === 'anthropic' ? readRunSettings(doc.uri).anthropicBaseUrl : undefined;
  // a base URL set by the workspace (a cloned repository) gets the key only with the user's consent
  if (baseUrl && !(await approveKeyDestination(services, 'anthropic', baseUrl))) return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  const cache = await openCountCache(context, folder);
  const key = counts.countCacheKey(target.provider, target.model, messages);
  const hit = cache.get(key);
  let outcome: ProviderCountOutcome;
  if (hit) {
    outcome = { model, tokens: hit.tokens, source: hit.source, cached: true };
  } else {
    try {
      const r = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Prompt Cost: asking the ${counts.COUNT_SOURCES[target.provider]}…` },
        () =>
          counts.providerCount({
            ...target,
            messages,
            apiKey: apiKey!,
            baseUrl,
            browser: IN_BROWSER,
          }),
      );
      // the offline estimate of the same prompt (as the editor counts it, uncalibrated) calibrates later estimates
      const estimate = estimateCore.promptFileTokens(doc.getText(), path.posix.basename(doc.uri.path)).tokens(model).tokens;
      await cache.set(key, { ...r, estimate, at: new Date().toISOString() });
      services.estimator.invalidateCounts();
      outcome = { model, tokens: r.tokens, source: r.source, cached: false };
    } catch (err) {
      void vscode.window.showErrorMessage(`Prompt Cost: ${errorText(err)}`);
      return undefined;
    }
  }
  void vscode.window.showInformationMessage(
    `Prompt Cost: ${outcome.tokens.toLocaleString('en-US')} input tokens for ${model} — exact, ${outcome.source}${outcome.cached ? ' (cached)' : ''}.`,
  );
  return outcome;
}

export function registerProviderCount(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.providerCount, (uri?: vscode.Uri, options?: ProviderCountOptions) =>
    countCommand(services, uri instanceof vscode.Uri ? uri : undefined, options),
  );
}
