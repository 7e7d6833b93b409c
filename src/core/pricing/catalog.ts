// The price catalog: flujo.toml > promptCost.pricingOverrides setting > bundled reference.
// Every resolved price says where it came from and how old it is.
import { AbsurdNumberError, Decimal, MONEY_LIMITS } from './decimal';
import { ModelRef, parseModelId } from './model-id';
import { FLUJO_BUILTIN_DEFAULTS, FlujoRecording, describeFlujoRecording, flujoRecording } from './flujo';
import { Rate, ReferenceCatalog, ReferenceModel, bundledReferenceCatalog, referenceProviderId } from './reference';
import { findStandIn } from './standIn';
import { didYouMean } from '../flujo/analysis/words';
import { isEmbeddingModel } from '../embeddingModel';

export type PriceSource = 'flujo.toml' | 'settings' | 'reference';

/** One `[cost.providers.<p>.<m>]` table of flujo.toml, prices exactly as written (USD per 1K tokens / per image). */
export interface FlujoModelPrice {
  promptPer1k?: Decimal;
  completionPer1k?: Decimal;
  /** `price_per_image_<quality>_<size>` keyed `<quality>_<size>`, USD per image. */
  images?: Readonly<Record<string, Decimal>>;
  /** Token prices Flujo reads as a non-finite float (`1e999999999` → inf, `nan`): no Decimal holds them. */
  nonFinite?: { promptPer1k?: 'inf' | '-inf' | 'nan'; completionPer1k?: 'inf' | '-inf' | 'nan' };
}

/** The pricing part of a flujo.toml (produced by `flujoPricing()` in src/core/flujo). */
export interface FlujoPricing {
  strict: boolean;
  /** provider → model → price; keys exactly as written (Flujo matches exactly, case-sensitive). */
  providers: ReadonlyMap<string, ReadonlyMap<string, FlujoModelPrice>>;
  /** Path of the flujo.toml, for messages. */
  path?: string;
  /** ISO date of the file's last modification, if known. */
  date?: string;
  /**
   * Why Flujo's CostConfig rejects the [cost] section (flujo/infra/config.py get_cost_config): Flujo
   * then prices nothing from it, ignores strict mode and records $0 for every model.
   */
  costInvalid?: string;
  /** Why ConfigManager.load_config raises ConfigurationError: nothing in the file applies, every cost is $0. */
  loadError?: string;
}

/** One entry of `promptCost.pricingOverrides` (FastroAI shape, USD per 1M tokens). */
export interface SettingsOverride {
  inputPerMtok?: Decimal;
  outputPerMtok?: Decimal;
  cachedInputPerMtok?: Decimal;
}

export interface ResolvedPrice {
  /** The model as requested (provider inferred for bare names). */
  readonly ref: ModelRef;
  readonly source: PriceSource;
  /** ISO date of the price: the reference data date, the flujo.toml modification date, or undefined for settings. */
  readonly date?: string;
  /** USD per 1M tokens. */
  readonly input?: Rate;
  readonly output?: Rate;
  readonly cacheRead?: Rate;
  /** Anthropic 5-minute cache write (or the provider's only cache-write price). */
  readonly cacheWrite5m?: Rate;
  readonly cacheWrite1h?: Rate;
  /** USD per image keyed `<quality>_<size>` (Flujo image models). */
  readonly images?: Readonly<Record<string, Decimal>>;
  /** Multiplier for the Batch API (0.5) where the provider offers one. */
  readonly batchMultiplier?: Decimal;
  readonly embedding: boolean;
  readonly contextWindow?: number;
  /** The matching reference model, if any (context window, cache prices, suggestions). */
  readonly reference?: ReferenceModel;
  /** How components not given by the source were filled in, for hover/tooltips. */
  readonly notes: readonly string[];
  /** Set when another model's reference price stands in (a deployment or host name), saying which. */
  readonly standIn?: string;
}

export type PriceResolution =
  | { ok: true; price: ResolvedPrice; warnings: string[]; flujo?: FlujoRecording }
  | { ok: false; code: 'strict-unpriced' | 'no-price'; message: string; ref: ModelRef; flujo?: FlujoRecording };

/** Providers with a Batch API at 50 % of the standard price. */
export const BATCH_PROVIDERS: ReadonlySet<string> = new Set(['openai', 'anthropic', 'google', 'mistral']);
const HALF = Decimal.parse('0.5');

/** Anthropic prompt caching multipliers of the input price (DESIGN.md). */
const ANTHROPIC_CACHE = { read: Decimal.parse('0.1'), write5m: Decimal.parse('1.25'), write1h: Decimal.parse('2') };

export function flatRate(perMtok: Decimal): Rate {
  return { base: perMtok, tiers: [] };
}

