// Status bar: tokens and cost of the active prompt file (or the selection) for the primary model.
// Clicking it picks the primary model. Its text is also kept in `text` for the integration tests.
import * as vscode from 'vscode';
import type { Services } from './services';
import { isUnestimated } from './estimator';
import { readConfig } from './config';
import { COMMANDS } from './commandIds';
import { Debouncer } from './util/debounce';
import { Disposable } from './util/dispose';
import { escapeIcons } from '../core/untrustedText';
import { errorText } from '../core/errors';

export class StatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('promptCost.status', vscode.StatusBarAlignment.Right, 100));
  private readonly debouncer = this._register(new Debouncer(150));
  private seq = 0;
  /** What the item shows (the status bar cannot be read through the API). */
  text = '';
  tooltip = '';

  constructor(private readonly services: Services) {
    super();
    this.item.name = 'Prompt Cost';
    this.item.command = COMMANDS.pickPrimaryModel;
    const soon = () => this.schedule();
    this._register(vscode.window.onDidChangeActiveTextEditor(soon));
    this._register(vscode.window.onDidChangeTextEditorSelection(soon));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => e.document === vscode.window.activeTextEditor?.document && soon()));
    this._register(services.estimator.onDidChange(soon));
    this.schedule(0);
  }

  /** Debounced refresh (150 ms unless told otherwise). */
  schedule(delayMs?: number): void {
    this.debouncer.schedule(() => void this.refresh(), { delayMs });
  }

  async refresh(): Promise<void> {
    const seq = ++this.seq;
    const editor = vscode.window.activeTextEditor;
    const update = (text: string, tooltip: string) => {
      if (seq !== this.seq) return; // a newer refresh is under way
      this.text = text;
      this.tooltip = tooltip;
      if (!text) return this.item.hide();
      this.item.text = text;
      this.item.tooltip = tooltip;
      this.item.show();
    };
    if (!editor) return update('', '');
    const doc = editor.document;
    const config = readConfig(doc.uri);
    if (!this.services.estimator.isPromptDocument(doc, config)) return update('', '');
    try {
      const estimateCore = await import('../core/estimate');
      const selection = editor.selection;
      if (!selection.isEmpty) {
        // The model the bar shows for the whole prompt (its own model unless a primary model is set).
        const model = (await this.services.estimator.shownModels(doc)).primary;
        if (seq !== this.seq) return;
        if (!model) return update('', '');
        const r = await this.services.estimator.estimateText(doc.getText(selection), model, doc.uri);
        const approx = r.tokenizer.approximate;
        return update(
          `$(selection) ${estimateCore.formatTokens(r.tokens, approx)} tok · ${r.inputUsd ? estimateCore.shortUsd(r.inputUsd, approx) : 'no price'} ${escapeIcons(estimateCore.shortModel(model))}`,
          `Selection: ${r.tokens} input tokens for ${model}${r.inputUsd ? `, input cost $${r.inputUsd.toString()} exactly (no output)` : ''}. Click to pick the primary model.`,
        );
      }
      const result = await this.services.estimator.get(doc);
      if (!result) return; // superseded by a newer edit: keep showing the last figures until it lands
      if (isUnestimated(result)) return update('$(warning) Prompt Cost', result.message);
      if (result.kind !== 'prompt') return update('', '');
      const m = result.estimate.models.find((x) => x.model === result.primary) ?? result.estimate.models[0];
      const row = m && estimateCore.rowFor(result.estimate.table, m.model);
      if (!m) return update('', '');
      const approx = m.tokenizer.approximate;
      const estimate = result.estimate;
      const output = estimate.outputs.get(m.model) ?? {
        tokens: row?.outputTokens ?? estimate.outputTokens,
        source: estimate.outputTokensSource,
      };
      // `+ 88 tok · … · p50 of 6 runs` when learned; `+ 500 … 100,000 tok` for a reasoning model without runs.
      const lens = estimateCore.outputLensText(output);
      const out = lens.replace(/ out\b.*$/, '');
      const learned = output.source === 'history' && output.learned ? ` · ${/\((.*)\)$/.exec(lens)?.[1] ?? ''}` : '';
      update(
        `$(symbol-numeric) ${estimateCore.formatTokens(m.inputTokens, approx)}${row && !estimate.embeddingsOnly ? ` + ${out}` : ''} tok · ${row ? estimateCore.shortUsd(row.totalUsd, approx) : 'no price'} ${escapeIcons(estimateCore.shortModel(m.model))}${learned}`,
        row
          ? `${m.model}, per request: ${m.inputTokens} input${estimate.embeddingsOnly ? `, ${estimateCore.NO_OUTPUT_TOKENS}.` : ` + ${estimateCore.outputSourceSentence(output)}`} = $${row.totalUsd.toString()} exactly (${row.priceSource} prices). Click to pick the primary model.`
          : `${m.model}: ${m.inputTokens} input tokens; no price found. Click to pick the primary model.`,
      );
    } catch (err) {
      this.services.log.error(`status bar: ${errorText(err, 'stack')}`);
    }
  }
}
