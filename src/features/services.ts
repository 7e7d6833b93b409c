// Services shared by the editor features, created once in activate(). Heavy pieces load on first use.
import * as vscode from 'vscode';

export type Services = ReturnType<typeof createServices>;

export function createServices(context: vscode.ExtensionContext) {
  const log = vscode.window.createOutputChannel('Prompt Cost Lens', { log: true });
  const disposables: vscode.Disposable[] = [log];
  return {
    context,
    log,
    dispose(): void {
      for (const d of disposables.splice(0)) d.dispose();
    },
  };
}
