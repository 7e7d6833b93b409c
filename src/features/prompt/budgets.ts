// Budget diagnostics: a prompt over its front matter `budget:` or a prompt-cost.json rule gets an error
// on the prompt with both numbers — the same check (core/promptBudgets/check) `prompt-cost check` runs.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { budgetConfigFor, configRelative, editorPromptWorkspace } from './workspace';
import { MAX_LIVE_CHARS } from '../changes/tracker';
import { documentLength } from '../vscodeConvert';
import { DocumentDiagnostics } from '../util/documentDiagnostics';

export const BUDGET_DIAGNOSTIC_SOURCE = 'Prompt Cost budget';
const DEBOUNCE_MS = 300;

/** The budget diagnostics: a Disposable whose collection the test API reads. */
export type PromptBudgets = vscode.Disposable & { readonly collection: vscode.DiagnosticCollection };

export function registerPromptBudgets(services: Services): PromptBudgets {
  const diagnostics = new DocumentDiagnostics({
    name: 'promptCost.budgets',
    delayMs: DEBOUNCE_MS,
    log: services.log,
    applies: (doc) => services.estimator.isPromptDocument(doc) || services.estimator.isCodeDocument(doc),
    compute: (doc) => checkBudgets(services, doc),
  });
  const checkAll = () => diagnostics.scheduleAll();
  const watcher = vscode.workspace.createFileSystemWatcher('**/prompt-cost.json');
  const disposable = vscode.Disposable.from(
    diagnostics,
    watcher,
    watcher.onDidChange(checkAll),
    watcher.onDidCreate(checkAll),
    watcher.onDidDelete(checkAll),
    vscode.workspace.onDidSaveTextDocument((d) => d.fileName.endsWith('prompt-cost.json') && checkAll()),
    services.estimator.onDidChange(checkAll),
  );
  return { collection: diagnostics.collection, dispose: () => disposable.dispose() };
}

/** A prompt's or code file's budget findings, as `prompt-cost check` finds them. */
async function checkBudgets(services: Services, doc: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
  const isPrompt = services.estimator.isPromptDocument(doc);
  // Counted on the extension host's thread: very large documents are left to `prompt-cost check`.
  if (documentLength(doc) > MAX_LIVE_CHARS) return [];
  const text = doc.getText();
  // Cheap exits first: code needs a matching rule, a prompt file a rule or a `budget:` key.
  const config = await budgetConfigFor(doc.uri);
  const ws = await editorPromptWorkspace(services, doc.uri);
  const configPath =
    ws.configDir && doc.uri.scheme === 'file'
      ? configRelative(ws.configDir, doc.uri.fsPath)
      : vscode.workspace.asRelativePath(doc.uri, false);
  if (!config.rules.some((r) => r.matches(configPath)) && !(isPrompt && /^budget\s*:/m.test(text.slice(0, 20_000)))) return [];
  const { checkFileBudgets } = await import('../../core/promptBudgets/check');
  const findings = checkFileBudgets({
    path: vscode.workspace.asRelativePath(doc.uri, false),
    configPath,
    text,
    type: isPrompt ? { kind: 'file' } : { kind: 'code', languageId: doc.languageId },
    pricing: ws.pricing,
    config,
  });
  return findings.map((f) => {
    const d = new vscode.Diagnostic(
      new vscode.Range(f.range.line, f.range.column, f.range.endLine, f.range.endColumn),
      f.message,
      vscode.DiagnosticSeverity.Error,
    );
    d.source = BUDGET_DIAGNOSTIC_SOURCE;
    d.code = f.rule;
    return d;
  });
}
