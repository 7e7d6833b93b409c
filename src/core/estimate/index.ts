// A prompt's estimate for the editor and the CLI: token counts per encoding (per message, with chat
// overhead), priced for each model through the comparison table. Pure: counts come from `counters`.
import { escapeMarkdown, markdownCode } from '../untrustedText';
import { Decimal } from '../pricing/decimal';
import { CompareRow, CompareTable, buildComparisonTable } from '../pricing/compare';
import { PriceCatalog } from '../pricing/catalog';
import { computeCost } from '../pricing/cost';
import { formatUsd } from '../format';
import { GROUPED, formatTokens, shortModel, shortUsd } from './display';

export { formatTokens, shortModel, shortUsd } from './display';
export * from './file';
export * from './providerCounts';
import type { PromptDocument, PromptSummary } from '../prompt';
import { ChatMessageLike, summarizePrompt } from '../prompt/summary';
import { parsePromptDocument } from '../prompt/document';
import type { ModelTokens } from '../pricing/compare';
import { EncodingName, ModelTokenizer, applyFactor, countTokens, frameFamilyChat, isEmbeddingModel, tokenizerForModel } from '../tokenize';
import { claudeChat, claudeContentTokens } from '../tokenize/claudeCount';
import { chatFormatFor, chatTemplateStatus, framedFormatFor } from '../tokenize/registry';
import { CHAT_FORMATS, ChatFormatName, formatEncoding } from '../tokenize/chatFormats';
import { ProviderCounts, applyProviderCounts } from './providerCounts';
import { ModelOutput, OutputPlan, modelOutput } from './learnedOutput';
export * from './learnedOutput';
export * from './learnedDisplay';
import { LearnedCost, learnedMarkdown, learnedCost } from './learnedDisplay';

/** Counts text in one encoding (exact). The extension passes memoised worker results for big documents. */
export type Counters = (encoding: EncodingName) => (text: string) => number;

/**
 * A conversation framed by an open-model family's chat template: total and per-message figures
 * (`frameFamilyChat`, the default; the extension passes a big document's worker results).
 */
export type FamilyFraming = (
  format: ChatFormatName,
  messages: ChatMessageLike[],
) => { tokens: number; messageTokens: readonly number[]; templateError?: string; templateErrorMessage?: number };

/**
 * How a model's prompt is summarised. OpenAI and approximate models: by encoding, with OpenAI's chat
 * rule (3 per message + role, 3 to prime the reply); Claude (`claude`) as ai-tokenizer counts it (claudeCount.ts). Exact open-model families (Llama 3, Qwen,
 * DeepSeek, Gemma 3): `<family> chat`, the conversation rendered with the family's chat template
 * (BOS and generation prompt included) and counted as its server does. Approximate models that
 * borrow a family's vocabulary (Gemini, hosted Qwen) keep the OpenAI rule: their framing is unknown.
 */
export type SummaryKey = EncodingName | `${ChatFormatName} chat` | `${EncodingName} text`;

export function summaryKeyFor(model: string): SummaryKey {
  // An embedding request sends the text alone: its usage is the input's tokens, no chat framing
  if (isEmbeddingModel(model)) return `${tokenizerForModel(model).encoding} text`;
  const format = framedFormatFor(model);
  return format ? `${format} chat` : tokenizerForModel(model).encoding;
}

/** The chat format of a `<format> chat` key (undefined: an encoding's key). */
export function summaryFormat(key: SummaryKey): ChatFormatName | undefined {
  return key.endsWith(' chat') ? (key.slice(0, -' chat'.length) as ChatFormatName) : undefined;
}

/** The encoding a summary key counts in. */
export function summaryEncoding(key: SummaryKey): EncodingName {
  const format = summaryFormat(key);
  if (key.endsWith(' text')) return key.slice(0, -' text'.length) as EncodingName;
  return format ? formatEncoding(format) : (key as EncodingName);
}

