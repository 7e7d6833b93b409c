// Problems in a prompt file's front matter (YAML errors, an unclosed `---` block, a value of the wrong
// type), found by the core parser when it parses the prompt for the estimate: shown in the Problems
// panel with their stable codes, updated with the estimate (edits, settings, prices).
import * as vscode from 'vscode';
import type { Services } from '../services';
import { Debouncer } from '../util/debounce';
import { offsetRange, toSeverity } from '../vscodeConvert';

export const PROMPT_DIAGNOSTIC_SOURCE = 'prompt front matter';

export function registerPromptDiagnostics(services: Services): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('prompt');
  const debouncer = new Debouncer(300);

  const update = async (doc: vscode.TextDocument) => {
    if (!services.estimator.isPromptDocument(doc)) return collection.delete(doc.uri);
    const result = await services.estimator.get(doc);
    if (!result) return; // superseded by a newer version: its update follows
    if (doc.isClosed || result.kind !== 'prompt') return collection.delete(doc.uri);
    collection.set(
      doc.uri,
      result.document.diagnostics.map((d) => {
        const diag = new vscode.Diagnostic(offsetRange(doc, d.range.start, d.range.end), d.message, toSeverity(d.severity));
        diag.source = PROMPT_DIAGNOSTIC_SOURCE;
        diag.code = d.code;
        return diag;
      }),
    );
  };
  const schedule = (doc: vscode.TextDocument) =>
    debouncer.schedule(() => void update(doc).catch((e) => services.log.error(`prompt diagnostics: ${e?.stack ?? e}`)), {
      key: doc.uri.toString(),
    });
  const scheduleAll = () => vscode.workspace.textDocuments.forEach(schedule);

  scheduleAll();
  return vscode.Disposable.from(
    collection,
    debouncer,
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      debouncer.cancel(doc.uri.toString());
      collection.delete(doc.uri);
    }),
    services.estimator.onDidChange(scheduleAll), // settings (promptCost.promptFiles) and prices
  );
}
