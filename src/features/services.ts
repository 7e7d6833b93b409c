// Services shared by the editor features, created once in activate(). Heavy pieces load on first use.
import * as vscode from 'vscode';
import { Estimator } from './estimator';
import { LearnedOutputService } from './learnedOutput';
import { PricingService } from './pricingService';
import { WorkspaceTrust } from './trust';
import { disposeAll } from './util/dispose';

export interface Services extends vscode.Disposable {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly pricing: PricingService;
  readonly estimator: Estimator;
  /** Output tokens learned from the run ledgers (worker thread). */
  readonly learned: LearnedOutputService;
  /** Workspace Trust (simulated in tests) and the confirmation for paths outside the workspace. */
  readonly trust: WorkspaceTrust;
}

export function createServices(context: vscode.ExtensionContext): Services {
  const log = vscode.window.createOutputChannel('Prompt Cost Lens', { log: true });
  const pricing = new PricingService(context, log);
  const trust = new WorkspaceTrust();
  const learned = new LearnedOutputService(context, trust, log);
  const estimator = new Estimator(context, pricing, log, learned);
  return {
    context,
    log,
    pricing,
    estimator,
    learned,
    trust,
    dispose: () => disposeAll([trust, estimator, learned, pricing, log]),
  };
}
