// "Prompt Cost: Run Prompt…" (also the `▶ Run` CodeLens): pick a model, fill the template
// variables, send the prompt's messages with the real provider client, stream the answer into a
// Markdown editor beside, cancel through the progress notification, and record the run (estimate
// at send time, actual usage buckets, exact actual cost) in the ledger. Disabled in untrusted workspaces.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IN_BROWSER, notInBrowser } from '../platform';
import { COMMANDS } from '../commandIds';
import type { RunEstimate, RunRecord } from '../../core/history/record';
import type { Endpoint, RunPromptResult } from '../../core/providers/types';
import type { PromptDocument } from '../../core/prompt';
import { PromptCostConfig, RunSettings, readConfig, readRunSettings } from '../config';
import type { PricingContext } from '../pricingService';
import { formatCount, formatDuration, formatUsd } from '../../core/format';
import type { Services } from '../services';
import { historyStore } from '../history/store';
import { approveKeyDestination, getApiKey } from './apiKeys';
import { PROVIDER_LABELS } from './keys';
import type { RunTarget } from './runLogic';
import { errorText } from '../../core/errors';

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

function fmtUsd(s: string | undefined, approximate?: boolean): string {
  return s === undefined ? 'no price' : formatUsd(s, approximate);
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
  } else if (record.warnings?.length) parts.push(`usage unusable (${record.warnings.join('; ')}): tokens and cost unknown`);
  else if (record.status === 'ok') parts.push('the server reported no usage');
  if (record.costUsd !== undefined) parts.push(`**$${record.costUsd}**`);
  if (record.estimate) parts.push(`estimate ${fmtUsd(record.estimate.costUsd, record.estimate.approximate)}`);
  if (record.latencyMs !== undefined) parts.push(formatDuration(record.latencyMs));
  return `\n\n---\n\n*${record.status === 'ok' ? '' : `${record.status} · `}${parts.join(' · ')}*\n`;
}

/** The modules a run needs: loaded on first run, not at activation. */
interface RunModules {
  logic: typeof import('./runLogic');
  promptCore: typeof import('../../core/prompt');
  estimateCore: typeof import('../../core/estimate');
  history: typeof import('../../core/history');
  providers: typeof import('../../core/providers');
  tokenize: typeof import('../../core/tokenize');
}

/** What the steps of one run share. */
interface RunContext {
  services: Services;
  modules: RunModules;
  doc: vscode.TextDocument;
  name: string;
  text: string;
  parsed: PromptDocument;
  config: PromptCostConfig;
  settings: RunSettings;
  pricing: PricingContext;
  options: RunPromptOptions;
}

export async function runPromptCommand(
  services: Services,
  uri?: vscode.Uri,
  options: RunPromptOptions = {},
): Promise<RunPromptOutcome | undefined> {
  if (!(await ensureTrusted())) return undefined;
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showWarningMessage('Prompt Cost: open a prompt file to run it.');
    return undefined;
  }
  const [logic, promptCore, estimateCore, history, providers, tokenize] = await Promise.all([
    import('./runLogic'),
    import('../../core/prompt'),
    import('../../core/estimate'),
    import('../../core/history'),
    import('../../core/providers'),
    import('../../core/tokenize'),
  ]);
  const text = doc.getText();
  const name = path.posix.basename(doc.uri.path);
  const run: RunContext = {
    services,
    modules: { logic, promptCore, estimateCore, history, providers, tokenize },
    doc,
    name,
    text,
    parsed: promptCore.parsePromptDocument(text, name),
    config: readConfig(doc.uri),
    settings: readRunSettings(doc.uri),
    pricing: await services.pricing.forDocument(doc.uri),
    options,
  };

  // 1. Model, 2. endpoint and key (before any placeholder is asked for), 3. template variables: each may
  // be cancelled by the user.
  let modelId = options.model;
  if (!modelId) {
    modelId = await pickRunModel(run);
    if (!modelId?.trim()) return undefined;
  }
  const target = logic.runTargetFor(modelId);
  const access = await resolveEndpoint(run, target);
  if (!access) return undefined;
  const values = await askVariables(run);
  if (!values) return undefined;
  const sent = logic.filledDocument(run.parsed, text, values);
  const messages = logic.fillMessages(text, run.parsed, values);
  if (!messages.length) {
    void vscode.window.showWarningMessage('Prompt Cost: the prompt has no messages to send.');
    return undefined;
  }

  // 4. The estimate at send time, 5. the answer editor, 6. send (cancellable), 7. record and report.
  const estimate = estimateAtSend(run, sent, target);
  const writer = options.showAnswer === false ? undefined : await openAnswer(run, target, messages.length, estimate);
  const time = new Date();
  const { result, error } = await send(run, target, access.endpoint, messages, writer);
  const record = safeRecordOf(run, { target, time, estimate, result, error, apiKey: access.apiKey });
  let ledgerFile = '';
  try {
    ledgerFile = await historyStore(services).append(record, doc.uri);
  } catch (err) {
    void vscode.window.showErrorMessage(`Prompt Cost: could not record the run in the history: ${errorText(err)}`);
  }
  if (writer) {
    if (record.status !== 'ok' && record.error)
      writer.write(`\n\n> **${record.status === 'cancelled' ? 'Cancelled' : 'Error'}:** ${record.error.message.replace(/\n/g, ' ')}`);
    writer.write(footer(record));
    await writer.flush();
  }
  if (record.status !== 'ok' && record.error) reportFailure(run, record, error, target, access.baseUrl, values);
  if (record.warnings?.length) {
    services.log.warn(`run ${record.id}: ${record.warnings.join('; ')}`);
    void vscode.window.showWarningMessage(
      `Prompt Cost: tokens and cost unknown — ${target.id} answered, but its usage could not be used: ${record.warnings.join('; ')}`,
    );
  }
  services.log.info(
    `run ${record.id}: ${target.id} ${record.status}${record.costUsd ? ` $${record.costUsd}` : ''}${record.error ? ` (${record.error.kind})` : ''}`,
  );
  return { record, answer: writer?.doc.uri, ledgerFile };
}

