// "Write Learned Averages into flujo.toml": the mean tokens and cost per call of each model, from the
// runs in the ledger, into `[cost.historical.default."<model>"]` where Flujo's learnable estimator looks
// them up (core/flujo/historical.ts has the why). Offered as a command and as a quick fix on the `[cost]`
// and `[cost.historical…]` headers. Trusted workspaces only: a cloned repository's ledger could claim any
// figure, and the edit changes what Flujo reserves.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { historyStore } from '../history/store';
import { FLUJO_SELECTOR } from './selector';
import { isFlujoToml } from '../pricingService';
import { toRange } from '../vscodeConvert';
import { errorText } from '../../core/errors';
import { COMMANDS } from '../commandIds';

const WRITE_HISTORICAL_COMMAND = COMMANDS.writeFlujoHistorical;

export function registerFlujoHistorical(services: Services): vscode.Disposable {
  const command = vscode.commands.registerCommand(WRITE_HISTORICAL_COMMAND, (uri?: vscode.Uri) => writeHistorical(services, uri));
  const actions = vscode.languages.registerCodeActionsProvider(
    FLUJO_SELECTOR,
    {
      provideCodeActions(document, range) {
        const line = document.lineAt(range.start.line).text;
        if (!/^\s*\[\s*cost\s*(\]|\.\s*historical\b)/.test(line)) return [];
        const action = new vscode.CodeAction(
          'Write learned averages from the run history into [cost.historical]…',
          vscode.CodeActionKind.QuickFix,
        );
        action.command = { title: action.title, command: WRITE_HISTORICAL_COMMAND, arguments: [document.uri] };
        return [action];
      },
    },
    { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
  );
  return vscode.Disposable.from(command, actions);
}

/** Runs the command; returns what it wrote (for tests), or undefined when nothing was written. */
export async function writeHistorical(services: Services, uri?: vscode.Uri): Promise<{ written: string[] } | undefined> {
  if (!services.trust.isTrusted) {
    void vscode.window.showWarningMessage(
      'Learned averages are written only in a trusted workspace: the run history of an untrusted folder could claim any figure.',
    );
    return undefined;
  }
  const target = await targetFlujoToml(services, uri);
  if (!target) {
    void vscode.window.showWarningMessage('No flujo.toml in use here: open the flujo.toml to write the averages into.');
    return undefined;
  }
  const store = historyStore(services);
  await store.whenReady();
  const folder = vscode.workspace.getWorkspaceFolder(target)?.uri.toString();
  const runs = store.runs().filter((v) => folder === undefined || v.folder === folder);
  const core = await import('../../core/flujo/historical');
  const averages = core.historicalAverages(runs.map((v) => v.run));
  if (!averages.length) {
    void vscode.window.showInformationMessage(
      `No model has ${core.MIN_HISTORICAL_RUNS} successful runs with usage in the run history yet (${runs.length} runs): nothing to write.`,
    );
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(target);
  const text = document.getText();
  const withStrategy = core.learnableStrategySet(text);
  const list = averages.map(
    (a) => `${a.flujoModel}: ${a.avgTokens} tokens${a.avgCostUsd ? `, $${a.avgCostUsd}` : ''} per call (${a.runs} runs)`,
  );
  const message =
    `Write the mean tokens and cost per call of ${averages.length} model${averages.length === 1 ? '' : 's'} into [cost.historical.default] of flujo.toml?\n\n${list.join('\n')}\n\n` +
    'Flujo reads them only with estimation_strategy = "learnable", and only to reserve budget before a step runs; the cost it records is always the actual one.';
  const write = 'Write';
  const enable = 'Write and Enable "learnable"';
  const answer = await services.trust.choose(message, ...(withStrategy ? [write] : [enable, write]));
  if (answer !== write && answer !== enable) return undefined;
  let result;
  try {
    result = core.historicalEdits(text, averages, answer === enable);
  } catch (err) {
    void vscode.window.showErrorMessage(`Nothing was written: ${errorText(err)}`);
    return undefined;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of result.edits) edit.replace(target, toRange(e.range), e.newText);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage('flujo.toml changed while the averages were computed; nothing was written. Try again.');
    return undefined;
  }
  await vscode.window.showTextDocument(document, { preview: false });
  const skipped = result.skipped.map((s) => `${s.flujoModel} (${s.reason})`).join('; ');
  void vscode.window.showInformationMessage(
    `Wrote the averages of ${result.written.length} model${result.written.length === 1 ? '' : 's'} into flujo.toml (not saved yet).${skipped ? ` Left alone: ${skipped}.` : ''}`,
  );
  return { written: result.written };
}

/** The flujo.toml given, else the active editor's, else the one the active document's folder uses. */
async function targetFlujoToml(services: Services, uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (uri && isFlujoToml(uri)) return uri;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isFlujoToml(active)) return active;
  return (await services.pricing.forDocument(uri ?? active)).flujo?.uri;
}
