// The `promptCost.isPromptFile` context key, so editor-title buttons (Compare, Run) appear exactly on
// the files the extension treats as prompts (names and `promptCost.promptFiles` globs), not on every README.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { CONFIG_KEYS, onConfigChange } from '../config';

export const PROMPT_FILE_CONTEXT = 'promptCost.isPromptFile';

export function registerPromptContextKey(services: Services): vscode.Disposable {
  const update = () => {
    const doc = vscode.window.activeTextEditor?.document;
    void vscode.commands.executeCommand('setContext', PROMPT_FILE_CONTEXT, doc ? services.estimator.isPromptDocument(doc) : false);
  };
  update();
  return vscode.Disposable.from(vscode.window.onDidChangeActiveTextEditor(update), onConfigChange(CONFIG_KEYS.promptFiles, update));
}
