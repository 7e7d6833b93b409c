// Stage 4 — pricing: the [cost] keys, each model's price table against the reference catalog, and
// the prices Flujo will actually use.
import { Decimal } from '../../pricing/decimal';
import { FlujoModelPrice, perMtokToPer1k } from '../../pricing/catalog';
import type { ReferenceCatalog, ReferenceModel } from '../../pricing/reference';
import { referenceProviderId } from '../../pricing/reference';
import type { KeyPart, Range } from '../scanner';
import { COST_TABLES, ESTIMATOR_KEYS, IMAGE_KEY_RE, MODEL_PRICE_KEYS } from '../schema';
import type { AnalysisContext, DiagnosticSink, Flattened, Leaf } from './context';
import type { LeafFacts } from './keys';
import { reportUnknownKey, reportWrongType } from './reports';
import type { ModelTable } from './types';
import { TYPE_NAMES, tomlNumber, typeOk } from './values';
import { didYouMean, hint } from './words';

/** The model tables `cost.providers.<p>.<m>`, from headers, inline tables and dotted keys. */
export class ModelTables {
  private readonly byKey = new Map<string, ModelTable>();

  constructor(flat: Flattened) {
    for (const t of flat.tables) {
      if (t.path[0] === 'cost' && t.path[1] === 'providers' && t.path.length === 4) this.of(t.path, t.parts, t.range, t.inline);
    }
  }

  of(path: string[], parts: KeyPart[], anchor: Range, inline: boolean): ModelTable {
    const k = `${path[2]}\0${path[3]}`;
    let m = this.byKey.get(k);
    if (!m) {
      m = { provider: path[2], model: path[3], modelRange: parts[3].range, anchor, keys: new Map(), inline };
      this.byKey.set(k, m);
    }
    return m;
  }

  all(): ModelTable[] {
    return [...this.byKey.values()];
  }
}

export function suggestModels(reference: ReferenceCatalog, provider: string, model: string): string[] {
  const target = referenceProviderId(provider);
  const ids = new Set<string>();
  for (const m of reference.models) if (m.provider === target) ids.add(m.id);
  return didYouMean(model, ids, 3);
}

/** `cost.strict`, `cost.<table>` and the keys of model and estimator tables. */
export function checkCostLeaf(ctx: AnalysisContext, leaf: Leaf, models: ModelTables, facts: LeafFacts): void {
  const { sink } = ctx;
  const p = leaf.path;
  const [, b] = p;
  const v = leaf.value;
  if (p.length === 2) {
    if (b === 'strict') {
      if (v.kind !== 'boolean') reportWrongType(sink, leaf, TYPE_NAMES.boolean);
      else {
        facts.strict = v.text === 'true';
        facts.strictRange = leaf.keyRange;
      }
    } else if (COST_TABLES[b]) reportWrongType(sink, leaf, 'a table');
    else reportUnknownKey(sink, leaf, ['strict', ...Object.keys(COST_TABLES)], '[cost]');
    return;
  }
  if (!COST_TABLES[b]) return; // reported as unknown-section/unknown-key on the table
  if (p.length === 3) {
    reportWrongType(sink, leaf, `a table of models (${b === 'providers' ? '[cost.providers.' : '[cost.estimators.'}${p[2]}."<model>"])`);
    return;
  }
  if (p.length === 4) {
    reportWrongType(
      sink,
      leaf,
      `a table with ${b === 'providers' ? 'prompt_tokens_per_1k and completion_tokens_per_1k' : 'expected_cost_usd and expected_tokens'}`,
    );
    return;
  }
  if (ctx.isDotted(p)) return;
  if (p.length > 5) return; // sub-tables of a model: nothing Flujo reads
  if (b === 'estimators') checkEstimatorKey(sink, leaf);
  else checkPriceKey(sink, leaf, models);
}

function checkEstimatorKey(sink: DiagnosticSink, leaf: Leaf): void {
  const p = leaf.path;
  const name = p[4];
  const spec = ESTIMATOR_KEYS[name];
  if (!spec) reportUnknownKey(sink, leaf, Object.keys(ESTIMATOR_KEYS), `[cost.estimators.${p[2]}.${p[3]}]`);
  else if (!typeOk(spec, leaf.value)) reportWrongType(sink, leaf, TYPE_NAMES[spec.type]);
  else if (tomlNumber(leaf.value)?.isNegative())
    sink.once({ severity: 'error', code: 'negative-value', message: `'${name}' must not be negative.`, range: leaf.value.range });
}

