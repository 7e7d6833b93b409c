// CodeLens on prompt files (file top + each message section) and above prompts inside code:
// `≈ 1,234 tokens · gpt-4o $0.0031 · claude-3-5-sonnet ≈$0.0037 · Compare…`.
import * as vscode from 'vscode';
import { IN_BROWSER } from './platform';
import type { Services } from './services';
import { PROMPT_SELECTOR, isUnestimated, type CodeFileEstimate, type PromptFileEstimate } from './estimator';
import { CONFIG_KEYS, onConfigChange, readConfig } from './config';
import { offsetRange } from './vscodeConvert';
import { COMMANDS } from './commandIds';
import { escapeIcons } from '../core/untrustedText';

export function registerCodeLens(services: Services): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  // Model and prompt names come from files: a `$(name)` in one must read as written, not as an icon.
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    async provideCodeLenses(document, token) {
      const lenses = await documentLenses(services, document, token);
      for (const lens of lenses) if (lens.command) lens.command.title = escapeIcons(lens.command.title);
      return lenses;
    },
    resolveCodeLens(lens) {
      if (lens instanceof SectionLens && !lens.command) {
        lens.command = lens.resolve();
        lens.command.title = escapeIcons(lens.command.title);
      }
      return lens;
    },
  };
  return vscode.Disposable.from(
    changed,
    vscode.languages.registerCodeLensProvider(PROMPT_SELECTOR, provider),
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

type EstimateCore = typeof import('../core/estimate');

/** Every lens of a document: one per call in code; for a prompt file the top line and one per message section. */
async function documentLenses(
  services: Services,
  document: vscode.TextDocument,
  token: vscode.CancellationToken,
): Promise<vscode.CodeLens[]> {
  const config = readConfig(document.uri);
  if (!config.codeLensEnabled) return [];
  if (!services.estimator.isPromptDocument(document, config) && !services.estimator.isCodeDocument(document, config)) return [];
  let result = await services.estimator.get(document);
  // Superseded by a newer edit: answer with the newer version's estimate rather than no lenses at all.
  for (let i = 0; !result && !token.isCancellationRequested && i < 3; i++) result = await services.estimator.get(document);
  if (!result || token.isCancellationRequested) return [];
  const top = new vscode.Range(0, 0, 0, 0);
  if (isUnestimated(result)) return [new vscode.CodeLens(top, { title: `Prompt Cost: ${result.message}`, command: '' })];
  const estimateCore = await import('../core/estimate');
  if (result.kind === 'code') return codeCallLenses(document, result, estimateCore);
  const line = topLenses(document, result, estimateCore);
  // A SKILL.md: what every request carries (name + description) and what using the skill adds (the body).
  if (result.estimate.skill) line.splice(1, 0, await skillLens(top, document.uri, result.estimate.skill));
  return [...line, ...sectionLenses(document, result, estimateCore)];
}

/** One lens per call in code: its messages with chat framing, plus the call's max tokens (else the setting) out. */
function codeCallLenses(document: vscode.TextDocument, result: CodeFileEstimate, estimateCore: EstimateCore): vscode.CodeLens[] {
  return result.prompts.map((p) => {
    const range = offsetRange(document, p.prompt.range.start, p.prompt.range.start);
    const approx = p.tokenizer.approximate;
    const output = estimateCore.formatTokens(p.estimate.outputTokens, false);
    const none = p.estimate.embeddingsOnly;
    const cost = p.totalUsd
      ? ` · ${estimateCore.shortModel(p.model)} ${estimateCore.shortUsd(p.totalUsd, approx)}`
      : ` · ${estimateCore.shortModel(p.model)} no price`;
    const messages = p.document.messages.length;
    return new vscode.CodeLens(range, {
      title: `${estimateCore.formatTokens(p.tokens, approx)} tokens${none ? '' : ` + ${output} out`}${cost}`,
      tooltip: `${messages} message${messages === 1 ? '' : 's'}${p.prompt.call ? ` sent by ${p.prompt.call}` : ''}: ${p.tokens} input tokens for ${p.model}${p.prompt.chat ? ' (chat framing included)' : ''}${none ? `, ${estimateCore.NO_OUTPUT_TOKENS}` : ` + ${output} output tokens (${p.estimate.outputTokensSource === 'file' ? "the call's max tokens" : 'promptCost.expectedOutputTokens'})`}. Click for the breakdown.`,
      command: COMMANDS.showBreakdown,
      arguments: [document.uri, p.prompt.range.start],
    });
  });
}

/** The prompt file's top line: tokens + expected output, up to three models' request costs, "+N more…", ▶ Run. */
function topLenses(document: vscode.TextDocument, result: PromptFileEstimate, estimateCore: EstimateCore): vscode.CodeLens[] {
  const { estimate, primary } = result;
  const top = new vscode.Range(0, 0, 0, 0);
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
  return [
    new vscode.CodeLens(top, {
      title: estimate.embeddingsOnly
        ? `${summary.tokensTitle}, no output`
        : `${summary.tokensTitle} + ${estimateCore.outputLensText(primaryOutput)}`,
      tooltip: estimate.embeddingsOnly
        ? `${summary.tokensTitle} of embedding input (the text alone, no chat framing); ${estimateCore.NO_OUTPUT_TOKENS}. The costs beside are per request. Click for the breakdown.`
        : `${summary.tokensTitle} in the prompt (chat framing included) + ${estimateCore.outputSourceSentence(primaryOutput)} The costs beside are per request for both (each model with its own expected output). Click for the breakdown.`,
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
}

/**
 * A message section's lens, titled only when VS Code resolves it (the lenses on screen): a huge prompt has
 * thousands of sections, and sending each one's title, tooltip and arguments on every lens request (every
 * keystroke) cost the extension host and the window seconds per edit in a 5 MB prompt (15k sections).
 */
class SectionLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly resolve: () => vscode.Command,
  ) {
    super(range);
  }
}

/** One lens per explicit message section, for the primary model (resolved when shown). */
function sectionLenses(document: vscode.TextDocument, result: PromptFileEstimate, estimateCore: EstimateCore): vscode.CodeLens[] {
  const { estimate, primary, document: prompt } = result;
  const primaryModel = estimate.models.find((m) => m.model === primary) ?? estimate.models[0];
  if (!primaryModel || prompt.messages.length <= 1) return [];
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
  const lenses: vscode.CodeLens[] = [];
  prompt.messages.forEach((message, i) => {
    if (message.implicit) return;
    lenses.push(
      new SectionLens(new vscode.Range(message.headerLine, 0, message.headerLine, 0), () => ({
        title: `${message.role}: ${amount(primaryModel.messageTokens[i] ?? 0)}`,
        tooltip: `The ${message.role} message alone: its input tokens (with the message's chat framing) and their input cost for ${primaryModel.model}; no output.`,
        command: COMMANDS.showBreakdown,
        arguments: [document.uri, message.range.start],
      })),
    );
  });
  return lenses;
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
