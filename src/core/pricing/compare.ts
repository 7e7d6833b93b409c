// The comparison table (panel and `prompt-cost compare`): one prompt, many models, exact money.
import { csvRow, escapeMarkdown } from '../untrustedText';
import { Decimal } from './decimal';
import { PriceCatalog, PriceSource } from './catalog';
import { computeCost, contextUsedPct, monthlyCost } from './cost';
import { parseModelId } from './model-id';

/** Token count of the prompt for one model (the tokenizer's answer). */
export interface ModelTokens {
  tokens: number;
  encoding: string;
  approximate: boolean;
}

export interface CompareInput {
  models: readonly string[];
  /** Token counts per model id, or a function computing them (e.g. `countForModel(text, id)`). */
  tokens: Readonly<Record<string, ModelTokens>> | ((modelId: string) => ModelTokens);
  /** Expected output tokens: one number for every model, or per model (learned from each model's runs). */
  outputTokens: number | ((modelId: string) => number);
  requestsPerDay: number;
  catalog: PriceCatalog;
}

export interface CompareRow {
  provider: string;
  model: string;
  /** The id as requested. */
  id: string;
  encoding: string;
  approximate: boolean;
  inputTokens: number;
  outputTokens: number;
  inputUsd: Decimal;
  outputUsd: Decimal;
  /** The input if it were all read from the prompt cache; undefined when the model has no cache price. */
  cachedInputUsd?: Decimal;
  /** The request through the Batch API; undefined where the provider has none. */
  batchUsd?: Decimal;
  totalUsd: Decimal;
  per1kRequestsUsd: Decimal;
  monthlyUsd: Decimal;
  contextWindow?: number;
  contextUsedPct?: number;
  /** True when input + output tokens exceed the context window. */
  exceedsContext: boolean;
  priceSource: PriceSource;
  priceDate?: string;
  /** Another model's price used for this one (a deployment / host name), saying which. */
  priceStandIn?: string;
  warnings: string[];
}

export interface CompareError {
  id: string;
  message: string;
}

export interface CompareTable {
  rows: CompareRow[];
  /** Models that could not be priced (unknown model, strict mode without a price). */
  errors: CompareError[];
  /** The output tokens of the first model (each row carries its own). */
  outputTokens: number;
  requestsPerDay: number;
}

