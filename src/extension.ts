// Composition root: builds the shared services once and registers each feature. Nothing else lives here.
import * as vscode from 'vscode';
import { registerCodeLens } from './features/codeLens';
import { registerEstimateCommands } from './features/commands';
import { registerFlujoCodeActions } from './features/flujo/codeActions';
import { registerFlujoDiagnostics } from './features/flujo/diagnostics';
import { registerFlujoLanguage } from './features/flujo/language';
import { registerHover } from './features/hover';
import { Services, createServices } from './features/services';
import { StatusBar } from './features/statusBar';
import { registerUpdatePrices } from './features/updatePrices';

const moduleLoadedAt = performance.now();

/** What activate() returns: used by the integration tests (the status bar cannot be read through the API). */
export interface PromptCostApi {
  /** Milliseconds spent in activate() itself. */
  readonly activationMs: number;
  readonly services: Services;
  readonly statusBar: StatusBar;
}

export function activate(context: vscode.ExtensionContext): PromptCostApi {
  const started = performance.now();
  const services = createServices(context);
  const statusBar = new StatusBar(services);
  context.subscriptions.push(
    services,
    statusBar,
    registerCodeLens(services),
    registerHover(services),
    registerEstimateCommands(services),
    registerFlujoDiagnostics(services),
    registerFlujoCodeActions(services),
    registerFlujoLanguage(services),
    registerUpdatePrices(services),
  );
  const activationMs = performance.now() - started;
  services.log.info(`activated in ${activationMs.toFixed(1)} ms (module evaluated ${(started - moduleLoadedAt).toFixed(1)} ms before activate)`);
  return { activationMs, services, statusBar };
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
