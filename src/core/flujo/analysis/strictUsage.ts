// Stage 6 — usage: the models Flujo will price, from this file ([settings] default_*_model, [solve]
// *_model) and from the workspace's code, checked against what Flujo does with each
// (flujo/infra/config.py get_provider_pricing, flujo/cost.py CostCalculator.calculate).
import type { FlujoPricing } from '../../pricing/catalog';
import { describeFlujoRecording, flujoRecording } from '../../pricing/flujo';
import { parseModelId, strictPricingMessage } from '../../pricing/model-id';
import type { Range } from '../scanner';
import { SECTIONS } from '../schema';
import type { AnalysisContext, DiagnosticSink } from './context';
import type { ModelUsage } from './types';

/** Known keys whose value is a model Flujo runs (and prices): [settings] default_*_model, [solve] *_model. */
function isModelKey(path: string[]): boolean {
  const [a, b] = path;
  if (path.length !== 2 || !SECTIONS[a]?.keys[b]) return false;
  return (a === 'settings' && /^default_\w+_model$/.test(b)) || (a === 'solve' && /_model$/.test(b));
}

function where(uses: ModelUsage[]): string[] {
  return uses.filter((u) => u.file).map((u) => (u.line !== undefined ? `${u.file}:${u.line + 1}` : u.file!));
}

function usedIn(list: string[], uses: ModelUsage[]): string {
  const total = list.length + uses.reduce((n, u) => n + (u.file ? (u.more ?? 0) : 0), 0);
  return list.length ? ` Used in ${list.slice(0, 3).join(', ')}${total > 3 ? ` and ${total - 3} more` : ''}.` : '';
}

/** Models named in flujo.toml itself: what Flujo does when it prices them. */
export function checkConfiguredModels(ctx: AnalysisContext, pricing: FlujoPricing): void {
  if (pricing.loadError || pricing.costInvalid) return; // the cause is reported; everything records $0
  for (const leaf of ctx.flat.leaves) {
    if (!isModelKey(leaf.path) || leaf.value.kind !== 'string' || !leaf.value.string?.trim()) continue;
    const r = flujoRecording(pricing, leaf.value.string);
    if (r.kind === 'configured') continue;
    const id = r.provider ? `${r.provider}:${r.model}` : r.model;
    const fix = { kind: 'add-model-table' as const, provider: r.provider, model: r.model, usedIn: [] };
    if (r.kind === 'raises')
      ctx.sink.once({
        severity: 'error',
        code: 'unpriced-model',
        message: `${describeFlujoRecording(r)} (${r.message})`,
        range: leaf.value.range,
        data: fix,
      });
    else if (r.kind === 'zero')
      ctx.sink.once({
        severity: 'warning',
        code: 'unpriced-model',
        message: describeFlujoRecording(r),
        range: leaf.value.range,
        data: r.provider ? fix : undefined,
      });
    else
      ctx.sink.once({
        severity: 'info',
        code: 'unpriced-model',
        message: `${describeFlujoRecording(r)} Add a price table for ${id}.`,
        range: leaf.value.range,
        data: fix,
      });
  }
}

/**
 * Models used in the workspace's code. Strict mode: each one without a price table is Flujo's
 * PricingNotConfiguredError, reported at `strict = true` (also while the file does not load or its [cost]
 * section is invalid: then Flujo records $0 until those are fixed, and the message says so). Otherwise only those Flujo would still
 * raise for (a known provider's model it has no default for, or an unknown provider), at `anchor`.
 */
export function checkUnpricedModels(
  sink: DiagnosticSink,
  usedModels: readonly ModelUsage[],
  pricing: FlujoPricing,
  anchor: Range,
  strict: boolean,
): void {
  const byId = new Map<string, ModelUsage[]>();
  for (const u of usedModels) {
    const list = byId.get(u.id) ?? [];
    list.push(u);
    byId.set(u.id, list);
  }
  for (const [id, uses] of byId) {
    if (sink.full) break;
    const list = where(uses);
    if (strict) {
      const ref = parseModelId(id);
      const priced = ref.provider !== undefined && pricing.providers.get(ref.provider)?.has(ref.model);
      if (priced) continue;
      // One diagnostic per unpriced model, all at `strict = true` (so not `once`, which keys on the range).
      // While flujo.toml does not load or [cost] fails validation, Flujo ignores strict mode and records $0: say when this one bites.
      const hidden = pricing.loadError ?? pricing.costInvalid;
      const pending = hidden
        ? ` Flujo raises this PricingNotConfiguredError once the other errors in this file are fixed; until then it records $0 (${hidden}).`
        : '';
      sink.push({
        severity: 'error',
        code: 'unpriced-model',
        message: `${strictPricingMessage(ref.provider, ref.model)}${usedIn(list, uses)}${pending}`,
        range: anchor,
        data: { kind: 'add-model-table', provider: ref.provider, model: ref.model, usedIn: list },
      });
      continue;
    }
    const r = flujoRecording(pricing, id);
    if (r.kind !== 'raises') continue;
    sink.push({
      severity: 'error',
      code: 'unpriced-model',
      message: `${describeFlujoRecording(r)} (${r.message})${usedIn(list, uses)}`,
      range: anchor,
      data: { kind: 'add-model-table', provider: r.provider, model: r.model, usedIn: list },
    });
  }
}