export function scaleRate(rate: Rate, by: Decimal): Rate {
  return { base: rate.base.times(by), tiers: rate.tiers.map((t) => ({ start: t.start, price: t.price.times(by) })) };
}

/** The per-1M rate that applies to a request with `inputTokens` input tokens. */
export function rateAt(rate: Rate, inputTokens: number): Decimal {
  let p = rate.base;
  for (const t of rate.tiers) if (inputTokens > t.start) p = t.price;
  return p;
}

/** Per-1K (Flujo) → per-1M, exact. */
export function per1kToPerMtok(per1k: Decimal): Decimal {
  return per1k.times(1000);
}

/** Per-1M → per-1K (Flujo), exact. */
export function perMtokToPer1k(perMtok: Decimal): Decimal {
  return perMtok.shiftLeft(3);
}

/** A price from settings: a finite JSON number or decimal text within MONEY_LIMITS; else the reason. */
function toDecimal(v: unknown): Decimal | string {
  if (typeof v === 'number') return Number.isFinite(v) ? Decimal.fromNumber(v) : "an absurd value (beyond a float's range)";
  if (typeof v === 'string') {
    try {
      return Decimal.parse(v, MONEY_LIMITS);
    } catch (err) {
      return err instanceof AbsurdNumberError ? err.message : 'not a number';
    }
  }
  return 'not a number';
}

/**
 * Parses the `promptCost.pricingOverrides` setting: `{"gpt-4o": {"input_per_mtok": 2.0, "output_per_mtok": 8.0}}`,
 * keys bare or `provider:model`. Numbers come from JSON, so their shortest round-trip text is what the user typed.
 */
export function parseSettingsOverrides(value: unknown): { overrides: Map<string, SettingsOverride>; errors: string[] } {
  const overrides = new Map<string, SettingsOverride>();
  const errors: string[] = [];
  if (value === undefined || value === null) return { overrides, errors };
  if (typeof value !== 'object' || Array.isArray(value))
    return { overrides, errors: ['pricingOverrides must be an object keyed by model id'] };
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push(`${key}: expected {"input_per_mtok": number, "output_per_mtok": number}`);
      continue;
    }
    const e = entry as Record<string, unknown>;
    const o: SettingsOverride = {};
    const fields: [keyof SettingsOverride, string][] = [
      ['inputPerMtok', 'input_per_mtok'],
      ['outputPerMtok', 'output_per_mtok'],
      ['cachedInputPerMtok', 'cached_input_per_mtok'],
    ];
    let bad = false;
    for (const [field, name] of fields) {
      if (e[name] === undefined) continue;
      const d = toDecimal(e[name]);
      if (typeof d === 'string' || d.isNegative()) {
        errors.push(`${key}.${name}: expected a number >= 0${typeof d === 'string' && d.startsWith('absurd') ? `, got ${d}` : ''}`);
        bad = true;
      } else o[field] = d;
    }
    for (const k of Object.keys(e)) if (!fields.some(([, n]) => n === k)) errors.push(`${key}: unknown key ${k}`);
    if (!bad && (o.inputPerMtok || o.outputPerMtok)) overrides.set(key, o);
    else if (!bad) errors.push(`${key}: needs input_per_mtok or output_per_mtok`);
  }
  return { overrides, errors };
}

export interface CatalogOptions {
  flujo?: FlujoPricing;
  settings?: ReadonlyMap<string, SettingsOverride>;
  reference?: ReferenceCatalog;
  /**
   * Deployment names the user mapped to a model (`azure:my-deployment` → `openai:gpt-4o`), used when
   * nothing else prices the name.
   */
  deployments?: ReadonlyMap<string, string>;
}

/**
 * Whether a price bills input only (an embedding or rerank model): the one rule (core/embeddingModel.ts) on the id as
 * written, or on the reference row it resolved to (its provider, name and match ids). The same for every price source.
 */
function embeddingPrice(ref: ModelRef, reference: ReferenceModel | undefined): boolean {
  return reference?.embedding === true || isEmbeddingModel(ref.id);
}

export class PriceCatalog {
  readonly reference: ReferenceCatalog;
  readonly flujo?: FlujoPricing;
  readonly settings: ReadonlyMap<string, SettingsOverride>;
  readonly deployments: ReadonlyMap<string, string>;

  constructor(options: CatalogOptions = {}) {
    this.reference = options.reference ?? bundledReferenceCatalog();
    this.flujo = options.flujo;
    this.settings = options.settings ?? new Map();
    this.deployments = options.deployments ?? new Map();
  }

  /** The reference model for a `provider:model` or bare id (provider inferred), if the catalog has it (or a stand-in). */
  findReference(ref: ModelRef): ReferenceModel | undefined {
    return this.lookupReference(ref).model;
  }

