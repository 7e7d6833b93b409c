// The comparison panel's shared model: messages both ways (discriminated unions on `type`), the state
// the panel persists for the serializer, and the pure table helpers (sorting, cheapest, money display)
// used by the extension and by the webview script. No `vscode` import and no DOM: both sides import it.
//
// The row shape is declared here rather than imported from src/core/pricing/compare, so the browser
// bundle and its type-check (`tsc -p src/webview`, DOM lib, no Node types) never pull in the Node-side
// core; test/unit/compare-table.test.ts asserts at compile time that it is the core's `CompareRowJson`.

import { formatUsd } from '../core/format';

/** Where a price comes from (core `PriceSource`). */
export type PriceSource = 'flujo.toml' | 'settings' | 'reference';

/** One row of the core comparison table as JSON (core `CompareRowJson`): money as exact decimal strings. */
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

export const COMPARE_VIEW_TYPE = 'promptCost.compare';

/** Upper bounds for numbers typed into the panel (anything above is a typo, not a plan). */
export const MAX_OUTPUT_TOKENS = 10_000_000;
export const MAX_REQUESTS_PER_DAY = 1_000_000_000;
/** Longest model id accepted from the webview (reference ids are far shorter). */
export const MAX_MODEL_ID_LENGTH = 200;

/** Columns the table can be sorted by: a subset of the core table's JSON keys. */
export const SORT_KEYS = [
  'provider',
  'model',
  'encoding',
  'inputTokens',
  'inputUsd',
  'outputUsd',
  'cachedInputUsd',
  'batchUsd',
  'totalUsd',
  'per1kRequestsUsd',
  'monthlyUsd',
  'contextUsedPct',
  'priceSource',
] as const satisfies readonly (keyof CompareRowJson)[];
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDirection = 'asc' | 'desc';
export interface SortState {
  key: SortKey;
  direction: SortDirection;
}

/** One row as the webview receives it: the core's `rowToJson` plus what the panel needs around it. */
export interface PanelRow extends CompareRowJson {
  /** The id as requested (`provider:model`), the row's identity. */
  id: string;
  /** `configured`: from settings / flujo.toml / the prompt's own model; `added`: picked in the panel. */
  origin: 'configured' | 'added';
  exceedsContext: boolean;
  warnings: string[];
  /** Where this row's output tokens come from when learned from runs (`p50, 6 runs`, `p50 of gpt-4o-mini, 6 runs`) or a reasoning model's reach (`up to 100,000`). */
  outputNote?: string;
}

export interface PanelError {
  id: string;
  message: string;
  origin: 'configured' | 'added';
}

/** Where the output-token and requests/day figures come from (shown next to the inputs). */
export type OutputTokensSource = 'panel' | 'history' | 'document' | 'settings';
export type RequestsPerDaySource = 'panel' | 'settings';

/** Everything the webview renders. */
export interface PanelView {
  /** The compared document, or undefined before any prompt was opened. */
  document?: { uri: string; name: string };
  pinned: boolean;
  /** Why there are no rows (no prompt open, file too large, …). */
  message?: string;
  /** 0 when `embeddingsOnly`. */
  outputTokens: number;
  outputTokensSource: OutputTokensSource;
  /**
   * Every compared model is an embedding or rerank model (core/embeddingModel.ts): none returns output tokens, so
   * the output-token field is disabled and says why, and every row's output is 0 whatever the field held.
   */
  embeddingsOnly: boolean;
  requestsPerDay: number;
  requestsPerDaySource: RequestsPerDaySource;
  /** Configured models first (in configured order), then added ones in the order added. */
  rows: PanelRow[];
  errors: PanelError[];
  sort: SortState | null;
  /** Notes under the table (approximate tokenizers, unfilled placeholders). */
  notes: string[];
}

/** What the serializer restores after a reload; also kept by the webview with `setState`. */
export interface PersistedState {
  version: 1;
  uri?: string;
  pinned: boolean;
  extraModels: string[];
  /** Panel overrides; null follows the prompt (`max_tokens`) and the settings. */
  outputTokens: number | null;
  requestsPerDay: number | null;
  sort: SortState | null;
}

/** What the panel says instead of an output-token count when every compared model is an embedding model. */
export const NO_OUTPUT_REASON = 'none: embedding models return no output tokens';

export const INITIAL_STATE: PersistedState = {
  version: 1,
  pinned: false,
  extraModels: [],
  outputTokens: null,
  requestsPerDay: null,
  sort: null,
};

// ---- extension → webview ----

export type ToWebviewMessage =
  | { type: 'update'; view: PanelView; state: PersistedState }
  /** Scroll to and select a model's row (the CodeLens passes the model it was clicked on). */
  | { type: 'focusModel'; id: string }
  /** A short confirmation shown in the panel's status line (and read by screen readers). */
  | { type: 'notice'; text: string };

// ---- webview → extension ----

