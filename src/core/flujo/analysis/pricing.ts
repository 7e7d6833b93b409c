// Stage 4 — pricing: the [cost] keys, each model's price table against the reference catalog, and
// the prices Flujo will actually use.
import { Decimal, previewNumber } from '../../pricing/decimal';
import { FlujoModelPrice, perMtokToPer1k } from '../../pricing/catalog';
import type { ReferenceCatalog, ReferenceModel } from '../../pricing/reference';
import { referenceProviderId } from '../../pricing/reference';
import type { KeyPart, Range, ValueNode } from '../scanner';
import { COST_TABLES, ESTIMATOR_KEYS, HISTORICAL_KEYS, IMAGE_KEY_RE, KeySpec, LEARNABLE_KEYS, MODEL_PRICE_KEYS, SECTIONS } from '../schema';
import { COST_FAILS } from './context';
import type { AnalysisContext, DiagnosticSink, Flattened, Leaf } from './context';
import type { LeafFacts } from './keys';
import { Impact, reportLaxValue, reportUnknownKey, reportWrongType } from './reports';
import type { ModelTable } from './types';
import { TYPE_NAMES, absurdNumber, laxBoolean, laxNumber, laxRead, tomlNumber } from './values';
import { didYouMean, hint } from './words';
import { estimatorRead } from './pythonNumbers';

/** A model table whose ranges are read from the scan when a diagnostic needs them. */
class ScannedModelTable implements ModelTable {
  readonly keys = new Map<string, { keyRange: Range; value: ValueNode }>();
  readonly nested: string[] = [];
  constructor(
    readonly provider: string,
    readonly model: string,
    private readonly modelPart: KeyPart,
    private readonly anchorOf: { readonly range: Range },
    readonly inline: boolean,
    private readonly providerPart?: KeyPart,
  ) {}
  get modelRange(): Range {
    return this.modelPart.range;
  }
  get providerRange(): Range | undefined {
    return this.providerPart?.range;
  }
  get anchor(): Range {
    return this.anchorOf.range;
  }
}

/** A key of a price table. */
class PriceKey {
  constructor(
    private readonly part: KeyPart,
    readonly value: ValueNode,
  ) {}
  get keyRange(): Range {
    return this.part.range;
  }
}

/** The model tables `cost.providers.<p>.<m>`, from headers, inline tables and dotted keys. */
export class ModelTables {
  /** provider → model → table (two lookups, no key string built per price key). */
  private readonly byProvider = new Map<string, Map<string, ModelTable>>();

  constructor(flat: Flattened, isDotted: (path: string[]) => boolean) {
    for (const t of flat.tables) {
      if (t.path[0] !== 'cost' || t.path[1] !== 'providers' || t.path.length < 4) continue;
      // A deeper table ([cost.providers.azure.prod-east.gpt4o]) still makes `prod-east` a model for pydantic.
      if (t.path.length === 4) this.of(t.path, t.parts, t, t.inline);
      else if (!isDotted(t.path)) this.of(t.path, t.parts, t.parts[3], false).nested.push(t.path[4]);
    }
  }

  /** `anchor` is whatever has the table's anchor range (read only when a diagnostic needs it). */
  of(path: string[], parts: KeyPart[], anchor: { readonly range: Range }, inline: boolean): ModelTable {
    let byModel = this.byProvider.get(path[2]);
    if (!byModel) this.byProvider.set(path[2], (byModel = new Map()));
    let m = byModel.get(path[3]);
    if (!m) {
      m = new ScannedModelTable(path[2], path[3], parts[3], anchor, inline, parts[2]);
      byModel.set(path[3], m);
      this.order.push(m);
    }
    return m;
  }

  /** In the order the file first names them. */
  private readonly order: ModelTable[] = [];

  all(): ModelTable[] {
    return this.order;
  }
}

/** Model ids per provider, per catalog (a file with many unknown models asks once per table). */
const idsByCatalog = new WeakMap<ReferenceCatalog, Map<string, Set<string>>>();

