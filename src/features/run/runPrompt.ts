// "Prompt Cost: Run Prompt…" (also the `▶ Run` CodeLens): pick a model, fill the template
// variables, send the prompt's messages with the real provider client, stream the answer into a
// Markdown editor beside, cancel through the progress notification, and record the run (estimate
// at send time, actual usage buckets, exact actual cost) in the ledger. Disabled in untrusted workspaces.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import type { RunEstimate, RunRecord } from '../../core/history/record';
import type { Endpoint, RunPromptResult } from '../../core/providers/types';
import { baseUrlFromWorkspace, readConfig, readRunSettings } from '../config';
import type { Services } from '../services';
import { historyStore } from '../history/store';
import { getApiKey } from './apiKeys';
import { PROVIDER_LABELS } from './keys';
import type { RunTarget } from './runLogic';

/** Arguments that skip the pickers (tests, "Run Again", other extensions). */
export interface RunPromptOptions {
  /** Run with this model without asking (tests, and Retry after the user picked it). */
  model?: string;
  /** Offer this model first in the picker (e.g. "Run Again" from the history). */
  preferredModel?: string;
  /** Values of template variables; when given, variables without a value are sent as written (no prompts). */
  variables?: Record<string, string>;
  maxOutputTokens?: number;
  /** Default true: stream into a Markdown editor beside. */
  showAnswer?: boolean;
}

export interface RunPromptOutcome {
  record: RunRecord;
  /** The untitled Markdown document with the answer, when shown. */
  answer?: vscode.Uri;
  ledgerFile: string;
}

/** Appends streamed text to a document in order, coalescing small deltas into one edit per tick. */
class AnswerWriter {
  private pending = '';
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private broken = false;

  constructor(readonly doc: vscode.TextDocument) {}

  write(text: string): void {
    this.pending += text;
    this.timer ??= setTimeout(() => this.flush(), 50);
  }

  flush(): Promise<unknown> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const text = this.pending;
    this.pending = '';
    if (text && !this.broken) {
      this.chain = this.chain.then(async () => {
        if (this.doc.isClosed) {
          this.broken = true;
          return;
        }
        const edit = new vscode.WorkspaceEdit();
        edit.insert(this.doc.uri, this.doc.positionAt(this.doc.getText().length), text);
        if (!(await vscode.workspace.applyEdit(edit))) this.broken = true;
      });
    }
    return this.chain;
  }
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function fmtUsd(s: string | undefined, approximate?: boolean): string {
  return s === undefined ? 'no price' : `${approximate ? '≈' : ''}$${s}`;
}

/** The footer under the answer: usage buckets, exact cost, estimate and Δ, latency. */
function footer(record: RunRecord): string {
  const parts: string[] = [];
  const u = record.usage;
  if (u) {
    const inTok = u.inputTokens + u.cachedInputTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens;
    const extra = [
      u.cachedInputTokens ? `${formatCount(u.cachedInputTokens)} cached` : '',
      u.cacheWrite5mTokens + u.cacheWrite1hTokens ? `${formatCount(u.cacheWrite5mTokens + u.cacheWrite1hTokens)} cache write` : '',
    ]
      .filter(Boolean)
      .join(', ');
    parts.push(`${formatCount(inTok)} in${extra ? ` (${extra})` : ''} → ${formatCount(u.outputTokens)} out`);
  } else if (record.status === 'ok') parts.push('the server reported no usage');
  if (record.costUsd !== undefined) parts.push(`**$${record.costUsd}**`);
  if (record.estimate) parts.push(`estimate ${fmtUsd(record.estimate.costUsd, record.estimate.approximate)}`);
  if (record.latencyMs !== undefined) parts.push(`${(record.latencyMs / 1000).toFixed(1)} s`);
  return `\n\n---\n\n*${record.status === 'ok' ? '' : `${record.status} · `}${parts.join(' · ')}*\n`;
}

