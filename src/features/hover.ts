// Hover on prompt files (a section, the front matter or a selection) and on prompts inside code:
// a table per model with tokens, input/output cost, cached, batch, per-1,000 and monthly figures.
import { escapeMarkdown, markdownCode } from '../core/untrustedText';
import * as vscode from 'vscode';
import type { Services } from './services';
import { PROMPT_SELECTOR, codePromptAt, isUnestimated } from './estimator';
import { readConfig } from './config';
import { offsetRange } from './vscodeConvert';

export function registerHover(services: Services): vscode.Disposable {
  const provider: vscode.HoverProvider = {
    async provideHover(document, position, token) {
      const config = readConfig(document.uri);
      const prompt = services.estimator.isPromptDocument(document, config);
      if (!prompt && !services.estimator.isCodeDocument(document, config)) return undefined;
      const estimateCore = await import('../core/estimate');
      // A selection under the mouse: estimate exactly that text.
      const selection = vscode.window.activeTextEditor?.document === document ? vscode.window.activeTextEditor.selection : undefined;
      if (selection && !selection.isEmpty && selection.contains(position)) {
        return selectionHover(services, document, selection, estimateCore);
      }
      const result = await services.estimator.get(document);
      if (!result || token.isCancellationRequested) return undefined;
      if (isUnestimated(result)) return new vscode.Hover(result.message);
      const offset = document.offsetAt(position);
      if (result.kind === 'code') {
        const p = await codePromptAt(result, offset);
        if (!p) return undefined;
        const approx = p.tokenizer.approximate;
        const md = new vscode.MarkdownString();
        const count = p.document.messages.length;
        const what = p.prompt.call
          ? `${markdownCode(p.prompt.call)}: ${count} message${count === 1 ? '' : 's'}`
          : escapeMarkdown(p.prompt.role ?? 'prompt');
        md.appendMarkdown(`**Prompt Cost** · ${what} for ${markdownCode(p.model)}\n\n`);
        const output = estimateCore.formatTokens(p.estimate.outputTokens, false);
        md.appendMarkdown(
          `${estimateCore.formatTokens(p.tokens, approx)} input tokens${p.prompt.chat ? ' (chat framing included)' : ''}${p.estimate.embeddingsOnly ? `, ${estimateCore.NO_OUTPUT_TOKENS}` : ` + ${output} output${p.estimate.outputTokensSource === 'file' ? " (the call's max tokens)" : ''}`}${p.totalUsd ? ` · ${estimateCore.shortUsd(p.totalUsd, approx)} per request` : ' · no price'}${p.priceSource ? ` (${escapeMarkdown(p.priceSource)})` : ''}\n\n`,
        );
        const unfilled = p.prompt.placeholders.map((x) => x.name);
        if (unfilled.length) md.appendMarkdown(`Unfilled: ${[...new Set(unfilled)].map(markdownCode).join(', ')} (counted as written)\n\n`);
        if (p.prompt.unread.length)
          md.appendMarkdown(`Decided at run time, not counted: ${p.prompt.unread.map(markdownCode).join(', ')}\n\n`);
        if (approx) md.appendMarkdown(`≈ ${escapeMarkdown(p.tokenizer.method)}`);
        return new vscode.Hover(md, offsetRange(document, p.prompt.range.start, p.prompt.range.end));
      }
      const { estimate, document: parsed } = result;
      const message = (await import('../core/prompt')).messageAt(parsed, offset);
      const title =
        message && parsed.messages.length > 1
          ? `Prompt Cost · whole prompt (mouse over the ${message.role} message)`
          : 'Prompt Cost · whole prompt';
      const md = new vscode.MarkdownString(
        estimateCore.estimateMarkdown(estimate, { title, requestsPerDay: result.config.requestsPerDay, compact: true }),
      );
      if (estimate.skill) md.appendMarkdown(`\n\n${escapeMarkdown((await import('../core/prompt/skill')).skillText(estimate.skill))}`);
      const range = message ? offsetRange(document, message.sectionRange.start, message.sectionRange.end) : undefined;
      return new vscode.Hover(md, range);
    },
  };
  return vscode.languages.registerHoverProvider(PROMPT_SELECTOR, provider);
}

async function selectionHover(
  services: Services,
  document: vscode.TextDocument,
  selection: vscode.Selection,
  estimateCore: typeof import('../core/estimate'),
) {
  // The same models in the same order as the whole-prompt hover (the status bar's model first).
  const { models } = await services.estimator.shownModels(document);
  const text = document.getText(selection);
  const rows: string[] = ['| Model | Tokens | Input cost |', '|---|---:|---:|'];
  for (const model of models) {
    const r = await services.estimator.estimateText(text, model, document.uri, 'hover');
    const approx = r.tokenizer.approximate;
    rows.push(
      `| ${escapeMarkdown(estimateCore.shortModel(model))} | ${estimateCore.formatTokens(r.tokens, approx)} | ${r.inputUsd ? estimateCore.shortUsd(r.inputUsd, approx) : 'no price'} |`,
    );
  }
  return new vscode.Hover(
    new vscode.MarkdownString(`**Prompt Cost · selection** (${text.length.toLocaleString('en-US')} characters)\n\n${rows.join('\n')}`),
    selection,
  );
}
