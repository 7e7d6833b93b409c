// Composition root: builds the shared services once and registers each feature. Nothing else lives here.
import * as vscode from 'vscode';
import { createServices } from './features/services';

const moduleLoadedAt = performance.now();

/** What activate() returns: used by the integration tests (the status bar cannot be read through the API). */
export interface PromptCostApi {
  /** Milliseconds spent in activate() itself. */
  readonly activationMs: number;
  readonly services: ReturnType<typeof createServices>;
}

export function activate(context: vscode.ExtensionContext): PromptCostApi {
  const started = performance.now();
  const services = createServices(context);
  context.subscriptions.push(services);
  const activationMs = performance.now() - started;
  services.log.info(`activated in ${activationMs.toFixed(1)} ms (module evaluated ${(started - moduleLoadedAt).toFixed(1)} ms before activate)`);
  return { activationMs, services };
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
