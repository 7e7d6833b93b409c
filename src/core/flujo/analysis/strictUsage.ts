// Stage 6 — usage: in strict mode, every model used in the workspace needs a price table.
import type { FlujoModelPrice } from '../../pricing/catalog';
import { parseModelId, strictPricingMessage } from '../../pricing/model-id';
import type { Range } from '../scanner';
import type { DiagnosticSink } from './context';
import type { ModelUsage } from './types';

export function checkUnpricedModels(
  sink: DiagnosticSink,
  usedModels: readonly ModelUsage[],
  providers: ReadonlyMap<string, ReadonlyMap<string, FlujoModelPrice>>,
  strictRange: Range,
): void {
  const byId = new Map<string, ModelUsage[]>();
  for (const u of usedModels) {
    const list = byId.get(u.id) ?? [];
    list.push(u);
    byId.set(u.id, list);
  }
  for (const [id, uses] of byId) {
    const ref = parseModelId(id);
    const priced = ref.provider !== undefined && providers.get(ref.provider)?.has(ref.model);
    if (priced) continue;
    const where = uses.filter((u) => u.file).map((u) => (u.line !== undefined ? `${u.file}:${u.line + 1}` : u.file!));
    // One diagnostic per unpriced model, all at `strict = true` (so not `once`, which keys on the range).
    if (sink.full) break;
    sink.push({
      severity: 'error',
      code: 'unpriced-model',
      message: `${strictPricingMessage(ref.provider, ref.model)}${where.length ? ` Used in ${where.slice(0, 3).join(', ')}${where.length > 3 ? ` and ${where.length - 3} more` : ''}.` : ''}`,
      range: strictRange,
      data: { kind: 'add-model-table', provider: ref.provider, model: ref.model, usedIn: where },
    });
  }
}