/** A parsed prompt summarised as `key` says (see SummaryKey). */
export function summarizeFor(
  doc: PromptDocument,
  key: SummaryKey,
  counters: Counters,
  framing: FamilyFraming = frameFamilyChat,
): PromptSummary {
  const encoding = summaryEncoding(key);
  const format = summaryFormat(key);
  if (key.endsWith(' text')) return summarizePrompt(doc, counters(encoding), { overhead: 'none' });
  if (encoding === 'claude') {
    // ai-tokenizer's pipeline (tokenize/claudeCount.ts): contents round(× 1.1) each, its own framing
    const raw = counters(encoding);
    return summarizePrompt(doc, (t) => claudeContentTokens(raw(t)), { framedChat: (messages) => claudeChat(messages, raw) });
  }
  if (!format) return summarizePrompt(doc, counters(encoding));
  return summarizePrompt(doc, counters(encoding), { framedChat: (messages) => framing(format, messages) });
}

export interface EstimateOptions {
  models: readonly string[];
  catalog: PriceCatalog;
  /** Expected output tokens when the prompt does not say (front matter max_tokens wins). */
  outputTokens: number;
  /** Output tokens chosen by the user (CLI `--output-tokens`, the panel): wins over the prompt's max tokens. */
  outputTokensOverride?: number;
  /** Output tokens learned from this prompt's runs, per model, and which number to use (below the user's choice, above the prompt's max tokens). */
  learned?: OutputPlan['learned'];
  requestsPerDay: number;
  /** Cached provider counts of the workspace (exact counts, calibration); see providerCounts.ts. */
  providerCounts?: ProviderCounts;
}

export { expectedOutputTokens, type OutputTokensSource, type OutputTokensInputs } from './outputTokens';
import type { OutputTokensSource } from './outputTokens';

export interface ModelSummary {
  model: string;
  tokenizer: ModelTokenizer;
  /** Input tokens for this model (approximate models: the proxy count × factor). */
  inputTokens: number;
  /** Per message input tokens, same order as the document's messages. */
  messageTokens: number[];
  /** Set when the total is a cached provider count (exact), with its source and date. */
  providerCount?: { source: string; at: string };
  /** Set when the estimate is calibrated on the workspace's cached counts. */
  calibration?: { factor: number; errorBand: number; n: number; band: string };
}

export interface PromptEstimate {
  /** One summary per encoding (or family chat framing) used; see SummaryKey. */
  summaries: Map<SummaryKey, PromptSummary>;
  models: ModelSummary[];
  table: CompareTable;
  /** The first model's output tokens and their source (each model's are in `outputs`). */
  outputTokens: number;
  outputTokensSource: OutputTokensSource;
  /** Expected output tokens per model, with their source and the learned numbers. */
  outputs: Map<string, ModelOutput>;
  /** Per model with learned output: the request's cost at the typical (p50) and budget (p90) output. */
  learnedCosts: Map<string, LearnedCost>;
  unfilled: string[];
  /** Every model is an embedding model (isEmbeddingModel): no output tokens at all (`outputTokens` is 0). */
  embeddingsOnly: boolean;
}

/** Encodings needed to count for these models (loads only those). */
export function encodingsFor(models: readonly string[]): EncodingName[] {
  return [...new Set(models.map((m) => tokenizerForModel(m).encoding))];
}

/** A model's input tokens from the prompt's summary for that model (summaryKeyFor; scaled for approximate families). */
export function modelSummary(model: string, summaryIn: (key: SummaryKey) => PromptSummary): ModelSummary {
  const tokenizer = tokenizerForModel(model);
  const key = summaryKeyFor(model);
  const s = summaryIn(key);
  // the Claude summary already holds ai-tokenizer's scaled figures (summarizeFor)
  const scale = (n: number) => (key === 'claude' ? n : applyFactor(n, tokenizer));
  return {
    model,
    tokenizer: key.endsWith(' chat') ? framedTokenizer(model, tokenizer, s) : tokenizer,
    inputTokens: scale(s.totalTokens),
    messageTokens: s.messages.map((m) => scale(m.totalTokens)),
  };
}

/**
 * An exact vocabulary framed with a template that is not the model version's own (tokenize/registry.ts),
 * or a conversation the template refused, is an approximate count: said, with what it leaves out.
 */