function providerModelIds(reference: ReferenceCatalog, provider: string): Set<string> {
  let byProvider = idsByCatalog.get(reference);
  if (!byProvider) {
    byProvider = new Map();
    for (const m of reference.models) {
      let ids = byProvider.get(m.provider);
      if (!ids) byProvider.set(m.provider, (ids = new Set()));
      ids.add(m.id);
    }
    idsByCatalog.set(reference, byProvider);
  }
  return byProvider.get(referenceProviderId(provider)) ?? new Set();
}

export function suggestModels(reference: ReferenceCatalog, provider: string, model: string): string[] {
  return didYouMean(model, providerModelIds(reference, provider), 3);
}

/** `cost.strict`, `cost.estimation_strategy`, `cost.<table>` and the keys of price, estimator and historical tables. */
export function checkCostLeaf(ctx: AnalysisContext, leaf: Leaf, models: ModelTables, facts: LeafFacts): void {
  const p = leaf.path;
  const [, b] = p;
  if (p.length === 2) return checkCostKey(ctx, leaf, facts);
  if (b === 'learnable') return checkLearnableKey(ctx, leaf);
  if (!COST_TABLES[b]) return; // reported as unknown-section/unknown-key on the table
  const prices = b === 'providers';
  // Flujo reads the estimator tables with .get() inside try/except: a scalar there only skips them.
  const impact: Impact = prices ? 'cost' : 'ignored';
  if (p.length === 3) return reportWrongType(ctx, leaf, `a table of models ([cost.${b}.${p[2]}."<model>"])`, impact);
  if (p.length === 4) {
    const what = prices
      ? 'a table with prompt_tokens_per_1k and completion_tokens_per_1k'
      : `a table with ${Object.keys(b === 'estimators' ? ESTIMATOR_KEYS : HISTORICAL_KEYS).join(' and ')}`;
    return reportWrongType(ctx, leaf, what, impact);
  }
  if (ctx.isDotted(p)) return;
  if (p.length > 5) {
    // A sub-table inside a model table: pydantic drops it, but the model table still needs its prices.
    if (prices) models.of(p, leaf.parts, leaf.parts[3], false).nested.push(p[4]);
    return;
  }
  if (prices) checkPriceKey(ctx, leaf, models);
  else checkEstimateKey(ctx.sink, leaf, b === 'estimators' ? ESTIMATOR_KEYS : HISTORICAL_KEYS);
}

/** Keys directly in [cost]: CostConfig validates `strict` and `providers`; the estimator reads the rest raw. */
function checkCostKey(ctx: AnalysisContext, leaf: Leaf, facts: LeafFacts): void {
  const name = leaf.path[1];
  const v = leaf.value;
  if (name === 'strict') {
    const read = laxRead('boolean', v);
    if (!read.ok) return reportWrongType(ctx, leaf, TYPE_NAMES.boolean, 'cost');
    reportLaxValue(ctx.sink, leaf, read, TYPE_NAMES.boolean);
    facts.strict = laxBoolean(v) === true;
    facts.strictRange = leaf.keyRange;
  } else if (name === 'estimation_strategy') {
    if (v.kind !== 'string') reportWrongType(ctx, leaf, 'a string', 'ignored', 'Flujo ignores it (it checks isinstance(strategy, str)).');
  } else if (name === 'providers') reportWrongType(ctx, leaf, 'a table', 'cost');
  else if (COST_TABLES[name]) reportWrongType(ctx, leaf, 'a table', 'ignored');
  else reportUnknownKey(ctx.sink, leaf, [...Object.keys(SECTIONS.cost.keys), ...Object.keys(COST_TABLES)], '[cost]');
}

/** [cost.learnable] enabled: read with Python's bool(), so any non-empty string (even "false") enables it. */
function checkLearnableKey(ctx: AnalysisContext, leaf: Leaf): void {
  const v = leaf.value;
  if (leaf.path.length !== 3) return;
  if (leaf.path[2] !== 'enabled') return reportUnknownKey(ctx.sink, leaf, Object.keys(LEARNABLE_KEYS), '[cost.learnable]');
  if (v.kind === 'boolean') return;
  const truthy = v.kind === 'string' ? (v.string ?? '') !== '' : v.kind === 'array' ? (v.items?.length ?? 0) > 0 : !tomlNumber(v)?.isZero();
  ctx.sink.once({
    severity: 'warning',
    code: 'lax-value',
    message: `'cost.learnable.enabled' should be a boolean: Flujo reads it with Python's bool(), so ${v.text} means ${truthy}. Write ${truthy}.`,
    range: v.range,
    data: { kind: 'replace-value', replacement: String(truthy) },
  });
}

