// Workspace Trust as the features see it, and the one confirmation asked before the run history is
// read or written outside the workspace. Tests can simulate restricted mode and answer the question
// (the offline host runs trusted and cannot click a modal dialog).
import * as vscode from 'vscode';

export type Confirm = (message: string, allow: string, deny: string) => Thenable<string | undefined>;

export class WorkspaceTrust implements vscode.Disposable {
  private override: boolean | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the workspace is trusted (or a test changes the simulated trust). */
  readonly onDidChange = this.changed.event;
  private readonly granted = vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire());

  get isTrusted(): boolean {
    return this.override ?? vscode.workspace.isTrusted;
  }

  /** A modal question with two answers; tests replace it. */
  confirm: Confirm = (message, allow, deny) => vscode.window.showWarningMessage(message, { modal: true }, allow, deny);

  /** A modal question before a trusted-only write (e.g. learned averages into flujo.toml); tests replace it. */
  choose = (message: string, ...answers: string[]): Thenable<string | undefined> =>
    vscode.window.showInformationMessage(message, { modal: true }, ...answers);

  /** Tests only: behave as if the workspace were (un)trusted; `undefined` returns to the real state. */
  simulateForTests(trusted: boolean | undefined): void {
    this.override = trusted;
    this.changed.fire();
  }

  dispose(): void {
    this.granted.dispose();
    this.changed.dispose();
  }
}