function framedTokenizer(model: string, tokenizer: ModelTokenizer, s: PromptSummary): ModelTokenizer {
  if (s.templateError !== undefined)
    return {
      ...tokenizer,
      approximate: true,
      method: `Approximate: the chat template refused this conversation (${s.templateError}); message contents counted without framing.`,
    };
  const status = chatTemplateStatus(model);
  if (status.exact) {
    const format = CHAT_FORMATS[chatFormatFor(model) ?? 'llama3'];
    if (!format.vendored && !format.coded) return tokenizer;
    const assumed = format.assumption ? `: ${format.assumption}` : '';
    return { ...tokenizer, method: `${tokenizer.method} Framed with ${format.label}${assumed}.` };
  }
  return { ...tokenizer, approximate: true, method: `Approximate: text exact with the ${tokenizer.family} vocabulary, ${status.note}.` };
}

/** Per model input tokens of a parsed prompt, summarising each encoding (or family framing) once. */
function modelSummaries(doc: PromptDocument, counters: Counters, models: readonly string[], framing?: FamilyFraming) {
  const summaries = new Map<SummaryKey, PromptSummary>();
  const summaryFor = (key: SummaryKey) => {
    let s = summaries.get(key);
    if (!s) summaries.set(key, (s = summarizeFor(doc, key, counters, framing)));
    return s;
  };
  const summarize = (model: string): ModelSummary => modelSummary(model, summaryFor);
  return { summaries, models: [...new Set(models)].map(summarize), summarize };
}

/**
 * Input tokens per model of a prompt file's text, exactly as the editor counts it (messages and chat
 * overhead), and the file's `max_tokens` (used by `prompt-cost diff`; `estimateFile` answers the rest).
 */
export function promptFileTokens(text: string, fileName: string): { tokens: (model: string) => ModelTokens; maxTokens?: number } {
  return documentTokens(parsePromptDocument(text, fileName));
}

/** Input tokens per model of a parsed prompt (a prompt file, or a call found in code), and its max tokens. */
export function documentTokens(doc: PromptDocument): { tokens: (model: string) => ModelTokens; maxTokens?: number } {
  const { summarize } = modelSummaries(doc, (enc) => (t) => countTokens(t, enc), []);
  return {
    tokens: (model) => {
      const m = summarize(model);
      return { tokens: m.inputTokens, encoding: m.tokenizer.encoding, approximate: m.tokenizer.approximate };
    },
    maxTokens: doc.maxTokens,
  };
}

export function estimatePrompt(doc: PromptDocument, counters: Counters, options: EstimateOptions, framing?: FamilyFraming): PromptEstimate {
  const { summaries, models: offline } = modelSummaries(doc, counters, options.models, framing);
  const models = offline.map((m) => applyProviderCounts(m, doc, options.providerCounts));
  const byModel = new Map(models.map((m) => [m.model, m]));
  const plan: OutputPlan = {
    option: options.outputTokensOverride,
    fileMaxTokens: doc.maxTokens,
    fallback: options.outputTokens,
    learned: options.learned,
  };
  const outputs = new Map(models.map((m) => [m.model, modelOutput(m.model, plan)]));
  const firstOutput = outputs.values().next().value ?? modelOutput('', plan);
  const embeddingsOnly = models.length > 0 && models.every((m) => isEmbeddingModel(m.model));
  const table = buildComparisonTable({
    models: models.map((m) => m.model),
    tokens: (id) => {
      const m = byModel.get(id)!;
      return { tokens: m.inputTokens, encoding: m.tokenizer.encoding, approximate: m.tokenizer.approximate };
    },
    outputTokens: (id) => outputs.get(id)?.tokens ?? firstOutput.tokens,
    requestsPerDay: options.requestsPerDay,
    catalog: options.catalog,
  });
  const first = summaries.values().next().value as PromptSummary | undefined;
  const learnedCosts = new Map<string, LearnedCost>();
  for (const m of models) {
    const c = learnedCost(options.catalog, m.model, m.inputTokens, outputs.get(m.model));
    if (c) learnedCosts.set(m.model, c);
  }
  return {
    summaries,
    models,
    table,
    // what the headers say (the rows of embedding models already bill no output: pricing/compare.ts)
    outputTokens: embeddingsOnly ? 0 : firstOutput.tokens,
    outputTokensSource: firstOutput.source,
    outputs,
    learnedCosts,
    unfilled: first?.unfilled ?? [],
    embeddingsOnly,
  };
}

/** Input cost of `tokens` for a model (section CodeLens, prompts in code); undefined when unpriced. */
export function inputCost(catalog: PriceCatalog, model: string, tokens: number): Decimal | undefined {
  const r = catalog.resolve(model);
  if (!r.ok || !r.price.input) return undefined;
  return computeCost(r.price, { inputTokens: tokens }).totalUsd;
}

