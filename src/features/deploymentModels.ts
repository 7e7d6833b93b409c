// A deployment name that is not a model name (`azure:support-bot-prod`) has no price. Ask once per
// workspace which model it runs, remember the answer (workspaceState) and price it as that model;
// the estimate then says which price stood in. "Prompt Cost: Set Model of a Deployment…" changes it.
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import type { Services } from './services';
import { Disposable } from './util/dispose';

const ASKED_KEY = 'promptCost.deploymentModelsAsked';
/** Providers whose model names are often deployment names. */
const DEPLOYMENT_PROVIDERS = new Set([
  'azure',
  'azure_openai',
  'azure_ai',
  'bedrock',
  'vertex',
  'vertex_ai',
  'litellm',
  'openrouter',
  'foundry',
]);

class DeploymentModels extends Disposable {
  constructor(private readonly services: Services) {
    super();
    this._register(
      vscode.commands.registerCommand(COMMANDS.pickDeploymentModel, (deployment?: unknown, model?: unknown) =>
        this.pick(deployment, model),
      ),
    );
    this._register(vscode.window.onDidChangeActiveTextEditor((e) => e && void this.check(e.document)));
    this._register(
      services.estimator.onDidChange(() => vscode.window.activeTextEditor && void this.check(vscode.window.activeTextEditor.document)),
    );
    if (vscode.window.activeTextEditor) void this.check(vscode.window.activeTextEditor.document);
  }

  /** The active prompt's own model, when it is an unpriced deployment name. */
  private async unpricedDeployment(doc: vscode.TextDocument): Promise<string | undefined> {
    const result = await this.services.estimator.get(doc);
    if (!result || result.kind !== 'prompt' || !result.document.model) return undefined;
    const ref = result.document.modelRef;
    const id = result.estimate.models[0]?.model;
    if (!id || !ref?.provider || !DEPLOYMENT_PROVIDERS.has(ref.provider)) return undefined;
    return result.estimate.table.errors.some((e) => e.id === id) ? id : undefined;
  }

  private async check(doc: vscode.TextDocument): Promise<void> {
    const id = await this.unpricedDeployment(doc).catch(() => undefined);
    if (!id) return;
    const state = this.services.context.workspaceState;
    const asked = state.get<string[]>(ASKED_KEY, []);
    if (asked.includes(id)) return;
    await state.update(ASKED_KEY, [...asked, id]);
    const choose = 'Choose model…';
    const answer = await vscode.window.showInformationMessage(
      `No price for ${id}: it looks like a deployment name. Which model does it run? (asked once for this workspace)`,
      choose,
    );
    if (answer === choose) await this.pick(id, undefined);
  }

  private async pick(deployment: unknown, model: unknown): Promise<void> {
    let id = typeof deployment === 'string' && deployment.trim() ? deployment.trim() : undefined;
    if (!id && vscode.window.activeTextEditor) id = await this.unpricedDeployment(vscode.window.activeTextEditor.document);
    if (!id) {
      id = await vscode.window.showInputBox({
        prompt: 'Deployment name as the prompt writes it (provider:name)',
        placeHolder: 'azure:my-deployment',
      });
      if (!id) return;
    }
    let chosen = typeof model === 'string' ? model.trim() : undefined;
    if (chosen === undefined) {
      const ctx = await this.services.pricing.forDocument(vscode.window.activeTextEditor?.document.uri);
      const current = this.services.pricing.deploymentModels()[id];
      const items: vscode.QuickPickItem[] = ctx.catalog.reference.ids().map((m) => ({ label: m }));
      if (current) items.unshift({ label: '$(close) Forget the model of this deployment', description: current, alwaysShow: true });
      const picked = await vscode.window.showQuickPick(items, {
        placeHolder: `Model that ${id} runs (priced as that model)`,
        matchOnDescription: true,
      });
      if (!picked) return;
      chosen = picked.label.startsWith('$(close)') ? '' : picked.label;
    }
    await this.services.pricing.setDeploymentModel(id, chosen || undefined);
  }
}

export function registerDeploymentModels(services: Services): vscode.Disposable {
  return new DeploymentModels(services);
}