export type ExportFormat = 'csv' | 'markdown';
export type ExportAction = 'copy' | 'save';

export type FromWebviewMessage =
  | { type: 'ready' }
  /** null: back to the prompt's `max_tokens` / the setting. */
  | { type: 'setOutputTokens'; value: number | null }
  | { type: 'setRequestsPerDay'; value: number | null }
  /** Without `id` the extension shows the model picker. */
  | { type: 'addModel'; id?: string }
  | { type: 'removeModel'; id: string }
  | { type: 'setPinned'; pinned: boolean }
  | { type: 'setSort'; sort: SortState | null }
  | { type: 'export'; format: ExportFormat; action: ExportAction }
  | { type: 'revealDocument' };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBoundedInt(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

/** A model id the panel accepts: 1–200 printable characters, no whitespace. */
export function isModelId(v: unknown): v is string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_MODEL_ID_LENGTH || /\s/.test(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

export function isSortKey(v: unknown): v is SortKey {
  return typeof v === 'string' && (SORT_KEYS as readonly string[]).includes(v);
}

function parseSort(v: unknown): ParseResult<SortState | null> {
  if (v === null) return { ok: true, value: null };
  if (!isRecord(v)) return { ok: false, error: 'sort must be an object or null' };
  if (!isSortKey(v.key)) return { ok: false, error: `unknown sort column ${JSON.stringify(v.key)}` };
  if (v.direction !== 'asc' && v.direction !== 'desc') return { ok: false, error: 'sort direction must be "asc" or "desc"' };
  return { ok: true, value: { key: v.key, direction: v.direction } };
}

function onlyKeys(msg: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(msg).filter((k) => k !== 'type' && !allowed.includes(k));
  return extra.length ? `unexpected field(s) ${extra.join(', ')} in ${String(msg.type)}` : undefined;
}

/** Validates a message from the webview before the extension acts on it. Unknown or malformed: an error. */
export function parseWebviewMessage(raw: unknown): ParseResult<FromWebviewMessage> {
  if (!isRecord(raw)) return { ok: false, error: 'message is not an object' };
  const fail = (error: string): ParseResult<FromWebviewMessage> => ({ ok: false, error });
  const ok = (value: FromWebviewMessage): ParseResult<FromWebviewMessage> => ({ ok: true, value });
  const check = (allowed: readonly string[]) => onlyKeys(raw, allowed);
  let extra: string | undefined;
  switch (raw.type) {
    case 'ready':
    case 'revealDocument':
      if ((extra = check([]))) return fail(extra);
      return ok({ type: raw.type });
    case 'setOutputTokens':
      if ((extra = check(['value']))) return fail(extra);
      if (raw.value !== null && !isBoundedInt(raw.value, MAX_OUTPUT_TOKENS))
        return fail(`output tokens must be an integer from 0 to ${MAX_OUTPUT_TOKENS}, or null`);
      return ok({ type: 'setOutputTokens', value: raw.value as number | null });
    case 'setRequestsPerDay':
      if ((extra = check(['value']))) return fail(extra);
      if (raw.value !== null && !isBoundedInt(raw.value, MAX_REQUESTS_PER_DAY))
        return fail(`requests per day must be an integer from 0 to ${MAX_REQUESTS_PER_DAY}, or null`);
      return ok({ type: 'setRequestsPerDay', value: raw.value as number | null });
    case 'addModel':
      if ((extra = check(['id']))) return fail(extra);
      if (raw.id === undefined) return ok({ type: 'addModel' });
      if (!isModelId(raw.id)) return fail('model id must be a non-empty string without spaces (at most 200 characters)');
      return ok({ type: 'addModel', id: raw.id });
    case 'removeModel':
      if ((extra = check(['id']))) return fail(extra);
      if (!isModelId(raw.id)) return fail('model id must be a non-empty string without spaces (at most 200 characters)');
      return ok({ type: 'removeModel', id: raw.id });
    case 'setPinned':
      if ((extra = check(['pinned']))) return fail(extra);
      if (typeof raw.pinned !== 'boolean') return fail('pinned must be a boolean');
      return ok({ type: 'setPinned', pinned: raw.pinned });
    case 'setSort': {
      if ((extra = check(['sort']))) return fail(extra);
      const sort = parseSort(raw.sort);
      return sort.ok ? ok({ type: 'setSort', sort: sort.value }) : fail(sort.error);
    }
    case 'export':
      if ((extra = check(['format', 'action']))) return fail(extra);
      if (raw.format !== 'csv' && raw.format !== 'markdown') return fail('export format must be "csv" or "markdown"');
      if (raw.action !== 'copy' && raw.action !== 'save') return fail('export action must be "copy" or "save"');
      return ok({ type: 'export', format: raw.format, action: raw.action });
    default:
      return fail(`unknown message type ${JSON.stringify(raw.type)}`);
  }
}

/**
 * The serializer's state after a reload: whatever the webview stored, checked field by field.
 * Bad fields fall back to their defaults rather than losing the whole state.
 */
export function parsePersistedState(raw: unknown): PersistedState {
  if (!isRecord(raw) || raw.version !== 1) return { ...INITIAL_STATE, extraModels: [] };
  const sort = parseSort(raw.sort ?? null);
  const state: PersistedState = {
    version: 1,
    pinned: raw.pinned === true,
    extraModels: Array.isArray(raw.extraModels) ? [...new Set(raw.extraModels.filter(isModelId))].slice(0, 100) : [],
    outputTokens: isBoundedInt(raw.outputTokens, MAX_OUTPUT_TOKENS) ? raw.outputTokens : null,
    requestsPerDay: isBoundedInt(raw.requestsPerDay, MAX_REQUESTS_PER_DAY) ? raw.requestsPerDay : null,
    sort: sort.ok ? sort.value : null,
  };
  if (typeof raw.uri === 'string' && raw.uri.length > 0 && raw.uri.length <= 4096) state.uri = raw.uri;
  return state;
}

// ---- pure table helpers (both sides) ----

/** Compares two plain decimal strings (`"-0.0015"`, `"12"`, `"3.50"`) exactly, without floats. */
export function compareDecimalStrings(a: string, b: string): number {
  const neg = (s: string) => s.startsWith('-');
  const an = neg(a);
  const bn = neg(b);
  const [ai, af = ''] = (an ? a.slice(1) : a).split('.');
  const [bi, bf = ''] = (bn ? b.slice(1) : b).split('.');
  const intA = ai.replace(/^0+(?=\d)/, '');
  const intB = bi.replace(/^0+(?=\d)/, '');
  const fracLen = Math.max(af.length, bf.length);
  const fa = af.padEnd(fracLen, '0');
  const fb = bf.padEnd(fracLen, '0');
  const zero = (i: string, f: string) => /^0*$/.test(i) && /^0*$/.test(f);
  const sa = zero(intA, fa) ? 0 : an ? -1 : 1;
  const sb = zero(intB, fb) ? 0 : bn ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  let mag = intA.length !== intB.length ? intA.length - intB.length : intA < intB ? -1 : intA > intB ? 1 : fa < fb ? -1 : fa > fb ? 1 : 0;
  mag = Math.sign(mag);
  return sa < 0 ? -mag : mag;
}

const MONEY_KEYS = new Set<SortKey>(['inputUsd', 'outputUsd', 'cachedInputUsd', 'batchUsd', 'totalUsd', 'per1kRequestsUsd', 'monthlyUsd']);

export function isMoneyKey(key: SortKey): boolean {
  return MONEY_KEYS.has(key);
}

function compareValues(key: SortKey, a: CompareRowJson, b: CompareRowJson): number {
  const va = a[key];
  const vb = b[key];
  if (typeof va === 'string' && typeof vb === 'string')
    return MONEY_KEYS.has(key) ? compareDecimalStrings(va, vb) : va.localeCompare(vb, 'en', { sensitivity: 'base', numeric: true });
  if (typeof va === 'number' && typeof vb === 'number') return va - vb;
  return 0;
}

/**
 * The rows in display order: `sort` null keeps the given order (configured models first). Missing values
 * (no cache price, no batch API, unknown context window) go last in both directions; ties keep the given order.
 */
export function sortRows<T extends CompareRowJson>(rows: readonly T[], sort: SortState | null): T[] {
  const indexed = rows.map((row, i) => ({ row, i }));
  if (!sort) return indexed.map((x) => x.row);
  const dir = sort.direction === 'asc' ? 1 : -1;
  indexed.sort((x, y) => {
    const ax = x.row[sort.key] === null || x.row[sort.key] === undefined;
    const ay = y.row[sort.key] === null || y.row[sort.key] === undefined;
    if (ax !== ay) return ax ? 1 : -1;
    return (ax ? 0 : dir * compareValues(sort.key, x.row, y.row)) || x.i - y.i;
  });
  return indexed.map((x) => x.row);
}

/** Ids of the cheapest rows by total cost (several when tied); empty without rows. */
export function cheapestIds(rows: readonly (CompareRowJson & { id: string })[]): string[] {
  if (rows.length === 0) return [];
  let min = rows[0].totalUsd;
  for (const r of rows) if (compareDecimalStrings(r.totalUsd, min) < 0) min = r.totalUsd;
  return rows.filter((r) => compareDecimalStrings(r.totalUsd, min) === 0).map((r) => r.id);
}

/** Next sort when a column header is activated: a new column starts ascending, the same one flips. */
export function nextSort(current: SortState | null, key: SortKey): SortState {
  if (current && current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: 'asc' };
}

/** Money in the panel, rounded like every other surface (src/core/format.ts); the cell's tooltip keeps the exact value. */
export function displayUsd(value: string, approximate = false): string {
  return formatUsd(value, approximate);
}

/** `1,234` (integers grouped, en-US). */
export function displayInt(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