// ---- display (shared by CodeLens, hover, status bar and "Copy estimate as Markdown") ----

export function rowFor(table: CompareTable, model: string): CompareRow | undefined {
  return table.rows.find((r) => r.id === model);
}

/** `≈ 1,234 tokens · gpt-4o $0.0031 · claude-3-5-sonnet ≈$0.0037` (models in configured order). */
export function codeLensSummary(
  estimate: PromptEstimate,
  primary: string,
): { tokensTitle: string; modelTitles: { model: string; title: string }[] } {
  const primarySummary = estimate.models.find((m) => m.model === primary) ?? estimate.models[0];
  const tokensTitle = primarySummary
    ? `${formatTokens(primarySummary.inputTokens, primarySummary.tokenizer.approximate)} tokens`
    : 'no models configured';
  const modelTitles = estimate.models.map((m) => {
    const row = rowFor(estimate.table, m.model);
    const error = estimate.table.errors.find((e) => e.id === m.model);
    return {
      model: m.model,
      title: row
        ? `${shortModel(m.model)} ${shortUsd(row.totalUsd, row.approximate)}`
        : `${shortModel(m.model)} ${error ? 'no price' : '?'}`,
    };
  });
  return { tokensTitle, modelTitles };
}

/** Context window used by a row, with a warning near or over the limit. */
function contextCell(row: CompareRow, withSize = true): string {
  if (row.contextUsedPct === undefined) return '—';
  const warn = row.exceedsContext ? ' ⚠ exceeds' : row.contextUsedPct >= 80 ? ' ⚠ near limit' : '';
  return `${row.contextUsedPct}%${withSize ? ` of ${GROUPED.format(row.contextWindow ?? 0)}` : ''}${warn}`;
}

/** The notes under the tables: price sources, provider counts, approximations, placeholders, what Flujo records. */
function estimateNotes(estimate: PromptEstimate, compact = false): string[] {
  const sources = [...new Set(estimate.table.rows.map((r) => `${r.priceSource}${r.priceDate ? ` (${r.priceDate})` : ''}`))];
  const notes: string[] = [];
  if (sources.length) notes.push(`Prices: ${escapeMarkdown(sources.join(', '))}.`);
  const approx = estimate.models.filter((m) => m.tokenizer.approximate);
  for (const m of estimate.models)
    if (m.providerCount) notes.push(escapeMarkdown(`${shortModel(m.model)}: exact, ${m.providerCount.source}.`));
  // The hover's table marks them with ≈; how each is approximated is in the comparison panel and "copy as Markdown".
  if (compact && approx.length) notes.push(escapeMarkdown('≈ approximate count.'));
  // one note per method (a calibrated model's method differs from its family's documented one)
  else
    for (const method of new Set(approx.map((m) => m.tokenizer.method)))
      notes.push(
        escapeMarkdown(
          `≈ ${approx
            .filter((m) => m.tokenizer.method === method)
            .map((m) => shortModel(m.model))
            .join(', ')}: ${method}`,
        ),
      );
  if (estimate.unfilled.length)
    notes.push(`Unfilled placeholders (counted as written): ${estimate.unfilled.map(markdownCode).join(', ')}.`);
  // With a flujo.toml: where Flujo's own record differs from the price shown (its default price, $0, an error).
  for (const w of new Set(estimate.table.rows.flatMap((r) => r.warnings.filter((x) => x.startsWith('Flujo itself')))))
    notes.push(`⚠ ${escapeMarkdown(w)}`);
  return notes;
}

/**
 * The hover / "copy as Markdown" tables: per model the request cost (input, expected output, total,
 * monthly), then the variants (all-cached input — input only —, Batch API — the whole request —, per 1,000
 * requests, context window used). `compact` (the hover, which VS Code caps at max(¼ editor height, 250 px)):
 * the learned line and the first model's variants (the status bar's; without per 1,000 requests) in one
 * paragraph and the notes as another, so it needs no scrolling; the comparison panel and "copy as Markdown"
 * have every model's variants.
 */
