// The pricing a flujo.toml analysis produces, as plain data that crosses a worker boundary (structured
// clone keeps Maps but not the Decimal class): decimals travel as their exact text.
import type { FlujoModelPrice, FlujoPricing } from '../pricing/catalog';
import { DECIMAL_LIMITS, Decimal } from '../pricing/decimal';
import type { FlujoAnalysis } from './analysis/types';

interface PortablePrice {
  promptPer1k?: string;
  completionPer1k?: string;
  images?: Record<string, string>;
}

export interface PortablePricing extends Omit<FlujoPricing, 'providers'> {
  providers: [string, [string, PortablePrice][]][];
}

export function portablePricing(p: FlujoPricing): PortablePricing {
  const providers: PortablePricing['providers'] = [];
  for (const [provider, models] of p.providers) {
    const list: [string, PortablePrice][] = [];
    for (const [model, price] of models) {
      const out: PortablePrice = {};
      if (price.promptPer1k) out.promptPer1k = price.promptPer1k.toString();
      if (price.completionPer1k) out.completionPer1k = price.completionPer1k.toString();
      if (price.images) out.images = Object.fromEntries(Object.entries(price.images).map(([k, d]) => [k, d.toString()]));
      list.push([model, out]);
    }
    providers.push([provider, list]);
  }
  return { ...p, providers };
}

export function pricingFromPortable(p: PortablePricing): FlujoPricing {
  // The texts are Decimal.toString() of values the analysis already bounded: they parse back exactly.
  const d = (text: string) => Decimal.parse(text, DECIMAL_LIMITS);
  const providers = new Map<string, Map<string, FlujoModelPrice>>();
  for (const [provider, models] of p.providers) {
    const byModel = new Map<string, FlujoModelPrice>();
    for (const [model, price] of models) {
      const out: FlujoModelPrice = {};
      if (price.promptPer1k !== undefined) out.promptPer1k = d(price.promptPer1k);
      if (price.completionPer1k !== undefined) out.completionPer1k = d(price.completionPer1k);
      if (price.images) out.images = Object.fromEntries(Object.entries(price.images).map(([k, v]) => [k, d(v)]));
      byModel.set(model, out);
    }
    providers.set(provider, byModel);
  }
  return { ...p, providers };
}

/** `provider:model` of each model table the user wrote (an inline table only with keys), in file order. */
export function pricedModelIds(analysis: Pick<FlujoAnalysis, 'models'>): string[] {
  return analysis.models.filter((m) => !m.inline || m.keys.size > 0).map((m) => `${m.provider}:${m.model}`);
}
