// Where a workspace folder's run ledger lives. `promptCost.history.path` can come from the repository's
// own .vscode/settings.json: in an untrusted workspace such a value is never used (only the user's
// own setting or the default), and a value from workspace settings that leads outside the folder is
// used only after the user confirmed it once for this workspace (the answer is remembered per
// workspace and per resolved path, so a changed path asks again).
import * as vscode from 'vscode';
import type { Services } from '../services';
import { historyPathSources } from '../config';
import { isInsideFolder } from '../../core/confine';
import { resolveLedgerPath } from '../../core/history/ledger';

const CONSENT_KEY = 'promptCost.history.outsidePathConsent';

export interface LedgerChoice {
  file: string;
  /** Why the configured path is not used (for the Runs view), when it is not. */
  notice?: string;
}

type Consents = Record<string, 'allow' | 'deny'>;

export async function chooseLedgerPath(services: Services, folderDir: string, scope: vscode.ConfigurationScope): Promise<LedgerChoice> {
  const { workspace: fromWorkspace, user: fromUser } = historyPathSources(scope);
  const fallback = resolveLedgerPath(folderDir, fromUser);
  if (!fromWorkspace) return { file: fallback };
  if (!services.trust.isTrusted)
    return {
      file: fallback,
      notice: `promptCost.history.path from the workspace settings (${fromWorkspace}) is ignored: this workspace is not trusted.`,
    };
  const file = resolveLedgerPath(folderDir, fromWorkspace);
  if (isInsideFolder(folderDir, file)) return { file };
  const consents = services.context.workspaceState.get<Consents>(CONSENT_KEY) ?? {};
  let answer = consents[file];
  if (!answer) {
    const allow = 'Use This Ledger';
    const picked = await services.trust.confirm(
      `This workspace's settings keep the Prompt Cost run history outside the workspace, in ${file}. Read and write runs there?`,
      allow,
      'Use the Default',
    );
    // Dismissing the dialog is not an answer: ask again next time, use the default meanwhile.
    if (picked === undefined) return { file: fallback, notice: notOutside(file) };
    answer = picked === allow ? 'allow' : 'deny';
    await services.context.workspaceState.update(CONSENT_KEY, { ...consents, [file]: answer });
  }
  return answer === 'allow' ? { file } : { file: fallback, notice: notOutside(file) };
}

function notOutside(file: string): string {
  return `The run history stays in the workspace: ${file} (promptCost.history.path in the workspace settings) was not confirmed.`;
}
