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

/** The feature's Disposable, with the API the tests read. */
export type ChangesFeature = vscode.Disposable & { readonly api: ChangesApi };

export function registerChanges(services: Services): ChangesFeature {
  const tracker = new ChangeTracker(services);
  const view = registerChangesView(services, tracker);
  const disposable = vscode.Disposable.from(tracker, registerChangeLensAndHover(tracker), view);
  return { api: { tracker, view: view.provider }, dispose: () => disposable.dispose() };
}
