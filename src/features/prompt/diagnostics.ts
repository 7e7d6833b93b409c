// Problems in a prompt file's front matter (YAML errors, an unclosed `---` block, a value of the wrong
// type), found by the core parser when it parses the prompt for the estimate, and a conversation an
// open model's chat template refuses (core/estimate/templateRefusals.ts, at the refused message): shown
// in the Problems panel with their stable codes, updated with the estimate (edits, settings, prices).
import * as vscode from 'vscode';
import type { Services } from '../services';
import { DocumentDiagnostics } from '../util/documentDiagnostics';
import { offsetRange, toSeverity } from '../vscodeConvert';

export const PROMPT_DIAGNOSTIC_SOURCE = 'prompt front matter';

export function registerPromptDiagnostics(services: Services): vscode.Disposable {
  const diagnostics = new DocumentDiagnostics({
    name: 'prompt',
    delayMs: 300,
    log: services.log,
    applies: (doc) => services.estimator.isPromptDocument(doc),
    async compute(doc) {
      const result = await services.estimator.get(doc);
      if (!result) return undefined; // superseded by a newer version: its update follows
      if (result.kind !== 'prompt') return [];
      const { templateRefusals, TEMPLATE_REFUSED_CODE } = await import('../../core/estimate/templateRefusals');
      return [...result.document.diagnostics, ...templateRefusals(result.document, result.estimate)].map((d) => {
        const diag = new vscode.Diagnostic(offsetRange(doc, d.range.start, d.range.end), d.message, toSeverity(d.severity));
        diag.source = d.code === TEMPLATE_REFUSED_CODE ? 'chat template' : PROMPT_DIAGNOSTIC_SOURCE;
        diag.code = d.code;
        return diag;
      });
    },
  });
  return vscode.Disposable.from(
    diagnostics,
    services.estimator.onDidChange(() => diagnostics.scheduleAll()), // settings (promptCost.promptFiles) and prices
  );
}