export function estimateMarkdown(estimate: PromptEstimate, options: { title?: string; requestsPerDay: number; compact?: boolean }): string {
  const lines: string[] = [];
  if (options.title) lines.push(`**${escapeMarkdown(options.title)}**`, '');
  // One output figure for all models goes in the header; learned ones differ per model and go in the cells.
  const perModel = new Set(estimate.table.rows.map((r) => r.outputTokens)).size > 1;
  const outTok = (n: number) => (perModel ? ` (${GROUPED.format(n)} tok)` : '');
  // The hover's labels are shorter, so its table fits the hover's width beside the explorer without wrapping.
  const [tokensLabel, totalLabel] = options.compact ? ['Tokens', 'Per request'] : ['Input tokens', 'Total / request'];
  const outputHead = estimate.embeddingsOnly ? ' (none: embeddings)' : perModel ? '' : ` (${GROUPED.format(estimate.outputTokens)} tok)`;
  lines.push(
    `| Model | ${tokensLabel} | Input | Output${outputHead} | ${totalLabel} | Monthly (${GROUPED.format(options.requestsPerDay)}/day) |`,
    '|---|---:|---:|---:|---:|---:|',
  );
  const variants: string[] = [
    '| Model | All input cached (input only) | Batch API (whole request) | Per 1,000 requests | Context used |',
    '|---|---:|---:|---:|---:|',
  ];
  let firstVariants: string | undefined;
  for (const m of estimate.models) {
    const row = rowFor(estimate.table, m.model);
    const name = escapeMarkdown(shortModel(m.model));
    if (!row) {
      const error = estimate.table.errors.find((e) => e.id === m.model);
      lines.push(
        `| ${name} | ${formatTokens(m.inputTokens, m.tokenizer.approximate)} | ${escapeMarkdown(error?.message ?? 'no price')} | | | |`,
      );
      continue;
    }
    const approx = row.approximate;
    const cached = row.cachedInputUsd ? formatUsd(row.cachedInputUsd, approx) : undefined;
    const batch = row.batchUsd ? formatUsd(row.batchUsd, approx) : undefined;
    lines.push(
      `| ${name} | ${formatTokens(row.inputTokens, row.approximate)} | ${formatUsd(row.inputUsd, approx)} | ${formatUsd(row.outputUsd, approx)}${outTok(row.outputTokens)} | **${formatUsd(row.totalUsd, approx)}** | ${formatUsd(row.monthlyUsd, approx)} |`,
    );
    variants.push(`| ${name} | ${cached ?? '—'} | ${batch ?? '—'} | ${formatUsd(row.per1kRequestsUsd, approx)} | ${contextCell(row)} |`);
    firstVariants ??= [
      `${name}:`,
      cached && `all input cached ${cached} (input only)`,
      batch && `Batch API ${batch} (whole request)`,
      // Per 1,000 requests is the table's total × 1,000: the compact hover leaves it to the panel and the copy,
      // and the context window's size too (each a line of its own beside the explorer).
      row.contextUsedPct === undefined ? undefined : `context ${contextCell(row, false)}`,
    ]
      .filter(Boolean)
      .join(' · ')
      .replace(': · ', ': ');
  }
  const notes = estimateNotes(estimate, options.compact);
  const learned = learnedMarkdown(
    estimate.models.map((m) => ({
      model: m.model,
      output: estimate.outputs.get(m.model),
      cost: estimate.learnedCosts.get(m.model),
      approximate: m.tokenizer.approximate,
    })),
    options.compact,
  );
  if (options.compact) {
    // The learned output (p50 and the p90 budget) right under the costs it explains, and the first model's
    // variants, in one paragraph (a line break, not a paragraph gap: the hover's height is capped).
    const block = [learned, firstVariants].filter(Boolean).join('  \n');
    if (block) lines.push('', block);
    // One paragraph (no spacing between notes); Flujo's warnings each on their own line.
    const plain = notes.filter((n) => !n.startsWith('⚠'));
    const warnings = notes.filter((n) => n.startsWith('⚠'));
    if (notes.length) lines.push('', [plain.join(' '), ...warnings].filter(Boolean).join('  \n'));
    return lines.join('\n');
  }
  // The learned figures right under the request costs they explain, before the variants.
  if (learned) lines.push('', learned);
  if (variants.length > 2) lines.push('', ...variants);
  for (const n of notes) lines.push('', n);
  return lines.join('\n');
}