/**
 * Estimator and historical values go through Python's float()/int() (estimation.py:110, :252: `float(c or 0.0)`,
 * `int(t or 0)`), not pydantic (pythonNumbers.ts); a failure skips the estimate.
 */
function checkEstimateKey(sink: DiagnosticSink, leaf: Leaf, keys: Readonly<Record<string, KeySpec>>): void {
  const p = leaf.path;
  const name = p[4];
  const v = leaf.value;
  const spec = keys[name];
  if (!spec) return reportUnknownKey(sink, leaf, Object.keys(keys), `[cost.${p[1]}.${p[2]}.${p[3]}]`);
  const reader = spec.type === 'integer' ? 'int()' : 'float()';
  const read = estimatorRead(spec.type === 'integer' ? 'integer' : 'number', v);
  if (!read.ok)
    return sink.once({
      severity: 'warning',
      code: 'wrong-type',
      message: `'${p.join('.')}' must be ${TYPE_NAMES[spec.type]}. Flujo's ${reader} fails on it and it skips this estimate (falling back to its heuristic).`,
      range: v.range,
    });
  if (absurdNumber(v, true)) return; // reported as absurd-value
  reportLaxValue(sink, leaf, read, TYPE_NAMES[spec.type], `Python's ${reader}`);
  if (read.value?.isNegative())
    sink.once({
      severity: 'warning',
      code: 'negative-value',
      message: `'${name}' is negative (${v.text}): Flujo uses it as is, which lowers its pre-run estimate.`,
      range: v.range,
    });
}

/** cost.providers.<p>.<m>.<key>: ProviderPricing fields (floats); unknown fields are dropped. */
function checkPriceKey(ctx: AnalysisContext, leaf: Leaf, models: ModelTables): void {
  const { sink } = ctx;
  const p = leaf.path;
  const keyPart = leaf.parts[leaf.parts.length - 1];
  const name = keyPart.name;
  const v = leaf.value;
  const m = models.of(p, leaf.parts, leaf.parts[3], false);
  m.keys.set(name, new PriceKey(keyPart, v));
  if (name.startsWith('price_per_image_') && !IMAGE_KEY_RE.test(name)) {
    const s = didYouMean(
      name,
      Object.keys(MODEL_PRICE_KEYS).filter((k) => k.startsWith('price_per_image_')),
    );
    sink.once({
      severity: 'warning',
      code: 'invalid-image-key',
      message: `'${name}' is not an image price key, so Flujo ignores it and records $0 for such images: use price_per_image_<standard|hd>_<1024x1024|1792x1024|1024x1792>.${hint(s)}`,
      range: keyPart.range,
      data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s } : undefined,
    });
    return;
  }
  const spec = MODEL_PRICE_KEYS[name];
  if (!spec) return reportUnknownKey(sink, leaf, Object.keys(MODEL_PRICE_KEYS), `the price table of '${p[2]}:${p[3]}'`);
  const unit = name.startsWith('price_per_image_') ? 'image' : '1,000 tokens';
  const read = laxRead(spec, v);
  if (!read.ok) return reportWrongType(ctx, leaf, `${TYPE_NAMES.number} (USD per ${unit})`, 'cost');
  reportLaxValue(sink, leaf, read, `${TYPE_NAMES.number} (USD per ${unit})`);
  if (laxNumber(v)?.isNegative())
    sink.once({
      severity: 'warning',
      code: 'negative-value',
      message: `Price '${name}' is negative (${v.text}): Flujo does not reject it and uses it as is, so it lowers the cost Flujo records.`,
      range: v.range,
    });
}

