// The Δ lens in VS Code for the Web (github.dev, vscode.dev on a GitHub repository): the cost of a change
// needs the base version of the file, which the desktop reads through VS Code's Git extension
// (changes/tracker.ts). That extension does not run in the browser and no other API offered to extensions
// there reads a file at another commit, so a prompt file in a remote repository (scheme vscode-vfs) says so
// in one lens instead of showing a cost change it cannot know.
import * as vscode from 'vscode';
import { IN_BROWSER } from '../platform';
import type { Services } from '../services';

export const BASE_UNAVAILABLE_TITLE = 'Δ vs base: unavailable';
export const BASE_UNAVAILABLE_TOOLTIP =
  'The cost change of this prompt needs its base version, which cannot be read in VS Code for the Web: ' +
  'VS Code’s Git extension does not run in the browser. Open the change in VS Code desktop or a Codespace, ' +
  'or run `prompt-cost diff --base <ref>` in CI.';

/** Remote repositories in the browser (GitHub Repositories, Azure Repos) use the vscode-vfs scheme. */
const REMOTE_REPOSITORY: vscode.DocumentSelector = [{ scheme: 'vscode-vfs' }];

/**
 * The lens of a prompt file whose base cannot be read. No command id: VS Code renders the title as text, not a
 * link, with the tooltip on hover (vscode.executeCodeLensProvider does not return the tooltip of such a lens).
 */
export function baseUnavailableLens(): vscode.CodeLens {
  return new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
    title: BASE_UNAVAILABLE_TITLE,
    tooltip: BASE_UNAVAILABLE_TOOLTIP,
    command: '',
  });
}

export function registerBrowserBaseLens(services: Services): vscode.Disposable {
  if (!IN_BROWSER) return new vscode.Disposable(() => undefined);
  return vscode.languages.registerCodeLensProvider(REMOTE_REPOSITORY, {
    provideCodeLenses: (document) => (services.estimator.isPromptDocument(document) ? [baseUnavailableLens()] : []),
  });
}
