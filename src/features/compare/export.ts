// The comparison panel's exports: the table as CSV or Markdown, in the order the user sees it, copied
// to the clipboard or saved next to the prompt (through the core renderers).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompareTable } from '../../core/pricing/compare';
import { PanelRow, SortState, displayInt, sortRows } from '../../protocol/compare';
import { errorText } from '../../core/errors';
import { NO_OUTPUT_TOKENS } from '../../core/estimate/learnedDisplay';

export type ExportFormat = 'csv' | 'markdown';

/** The table in the displayed order (`rows` as shown, sorted by `sort`); `embeddingsOnly`: the header says there is no output. */
export async function exportText(
  last: { table: CompareTable; name: string },
  rows: readonly PanelRow[],
  sort: SortState | null,
  format: ExportFormat,
  embeddingsOnly = false,
): Promise<string> {
  const core = await import('../../core/pricing/compare');
  const byId = new Map(last.table.rows.map((r) => [r.id, r]));
  const table: CompareTable = { ...last.table, rows: sortRows(rows, sort).map((j) => byId.get(j.id)!) };
  if (format === 'csv') return core.renderCsv(table);
  const header = `**Model comparison: ${last.name.replace(/([\\`*_[\]|])/g, '\\$1')}** — ${embeddingsOnly ? NO_OUTPUT_TOKENS : `${displayInt(table.outputTokens)} output tokens per request`}, ${displayInt(table.requestsPerDay)} requests/day.\n\n`;
  return header + core.renderMarkdown(table);
}

/** Asks where to save (default: next to the prompt) and writes `text`; the saved file's name, or undefined. */
export async function saveExport(
  text: string,
  format: ExportFormat,
  source: vscode.Uri | undefined,
  name: string,
): Promise<string | undefined> {
  const label = format === 'csv' ? 'CSV' : 'Markdown';
  const ext = format === 'csv' ? 'csv' : 'md';
  const base = name.replace(/\.[^.]+$/, '').replace(/\.prompt$/, '') || 'comparison';
  const defaultUri = source && source.scheme !== 'untitled' ? vscode.Uri.joinPath(source, '..', `${base}.compare.${ext}`) : undefined;
  const target = await vscode.window.showSaveDialog({
    title: `Save the comparison as ${label}`,
    defaultUri,
    filters: format === 'csv' ? { CSV: ['csv'] } : { Markdown: ['md'] },
  });
  if (!target) return undefined;
  try {
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    return path.posix.basename(target.path);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not save ${target.fsPath || target.toString()}: ${errorText(err)}`);
    return undefined;
  }
}