type TokenKey = 'prompt_tokens_per_1k' | 'completion_tokens_per_1k';

function refPer1k(ref: ReferenceModel | undefined, which: 'input' | 'output'): Decimal | undefined {
  const r = ref?.prices[which];
  return r ? perMtokToPer1k(r.base) : undefined;
}

/** ProviderPricing requires both token prices, image models included (Flujo's own dall-e-3 default writes 0.0). */
function reportMissingPrices(ctx: AnalysisContext, m: ModelTable, ref: ReferenceModel | undefined): void {
  const prompt = m.keys.get('prompt_tokens_per_1k');
  const completion = m.keys.get('completion_tokens_per_1k');
  if (prompt && completion) return;
  const hasImages = [...m.keys.keys()].some((k) => IMAGE_KEY_RE.test(k));
  const missing = [!prompt && 'prompt_tokens_per_1k', !completion && 'completion_tokens_per_1k'].filter(Boolean) as string[];
  const refValues: Record<string, string> = {};
  const ri = hasImages ? Decimal.ZERO : refPer1k(ref, 'input');
  const ro = hasImages ? Decimal.ZERO : ref?.embedding ? ri : refPer1k(ref, 'output');
  if (ri) refValues.prompt_tokens_per_1k = ri.toString();
  if (ro) refValues.completion_tokens_per_1k = ro.toString();
  let insertAfter = m.anchor;
  for (const e of m.keys.values())
    if (
      e.value.range.end.line > insertAfter.end.line ||
      (e.value.range.end.line === insertAfter.end.line && e.value.range.end.character > insertAfter.end.character)
    )
      insertAfter = e.value.range;
  const why = hasImages
    ? ' (an image model too: write 0.0 for them, as Flujo’s own dall-e-3 default does)'
    : m.nested.length && !m.keys.size
      ? `: TOML nests ${[...new Set(m.nested)].map((n) => `'${n}'`).join(', ')} inside '${m.model}', but Flujo reads exactly [cost.providers.<provider>.<model>] (quote a model name that contains dots)`
      : '';
  ctx.consequences.costInvalid.push(`the price table of '${m.provider}:${m.model}' has no ${missing.join(' and no ')}`);
  ctx.sink.once({
    severity: 'error',
    code: 'missing-price',
    message: `The price table of '${m.provider}:${m.model}' has no ${missing.join(' and no ')}: Flujo's ProviderPricing requires both prompt_tokens_per_1k and completion_tokens_per_1k${why}. ${COST_FAILS}`,
    range: m.modelRange,
    data: {
      kind: 'add-missing-prices',
      provider: m.provider,
      model: m.model,
      missing,
      insertAfter,
      reference: Object.keys(refValues).length ? refValues : undefined,
    },
  });
}

function pricesAsWritten(m: ModelTable): { key: TokenKey; range: Range; text: string }[] {
  const out: { key: TokenKey; range: Range; text: string }[] = [];
  for (const key of ['prompt_tokens_per_1k', 'completion_tokens_per_1k'] as const) {
    const e = m.keys.get(key);
    if (e) out.push({ key, range: e.value.range, text: e.value.text });
  }
  return out;
}

function reportUnknownModel(sink: DiagnosticSink, reference: ReferenceCatalog, m: ModelTable, ref: ReferenceModel | undefined): void {
  if (ref && !(ref.id !== m.model && ref.id.toLowerCase() === m.model.toLowerCase())) return;
  const s = suggestModels(reference, m.provider, m.model);
  const caseOnly = ref && ref.id.toLowerCase() === m.model.toLowerCase();
  sink.once({
    severity: caseOnly ? 'warning' : 'info',
    code: 'unknown-model',
    message: caseOnly
      ? `'${m.provider}:${m.model}' differs only in case from the catalog's '${ref!.id}': Flujo matches model names exactly.`
      : `'${m.provider}:${m.model}' is not in the reference catalog (${reference.source} ${reference.dataDate}).${hint(s.map((x) => `${m.provider}:${x}`))}`,
    range: m.modelRange,
    data: s.length
      ? { kind: 'replace-model', provider: m.provider, model: m.model, suggestions: s, prices: pricesAsWritten(m) }
      : undefined,
  });
}

