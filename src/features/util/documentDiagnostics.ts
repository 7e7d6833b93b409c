// The one diagnostics helper (after markdown-language-features' DiagnosticManager): a collection of
// per-document problems recomputed a moment after the document changes, for open documents only, where
// the latest run wins (an older run that finishes last publishes nothing). Each diagnostics feature gives
// what to compute; opening, editing and closing documents, debouncing, superseding and clean-up are here.
import * as vscode from 'vscode';
import { isCancellationError } from '../../core/cancellation';
import { errorText } from '../../core/errors';
import { Debouncer } from './debounce';
import { Disposable } from './dispose';

/** One run for one document: whether it is still the newest, and a way to show a first answer early. */
export interface DiagnosticsRun {
  /** False once a newer run for the document started or the document closed: its result is dropped. */
  current(): boolean;
  /** Shows diagnostics before the run ends (e.g. a file's own, before a slow workspace scan). */
  publish(diagnostics: vscode.Diagnostic[]): void;
}

export interface DocumentDiagnosticsOptions {
  /** The collection's name (shown in VS Code's Problems filter). */
  name: string;
  /** Debounce after an edit, in ms. */
  delayMs: number;
  log: vscode.LogOutputChannel;
  /** The documents this feature looks at; others are never computed (and their diagnostics cleared). */
  applies(doc: vscode.TextDocument): boolean;
  /** The document's diagnostics now; undefined leaves what is shown (superseded, or retried later). */
  compute(doc: vscode.TextDocument, run: DiagnosticsRun): Promise<vscode.Diagnostic[] | undefined>;
  /** What to show when `compute` throws (a CancellationError never gets here); default: log it only. */
  failed?(doc: vscode.TextDocument, err: unknown): vscode.Diagnostic[] | undefined;
  /** A document closed (its diagnostics are cleared already): release what the feature keeps for it. */
  closed?(doc: vscode.TextDocument): void;
}

export class DocumentDiagnostics extends Disposable {
  readonly collection: vscode.DiagnosticCollection;
  private readonly debouncer: Debouncer;
  /** The latest run per document (by URI). */
  private readonly runs = new Map<string, number>();

  constructor(private readonly options: DocumentDiagnosticsOptions) {
    super();
    this.collection = this._register(vscode.languages.createDiagnosticCollection(options.name));
    this.debouncer = this._register(new Debouncer(options.delayMs));
    this._register(vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc)));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document);
      }),
    );
    this._register(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        const key = doc.uri.toString();
        this.debouncer.cancel(key);
        this.runs.delete(key);
        this.collection.delete(doc.uri);
        options.closed?.(doc);
      }),
    );
    this.scheduleAll();
  }

  /** Recomputes `doc` after `delayMs` (default: the debounce) without another request for it. */
  schedule(doc: vscode.TextDocument, delayMs?: number): void {
    if (this.isDisposed) return;
    if (!this.options.applies(doc)) {
      this.collection.delete(doc.uri);
      return;
    }
    this.debouncer.schedule(() => void this.run(doc), { key: doc.uri.toString(), delayMs });
  }

  /** Recomputes every open document (settings, prices or a file the results depend on changed). */
  scheduleAll(): void {
    vscode.workspace.textDocuments.forEach((doc) => this.schedule(doc));
  }

  private async run(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    const id = (this.runs.get(key) ?? 0) + 1;
    this.runs.set(key, id);
    const current = () => !this.isDisposed && this.runs.get(key) === id && !doc.isClosed;
    const publish = (diagnostics: vscode.Diagnostic[]) => {
      if (current()) this.collection.set(doc.uri, diagnostics);
    };
    try {
      const found = await this.options.compute(doc, { current, publish });
      if (found) publish(found);
    } catch (err) {
      if (isCancellationError(err)) return; // superseded: the newer run publishes
      this.options.log.error(`${this.options.name} diagnostics of ${doc.uri.toString(true)}: ${errorText(err, 'stack')}`);
      const shown = this.options.failed?.(doc, err);
      if (shown) publish(shown);
    }
  }
}
