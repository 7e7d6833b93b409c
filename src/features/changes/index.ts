// The cost of the working tree's changes vs HEAD in the editor: lens, hover and the Changed Prompts view.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { ChangeTracker } from './tracker';
import { registerChangeLensAndHover } from './editor';
import { ChangesViewProvider, registerChangesView } from './view';

export interface ChangesApi {
  readonly tracker: ChangeTracker;
  readonly view: ChangesViewProvider;
}

export function registerChanges(services: Services): { api: ChangesApi; disposable: vscode.Disposable } {
  const tracker = new ChangeTracker(services);
  const view = registerChangesView(services, tracker);
  return {
    api: { tracker, view: view.provider },
    disposable: vscode.Disposable.from(tracker, registerChangeLensAndHover(tracker), view.disposable),
  };
}