/** cost.providers.<p>.<m>.<key> */
function checkPriceKey(sink: DiagnosticSink, leaf: Leaf, models: ModelTables): void {
  const p = leaf.path;
  const keyPart = leaf.parts[leaf.parts.length - 1];
  const name = keyPart.name;
  const v = leaf.value;
  const m = models.of(p, leaf.parts, leaf.parts[3].range, false);
  m.keys.set(name, { keyRange: keyPart.range, value: v });
  if (name.startsWith('price_per_image_') && !IMAGE_KEY_RE.test(name)) {
    const s = didYouMean(
      name,
      Object.keys(MODEL_PRICE_KEYS).filter((k) => k.startsWith('price_per_image_')),
    );
    sink.once({
      severity: 'error',
      code: 'invalid-image-key',
      message: `'${name}' is not an image price key: use price_per_image_<standard|hd>_<1024x1024|1792x1024|1024x1792>.${hint(s)}`,
      range: keyPart.range,
      data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s } : undefined,
    });
    return;
  }
  const spec = MODEL_PRICE_KEYS[name];
  if (!spec) {
    reportUnknownKey(sink, leaf, Object.keys(MODEL_PRICE_KEYS), `the price table of '${p[2]}:${p[3]}'`);
    return;
  }
  if (!typeOk(spec, v))
    reportWrongType(sink, leaf, `${TYPE_NAMES.number} (USD per ${name.startsWith('price_per_image_') ? 'image' : '1,000 tokens'})`);
  else if (tomlNumber(v)!.isNegative())
    sink.once({ severity: 'error', code: 'negative-value', message: `Price '${name}' is negative (${v.text}).`, range: v.range });
}

type TokenKey = 'prompt_tokens_per_1k' | 'completion_tokens_per_1k';

function refPer1k(ref: ReferenceModel | undefined, which: 'input' | 'output'): Decimal | undefined {
  const r = ref?.prices[which];
  return r ? perMtokToPer1k(r.base) : undefined;
}

function reportMissingPrices(sink: DiagnosticSink, m: ModelTable, ref: ReferenceModel | undefined): void {
  const prompt = m.keys.get('prompt_tokens_per_1k');
  const completion = m.keys.get('completion_tokens_per_1k');
  const hasImages = [...m.keys.keys()].some((k) => IMAGE_KEY_RE.test(k));
  if (hasImages || (prompt && completion)) return;
  const missing = [!prompt && 'prompt_tokens_per_1k', !completion && 'completion_tokens_per_1k'].filter(Boolean) as string[];
  const refValues: Record<string, string> = {};
  const ri = refPer1k(ref, 'input');
  const ro = ref?.embedding ? ri : refPer1k(ref, 'output');
  if (ri) refValues.prompt_tokens_per_1k = ri.toString();
  if (ro) refValues.completion_tokens_per_1k = ro.toString();
  let insertAfter = m.anchor;
  for (const e of m.keys.values())
    if (
      e.value.range.end.line > insertAfter.end.line ||
      (e.value.range.end.line === insertAfter.end.line && e.value.range.end.character > insertAfter.end.character)
    )
      insertAfter = e.value.range;
  sink.once({
    severity: 'error',
    code: 'missing-price',
    message: `The price table of '${m.provider}:${m.model}' has no ${missing.join(' and no ')}: Flujo needs both prompt_tokens_per_1k and completion_tokens_per_1k (USD per 1,000 tokens).`,
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
    data: s.length ? { kind: 'replace-model', provider: m.provider, model: m.model, suggestions: s } : undefined,
  });
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
  const d = tomlNumber(e.value);
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
          ? `${key} = ${e.value.text} looks like a price per 1M tokens: the reference is $${refValue} per 1K for '${m.provider}:${m.model}'. Per 1K it would be ${replacement}.`
          : `${key} = ${e.value.text} is ${Math.round(1 / ratio)}× below the reference ($${refValue} per 1K) for '${m.provider}:${m.model}': was it divided by 1000 twice? Per 1K it would be ${replacement}.`,
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

/** The price Flujo reads from one table (negative or malformed values left out). */
function priceOf(m: ModelTable): FlujoModelPrice {
  const images: Record<string, Decimal> = {};
  for (const [k, e] of m.keys) {
    const match = IMAGE_KEY_RE.exec(k);
    const d = tomlNumber(e.value);
    if (match && d && !d.isNegative()) images[`${match[1]}_${match[2]}`] = d;
  }
  const price: FlujoModelPrice = {};
  const prompt = m.keys.get('prompt_tokens_per_1k');
  const completion = m.keys.get('completion_tokens_per_1k');
  const pd = prompt && tomlNumber(prompt.value);
  const cd = completion && tomlNumber(completion.value);
  if (pd && !pd.isNegative()) price.promptPer1k = pd;
  if (cd && !cd.isNegative()) price.completionPer1k = cd;
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
    reportMissingPrices(sink, m, ref);
    if (!sink.full) {
      reportUnknownModel(sink, reference, m, ref);
      comparePrice(sink, reference, m, 'prompt_tokens_per_1k', refPer1k(ref, 'input'));
      comparePrice(sink, reference, m, 'completion_tokens_per_1k', ref?.embedding ? refPer1k(ref, 'input') : refPer1k(ref, 'output'));
    }
    const price = priceOf(m);
    if (price.promptPer1k || price.completionPer1k || price.images) {
      let byModel = providers.get(m.provider);
      if (!byModel) providers.set(m.provider, (byModel = new Map()));
      byModel.set(m.model, price);
    }
  }
  return providers;
}