export async function runPromptCommand(
  services: Services,
  uri?: vscode.Uri,
  options: RunPromptOptions = {},
): Promise<RunPromptOutcome | undefined> {
  if (!vscode.workspace.isTrusted) {
    const choice = await vscode.window.showWarningMessage(
      'Prompt Cost: running prompts is disabled in untrusted workspaces (Workspace Trust).',
      'Manage Workspace Trust',
    );
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    return undefined;
  }
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showWarningMessage('Prompt Cost: open a prompt file to run it.');
    return undefined;
  }
  // Everything heavy loads on first run, not at activation.
  const [logic, promptCore, estimateCore, history, providers, tokenize] = await Promise.all([
    import('./runLogic'),
    import('../../core/prompt'),
    import('../../core/estimate'),
    import('../../core/history'),
    import('../../core/providers'),
    import('../../core/tokenize'),
  ]);
  const text = doc.getText();
  const parsed = promptCore.parsePromptDocument(text, path.posix.basename(doc.uri.path));
  const config = readConfig(doc.uri);
  const settings = readRunSettings(doc.uri);
  const pricing = await services.pricing.forDocument(doc.uri);

  // 1. Model: the prompt's own, the primary, then the configured ones.
  let modelId = options.model;
  if (!modelId) {
    const primary = options.preferredModel ?? parsed.model ?? (config.primaryModel || pricing.models[0]);
    const models = [...new Set([primary, ...pricing.models].filter(Boolean))];
    const other = '$(edit) Other model…';
    const picked = await vscode.window.showQuickPick(
      [
        ...models.map((m, i) => ({
          label: m,
          description:
            i === 0 ? (m === options.preferredModel ? 'as before' : m === parsed.model ? 'from the prompt file' : 'primary') : undefined,
        })),
        { label: other, description: 'any provider:model id' },
      ],
      { title: `Prompt Cost: run ${path.posix.basename(doc.uri.path)} with`, matchOnDescription: true },
    );
    if (!picked) return undefined;
    modelId =
      picked.label === other
        ? await vscode.window.showInputBox({
            title: 'Prompt Cost: model id',
            prompt: 'provider:model, e.g. openai:gpt-4o-mini, anthropic:claude-3-5-haiku-latest, ollama:llama3.2',
            ignoreFocusOut: true,
          })
        : picked.label;
    if (!modelId?.trim()) return undefined;
  }
  const target: RunTarget = logic.runTargetFor(modelId);

  // 2. Template variables.
  const values: Record<string, string> = { ...(options.variables ?? {}) };
  if (options.variables === undefined) {
    const samples = logic.sampleValues(parsed);
    const names = logic.templateVariables(parsed);
    for (const [i, name] of names.entries()) {
      const v = await vscode.window.showInputBox({
        title: `Prompt Cost: value of {{${name}}} (${i + 1}/${names.length})`,
        prompt: 'Filled into the messages before sending. Escape cancels the run.',
        value: samples[name] ?? '',
        ignoreFocusOut: true,
      });
      if (v === undefined) return undefined;
      values[name] = v;
    }
  }
  const sent = logic.filledDocument(parsed, text, values);
  const messages = logic.fillMessages(text, parsed, values);
  if (!messages.length) {
    void vscode.window.showWarningMessage('Prompt Cost: the prompt has no messages to send.');
    return undefined;
  }

  // 3. Endpoint and key (SecretStorage only).
  const apiKey = await getApiKey(services.context, target.kind);
  const baseUrl = target.kind === 'anthropic' ? settings.anthropicBaseUrl : settings.openaiBaseUrl;
  const needsKey = target.kind === 'anthropic' || /(^|\.)openai\.com$|openrouter\.ai$|azure\.com$/i.test(safeHost(baseUrl));
  if (!apiKey && needsKey) {
    const choice = await vscode.window.showErrorMessage(
      `Prompt Cost: no ${PROVIDER_LABELS[target.kind]} API key is set for ${providers.displayUrl(baseUrl)}.`,
      'Set API Key…',
    );
    if (choice) void vscode.commands.executeCommand(COMMANDS.setApiKey, target.kind);
    return undefined;
  }
  if (apiKey && !(await approveKeyDestination(services, target.kind, baseUrl))) return undefined;
  const endpoint: Endpoint =
    target.kind === 'anthropic'
      ? { provider: 'anthropic', baseUrl, apiKey: apiKey ?? '' }
      : { provider: 'openai', baseUrl, ...(apiKey ? { apiKey } : {}) };

  // 4. The estimate at send time: the Estimator's core on the messages actually sent.
  const outputTokens = options.maxOutputTokens ?? parsed.maxTokens ?? config.expectedOutputTokens;
  let estimate: RunEstimate | undefined;
  try {
    const est = estimateCore.estimatePrompt(sent, (enc) => (t) => tokenize.countTokens(t, enc), {
      models: [target.id],
      catalog: pricing.catalog,
      outputTokens,
      requestsPerDay: config.requestsPerDay,
    });
    const m = est.models[0];
    const row = estimateCore.rowFor(est.table, target.id);
    estimate = { inputTokens: m.inputTokens, outputTokens, approximate: m.tokenizer.approximate };
    if (row) {
      estimate.costUsd = row.totalUsd.toString();
      estimate.priceSource = row.priceSource;
    }
  } catch (err) {
    services.log.warn(`estimate before running failed: ${(err as Error).message}`);
  }

  // 5. The answer editor.
  const name = path.posix.basename(doc.uri.path);
  let writer: AnswerWriter | undefined;
  if (options.showAnswer !== false) {
    const header = `# ▶ ${name} · ${target.id}\n\n*${new Date().toLocaleString()} · ${messages.length} message${messages.length === 1 ? '' : 's'}${estimate?.costUsd ? ` · estimate ${fmtUsd(estimate.costUsd, estimate.approximate)}` : ''}*\n\n`;
    const answerDoc = await vscode.workspace.openTextDocument({ language: 'markdown', content: header });
    await vscode.window.showTextDocument(answerDoc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
    writer = new AnswerWriter(answerDoc);
  }

  // 6. Send, cancellable.
  const time = new Date();
  let result: RunPromptResult | undefined;
  let error: unknown;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Prompt Cost: running ${name} on ${target.id}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let chars = 0;
      try {
        result = await providers.runPrompt({
          endpoint,
          model: target.model,
          messages,
          maxOutputTokens: options.maxOutputTokens ?? parsed.maxTokens,
          stream: true,
          signal: abort.signal,
          timeoutMs: settings.timeoutSeconds * 1000,
          onText: (delta) => {
            chars += delta.length;
            writer?.write(delta);
            progress.report({ message: `${formatCount(chars)} characters received` });
          },
        });
      } catch (err) {
        error = err;
      } finally {
        sub.dispose();
      }
    },
  );

  // 7. Record: prices for the actual usage from the catalog (flujo.toml > settings > reference).
  const usage = result?.usage ?? (error instanceof providers.ProviderError ? error.details.partialUsage : undefined);
  const resolved = pricing.catalog.resolve(target.id);
  const prices = usage && resolved.ok ? logic.bucketPricesFor(resolved.price, usage) : undefined;
  const record = history.buildRunRecord({
    time,
    source: 'vscode',
    provider: target.provider,
    model: target.model,
    promptFile: vscode.workspace.getWorkspaceFolder(doc.uri)
      ? vscode.workspace.asRelativePath(doc.uri, false).split(path.sep).join('/')
      : doc.uri.scheme === 'file'
        ? doc.uri.fsPath
        : undefined,
    promptContent: text,
    estimate,
    result,
    error,
    prices,
    storeText: settings.storeText,
    secrets: apiKey ? [apiKey] : [],
  });
  if (usage && !prices) services.log.warn(`no price for ${target.id}: the run is recorded without an actual cost`);
  let ledgerFile = '';
  try {
    ledgerFile = await historyStore(services).append(record, doc.uri);
  } catch (err) {
    void vscode.window.showErrorMessage(`Prompt Cost: could not record the run in the history: ${(err as Error).message}`);
  }

  if (writer) {
    if (record.status !== 'ok' && record.error)
      writer.write(`\n\n> **${record.status === 'cancelled' ? 'Cancelled' : 'Error'}:** ${record.error.message.replace(/\n/g, ' ')}`);
    writer.write(footer(record));
    await writer.flush();
  }
  if (record.status !== 'ok' && record.error) {
    const view = logic.providerErrorView(
      {
        kind: record.error.kind,
        message: record.error.message,
        status: record.error.status,
        retryAfterMs: error instanceof providers.ProviderError ? error.retryAfterMs : undefined,
      },
      {
        providerLabel: PROVIDER_LABELS[target.kind],
        model: target.model,
        baseUrl: providers.displayUrl(baseUrl),
        timeoutSeconds: settings.timeoutSeconds,
      },
    );
    const show =
      view.severity === 'info'
        ? vscode.window.showInformationMessage
        : view.severity === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showErrorMessage;
    void show(`Prompt Cost: ${view.message}`, ...view.actions).then((choice) => {
      if (choice === 'Set API Key…') void vscode.commands.executeCommand(COMMANDS.setApiKey, target.kind);
      else if (choice === 'Open Settings')
        void vscode.commands.executeCommand(
          'workbench.action.openSettings',
          target.kind === 'anthropic' ? 'promptCost.providers.anthropic' : 'promptCost.providers.openai',
        );
      else if (choice === 'Retry') void runPromptCommand(services, doc.uri, { ...options, model: target.id, variables: values });
    });
  }
  services.log.info(
    `run ${record.id}: ${target.id} ${record.status}${record.costUsd ? ` $${record.costUsd}` : ''}${record.error ? ` (${record.error.kind})` : ''}`,
  );
  return { record, answer: writer?.doc.uri, ledgerFile };
}

const APPROVED_ORIGINS = 'promptCost.approvedKeyOrigins';

/**
 * A workspace's settings can point the base URL anywhere; the user's key must not follow silently.
 * Asks once per origin when the URL comes from workspace (or folder) settings; remembers the answer.
 */
export async function approveKeyDestination(services: Services, kind: 'openai' | 'anthropic', baseUrl: string): Promise<boolean> {
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

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

export function registerRunPrompt(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.runPrompt, (uri?: unknown, options?: RunPromptOptions) => {
    const given = options && typeof options === 'object' ? options : {};
    // Any extension can execute this command: outside the extension's own tests it never runs a paid
    // request without the user picking the model (a requested model is only offered first).
    const safe: RunPromptOptions =
      services.context.extensionMode === vscode.ExtensionMode.Test
        ? given
        : { preferredModel: typeof given.model === 'string' ? given.model : undefined };
    return runPromptCommand(services, uri instanceof vscode.Uri ? uri : undefined, safe);
  });
}
