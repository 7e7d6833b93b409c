// The reference catalog: @pydantic/genai-prices data (bundled, or a validated downloaded copy), turned
// into exact Decimal prices. Upstream data is JSON with float prices; every price there is a short decimal
// written by a human (0.15, 3.75, 0.0375), and for any decimal with at most 15 significant digits the
// nearest double prints back as exactly that decimal (ECMAScript Number::toString gives the shortest
// round-trip text), so Decimal.fromNumber recovers the author's decimal text exactly.
import { Decimal } from './decimal';
import { MAX_PATTERN_LENGTH, compileSafePattern, patternProblem } from './safePattern';
import { shownValue } from '../untrustedText';
import { isEmbeddingModel } from '../embeddingModel';

/** A price per unit that may depend on the request's input-token count (long-context tiers). */
export interface Rate {
  /** USD per 1M tokens (or per unit) below every tier. */
  readonly base: Decimal;
  /** The whole request is billed at `price` once its input tokens exceed `start` (genai-prices semantics). */
  readonly tiers: readonly { readonly start: number; readonly price: Decimal }[];
}

export type MatchLogic =
  | { and: MatchLogic[] }
  | { or: MatchLogic[] }
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string };

/** Prices of one reference model, all in USD per 1M tokens. */
export interface ReferencePrices {
  input?: Rate;
  output?: Rate;
  cacheRead?: Rate;
  /** Cache write (Anthropic 5-minute TTL, or the provider's only write price). */
  cacheWrite?: Rate;
  cacheWrite1h?: Rate;
}

export interface ReferenceModel {
  readonly provider: string;
  readonly providerName: string;
  readonly id: string;
  readonly name?: string;
  readonly match: MatchLogic;
  readonly contextWindow?: number;
  readonly deprecated?: boolean;
  readonly prices: ReferencePrices;
  /** True for embedding and rerank models (core/embeddingModel.ts): input tokens only, never output. */
  readonly embedding: boolean;
}

export interface ReferenceCatalog {
  readonly source: string;
  readonly version?: string;
  /** ISO date (YYYY-MM-DD) the data is as of. */
  readonly dataDate: string;
  readonly providers: readonly { id: string; name: string; fallbacks?: readonly string[] }[];
  readonly models: readonly ReferenceModel[];
  /**
   * Finds the model `model` of `provider` by the catalog's match rules (case-insensitive, like
   * genai-prices), then in the provider's `fallback_model_providers` (genai-prices: azure → openai,
   * anthropic, …; google → anthropic). A fallback's model has that provider's id in `provider`.
   */
  find(provider: string, model: string): ReferenceModel | undefined;
  /** All `provider:model` ids, for completion and suggestions. */
  ids(): string[];
  isStale(now: Date): boolean;
}

export const STALE_AFTER_DAYS = 90;

/** Provider ids Flujo / pydantic-ai use that the reference names differently. */
export const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  'google-gla': 'google',
  'google-vertex': 'google',
  gemini: 'google',
  vertexai: 'google',
  bedrock: 'aws',
  xai: 'x-ai',
  grok: 'x-ai',
  mistralai: 'mistral',
  'azure-openai': 'azure',
  azure_openai: 'azure',
  azure_ai: 'azure',
  vertex: 'google',
  vertex_ai: 'google',
  googleai: 'google',
  'google-genai': 'google',
  aws: 'aws',
  'amazon-bedrock': 'aws',
  together_ai: 'together',
  'together-ai': 'together',
  togetherai: 'together',
  fireworks_ai: 'fireworks',
  'fireworks-ai': 'fireworks',
};

export function referenceProviderId(provider: string): string {
  return PROVIDER_ALIASES[provider] ?? provider;
}

// ---------------------------------------------------------------------------------------------------
// Validation of raw data (bundled or downloaded)

export interface CatalogValidation {
  ok: boolean;
  errors: string[];
}

