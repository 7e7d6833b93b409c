// Estimate commands: estimate any file, show the breakdown, pick the primary model, copy as Markdown, toggle CodeLens.
import { escapeMarkdown, markdownCode } from '../core/untrustedText';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from './services';
import { PromptFileEstimate, codePromptAt, isUnestimated } from './estimator';
import { readConfig, updateSetting } from './config';
import { COMMANDS } from './commandIds';

export function registerEstimateCommands(services: Services): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.estimateFile, async (uri?: vscode.Uri) => showBreakdown(services, uri, true)),
    vscode.commands.registerCommand(COMMANDS.showBreakdown, async (uri?: vscode.Uri, offset?: number) =>
      typeof offset === 'number' && uri ? showCodePromptBreakdown(services, uri, offset) : showBreakdown(services, uri, false),
    ),
    vscode.commands.registerCommand(COMMANDS.copyEstimate, async (uri?: vscode.Uri) => {
      const md = await breakdownMarkdown(services, uri, true);
      if (!md) return;
      await vscode.env.clipboard.writeText(md);
      void vscode.window.showInformationMessage('Prompt Cost: estimate copied as Markdown.');
      return md;
    }),
    vscode.commands.registerCommand(COMMANDS.pickPrimaryModel, async (model?: string) => pickPrimaryModel(services, model)),
    vscode.commands.registerCommand(COMMANDS.toggleCodeLens, async () => {
      const next = !readConfig().codeLensEnabled;
      await updateSetting('codeLens.enabled', next, vscode.ConfigurationTarget.Global);
      return next;
    }),
  );
}

async function estimateFor(
  services: Services,
  uri: vscode.Uri | undefined,
  force: boolean,
): Promise<{ doc: vscode.TextDocument; result: PromptFileEstimate } | undefined> {
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showWarningMessage('Prompt Cost: open a file to estimate.');
    return undefined;
  }
  const result = await services.estimator.get(doc, force || !services.estimator.isPromptDocument(doc));
  if (!result) return undefined;
  if (isUnestimated(result)) {
    void vscode.window.showWarningMessage(`Prompt Cost: ${result.message}`);
    return undefined;
  }
  if (result.kind !== 'prompt') return estimateFor(services, doc.uri, true);
  return { doc, result };
}

/** The full breakdown: per model table, then per message tokens for each encoding. */
export async function breakdownMarkdown(services: Services, uri: vscode.Uri | undefined, force: boolean): Promise<string | undefined> {
  const found = await estimateFor(services, uri, force);
  if (!found) return undefined;
  const { doc, result } = found;
  const core = await import('../core/estimate');
  const name = path.posix.basename(doc.uri.path);
  const lines = [
    core.estimateMarkdown(result.estimate, { title: `Prompt Cost · ${name}`, requestsPerDay: result.config.requestsPerDay }),
    '',
  ];
  if (result.document.messages.length > 0) {
    const encodings = [...result.estimate.summaries.keys()];
    lines.push(`| Message | ${encodings.map((e) => `${e} tokens`).join(' | ')} |`, `|---|${encodings.map(() => '---:').join('|')}|`);
    result.document.messages.forEach((m, i) => {
      const cells = encodings.map((e) => core.formatTokens(result.estimate.summaries.get(e)!.messages[i]?.totalTokens ?? 0, false));
      lines.push(`| ${escapeMarkdown(m.role)} (line ${m.headerLine + 1}) | ${cells.join(' | ')} |`);
    });
    lines.push(`| reply priming | ${encodings.map((e) => String(result.estimate.summaries.get(e)!.replyPrimingTokens)).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** One call inside code (its CodeLens): the per-model table and its messages, as for a prompt file. */
async function showCodePromptBreakdown(services: Services, uri: vscode.Uri, offset: number): Promise<string | undefined> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const result = await services.estimator.get(doc);
  if (!result || result.kind !== 'code') return showBreakdown(services, uri, false);
  const found = await codePromptAt(result, offset);
  if (!found) return undefined;
  const core = await import('../core/estimate');
  const line = doc.positionAt(found.prompt.range.start).line + 1;
  const what = found.prompt.call
    ? `${found.prompt.call} in ${path.posix.basename(uri.path)}, line ${line}`
    : `prompt in ${path.posix.basename(uri.path)}, line ${line}`;
  const summary = found.estimate.summaries.get(core.summaryKeyFor(found.model)) ?? found.estimate.summaries.values().next().value;
  const messages = found.document.messages.map(
    (m, i) =>
      `| ${escapeMarkdown(m.role)} (line ${m.headerLine + 1}) | ${core.formatTokens(summary?.messages[i]?.totalTokens ?? 0, false)} |`,
  );
  const unfilled = [...new Set(found.prompt.placeholders.map((p) => p.name))];
  const md = [
    core.estimateMarkdown(found.estimate, { title: `Prompt Cost · ${what}`, requestsPerDay: result.config.requestsPerDay }),
    '',
    `| Message | Tokens (${escapeMarkdown(found.model)}) |`,
    '|---|---:|',
    ...messages,
    ...(summary && found.prompt.chat ? [`| reply priming | ${summary.replyPrimingTokens} |`] : []),
    ...(unfilled.length ? ['', `Unfilled (counted as written): ${unfilled.map(markdownCode).join(', ')}`] : []),
    ...(found.prompt.unread.length ? ['', `Decided at run time, not counted: ${found.prompt.unread.map(markdownCode).join(', ')}`] : []),
  ].join('\n');
  const shown = await vscode.workspace.openTextDocument({ language: 'markdown', content: md });
  await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  return md;
}

async function showBreakdown(services: Services, uri: vscode.Uri | undefined, force: boolean): Promise<string | undefined> {
  const md = await breakdownMarkdown(services, uri, force);
  if (!md) return undefined;
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: md });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  return md;
}

async function pickPrimaryModel(services: Services, model?: string): Promise<string | undefined> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  if (!model) {
    const ctx = await services.pricing.forDocument(uri);
    // "current" is the model the status bar shows: the document's own model unless a primary model is set.
    const { models, primary: current } = await services.estimator.shownModels(vscode.window.activeTextEditor?.document);
    const configured = models.map((id) => ({ label: id, description: id === current ? 'current' : 'configured' }));
    const others = ctx.catalog.reference
      .ids()
      .filter((id) => !models.includes(id))
      .map((id) => ({ label: id, description: 'reference catalog' }));
    const picked = await vscode.window.showQuickPick([...configured, { label: '', kind: vscode.QuickPickItemKind.Separator }, ...others], {
      title: 'Prompt Cost: primary model (status bar)',
      placeHolder: current ?? '',
      matchOnDescription: true,
    });
    model = picked?.label;
  }
  if (!model) return undefined;
  const fallback = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await updateSetting('primaryModel', model, fallback);
  return model;
}