async function ensureTrusted(): Promise<boolean> {
  if (IN_BROWSER) {
    // The run is recorded in the workspace ledger with an append-only, locked write (core/history/ledger.ts):
    // a web extension can do neither, and a browser sends a key cross-origin only where the provider allows it.
    void vscode.window.showWarningMessage(`Prompt Cost: ${notInBrowser('Running a prompt and recording its cost')}`);
    return false;
  }
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(
    'Prompt Cost: running prompts is disabled in untrusted workspaces (Workspace Trust).',
    'Manage Workspace Trust',
  );
  if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** The model: the prompt's own, the primary, then the configured ones, or any id typed in. */
async function pickRunModel({
  services,
  modules,
  settings,
  parsed,
  config,
  pricing,
  options,
  name,
}: RunContext): Promise<string | undefined> {
  const primary = options.preferredModel ?? parsed.model ?? (config.primaryModel || pricing.models[0]);
  const models = [...new Set([primary, ...pricing.models].filter(Boolean))];
  const other = '$(edit) Other model…';
  // Say up front which models cannot run yet for want of a key.
  const kindOf = (m: string) => modules.logic.runTargetFor(m).kind;
  const missingKey = new Map<string, boolean>();
  for (const kind of new Set(models.map(kindOf)))
    missingKey.set(kind, keyRequired(kind, settings) && (await getApiKey(services.context, kind)) === undefined);
  const picked = await vscode.window.showQuickPick(
    [
      ...models.map((m, i) => ({
        label: m,
        description: [
          i === 0 ? (m === options.preferredModel ? 'as before' : m === parsed.model ? 'from the prompt file' : 'primary') : '',
          missingKey.get(kindOf(m)) ? '$(key) no API key yet' : '',
        ]
          .filter(Boolean)
          .join(' · '),
      })),
      { label: other, description: 'any provider:model id' },
    ],
    { title: `Prompt Cost: run ${name} with`, matchOnDescription: true },
  );
  if (!picked) return undefined;
  if (picked.label !== other) return picked.label;
  return vscode.window.showInputBox({
    title: 'Prompt Cost: model id',
    prompt: 'provider:model, e.g. openai:gpt-4o-mini, anthropic:claude-3-5-haiku-latest, ollama:llama3.2',
    ignoreFocusOut: true,
  });
}

/** Values of the template variables: given, or asked one by one (Escape cancels the run: undefined). */
async function askVariables({ modules, parsed, options }: RunContext): Promise<Record<string, string> | undefined> {
  const values: Record<string, string> = { ...(options.variables ?? {}) };
  if (options.variables !== undefined) return values;
  const samples = modules.logic.sampleValues(parsed);
  const names = modules.logic.templateVariables(parsed);
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
  return values;
}

/**
 * The endpoint and its key (SecretStorage only). Without a needed key it offers to set one and goes on
 * once it is stored; undefined when the user declines or does not approve where the key goes.
 */
async function resolveEndpoint(
  { services, modules, settings }: RunContext,
  target: RunTarget,
): Promise<{ endpoint: Endpoint; apiKey?: string; baseUrl: string } | undefined> {
  let apiKey = await getApiKey(services.context, target.kind);
  const baseUrl = target.kind === 'anthropic' ? settings.anthropicBaseUrl : settings.openaiBaseUrl;
  if (!apiKey && keyRequired(target.kind, settings)) {
    const choice = await vscode.window.showErrorMessage(
      `Prompt Cost: no ${PROVIDER_LABELS[target.kind]} API key is set for ${modules.providers.displayUrl(baseUrl)}. Set one to run ${target.id}.`,
      'Set API Key…',
    );
    if (!choice) return undefined;
    await vscode.commands.executeCommand(COMMANDS.setApiKey, target.kind);
    apiKey = await getApiKey(services.context, target.kind);
    if (!apiKey) return undefined;
  }
  if (apiKey && !(await approveKeyDestination(services, target.kind, baseUrl))) return undefined;
  const endpoint: Endpoint =
    target.kind === 'anthropic'
      ? { provider: 'anthropic', baseUrl, apiKey: apiKey ?? '' }
      : { provider: 'openai', baseUrl, ...(apiKey ? { apiKey } : {}) };
  return { endpoint, apiKey, baseUrl };
}

/** The estimate at send time: the Estimator's core on the messages actually sent. */
function estimateAtSend({ services, modules, config, pricing, parsed, options }: RunContext, sent: PromptDocument, target: RunTarget) {
  const outputTokens = options.maxOutputTokens ?? parsed.maxTokens ?? config.expectedOutputTokens;
  try {
    const est = modules.estimateCore.estimatePrompt(sent, (enc) => (t) => modules.tokenize.countTokens(t, enc), {
      models: [target.id],
      catalog: pricing.catalog,
      outputTokens,
      requestsPerDay: config.requestsPerDay,
    });
    const m = est.models[0];
    const row = modules.estimateCore.rowFor(est.table, target.id);
    const estimate: RunEstimate = { inputTokens: m.inputTokens, outputTokens, approximate: m.tokenizer.approximate };
    if (row) {
      estimate.costUsd = row.totalUsd.toString();
      estimate.priceSource = row.priceSource;
    }
    return estimate;
  } catch (err) {
    services.log.warn(`estimate before running failed: ${errorText(err)}`);
    return undefined;
  }
}

/** Each prompt's answer document (untitled Markdown), reused by its next runs while it is open. */
const answerDocuments = new Map<string, vscode.TextDocument>();

/**
 * The Markdown editor beside the prompt that the answer streams into: the prompt's answer document of an
 * earlier run if it is still open (the new run is appended under a rule), else a new one — not one
 * `Untitled-N` tab per run.
 */
async function openAnswer({ name, doc }: RunContext, target: RunTarget, messageCount: number, estimate: RunEstimate | undefined) {
  const header = `# ▶ ${name} · ${target.id}\n\n*${new Date().toLocaleString()} · ${messageCount} message${messageCount === 1 ? '' : 's'}${estimate?.costUsd ? ` · estimate ${fmtUsd(estimate.costUsd, estimate.approximate)}` : ''}*\n\n`;
  const key = doc.uri.toString();
  let answerDoc = answerDocuments.get(key);
  if (answerDoc && !answerDoc.isClosed) {
    const end = answerDoc.positionAt(answerDoc.getText().length);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(answerDoc.uri, end, `${answerDoc.getText().endsWith('\n') ? '' : '\n'}\n---\n\n${header}`);
    if (!(await vscode.workspace.applyEdit(edit))) answerDoc = undefined;
  } else answerDoc = undefined;
  answerDoc ??= await vscode.workspace.openTextDocument({ language: 'markdown', content: header });
  answerDocuments.set(key, answerDoc);
  const shown = vscode.window.visibleTextEditors.find((e) => e.document === answerDoc);
  const editor = await vscode.window.showTextDocument(answerDoc, {
    viewColumn: shown?.viewColumn ?? vscode.ViewColumn.Beside,
    preview: false,
    preserveFocus: true,
  });
  const last = answerDoc.positionAt(answerDoc.getText().length);
  editor.revealRange(new vscode.Range(last, last), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return new AnswerWriter(answerDoc);
}

/** Sends the messages with the provider client, streaming into `writer`; cancellable from the progress notification. */
async function send(
  { modules, name, parsed, settings, options }: RunContext,
  target: RunTarget,
  endpoint: Endpoint,
  messages: ReturnType<RunModules['logic']['fillMessages']>,
  writer: AnswerWriter | undefined,
): Promise<{ result?: RunPromptResult; error?: unknown }> {
  const outcome: { result?: RunPromptResult; error?: unknown } = {};
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Prompt Cost: running ${name} on ${target.id}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let chars = 0;
      try {
        outcome.result = await modules.providers.runPrompt({
          endpoint,
          model: target.model,
          messages,
          maxOutputTokens: options.maxOutputTokens ?? parsed.maxTokens,
          stream: true,
          signal: abort.signal,
          timeoutMs: settings.timeoutSeconds * 1000,
          totalTimeoutMs: settings.maxDurationSeconds * 1000,
          onText: (delta) => {
            chars += delta.length;
            writer?.write(delta);
            progress.report({ message: `${formatCount(chars)} characters received` });
          },
        });
      } catch (err) {
        outcome.error = err;
      } finally {
        sub.dispose();
      }
    },
  );
  return outcome;
}

