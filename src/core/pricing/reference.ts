// The reference catalog: @pydantic/genai-prices data (bundled, or a validated downloaded copy), turned
// into exact Decimal prices. Upstream data is JSON with float prices; every price there is a short decimal
// written by a human (0.15, 3.75, 0.0375), and for any decimal with at most 15 significant digits the
// nearest double prints back as exactly that decimal (ECMAScript Number::toString gives the shortest
// round-trip text), so Decimal.fromNumber recovers the author's decimal text exactly.
import { Decimal } from './decimal';

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
  /** True for embedding models: input price only. */
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

function validPrice(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0;
  if (!isObject(v)) return false;
  if (typeof v.base !== 'number' || !Number.isFinite(v.base) || v.base < 0 || !Array.isArray(v.tiers)) return false;
  return v.tiers.every(
    (t) =>
      isObject(t) && typeof t.start === 'number' && t.start >= 0 && typeof t.price === 'number' && Number.isFinite(t.price) && t.price >= 0,
  );
}

function validMatch(m: unknown, depth = 0): boolean {
  if (!isObject(m) || depth > 20) return false;
  const keys = Object.keys(m);
  if (keys.length !== 1) return false;
  const k = keys[0];
  if (k === 'and' || k === 'or') return Array.isArray(m[k]) && (m[k] as unknown[]).every((x) => validMatch(x, depth + 1));
  if (k === 'regex') {
    if (typeof m.regex !== 'string') return false;
    try {
      new RegExp(m.regex);
      return true;
    } catch {
      return false;
    }
  }
  return ['equals', 'starts_with', 'ends_with', 'contains'].includes(k) && typeof m[k] === 'string';
}

/**
 * Validates reference data before use: either the bundled wrapper `{source, dataDate, providers}` or the
 * upstream `data.json` (a bare Provider[] array) downloaded by "Update prices". Pure; never throws.
 */
export function validateCatalogData(json: unknown): CatalogValidation {
  const errors: string[] = [];
  const providers = Array.isArray(json) ? json : isObject(json) ? json.providers : undefined;
  if (!Array.isArray(providers)) return { ok: false, errors: ['expected a list of providers'] };
  if (isObject(json) && json.dataDate !== undefined && !(typeof json.dataDate === 'string' && /^\d{4}-\d{2}-\d{2}/.test(json.dataDate))) {
    errors.push('dataDate must be an ISO date');
  }
  if (providers.length === 0) errors.push('no providers');
  let models = 0;
  providers.forEach((p, i) => {
    if (errors.length > 20) return;
    if (!isObject(p) || typeof p.id !== 'string' || !Array.isArray(p.models)) {
      errors.push(`providers[${i}]: expected {id, models}`);
      return;
    }
    p.models.forEach((m, j) => {
      const where = `${p.id}.models[${j}]`;
      if (!isObject(m) || typeof m.id !== 'string') return void errors.push(`${where}: expected {id, match, prices}`);
      models++;
      if (!validMatch(m.match)) errors.push(`${where} (${m.id}): invalid match rule`);
      if (m.context_window !== undefined && !(typeof m.context_window === 'number' && m.context_window > 0))
        errors.push(`${where} (${m.id}): invalid context_window`);
      const priceSets = Array.isArray(m.prices) ? m.prices.map((c) => (isObject(c) ? c.prices : undefined)) : [m.prices];
      for (const ps of priceSets) {
        if (!isObject(ps)) {
          errors.push(`${where} (${m.id}): invalid prices`);
          continue;
        }
        for (const [k, v] of Object.entries(ps)) {
          if (v !== undefined && !validPrice(v)) errors.push(`${where} (${m.id}): invalid price ${k}`);
        }
      }
    });
  });
  if (models === 0) errors.push('no models');
  return { ok: errors.length === 0, errors };
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
    try {
      return new RegExp(logic.regex).test(text);
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
      const model: ReferenceModel = {
        provider: String(p.id),
        providerName: String(p.name ?? p.id),
        id,
        name: typeof m.name === 'string' ? m.name : undefined,
        match: m.match as MatchLogic,
        contextWindow: typeof m.context_window === 'number' ? m.context_window : undefined,
        deprecated: m.deprecated === true ? true : undefined,
        prices,
        embedding: /embed/i.test(id) && !prices.output,
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