/** Providers Flujo has built-in prices for (DEFAULT_PRICING_CONFIG, flujo/infra/config.py:122-187). */
const FLUJO_DEFAULT_PROVIDERS = new Set(['openai', 'anthropic', 'google']);

/**
 * `[cost.providers.OpenAI."gpt-4o"]`: Flujo looks a price up with the provider exactly as the model id
 * writes it (flujo/infra/config.py:70 `provider in cost_config.providers`; the provider is the text
 * before ':' as written, flujo/utils/model_utils.py:200-201), and model ids name providers in lower case
 * (`openai:gpt-4o`): such a table is never used. A warning on the provider, with a fix to its lower-case
 * name when that is a known provider and no table of that name prices the same model. True when reported.
 */
function reportProviderCase(ctx: AnalysisContext, models: ModelTables, m: ModelTable): boolean {
  const lower = m.provider.toLowerCase();
  if (lower === m.provider || !m.providerRange) return false;
  if (!FLUJO_DEFAULT_PROVIDERS.has(lower) && !providerModelIds(ctx.reference, lower).size) return false;
  const taken = models.all().some((o) => o.provider === lower && o.model === m.model);
  ctx.sink.once({
    severity: 'warning',
    code: 'unknown-model',
    message: `Provider '${m.provider}' differs only in case from '${lower}': Flujo matches the provider of a model id exactly, and model ids write it '${lower}' ('${lower}:${m.model}'), so Flujo never uses this price table.${taken ? ` A table for '${lower}:${m.model}' already exists: remove this one.` : ` Did you mean '${lower}'?`}`,
    range: m.providerRange,
    data: taken ? undefined : { kind: 'replace-key', replacement: lower, suggestions: [lower] },
  });
  return true;
}

/** "5000", or "4.0e+317" for a ratio no one reads digit by digit (and never "Infinity"). */
function timesBelow(ratio: number): string {
  const r = 1 / ratio;
  return !Number.isFinite(r) ? 'more than 1e308' : r < 1e9 ? String(Math.round(r)) : r.toExponential(1);
}

/** A price far from the reference (per-1M written as per-1K, or divided twice), or just different. */
function comparePrice(
  sink: DiagnosticSink,
  reference: ReferenceCatalog,
  m: ModelTable,
  key: TokenKey,
  refValue: Decimal | undefined,
): void {
  const e = m.keys.get(key);
  if (!e) return;
  const d = laxNumber(e.value);
  if (!d || d.isNegative()) return;
  if (refValue && !refValue.isZero() && !d.isZero()) {
    const ratio = d.toNumber() / refValue.toNumber();
    if (ratio >= 200 || ratio <= 1 / 200) {
      const up = ratio >= 200;
      const replacement = up ? d.shiftLeft(3) : d.times(1000);
      sink.once({
        severity: 'warning',
        code: 'price-magnitude',
        message: up
          ? `${key} = ${e.value.text} looks like a price per 1M tokens: the reference is $${refValue} per 1K for '${m.provider}:${m.model}'. Per 1K it would be ${previewNumber(replacement.toString())}.`
          : `${key} = ${e.value.text} is ${timesBelow(ratio)}× below the reference ($${refValue} per 1K) for '${m.provider}:${m.model}': was it divided by 1000 twice? Per 1K it would be ${previewNumber(replacement.toString())}.`,
        range: e.value.range,
        data: {
          kind: 'convert-magnitude',
          key,
          value: e.value.text,
          replacement: replacement.toString(),
          direction: up ? 'per1m-to-per1k' : 'per1k-to-per1m',
        },
      });
      return;
    }
  } else if (!refValue && d.compare(Decimal.fromInteger(1)) > 0) {
    const replacement = d.shiftLeft(3);
    sink.once({
      severity: 'warning',
      code: 'price-magnitude',
      message: `${key} = ${e.value.text} is more than $1 per 1,000 tokens ($${d.times(1000)} per 1M): it looks like a per-1M price. Per 1K it would be ${replacement}.`,
      range: e.value.range,
      data: { kind: 'convert-magnitude', key, value: e.value.text, replacement: replacement.toString(), direction: 'per1m-to-per1k' },
    });
    return;
  }
  if (refValue && d.compare(refValue) !== 0) {
    sink.once({
      severity: 'info',
      code: 'price-differs',
      message: `${key} = ${e.value.text} differs from the reference price $${refValue} per 1K ($${refValue.times(1000)} per 1M, ${reference.source} ${reference.dataDate}).`,
      range: e.value.range,
      data: { kind: 'price-differs', key, value: e.value.text, reference: refValue.toString() },
    });
  }
}

