// What the comparison panel shows: the estimator's estimate of the target document, extended with the
// models added in the panel (counted by the estimator, which owns the workers and the summary cache),
// priced through the core comparison table. The panel posts `view`; exports read `table`.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { shortModel } from '../../core/estimate/display';
import { isEmbeddingModel } from '../../core/embeddingModel';
import type { CompareRow, CompareTable, ModelTokens } from '../../core/pricing/compare';
import type { ModelOutput } from '../../core/estimate/learnedOutput';
import type { PanelError, PanelRow, PanelView, PersistedState } from '../../protocol/compare';
import { readConfig } from '../config';
import { isUnestimated } from '../estimator';
import type { Services } from '../services';
import { findOpenDocument } from '../vscodeConvert';

export interface ComparisonView {
  view: PanelView;
  /** The table behind the view, rows in configured order, and the document's name (for exports). */
  table?: { table: CompareTable; name: string };
}

/** The file name of the panel's target document. */
export function targetName(state: PersistedState): string | undefined {
  return state.uri ? path.posix.basename(vscode.Uri.parse(state.uri).path) : undefined;
}

/** The open document for `uri`, else the document opened from disk; undefined when it cannot be opened. */
export async function openTarget(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  const open = findOpenDocument(uri);
  if (open) return open;
  try {
    return await vscode.workspace.openTextDocument(uri);
  } catch {
    return undefined;
  }
}

/** A view with no rows, only `message` (no document, nothing estimated, an error). */
export function emptyView(state: PersistedState, message: string, config = readConfig(targetUri(state))): ComparisonView {
  const uri = state.uri;
  return {
    view: {
      document: uri ? { uri, name: targetName(state) ?? uri } : undefined,
      pinned: state.pinned,
      message,
      outputTokens: state.outputTokens ?? config.expectedOutputTokens,
      outputTokensSource: state.outputTokens !== null ? 'panel' : 'settings',
      embeddingsOnly: false,
      requestsPerDay: state.requestsPerDay ?? config.requestsPerDay,
      requestsPerDaySource: state.requestsPerDay !== null ? 'panel' : 'settings',
      rows: [],
      errors: [],
      sort: state.sort,
      notes: [],
    },
  };
}