  /** The reference model and, when it is another model's price, the note saying so. */
  lookupReference(ref: ModelRef): { model?: ReferenceModel; standIn?: string } {
    const direct = this.findDirect(ref);
    const standIn = findStandIn(this.reference, ref.provider, ref.model, direct);
    return standIn ? { model: standIn.model, standIn: standIn.note } : { model: direct };
  }

  /**
   * Priced ids close to `modelId` (a typo: `gpt-4o-minii` → `openai:gpt-4o-mini`), best first: the
   * models of flujo.toml and the settings, then the reference models of the same provider (of every
   * provider for a bare name no provider is inferred for). Empty when nothing is close, and for a model
   * the catalog knows (it is no typo: strict mode, say, just lacks its flujo.toml price).
   */
  suggestModelIds(modelId: string, limit = 3): string[] {
    const ref = parseModelId(modelId);
    const known =
      this.findDirect(ref) ||
      this.settings.has(ref.id) ||
      this.settings.has(ref.model) ||
      (ref.provider !== undefined && this.flujo?.providers.get(ref.provider)?.has(ref.model));
    if (known) return [];
    const byModel = new Map<string, string>(); // model part → the id to suggest
    const add = (provider: string | undefined, model: string) => {
      if (ref.provider && provider && provider !== ref.provider) return;
      if (!byModel.has(model)) byModel.set(model, provider ? `${provider}:${model}` : model);
    };
    for (const [provider, models] of this.flujo?.providers ?? []) for (const model of models.keys()) add(provider, model);
    for (const key of this.settings.keys()) {
      const r = parseModelId(key);
      add(r.provider, r.model);
    }
    const refProvider = ref.provider ? referenceProviderId(ref.provider) : undefined;
    for (const m of this.reference.models) if (!refProvider || m.provider === refProvider) add(ref.provider ?? m.provider, m.id);
    return didYouMean(ref.model, byModel.keys(), limit).map((model) => byModel.get(model)!);
  }

  private findDirect(ref: ModelRef): ReferenceModel | undefined {
    if (ref.provider) return this.reference.find(ref.provider, ref.model);
    for (const p of this.reference.providers) {
      const m = this.reference.find(p.id, ref.model);
      if (m && m.id === ref.model) return m;
    }
    return undefined;
  }

  /**
   * Resolves the price of `modelId`: flujo.toml where Flujo itself would use it (flujo/cost.py), else the
   * settings or reference price with a warning saying what Flujo itself records for the call.
   */
  resolve(modelId: string | ModelRef): PriceResolution {
    const ref = typeof modelId === 'string' ? parseModelId(modelId) : modelId;
    const { model: reference, standIn } = this.lookupReference(ref);
    const warnings: string[] = [];
    const flujo = this.flujo ? flujoRecording(this.flujo, typeof modelId === 'string' ? modelId : ref.id) : undefined;
    if (flujo?.kind === 'configured') {
      return { ok: true, price: this.fromFlujo(ref, flujo.price, reference), warnings, flujo };
    }
    if (flujo?.kind === 'raises' && this.flujo?.strict) {
      return { ok: false, code: 'strict-unpriced', message: flujo.message, ref, flujo };
    }
    const settings = this.settings.get(ref.id) ?? this.settings.get(ref.model);
    let price: ResolvedPrice | undefined;
    if (settings) price = this.fromSettings(ref, settings, reference);
    else if (reference) {
      price = { ...this.fromReference(ref, reference), ...(standIn ? { standIn } : {}) };
      if (standIn) warnings.push(standIn);
    }
    const mapped = !price ? this.deployments.get(ref.id) : undefined;
    if (mapped && mapped !== ref.id && !this.deployments.has(mapped)) {
      const target = this.resolve(mapped);
      if (target.ok) {
        const note = `${parseModelId(mapped).id}'s price stands in for ${ref.id} (the model chosen for this deployment).`;
        return { ok: true, price: { ...target.price, ref, standIn: note }, warnings: [...target.warnings, note] };
      }
    }
    if (!price) {
      return {
        ok: false,
        code: 'no-price',
        message: `No price for ${ref.id}: not in ${this.flujo ? 'flujo.toml, ' : ''}the pricing overrides or the reference catalog.${flujo ? ` ${describeFlujoRecording(flujo)}` : ''}`,
        ref,
        flujo,
      };
    }
    if (flujo) warnings.push(`${describeFlujoRecording(flujo)} Showing the ${price.source} price instead.`);
    return { ok: true, price, warnings, flujo };
  }

