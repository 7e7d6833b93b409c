// Quick fixes for flujo.toml diagnostics: the core computes text edits from the diagnostic's data.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { FLUJO_SELECTOR } from './selector';
import { DIAGNOSTIC_SOURCE, coreDiagnostic } from './diagnostics';
import { toRange } from '../vscodeConvert';

export function registerFlujoCodeActions(services: Services): vscode.Disposable {
  const provider: vscode.CodeActionProvider = {
    async provideCodeActions(document, _range, context) {
      const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && coreDiagnostic.has(d));
      if (ours.length === 0) return [];
      const { quickFixes } = await import('../../core/flujo');
      const reference = await services.pricing.referenceCatalog();
      const text = document.getText();
      const actions: vscode.CodeAction[] = [];
      for (const diag of ours) {
        for (const fix of quickFixes(text, coreDiagnostic.get(diag)!, { reference })) {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.diagnostics = [diag];
          action.isPreferred = fix.isPreferred;
          action.edit = new vscode.WorkspaceEdit();
          for (const e of fix.edits) action.edit.replace(document.uri, toRange(e.range), e.newText);
          actions.push(action);
        }
      }
      return actions;
    },
  };
  return vscode.languages.registerCodeActionsProvider(FLUJO_SELECTOR, provider, {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  });
}