/** The comparison for the panel's state; undefined when a newer version of the document superseded it. */
export async function computeComparison(services: Services, state: PersistedState): Promise<ComparisonView | undefined> {
  const uri = targetUri(state);
  if (!uri) return emptyView(state, 'Open a prompt file to compare models for it.');
  const doc = await openTarget(uri);
  if (!doc) return emptyView(state, `Cannot open ${targetName(state)}.`);
  const estimator = services.estimator;
  const result = await estimator.get(doc, !estimator.isPromptDocument(doc));
  if (!result) return undefined;
  if (isUnestimated(result)) return emptyView(state, result.message);
  if (result.kind !== 'prompt') return emptyView(state, 'Not a prompt file.');
  const { estimate, document, pricing, config } = result;

  // Token counts: the estimator's, for the configured models and those added in the panel alike.
  const configured = estimate.models.map((m) => m.model);
  const order = [...configured, ...state.extraModels.filter((id) => !configured.includes(id))];
  const summaries = await estimator.modelSummaries(doc, result, order);
  const counts = new Map<string, ModelTokens>(
    summaries.map((m) => [m.model, { tokens: m.inputTokens, encoding: m.tokenizer.encoding, approximate: m.tokenizer.approximate }]),
  );
  const compareCore = await import('../../core/pricing/compare');
  const estimateCore = await import('../../core/estimate');
  // The panel's own number wins for every model; else each model's expected output (learned from runs where there are some).
  const plan = estimator.outputPlan(doc.uri, config, document.maxTokens);
  const outputs = new Map(order.map((id) => [id, estimate.outputs.get(id) ?? estimateCore.modelOutput(id, plan)]));
  // Embedding models return no output (core/embeddingModel.ts; their rows bill 0 output: pricing/compare.ts). All of
  // them compared: the field has nothing to say. A chat model added beside: the field is its expected output.
  const embeddingsOnly = order.length > 0 && order.every((id) => isEmbeddingModel(id));
  const firstChat = order.find((id) => !isEmbeddingModel(id));
  const outputTokens = embeddingsOnly
    ? 0
    : (state.outputTokens ?? (estimate.embeddingsOnly && firstChat ? outputs.get(firstChat)!.tokens : estimate.outputTokens));
  const outputOf = (id: string) => state.outputTokens ?? outputs.get(id)!.tokens;
  const requestsPerDay = state.requestsPerDay ?? config.requestsPerDay;
  const table = compareCore.buildComparisonTable({
    models: order,
    tokens: (id) => counts.get(id)!,
    outputTokens: outputOf,
    requestsPerDay,
    catalog: pricing.catalog,
  });
  const byId = new Map(table.rows.map((r) => [r.id, r]));
  const rows = order.map((id) => byId.get(id)).filter((r): r is CompareRow => r !== undefined);
  const origin = (id: string): 'configured' | 'added' => (configured.includes(id) ? 'configured' : 'added');
  const name = targetName(state) ?? uri.toString();
  return {
    view: {
      document: { uri: uri.toString(), name },
      pinned: state.pinned,
      outputTokens,
      outputTokensSource:
        state.outputTokens !== null
          ? 'panel'
          : estimate.outputTokensSource === 'history'
            ? 'history'
            : document.maxTokens !== undefined
              ? 'document'
              : 'settings',
      embeddingsOnly,
      requestsPerDay,
      requestsPerDaySource: state.requestsPerDay !== null ? 'panel' : 'settings',
      rows: rows.map((r): PanelRow => ({
        ...compareCore.rowToJson(r),
        id: r.id,
        origin: origin(r.id),
        exceedsContext: r.exceedsContext,
        warnings: [...r.warnings],
        ...(state.outputTokens === null && outputNote(outputs.get(r.id)) ? { outputNote: outputNote(outputs.get(r.id)) } : {}),
      })),
      errors: table.errors.map((e): PanelError => ({ id: e.id, message: e.message, origin: origin(e.id) })),
      sort: state.sort,
      notes: notes(summaries, estimate.unfilled),
    },
    table: { table: { ...table, rows }, name: targetName(state) ?? '' },
  };
}

/** A row's learned output or a reasoning model's reach, as the panel's Output cell explains it. */
function outputNote(o: ModelOutput | undefined): string | undefined {
  if (!o) return undefined;
  if (o.upTo !== undefined)
    return `a reasoning model without runs of this prompt: its output may reach ${o.upTo.toLocaleString('en-US')} tokens`;
  if (o.source !== 'history' || !o.learned) return undefined;
  const l = o.learned;
  return l.borrowedFrom
    ? `${o.choice} of this prompt's ${l.runs} runs on ${shortModel(l.borrowedFrom)} (borrowed: fewer than 3 runs of its own)`
    : `${o.choice} of ${l.runs} runs (p50 ${l.p50}, p90 ${l.p90})`;
}

/** One note per approximation method (naming its models), and the unfilled placeholders. */
function notes(
  summaries: { model: string; tokenizer: { approximate: boolean; method: string }; providerCount?: { source: string } }[],
  unfilled: string[],
): string[] {
  const exact = summaries.flatMap((m) => (m.providerCount ? [`${shortModel(m.model)}: exact, ${m.providerCount.source}.`] : []));
  const methods = new Map<string, string[]>();
  for (const { model, tokenizer } of summaries)
    if (tokenizer.approximate) methods.set(tokenizer.method, [...(methods.get(tokenizer.method) ?? []), model]);
  const out = [...exact, ...[...methods].map(([method, ids]) => `≈ ${ids.map(shortModel).join(', ')}: ${method}`)];
  if (unfilled.length) out.push(`Unfilled placeholders are counted as written: ${unfilled.join(', ')}.`);
  return out;
}

function targetUri(state: PersistedState): vscode.Uri | undefined {
  return state.uri ? vscode.Uri.parse(state.uri) : undefined;
}
