// Conversions between the core's plain ranges/edits and VS Code's classes.
import * as vscode from 'vscode';
import { disposeAll } from './util/dispose';
import type { DocumentView } from '../core/worker/documentSync';

export interface PlainPosition {
  line: number;
  character: number;
}
export interface PlainRange {
  start: PlainPosition;
  end: PlainPosition;
}

export function toRange(r: PlainRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** A 0-based offset range of `doc` as a vscode.Range. */
export function offsetRange(doc: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(doc.positionAt(start), doc.positionAt(end));
}

export function toSeverity(severity: 'error' | 'warning' | 'info'): vscode.DiagnosticSeverity {
  return severity === 'error'
    ? vscode.DiagnosticSeverity.Error
    : severity === 'warning'
      ? vscode.DiagnosticSeverity.Warning
      : vscode.DiagnosticSeverity.Information;
}

/** The open document for `uri`, if any: its text includes unsaved edits, so it wins over the file on disk. */
export function findOpenDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}

export type FileEvent = 'change' | 'create' | 'delete';

/**
 * Watches `glob` in every workspace folder (RelativePattern: served by the workspace watcher, so
 * files created outside VS Code are seen too), following folders as they are added or removed.
 */
export function watchWorkspaceFiles(glob: string, listener: (uri: vscode.Uri, event: FileEvent) => void): vscode.Disposable {
  let watchers: vscode.Disposable[] = [];
  const watchAll = () => {
    disposeAll(watchers);
    watchers = (vscode.workspace.workspaceFolders ?? []).flatMap((folder) => {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, glob));
      return [
        w,
        w.onDidChange((u) => listener(u, 'change')),
        w.onDidCreate((u) => listener(u, 'create')),
        w.onDidDelete((u) => listener(u, 'delete')),
      ];
    });
  };
  watchAll();
  const folders = vscode.workspace.onDidChangeWorkspaceFolders(watchAll);
  return { dispose: () => disposeAll([folders, ...watchers]) };
}

/**
 * The document's length without building its text: `getText()` on a multi-megabyte document on every
 * lens request would churn hundreds of MB of strings (and stall the host in garbage collection).
 */
export function documentLength(doc: vscode.TextDocument): number {
  return doc.offsetAt(new vscode.Position(doc.lineCount, 0));
}

/** A worker's view of an editor document (core/worker/documentSync.ts), read when each request is sent. */
export function documentView(doc: vscode.TextDocument): DocumentView {
  return {
    get version() {
      return doc.version;
    },
    get length() {
      return documentLength(doc);
    },
    getText: () => doc.getText(),
    textAt: (start: number, end: number) => doc.getText(new vscode.Range(doc.positionAt(start), doc.positionAt(end))),
  };
}
