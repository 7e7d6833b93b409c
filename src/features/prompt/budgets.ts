// Budget diagnostics: a prompt over its front matter `budget:` or a prompt-cost.json rule gets an error
// on the prompt with both numbers — the same check (core/promptBudgets/check) `prompt-cost check` runs.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { budgetConfigFor, configRelative, editorPromptWorkspace } from './workspace';
import { MAX_LIVE_CHARS } from '../changes/tracker';
import { documentLength } from '../vscodeConvert';
import { errorText } from '../../core/errors';

export const BUDGET_DIAGNOSTIC_SOURCE = 'Prompt Cost budget';
const DEBOUNCE_MS = 300;

export function registerPromptBudgets(services: Services): { collection: vscode.DiagnosticCollection; disposable: vscode.Disposable } {
  const collection = vscode.languages.createDiagnosticCollection('promptCost.budgets');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const versions = new Map<string, number>();

  const check = async (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    const isPrompt = services.estimator.isPromptDocument(doc);
    const isCode = !isPrompt && services.estimator.isCodeDocument(doc);
    if (!isPrompt && !isCode) return collection.delete(doc.uri);
    const version = doc.version;
    versions.set(key, version);
    try {
      // Counted on the extension host's thread: very large documents are left to `prompt-cost check`.
      if (documentLength(doc) > MAX_LIVE_CHARS) return collection.delete(doc.uri);
      const text = doc.getText();
      // Cheap exits first: code needs a matching rule, a prompt file a rule or a `budget:` key.
      const config = await budgetConfigFor(doc.uri);
      const ws = await editorPromptWorkspace(services, doc.uri);
      const configPath =
        ws.configDir && doc.uri.scheme === 'file'
          ? configRelative(ws.configDir, doc.uri.fsPath)
          : vscode.workspace.asRelativePath(doc.uri, false);
      if (!config.rules.some((r) => r.matches(configPath)) && !(isPrompt && /^budget\s*:/m.test(text.slice(0, 20_000))))
        return collection.delete(doc.uri);
      const { checkFileBudgets } = await import('../../core/promptBudgets/check');
      const findings = checkFileBudgets({
        path: vscode.workspace.asRelativePath(doc.uri, false),
        configPath,
        text,
        type: isPrompt ? { kind: 'file' } : { kind: 'code', languageId: doc.languageId },
        pricing: ws.pricing,
        config,
      });
      if (versions.get(key) !== version || doc.isClosed) return; // superseded
      collection.set(
        doc.uri,
        findings.map((f) => {
          const d = new vscode.Diagnostic(
            new vscode.Range(f.range.line, f.range.column, f.range.endLine, f.range.endColumn),
            f.message,
            vscode.DiagnosticSeverity.Error,
          );
          d.source = BUDGET_DIAGNOSTIC_SOURCE;
          d.code = f.rule;
          return d;
        }),
      );
    } catch (err) {
      services.log.warn(`budget check of ${doc.uri.toString(true)}: ${errorText(err)}`);
    }
  };
  const schedule = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        void check(doc);
      }, DEBOUNCE_MS),
    );
  };
  const checkAll = () => vscode.workspace.textDocuments.forEach(schedule);
  const watcher = vscode.workspace.createFileSystemWatcher('**/prompt-cost.json');
  checkAll();
  return {
    collection,
    disposable: vscode.Disposable.from(
      collection,
      watcher,
      watcher.onDidChange(checkAll),
      watcher.onDidCreate(checkAll),
      watcher.onDidDelete(checkAll),
      vscode.workspace.onDidOpenTextDocument(schedule),
      vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
      vscode.workspace.onDidSaveTextDocument((d) => d.fileName.endsWith('prompt-cost.json') && checkAll()),
      vscode.workspace.onDidCloseTextDocument((d) => {
        clearTimeout(timers.get(d.uri.toString()));
        collection.delete(d.uri);
      }),
      services.estimator.onDidChange(checkAll),
      { dispose: () => timers.forEach((t) => clearTimeout(t)) },
    ),
  };
}