  private extras(ref: ModelRef, reference: ReferenceModel | undefined, input: Rate | undefined, notes: string[]) {
    const provider = ref.provider ? referenceProviderId(ref.provider) : reference?.provider;
    let cacheRead = reference?.prices.cacheRead;
    let cacheWrite5m = reference?.prices.cacheWrite;
    let cacheWrite1h = reference?.prices.cacheWrite1h;
    if (provider === 'anthropic' && input) {
      // Anthropic's cache prices are fixed multiples of the input price: keep them consistent with the source's input.
      cacheRead = scaleRate(input, ANTHROPIC_CACHE.read);
      cacheWrite5m = scaleRate(input, ANTHROPIC_CACHE.write5m);
      cacheWrite1h = scaleRate(input, ANTHROPIC_CACHE.write1h);
      notes.push('cache read 0.1×, cache write 1.25× (5 min) / 2× (1 h) of input (Anthropic)');
    } else if (cacheRead) {
      notes.push('cached-input price from the reference catalog');
    }
    return {
      cacheRead,
      cacheWrite5m,
      cacheWrite1h,
      batchMultiplier: provider && BATCH_PROVIDERS.has(provider) ? HALF : undefined,
      contextWindow: reference?.contextWindow,
    };
  }

  private fromFlujo(ref: ModelRef, p: FlujoModelPrice, reference: ReferenceModel | undefined): ResolvedPrice {
    const notes: string[] = [];
    const input = p.promptPer1k ? flatRate(per1kToPerMtok(p.promptPer1k)) : undefined;
    const output = p.completionPer1k ? flatRate(per1kToPerMtok(p.completionPer1k)) : undefined;
    return {
      ref,
      source: 'flujo.toml',
      date: this.flujo?.date,
      input,
      output,
      images: p.images,
      embedding: embeddingPrice(ref, reference),
      reference,
      ...this.extras(ref, reference, input, notes),
      notes,
    };
  }

  private fromSettings(ref: ModelRef, s: SettingsOverride, reference: ReferenceModel | undefined): ResolvedPrice {
    const notes: string[] = [];
    const input = s.inputPerMtok ? flatRate(s.inputPerMtok) : reference?.prices.input;
    const output = s.outputPerMtok ? flatRate(s.outputPerMtok) : reference?.prices.output;
    const extras = this.extras(ref, reference, input, notes);
    if (s.cachedInputPerMtok) extras.cacheRead = flatRate(s.cachedInputPerMtok);
    return { ref, source: 'settings', input, output, embedding: embeddingPrice(ref, reference), reference, ...extras, notes };
  }

  private fromReference(ref: ModelRef, m: ReferenceModel): ResolvedPrice {
    const notes: string[] = [];
    const input = m.prices.input;
    const extras = this.extras(ref, m, input, notes);
    // The reference has real per-model cache prices: prefer them over derived multiples.
    if (m.prices.cacheRead) extras.cacheRead = m.prices.cacheRead;
    if (m.prices.cacheWrite) extras.cacheWrite5m = m.prices.cacheWrite;
    if (m.prices.cacheWrite1h) extras.cacheWrite1h = m.prices.cacheWrite1h;
    return {
      ref,
      source: 'reference',
      date: this.reference.dataDate,
      input,
      output: m.prices.output,
      embedding: embeddingPrice(ref, m),
      reference: m,
      ...extras,
      notes,
    };
  }
}

export { FLUJO_BUILTIN_DEFAULTS, FLUJO_BUILTIN_IMAGE_DEFAULTS } from './flujo';

export interface DefaultDifference {
  id: string;
  component: 'prompt' | 'completion';
  flujoPer1k: string;
  referencePer1k: string | undefined;
}

/** Where Flujo's built-in defaults differ from the reference catalog (per 1K, exact). */
export function flujoDefaultsVsReference(reference: ReferenceCatalog = bundledReferenceCatalog()): DefaultDifference[] {
  const out: DefaultDifference[] = [];
  for (const [id, d] of Object.entries(FLUJO_BUILTIN_DEFAULTS)) {
    const ref = parseModelId(id);
    const m = reference.find(ref.provider!, ref.model);
    const pairs: ['prompt' | 'completion', string, Rate | undefined][] = [
      ['prompt', d.prompt, m?.prices.input],
      ['completion', d.completion, m?.embedding ? m?.prices.input : m?.prices.output],
    ];
    for (const [component, flujo, rate] of pairs) {
      const refPer1k = rate ? perMtokToPer1k(rate.base) : undefined;
      if (!refPer1k || refPer1k.compare(Decimal.parse(flujo)) !== 0) {
        out.push({ id, component, flujoPer1k: Decimal.parse(flujo).toString(), referencePer1k: refPer1k?.toString() });
      }
    }
  }
  return out;
}