type RecordInput = Parameters<typeof recordOf>[1];

/** Every reply ends in a recorded run: if building the record fails, the run is recorded as an error saying why. */
function safeRecordOf(run: RunContext, input: RecordInput): RunRecord {
  try {
    return recordOf(run, input);
  } catch (err) {
    run.services.log.warn(`recording the run failed: ${errorText(err)}`);
    return recordOf(run, { ...input, result: undefined, error: err });
  }
}

/** The ledger record: prices for the actual usage from the catalog (flujo.toml > settings > reference). */
function recordOf(
  { services, modules, doc, text, pricing, settings }: RunContext,
  run: { target: RunTarget; time: Date; estimate?: RunEstimate; result?: RunPromptResult; error?: unknown; apiKey?: string },
): RunRecord {
  const { target, result, error } = run;
  const usage = result?.usage ?? (error instanceof modules.providers.ProviderError ? error.details.partialUsage : undefined);
  const resolved = pricing.catalog.resolve(target.id);
  const prices = usage && resolved.ok ? modules.logic.bucketPricesFor(resolved.price, usage) : undefined;
  if (usage && !prices) services.log.warn(`no price for ${target.id}: the run is recorded without an actual cost`);
  return modules.history.buildRunRecord({
    time: run.time,
    source: 'vscode',
    provider: target.provider,
    model: target.model,
    promptFile: vscode.workspace.getWorkspaceFolder(doc.uri)
      ? vscode.workspace.asRelativePath(doc.uri, false).split(path.sep).join('/')
      : doc.uri.scheme === 'file'
        ? doc.uri.fsPath
        : undefined,
    promptContent: text,
    estimate: run.estimate,
    result,
    error,
    prices,
    storeText: settings.storeText,
    secrets: run.apiKey ? [run.apiKey] : [],
  });
}