const PRICE_KEYS: Record<string, keyof ReferencePrices> = {
  input_mtok: 'input',
  output_mtok: 'output',
  cache_read_mtok: 'cacheRead',
  cache_write_mtok: 'cacheWrite',
  cache_write_1h_mtok: 'cacheWrite1h',
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * What price data may hold. Far above the real data (43 providers, ~1,700 models, prices from $0.002 to
 * $600 per unit, tiers from 128k to 512k tokens), far below what could hurt: a file that does not fit
 * is rejected as a whole and the prices in use stay.
 */
export const CATALOG_LIMITS = {
  providers: 1_000,
  models: 50_000,
  /** Any price, in USD per unit (1M tokens, 1k requests …). */
  maxPrice: 100_000,
  /** Smallest non-zero price: anything smaller is a unit or exponent mistake. */
  minNonZeroPrice: 1e-9,
  tiers: 100,
  maxTierStart: 1e10,
  maxContextWindow: 1e9,
  priceSets: 100,
  idLength: 200,
  textLength: 2_000,
  matchDepth: 10,
  matchClauses: 500,
  /**
   * `regex` rules in the whole file, and their characters (the real data: 43 rules, 1,161 characters,
   * the longest 34). Each distinct pattern is compiled and may be tried on every lookup: 50,000 pattern
   * models took minutes and 4 GB before these caps.
   */
  regexRules: 1_000,
  regexChars: 32 * 1024,
  fallbacks: 50,
  errors: 20,
} as const;

/** Collects located errors: `providers[3] (openai).models[12] (gpt-4o).prices.input_mtok: …`. */
class Problems {
  readonly errors: string[] = [];
  get full(): boolean {
    return this.errors.length >= CATALOG_LIMITS.errors;
  }
  add(where: string, message: string): void {
    if (this.errors.length < CATALOG_LIMITS.errors) this.errors.push(`${where}: ${message}`);
    else if (this.errors.length === CATALOG_LIMITS.errors) this.errors.push('… more errors not shown');
  }
  string(where: string, v: unknown, max: number, required: boolean): v is string {
    if (v === undefined && !required) return false;
    if (typeof v !== 'string' || (required && v.trim() === ''))
      return (void this.add(where, `expected a text, got ${shownValue(v)}`), false);
    if (v.length > max) return (void this.add(where, `longer than ${max} characters`), false);
    return true;
  }
}

/** Like forEach, but visits every index (a hole is `undefined`, and so an error, not skipped). */
function each(list: unknown[], visit: (item: unknown, index: number) => void): void {
  for (let i = 0; i < list.length; i++) visit(list[i], i);
}

function checkPriceNumber(p: Problems, where: string, v: unknown): void {
  const { maxPrice, minNonZeroPrice } = CATALOG_LIMITS;
  if (typeof v !== 'number' || !Number.isFinite(v)) return p.add(where, `expected a price (a number), got ${shownValue(v)}`);
  if (v < 0) return p.add(where, `a price cannot be negative, got ${shownValue(v)}`);
  if (v > maxPrice || (v > 0 && v < minNonZeroPrice))
    p.add(where, `absurd price ${shownValue(v)} (expected 0 or between ${minNonZeroPrice} and ${maxPrice} USD per unit)`);
}

function checkPrice(p: Problems, where: string, v: unknown): void {
  if (typeof v === 'number' || !isObject(v)) return checkPriceNumber(p, where, v);
  checkPriceNumber(p, `${where}.base`, v.base);
  if (!Array.isArray(v.tiers)) return p.add(`${where}.tiers`, `expected a list of tiers, got ${shownValue(v.tiers)}`);
  if (v.tiers.length > CATALOG_LIMITS.tiers) return p.add(`${where}.tiers`, `more than ${CATALOG_LIMITS.tiers} tiers`);
  each(v.tiers, (t, i) => {
    const at = `${where}.tiers[${i}]`;
    if (!isObject(t)) return p.add(at, `expected {start, price}, got ${shownValue(t)}`);
    if (typeof t.start !== 'number' || !Number.isSafeInteger(t.start) || t.start < 0 || t.start > CATALOG_LIMITS.maxTierStart)
      p.add(`${at}.start`, `expected a token count between 0 and ${CATALOG_LIMITS.maxTierStart}, got ${shownValue(t.start)}`);
    checkPriceNumber(p, `${at}.price`, t.price);
  });
}

/** A match rule: one of the clause kinds genai-prices defines; `regex` only in the safe subset (safePattern.ts). */
/** Regex rules seen so far in the whole file (CATALOG_LIMITS.regexRules / regexChars). */
interface RegexTotals {
  rules: number;
  chars: number;
  over?: boolean;
}

function checkMatch(p: Problems, where: string, m: unknown, depth: number, count: { clauses: number; regex: RegexTotals }): void {
  if (++count.clauses > CATALOG_LIMITS.matchClauses) {
    if (count.clauses === CATALOG_LIMITS.matchClauses + 1) p.add(where, `more than ${CATALOG_LIMITS.matchClauses} match clauses`);
    return;
  }
  if (depth > CATALOG_LIMITS.matchDepth) return p.add(where, `match rules nested deeper than ${CATALOG_LIMITS.matchDepth}`);
  if (!isObject(m) || Object.keys(m).length !== 1)
    return p.add(where, `expected one of {equals|starts_with|ends_with|contains|regex|and|or}, got ${shownValue(m)}`);
  const [k] = Object.keys(m);
  const v = m[k];
  if (k === 'and' || k === 'or') {
    if (!Array.isArray(v) || v.length === 0) return p.add(`${where}.${k}`, `expected a non-empty list of rules, got ${shownValue(v)}`);
    each(v, (x, i) => checkMatch(p, `${where}.${k}[${i}]`, x, depth + 1, count));
    return;
  }
  if (!['equals', 'starts_with', 'ends_with', 'contains', 'regex'].includes(k)) return p.add(where, `unknown match rule '${k}'`);
  if (!p.string(`${where}.${k}`, v, k === 'regex' ? MAX_PATTERN_LENGTH : CATALOG_LIMITS.idLength, true)) return;
  if (k === 'regex') {
    count.regex.rules++;
    count.regex.chars += v.length;
    if (count.regex.rules > CATALOG_LIMITS.regexRules || count.regex.chars > CATALOG_LIMITS.regexChars) {
      if (count.regex.over) return;
      count.regex.over = true;
      return p.add(
        `${where}.regex`,
        `more than ${CATALOG_LIMITS.regexRules} regex rules or ${CATALOG_LIMITS.regexChars} pattern characters in the whole file (so many patterns would make every price lookup slow)`,
      );
    }
    const problem = patternProblem(v);
    if (problem) p.add(`${where}.regex`, `pattern ${shownValue(v)} is not accepted: ${problem}`);
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})/;

function checkConstraint(p: Problems, where: string, c: unknown): void {
  if (c === undefined || c === null) return;
  if (!isObject(c)) return p.add(where, `expected a constraint object, got ${shownValue(c)}`);
  if (
    c.start_date !== undefined &&
    !(typeof c.start_date === 'string' && DATE.test(c.start_date) && !Number.isNaN(Date.parse(c.start_date)))
  )
    p.add(`${where}.start_date`, `expected an ISO date, got ${shownValue(c.start_date)}`);
  for (const k of ['start_time', 'end_time']) if (c[k] !== undefined) p.string(`${where}.${k}`, c[k], 40, true);
  if (c.type !== undefined) p.string(`${where}.type`, c.type, 40, true);
}

function checkModel(p: Problems, where: string, m: unknown, regex: RegexTotals): void {
  if (!isObject(m)) return p.add(where, `expected a model {id, match, prices}, got ${shownValue(m)}`);
  if (!p.string(`${where}.id`, m.id, CATALOG_LIMITS.idLength, true)) return;
  const at = `${where} (${m.id})`;
  p.string(`${at}.name`, m.name, CATALOG_LIMITS.textLength, false);
  if (m.deprecated !== undefined && typeof m.deprecated !== 'boolean')
    p.add(`${at}.deprecated`, `expected true or false, got ${shownValue(m.deprecated)}`);
  if (
    m.context_window !== undefined &&
    !(
      typeof m.context_window === 'number' &&
      Number.isSafeInteger(m.context_window) &&
      m.context_window > 0 &&
      m.context_window <= CATALOG_LIMITS.maxContextWindow
    )
  )
    p.add(
      `${at}.context_window`,
      `expected a token count between 1 and ${CATALOG_LIMITS.maxContextWindow}, got ${shownValue(m.context_window)}`,
    );
  checkMatch(p, `${at}.match`, m.match, 0, { clauses: 0, regex });
  const checkSet = (setAt: string, ps: unknown) => {
    if (!isObject(ps)) return p.add(setAt, `expected prices {input_mtok, output_mtok, …}, got ${shownValue(ps)}`);
    for (const [k, v] of Object.entries(ps)) if (v !== undefined && v !== null) checkPrice(p, `${setAt}.${k}`, v);
  };
  if (Array.isArray(m.prices)) {
    if (m.prices.length === 0 || m.prices.length > CATALOG_LIMITS.priceSets)
      return p.add(`${at}.prices`, `expected 1 to ${CATALOG_LIMITS.priceSets} price sets, got ${m.prices.length}`);
    each(m.prices, (c, i) => {
      if (!isObject(c)) return p.add(`${at}.prices[${i}]`, `expected {constraint, prices}, got ${shownValue(c)}`);
      checkConstraint(p, `${at}.prices[${i}].constraint`, c.constraint);
      checkSet(`${at}.prices[${i}].prices`, c.prices);
    });
  } else checkSet(`${at}.prices`, m.prices);
}

/**
 * Validates reference data before use: either the bundled wrapper `{source, dataDate, providers}` or the
 * upstream `data.json` (a bare Provider[] array) downloaded by "Update prices". The whole shape is
 * checked — types, ranges (CATALOG_LIMITS), match rules (regexes only in the safe subset) — and each
 * error names its path in the data, e.g. `providers[3] (openai).models[12] (gpt-4o).prices.input_mtok:
 * a price cannot be negative, got -1`. Pure; never throws.
 */
export function validateCatalogData(json: unknown): CatalogValidation {
  const p = new Problems();
  const providers = Array.isArray(json) ? json : isObject(json) ? json.providers : undefined;
  if (!Array.isArray(providers)) return { ok: false, errors: [`expected a list of providers, got ${shownValue(json)}`] };
  if (isObject(json)) {
    const d = json.dataDate;
    if (d !== undefined && !(typeof d === 'string' && DATE.test(d) && !Number.isNaN(Date.parse(d.slice(0, 10)))))
      p.add('dataDate', `expected an ISO date, got ${shownValue(d)}`);
    p.string('source', json.source, CATALOG_LIMITS.textLength, false);
    p.string('version', json.version, CATALOG_LIMITS.idLength, false);
  }
  if (providers.length === 0) p.add('providers', 'no providers');
  if (providers.length > CATALOG_LIMITS.providers)
    return { ok: false, errors: [`providers: more than ${CATALOG_LIMITS.providers} providers (${providers.length})`] };
  const total = providers.reduce<number>((n, x) => n + (isObject(x) && Array.isArray(x.models) ? x.models.length : 0), 0);
  if (total > CATALOG_LIMITS.models)
    return { ok: false, errors: [`providers: more than ${CATALOG_LIMITS.models} models in all (${total})`] };
  const regex: RegexTotals = { rules: 0, chars: 0 };
  each(providers, (prov, i) => {
    if (p.full) return;
    const where = `providers[${i}]`;
    if (!isObject(prov)) return p.add(where, `expected a provider {id, models}, got ${shownValue(prov)}`);
    if (!p.string(`${where}.id`, prov.id, CATALOG_LIMITS.idLength, true)) return;
    const at = `${where} (${prov.id})`;
    p.string(`${at}.name`, prov.name, CATALOG_LIMITS.textLength, false);
    const f = prov.fallback_model_providers;
    if (
      f !== undefined &&
      !(
        Array.isArray(f) &&
        f.length <= CATALOG_LIMITS.fallbacks &&
        f.every((x) => typeof x === 'string' && x.length <= CATALOG_LIMITS.idLength)
      )
    )
      p.add(`${at}.fallback_model_providers`, `expected a list of provider ids, got ${shownValue(f)}`);
    if (!Array.isArray(prov.models)) return p.add(`${at}.models`, `expected a list of models, got ${shownValue(prov.models)}`);
    each(prov.models, (m, j) => {
      if (!p.full) checkModel(p, `${at}.models[${j}]`, m, regex);
    });
  });
  if (total === 0) p.add('providers', 'no models');
  return { ok: p.errors.length === 0, errors: p.errors };
}

// ---------------------------------------------------------------------------------------------------
// Loading

function toRate(v: unknown): Rate | undefined {
  if (typeof v === 'number') return { base: Decimal.fromNumber(v), tiers: [] };
  if (isObject(v) && typeof v.base === 'number' && Array.isArray(v.tiers)) {
    return {
      base: Decimal.fromNumber(v.base),
      tiers: (v.tiers as { start: number; price: number }[])
        .map((t) => ({ start: t.start, price: Decimal.fromNumber(t.price) }))
        .sort((a, b) => a.start - b.start),
    };
  }
  return undefined;
}

/** Picks the price set in force at `now` (start-date constraints; time-of-day variants use the base set). */
function pricesAt(prices: unknown, now: Date): Record<string, unknown> {
  if (!Array.isArray(prices)) return isObject(prices) ? prices : {};
  let chosen: Record<string, unknown> | undefined;
  for (const c of prices) {
    if (!isObject(c) || !isObject(c.prices)) continue;
    const k = c.constraint;
    if (k === undefined) {
      chosen ??= c.prices;
    } else if (isObject(k) && typeof k.start_date === 'string' && (k.type === undefined || k.type === 'start_date')) {
      if (now.getTime() >= Date.parse(k.start_date)) chosen = c.prices;
    }
  }
  return chosen ?? (isObject(prices[0]) && isObject(prices[0].prices) ? prices[0].prices : {});
}

export function matches(logic: MatchLogic, text: string): boolean {
  const t = text.toLowerCase();
  if ('or' in logic) return logic.or.some((l) => matches(l, text));
  if ('and' in logic) return logic.and.every((l) => matches(l, text));
  if ('equals' in logic) return t === logic.equals.toLowerCase();
  if ('starts_with' in logic) return t.startsWith(logic.starts_with.toLowerCase());
  if ('ends_with' in logic) return t.endsWith(logic.ends_with.toLowerCase());
  if ('contains' in logic) return t.includes(logic.contains.toLowerCase());
  if ('regex' in logic) {
    // Never a backtracking RegExp from downloaded data (ReDoS): the safe subset, validated on load.
    try {
      return compileSafePattern(logic.regex).test(text);
    } catch {
      return false;
    }
  }
  return false;
}

export interface LoadOptions {
  /** Which dated prices are in force (default: now). */
  now?: Date;
  /** Data date when the data has none (e.g. the upstream data.json: the download date). */
  dataDate?: string;
  source?: string;
}

/** Builds a catalog from validated data. Throws RangeError with the validation errors otherwise. */
export function loadReferenceCatalog(json: unknown, options: LoadOptions = {}): ReferenceCatalog {
  const v = validateCatalogData(json);
  if (!v.ok) throw new RangeError(`invalid price data: ${v.errors.slice(0, 5).join('; ')}`);
  const now = options.now ?? new Date();
  const wrapper = isObject(json) ? json : {};
  const rawProviders = (Array.isArray(json) ? json : wrapper.providers) as Record<string, unknown>[];
  const dataDate = String(wrapper.dataDate ?? options.dataDate ?? now.toISOString()).slice(0, 10);
  const models: ReferenceModel[] = [];
  const byProvider = new Map<string, ReferenceModel[]>();
  const fallbacks = new Map<string, string[]>();
  for (const p of rawProviders) {
    const f = p.fallback_model_providers;
    if (Array.isArray(f))
      fallbacks.set(
        String(p.id),
        f.filter((x): x is string => typeof x === 'string'),
      );
  }
  for (const p of rawProviders) {
    const list: ReferenceModel[] = [];
    for (const m of p.models as Record<string, unknown>[]) {
      const raw = pricesAt(m.prices, now);
      const prices: ReferencePrices = {};
      for (const [k, field] of Object.entries(PRICE_KEYS)) {
        const r = toRate(raw[k]);
        if (r) prices[field] = r;
      }
      const id = String(m.id);
      const name = typeof m.name === 'string' ? m.name : undefined;
      const model: ReferenceModel = {
        provider: String(p.id),
        providerName: String(p.name ?? p.id),
        id,
        name,
        match: m.match as MatchLogic,
        contextWindow: typeof m.context_window === 'number' ? m.context_window : undefined,
        deprecated: m.deprecated === true ? true : undefined,
        prices,
        // one rule (core/embeddingModel.ts): mistral-embed is an embedding model although the data gives it an output price
        embedding: isEmbeddingModel(id, { provider: String(p.id), id, name, match: m.match }),
      };
      list.push(model);
      models.push(model);
    }
    byProvider.set(String(p.id), list);
  }
  const cache = new Map<string, ReferenceModel | null>();
  const staleAt = Date.parse(dataDate) + STALE_AFTER_DAYS * 86_400_000;
  return {
    source: String(wrapper.source ?? options.source ?? '@pydantic/genai-prices'),
    version: typeof wrapper.version === 'string' ? wrapper.version : undefined,
    dataDate,
    providers: rawProviders.map((p) => {
      const f = fallbacks.get(String(p.id));
      return { id: String(p.id), name: String(p.name ?? p.id), ...(f ? { fallbacks: f } : {}) };
    }),
    models,
    find(provider: string, model: string) {
      const key = `${provider}\u0000${model}`;
      const hit = cache.get(key);
      if (hit !== undefined) return hit ?? undefined;
      // An exact id wins over match rules, then the first rule that matches (the upstream order); then the
      // provider's fallback providers, depth first, each visited once (genai-prices find_model_by_id).
      const visited = new Set<string>();
      const search = (pid: string): ReferenceModel | undefined => {
        if (visited.has(pid)) return undefined;
        visited.add(pid);
        const list = byProvider.get(pid) ?? [];
        const own = list.find((m) => m.id === model) ?? list.find((m) => matches(m.match, model));
        if (own) return own;
        for (const f of fallbacks.get(pid) ?? []) {
          const hit = search(f);
          if (hit) return hit;
        }
        return undefined;
      };
      const found = search(referenceProviderId(provider)) ?? null;
      cache.set(key, found);
      return found ?? undefined;
    },
    ids() {
      return models.map((m) => `${m.provider}:${m.id}`);
    },
    isStale(at: Date) {
      return at.getTime() > staleAt;
    },
  };
}

let bundledCatalog: ReferenceCatalog | undefined;

/** The reference catalog bundled with the extension/CLI (works offline). */
export function bundledReferenceCatalog(): ReferenceCatalog {
  bundledCatalog ??= loadReferenceCatalog(bundledData());
  return bundledCatalog;
}

/** The bundled raw data's date, without building the catalog. */
export function bundledDataDate(): string {
  return (bundledData() as { dataDate: string }).dataDate;
}

/**
 * The 340 KB price data, loaded on first use: a `require` (not an import) so the bundler keeps it
 * out of module evaluation and the extension activates without paying for it.
 */
function bundledData(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./reference-data.json');
}
