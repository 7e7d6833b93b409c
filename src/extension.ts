// Composition root: builds the shared services once and registers each feature. Nothing else lives here.
import * as vscode from 'vscode';
import { registerCodeLens } from './features/codeLens';
import { registerEstimateCommands } from './features/commands';
import { ComparePanelApi, comparePanelApi, registerComparePanel } from './features/compare/panel';
import { registerFlujoCodeActions } from './features/flujo/codeActions';
import { registerFlujoHistorical } from './features/flujo/historical';
import { registerFlujoDiagnostics } from './features/flujo/diagnostics';
import { registerFlujoLanguage } from './features/flujo/language';
import { registerHover } from './features/hover';
import { registerPromptContextKey } from './features/prompt/context';
import { registerPromptDiagnostics } from './features/prompt/diagnostics';
import { HistoryApi, historyApi } from './features/history/api';
import { registerBudgetsView } from './features/history/budgetsView';
import { registerRunsView } from './features/history/runsView';
import { registerTeamExport } from './features/history/teamExport';
import { registerLangfuseImport } from './features/history/langfuseImport';
import { registerApiKeyCommands } from './features/run/apiKeys';
import { registerRunPrompt } from './features/run/runPrompt';
import { Services, createServices } from './features/services';
import { StatusBar } from './features/statusBar';
import { registerUpdatePrices } from './features/updatePrices';
import { registerDeploymentModels } from './features/deploymentModels';
import { registerProviderCount } from './features/providerCount';
import { ChangesApi, registerChanges } from './features/changes';
import { registerPromptBudgets } from './features/prompt/budgets';
import { IN_BROWSER, fetchedDataFiles, setBrowserContextKey, setUpBrowserFiles } from './features/platform';
import { registerBrowserBaseLens } from './features/changes/browserBase';

/** Set by the esbuild banner at the very top of dist/extension.js (undefined when run from tsc output). */
declare const __pclLoadStart: number | undefined;
const loadStartedAt = typeof __pclLoadStart === 'number' ? __pclLoadStart : performance.now();
const moduleEvalMs = performance.now() - loadStartedAt;

/** What activate() returns outside production (tests, development host): used by the integration tests (the status bar cannot be read through the API). */
export interface PromptCostApi {
  /** Which bundle runs: dist/extension.js in a Node extension host, dist/web/extension.js in VS Code for the Web. */
  readonly platform: 'node' | 'browser';
  /** In the browser: each data file (encoding table, vocabulary) fetched through workspace.fs and its time in ms. */
  readonly dataFileLoadMs: ReadonlyMap<string, number>;
  /** Milliseconds spent in activate() itself. */
  readonly activationMs: number;
  /** Milliseconds spent evaluating the bundle before activate() ran. */
  readonly moduleEvalMs: number;
  readonly services: Services;
  readonly statusBar: StatusBar;
  /** Run history: the store and the Runs/Budgets tree providers. */
  readonly history: HistoryApi;
  /** The model comparison panel: last posted rows, and the webview's message path. */
  readonly comparePanel: ComparePanelApi;
  /** Cost of the working tree's changes vs HEAD (tracker, Changed Prompts view) and budget diagnostics. */
  readonly changes: ChangesApi;
  readonly budgetDiagnostics: vscode.DiagnosticCollection;
}

export function activate(context: vscode.ExtensionContext): PromptCostApi | undefined {
  const started = performance.now();
  const services = createServices(context);
  // VS Code for the Web: encoding tables come through vscode.workspace.fs (before the first estimate needs them).
  setUpBrowserFiles(context, services.log);
  setBrowserContextKey();
  const statusBar = new StatusBar(services);
  context.subscriptions.push(
    services,
    statusBar,
    registerCodeLens(services),
    registerHover(services),
    registerPromptContextKey(services),
    registerPromptDiagnostics(services),
    registerEstimateCommands(services),
    registerComparePanel(services),
    registerFlujoDiagnostics(services),
    registerFlujoCodeActions(services),
    registerFlujoHistorical(services),
    registerFlujoLanguage(services),
    registerRunPrompt(services),
    registerApiKeyCommands(services),
    registerRunsView(services),
    registerBudgetsView(services),
    registerTeamExport(services),
    registerLangfuseImport(services),
    registerUpdatePrices(services),
    registerDeploymentModels(services),
    registerProviderCount(services),
    registerBrowserBaseLens(services),
  );
  const changes = registerChanges(services);
  const budgets = registerPromptBudgets(services);
  context.subscriptions.push(changes, budgets);
  const activationMs = performance.now() - started;
  services.log.info(
    `activated in ${activationMs.toFixed(1)} ms (bundle evaluated in ${moduleEvalMs.toFixed(1)} ms)${IN_BROWSER ? ' in the browser' : ''}`,
  );
  // The test API reaches the services (and through them SecretStorage): never hand it to other
  // extensions in a normal installation, only to the extension's own tests and development host.
  if (context.extensionMode === vscode.ExtensionMode.Production) return undefined;
  return {
    platform: IN_BROWSER ? 'browser' : 'node',
    dataFileLoadMs: fetchedDataFiles,
    activationMs,
    moduleEvalMs,
    services,
    statusBar,
    history: historyApi(services),
    comparePanel: comparePanelApi,
    changes: changes.api,
    budgetDiagnostics: budgets.collection,
  };
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
