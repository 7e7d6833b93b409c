// Services shared by the editor features, created once in activate(). Heavy pieces load on first use.
import * as vscode from 'vscode';
import { Estimator } from './estimator';
import { PricingService } from './pricingService';
import { disposeAll } from './util/dispose';

export interface Services extends vscode.Disposable {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly pricing: PricingService;
  readonly estimator: Estimator;
}

export function createServices(context: vscode.ExtensionContext): Services {
  const log = vscode.window.createOutputChannel('Prompt Cost Lens', { log: true });
  const pricing = new PricingService(context, log);
  const estimator = new Estimator(context, pricing, log);
  return {
    context,
    log,
    pricing,
    estimator,
    dispose: () => disposeAll([estimator, pricing, log]),
  };
}