/** The price Flujo reads from one table, as pydantic converts it (negative prices included: Flujo uses them). */
/**
 * The number Flujo computes with for a price value: as written, or for an absurd one what Python's
 * float() makes of it — 0.0 below a float's range, the nearest double for too many digits — or the
 * non-finite float (inf, nan) no Decimal can hold.
 */
function flujoPriceOf(v: ValueNode): Decimal | 'inf' | '-inf' | 'nan' | undefined {
  const d = laxNumber(v);
  if (d) return d;
  const a = absurdNumber(v, true);
  if (!a) return undefined;
  if (a.flujoReads === '0.0') return Decimal.ZERO;
  if (a.flujoReads) return a.flujoReads;
  if (a.tooPrecise) return Decimal.fromNumber(Number(v.kind === 'string' ? (v.string ?? '').trim() : v.text.replace(/_/g, '')));
  return undefined;
}

/** The price Flujo reads from one table, as pydantic converts it (negative prices included: Flujo uses them). */
function priceOf(m: ModelTable): FlujoModelPrice {
  const images: Record<string, Decimal> = {};
  for (const [k, e] of m.keys) {
    const match = IMAGE_KEY_RE.exec(k);
    const d = match ? flujoPriceOf(e.value) : undefined;
    if (match && d instanceof Decimal) images[`${match[1]}_${match[2]}`] = d;
  }
  const price: FlujoModelPrice = {};
  for (const key of ['promptPer1k', 'completionPer1k'] as const) {
    const e = m.keys.get(key === 'promptPer1k' ? 'prompt_tokens_per_1k' : 'completion_tokens_per_1k');
    const d = e && flujoPriceOf(e.value);
    if (d instanceof Decimal) price[key] = d;
    else if (d) price.nonFinite = { ...price.nonFinite, [key]: d };
  }
  if (Object.keys(images).length) price.images = images;
  return price;
}

/** Checks every model table and returns provider → model → the price Flujo will use. */
export function checkModelTables(ctx: AnalysisContext, models: ModelTables): Map<string, Map<string, FlujoModelPrice>> {
  const { sink, reference } = ctx;
  const providers = new Map<string, Map<string, FlujoModelPrice>>();
  for (const m of models.all()) {
    if (ctx.isDotted(['cost', 'providers', m.provider, m.model, 'x'])) continue;
    // Reference checks only while diagnostics can still be reported (a 10 MB file must stay fast).
    const ref = sink.full ? undefined : reference.find(m.provider, m.model);
    reportMissingPrices(ctx, m, ref);
    if (sink.full) sink.skipped('model table');
    else {
      // A table that only exists because TOML nested something in it is no model the user named.
      if (!(m.nested.length && !m.keys.size) && !reportProviderCase(ctx, models, m)) reportUnknownModel(sink, reference, m, ref);
      comparePrice(sink, reference, m, 'prompt_tokens_per_1k', refPer1k(ref, 'input'));
      comparePrice(sink, reference, m, 'completion_tokens_per_1k', ref?.embedding ? refPer1k(ref, 'input') : refPer1k(ref, 'output'));
    }
    const price = priceOf(m);
    if (price.promptPer1k || price.completionPer1k || price.images || price.nonFinite) {
      let byModel = providers.get(m.provider);
      if (!byModel) providers.set(m.provider, (byModel = new Map()));
      byModel.set(m.model, price);
    }
  }
  return providers;
}