/** A failed run's message, with what can be done about it (set a key, open settings, retry). */
function reportFailure(
  { services, modules, doc, settings, options }: RunContext,
  record: RunRecord,
  error: unknown,
  target: RunTarget,
  baseUrl: string,
  values: Record<string, string>,
): void {
  const { providers } = modules;
  const view = modules.logic.providerErrorView(
    {
      kind: record.error!.kind,
      message: record.error!.message,
      status: record.error!.status,
      retryAfterMs: error instanceof providers.ProviderError ? error.retryAfterMs : undefined,
      timeout: error instanceof providers.ProviderError ? error.details.timeout : undefined,
    },
    {
      providerLabel: PROVIDER_LABELS[target.kind],
      model: target.model,
      baseUrl: providers.displayUrl(baseUrl),
      timeoutSeconds: settings.timeoutSeconds,
      maxDurationSeconds: settings.maxDurationSeconds,
      offline: record.error!.kind === 'network' && modules.logic.machineLooksOffline(os.networkInterfaces()),
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

/** Anthropic and the hosted OpenAI-compatible services need a key; a local server (Ollama, vLLM) does not. */
function keyRequired(kind: 'openai' | 'anthropic', settings: RunSettings): boolean {
  return kind === 'anthropic' || /(^|\.)openai\.com$|openrouter\.ai$|azure\.com$/i.test(safeHost(settings.openaiBaseUrl));
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
