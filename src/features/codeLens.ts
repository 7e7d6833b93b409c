// CodeLens on prompt files (file top + each message section) and above prompts inside code:
// `≈ 1,234 tokens · gpt-4o $0.0031 · claude-3-5-sonnet ≈$0.0037 · Compare…`.
import * as vscode from 'vscode';
import { IN_BROWSER } from './platform';
import type { Services } from './services';
import { PROMPT_SELECTOR, isUnestimated } from './estimator';
import { CONFIG_KEYS, onConfigChange, readConfig } from './config';
import { offsetRange } from './vscodeConvert';
import { COMMANDS } from './commandIds';
import { escapeIcons } from '../core/untrustedText';

export function registerCodeLens(services: Services): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    async provideCodeLenses(document, token) {
      const config = readConfig(document.uri);
      if (!config.codeLensEnabled) return [];
      if (!services.estimator.isPromptDocument(document, config) && !services.estimator.isCodeDocument(document, config)) return [];
      let result = await services.estimator.get(document);
      // Superseded by a newer edit: answer with the newer version's estimate rather than no lenses at all.
      for (let i = 0; !result && !token.isCancellationRequested && i < 3; i++) result = await services.estimator.get(document);
      if (!result || token.isCancellationRequested) return [];
      const top = new vscode.Range(0, 0, 0, 0);
      if (isUnestimated(result)) {
        return [new vscode.CodeLens(top, { title: `Prompt Cost: ${result.message}`, command: '' })];
      }
      const estimateCore = await import('../core/estimate');
      if (result.kind === 'code') {
        // One lens per call: its messages with chat framing, plus the call's max tokens (else the setting) out.
        return result.prompts.map((p) => {
          const range = offsetRange(document, p.prompt.range.start, p.prompt.range.start);
          const approx = p.tokenizer.approximate;
          const output = estimateCore.formatTokens(p.estimate.outputTokens, false);
          const cost = p.totalUsd
            ? ` · ${estimateCore.shortModel(p.model)} ${estimateCore.shortUsd(p.totalUsd, approx)}`
            : ` · ${estimateCore.shortModel(p.model)} no price`;
          const messages = p.document.messages.length;
          return new vscode.CodeLens(range, {
            title: escapeIcons(`${estimateCore.formatTokens(p.tokens, approx)} tokens + ${output} out${cost}`),
            tooltip: `${messages} message${messages === 1 ? '' : 's'}${p.prompt.call ? ` sent by ${p.prompt.call}` : ''}: ${p.tokens} input tokens for ${p.model}${p.prompt.chat ? ' (chat framing included)' : ''} + ${output} output tokens (${p.estimate.outputTokensSource === 'file' ? "the call's max tokens" : 'promptCost.expectedOutputTokens'}). Click for the breakdown.`,
            command: COMMANDS.showBreakdown,
            arguments: [document.uri, p.prompt.range.start],
          });
        });
      }
      const { estimate, primary, document: prompt } = result;
      const summary = estimateCore.codeLensSummary(estimate, primary);
      // The model costs are per request: input plus the expected output. Say so, and cap the line so it never
      // runs under the minimap; the rest of the models are one "+N" away (the comparison panel).
      // The primary model's expected output: learned from this prompt's runs where there are some (`86 out (p50, 7 runs)`).
      const primaryOutput = estimate.outputs.get(primary) ?? { tokens: estimate.outputTokens, source: estimate.outputTokensSource };
      // Side by side (a split editor, the comparison panel beside it) the line has about half the width: one
      // model, so "+N more…" and "▶ Run" are not clipped off (VS Code cuts a lens line at the editor's edge).
      const split = vscode.window.tabGroups.all.length > 1;
      const shown = capModels(summary.modelTitles, primary, split ? MAX_LENS_MODELS_SPLIT : MAX_LENS_MODELS);
      const hidden = summary.modelTitles.filter((m) => !shown.includes(m));
      const lenses: vscode.CodeLens[] = [
        new vscode.CodeLens(top, {
          title: `${summary.tokensTitle} + ${estimateCore.outputLensText(primaryOutput)}`,
          tooltip: `${summary.tokensTitle} in the prompt (chat framing included) + ${estimateCore.outputSourceSentence(primaryOutput)} The costs beside are per request for both (each model with its own expected output). Click for the breakdown.`,
          command: COMMANDS.showBreakdown,
          arguments: [document.uri],
        }),
        ...shown.map(
          (m) =>
            new vscode.CodeLens(top, {
              title: m.title,
              tooltip: `${m.model}: cost per request, input + ${estimateCore.outputSourceSentence(estimate.outputs.get(m.model) ?? primaryOutput)} Click to compare models.`,
              command: COMMANDS.openComparison,
              arguments: [document.uri, m.model],
            }),
        ),
        hidden.length
          ? new vscode.CodeLens(top, {
              title: `+${hidden.length} more…`,
              tooltip: `Compare all models: ${hidden.map((m) => m.title).join(' · ')}`,
              command: COMMANDS.openComparison,
              arguments: [document.uri],
            })
          : new vscode.CodeLens(top, { title: 'Compare…', command: COMMANDS.openComparison, arguments: [document.uri] }),
        // Running sends the prompt to a provider: only offered in trusted workspaces.
        ...(vscode.workspace.isTrusted && !IN_BROWSER
          ? [
              new vscode.CodeLens(top, {
                title: '▶ Run',
                tooltip: 'Run this prompt and record its actual cost (Prompt Cost: Run Prompt…)',
                command: COMMANDS.runPrompt,
                arguments: [document.uri],
              }),
            ]
          : []),
      ];
      // A SKILL.md: what every request carries (name + description) and what using the skill adds (the body).
      if (estimate.skill) lenses.splice(1, 0, await skillLens(top, document.uri, estimate.skill));
      // One lens per explicit message section, for the primary model.
      const primaryModel = estimate.models.find((m) => m.model === primary) ?? estimate.models[0];
      if (primaryModel && prompt.messages.length > 1) {
        // Priced and formatted once per distinct count: a huge prompt has thousands of sections.
        const approx = primaryModel.tokenizer.approximate;
        const amounts = new Map<number, string>();
        const amount = (tokens: number): string => {
          let a = amounts.get(tokens);
          if (a === undefined) {
            const cost = estimateCore.inputCost(result.pricing.catalog, primaryModel.model, tokens);
            a = `${estimateCore.formatTokens(tokens, approx)} tokens${cost ? ` · ${estimateCore.shortModel(primaryModel.model)} ${estimateCore.shortUsd(cost, approx)} input` : ''}`;
            amounts.set(tokens, a);
          }
          return a;
        };
        prompt.messages.forEach((message, i) => {
          if (message.implicit) return;
          const title = `${message.role}: ${amount(primaryModel.messageTokens[i] ?? 0)}`;
          lenses.push(
            new vscode.CodeLens(new vscode.Range(message.headerLine, 0, message.headerLine, 0), {
              title,
              tooltip: `The ${message.role} message alone: its input tokens (with the message's chat framing) and their input cost for ${primaryModel.model}; no output.`,
              command: COMMANDS.showBreakdown,
              arguments: [document.uri, message.range.start],
            }),
          );
        });
      }
      return lenses;
    },
  };
  // Model and prompt names come from files: a `$(name)` in one must read as written, not as an icon.
  const plainTitles: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    async provideCodeLenses(document, token) {
      const lenses = (await provider.provideCodeLenses(document, token)) ?? [];
      for (const lens of lenses) if (lens.command) lens.command.title = escapeIcons(lens.command.title);
      return lenses;
    },
  };
  return vscode.Disposable.from(
    changed,
    vscode.languages.registerCodeLensProvider(PROMPT_SELECTOR, plainTitles),
    services.estimator.onDidChange(() => changed.fire()), // settings and prices
    // VS Code cancels an editor's pending lens request when it loses focus and shows its cached lenses (titles
    // without links) until it is focused again: a prompt also shown in a split, not focused, kept link-less
    // lenses after an edit. A new estimate asks those editors again (cheap: the estimate is cached).
    services.estimator.onDidEstimate((doc) => {
      const active = vscode.window.activeTextEditor;
      if (vscode.window.visibleTextEditors.some((e) => e.document === doc && e !== active)) changed.fire();
    }),
    vscode.window.onDidChangeVisibleTextEditors(() => changed.fire()),
    vscode.window.tabGroups.onDidChangeTabGroups(() => changed.fire()), // split or joined: one or three models
    onConfigChange(CONFIG_KEYS.codeLens, () => changed.fire()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => changed.fire()), // the ▶ Run lens appears
  );
}

/** The SKILL.md figures: always loaded and on use (core/prompt/skill.ts). */
async function skillLens(top: vscode.Range, uri: vscode.Uri, skill: import('../core/prompt/skill').SkillFigures): Promise<vscode.CodeLens> {
  const { skillText } = await import('../core/prompt/skill');
  return new vscode.CodeLens(top, {
    title: skillText(skill),
    tooltip: `An agent loads every skill's name and description into each request, and reads the body only when it uses the skill (${skill.encoding}).`,
    command: COMMANDS.showBreakdown,
    arguments: [uri],
  });
}

/** Models on the top lens line; more go behind "+N more…". */
export const MAX_LENS_MODELS = 3;
/** With two or more editor groups side by side. */
export const MAX_LENS_MODELS_SPLIT = 1;

/** The first `max` models in configured order, with the primary model always among them. */
export function capModels<T extends { model: string }>(models: readonly T[], primary: string, max: number): T[] {
  if (models.length <= max) return [...models];
  const first = models.slice(0, max);
  const p = models.find((m) => m.model === primary);
  if (!p || first.includes(p)) return first;
  return [p, ...first.slice(0, max - 1)];
}