/** Computes the table, sorted by total cost (ties by id, so the order is stable). */
export function buildComparisonTable(input: CompareInput): CompareTable {
  const rows: CompareRow[] = [];
  const errors: CompareError[] = [];
  const seen = new Set<string>();
  for (const id of input.models) {
    if (seen.has(id)) continue;
    seen.add(id);
    const res = input.catalog.resolve(id);
    if (!res.ok) {
      errors.push({ id, message: res.message });
      continue;
    }
    const p = res.price;
    const t = typeof input.tokens === 'function' ? input.tokens(id) : input.tokens[id];
    if (!t) {
      errors.push({ id, message: `no token count for ${id}` });
      continue;
    }
    const expected = typeof input.outputTokens === 'function' ? input.outputTokens(id) : input.outputTokens;
    const usage = { inputTokens: t.tokens, outputTokens: expected };
    const cost = computeCost(p, usage);
    const cached = p.cacheRead ? computeCost(p, { ...usage, cacheReadTokens: t.tokens }) : undefined;
    const batch = p.batchMultiplier ? computeCost(p, { ...usage, batch: true }) : undefined;
    const outputTokens = p.embedding ? 0 : expected;
    const warnings = [...res.warnings];
    if (cost.missing.length) warnings.push(`no price for: ${cost.missing.join(', ')}`);
    rows.push({
      provider: p.ref.provider ?? p.reference?.provider ?? '',
      model: p.ref.model,
      id,
      encoding: t.encoding,
      approximate: t.approximate,
      inputTokens: t.tokens,
      outputTokens,
      inputUsd: cost.inputUsd,
      outputUsd: cost.outputUsd,
      cachedInputUsd: cached?.cacheReadUsd,
      batchUsd: batch?.totalUsd,
      totalUsd: cost.totalUsd,
      per1kRequestsUsd: cost.totalUsd.times(1000),
      monthlyUsd: monthlyCost(cost.totalUsd, input.requestsPerDay),
      contextWindow: p.contextWindow,
      contextUsedPct: contextUsedPct(t.tokens + outputTokens, p.contextWindow),
      exceedsContext: p.contextWindow !== undefined && t.tokens + outputTokens > p.contextWindow,
      priceSource: p.source,
      priceDate: p.date,
      ...(p.standIn ? { priceStandIn: p.standIn } : {}),
      warnings,
    });
  }
  rows.sort((a, b) => a.totalUsd.compare(b.totalUsd) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const first = input.models[0];
  const outputTokens =
    typeof input.outputTokens === 'function' ? (first === undefined ? 0 : input.outputTokens(first)) : input.outputTokens;
  return { rows, errors, outputTokens, requestsPerDay: input.requestsPerDay };
}

/** A row as plain JSON: money as exact decimal strings (the CLI `--json` shape and the webview message). */
export interface CompareRowJson {
  provider: string;
  model: string;
  encoding: string;
  approximate: boolean;
  inputTokens: number;
  outputTokens: number;
  inputUsd: string;
  outputUsd: string;
  cachedInputUsd: string | null;
  batchUsd: string | null;
  totalUsd: string;
  per1kRequestsUsd: string;
  monthlyUsd: string;
  contextWindow: number | null;
  contextUsedPct: number | null;
  priceSource: PriceSource;
  priceDate: string | null;
}

export function rowToJson(r: CompareRow): CompareRowJson {
  return {
    provider: r.provider,
    model: r.model,
    encoding: r.encoding,
    approximate: r.approximate,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    inputUsd: r.inputUsd.toString(),
    outputUsd: r.outputUsd.toString(),
    cachedInputUsd: r.cachedInputUsd?.toString() ?? null,
    batchUsd: r.batchUsd?.toString() ?? null,
    totalUsd: r.totalUsd.toString(),
    per1kRequestsUsd: r.per1kRequestsUsd.toString(),
    monthlyUsd: r.monthlyUsd.toString(),
    contextWindow: r.contextWindow ?? null,
    contextUsedPct: r.contextUsedPct ?? null,
    priceSource: r.priceSource,
    priceDate: r.priceDate ?? null,
  };
}

export const TABLE_COLUMNS: readonly { key: keyof CompareRowJson; title: string }[] = [
  { key: 'provider', title: 'Provider' },
  { key: 'model', title: 'Model' },
  { key: 'encoding', title: 'Encoding' },
  { key: 'inputTokens', title: 'Input tokens' },
  { key: 'inputUsd', title: 'Input USD' },
  { key: 'outputUsd', title: 'Output USD' },
  { key: 'cachedInputUsd', title: 'Cached input USD' },
  { key: 'batchUsd', title: 'Batch USD' },
  { key: 'totalUsd', title: 'Total USD' },
  { key: 'per1kRequestsUsd', title: 'Per 1K requests USD' },
  { key: 'monthlyUsd', title: 'Monthly USD' },
  { key: 'contextWindow', title: 'Context window' },
  { key: 'contextUsedPct', title: 'Context used %' },
  { key: 'priceSource', title: 'Price source' },
  { key: 'priceDate', title: 'Price date' },
];

function cell(row: CompareRowJson, key: keyof CompareRowJson): string {
  const v = row[key];
  if (key === 'encoding') return row.approximate ? `≈ ${row.encoding}` : row.encoding;
  if (v === null || v === undefined) return '';
  return String(v);
}

/** CSV (RFC 4180, CRLF), exact money strings; cells that a spreadsheet would run as formulas are neutralised. */
export function renderCsv(table: CompareTable): string {
  const lines = [csvRow(TABLE_COLUMNS.map((c) => c.title))];
  for (const r of table.rows) {
    const j = rowToJson(r);
    lines.push(csvRow(TABLE_COLUMNS.map((c) => cell(j, c.key))));
  }
  return lines.join('\r\n') + '\r\n';
}

const NUMERIC = new Set<keyof CompareRowJson>([
  'inputTokens',
  'inputUsd',
  'outputUsd',
  'cachedInputUsd',
  'batchUsd',
  'totalUsd',
  'per1kRequestsUsd',
  'monthlyUsd',
  'contextWindow',
  'contextUsedPct',
]);

/** GitHub-flavoured Markdown table, exact money strings, numbers right-aligned. */
export function renderMarkdown(table: CompareTable): string {
  const head = `| ${TABLE_COLUMNS.map((c) => c.title).join(' | ')} |`;
  const sep = `|${TABLE_COLUMNS.map((c) => (NUMERIC.has(c.key) ? ' ---: ' : ' --- ')).join('|')}|`;
  const body = table.rows.map((r) => {
    const j = rowToJson(r);
    return `| ${TABLE_COLUMNS.map((c) => escapeMarkdown(cell(j, c.key))).join(' | ')} |`;
  });
  return [head, sep, ...body].join('\n') + '\n';
}

/** Convenience for callers that have model ids in `provider:model` form and want the provider/model split. */
export function splitModelId(id: string): { provider: string | undefined; model: string } {
  const r = parseModelId(id);
  return { provider: r.provider, model: r.model };
}

/** Defaults shared by the panel and `prompt-cost compare`, so both show the same numbers (the settings' defaults). */
export { DEFAULT_EXPECTED_OUTPUT_TOKENS as DEFAULT_OUTPUT_TOKENS, DEFAULT_REQUESTS_PER_DAY } from '../estimate/defaults';
export const DEFAULT_COMPARE_MODELS: readonly string[] = [
  'openai:gpt-4o',
  'openai:gpt-4o-mini',
  'openai:gpt-4.1-mini',
  'anthropic:claude-3-5-haiku-latest',
  'anthropic:claude-sonnet-4-5',
  'google:gemini-2.5-flash',
];
