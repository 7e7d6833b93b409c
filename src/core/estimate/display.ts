// Number and name formatting shared by every surface (CodeLens, hover, status bar, panel). Light:
// no parser or tokenizer behind it, so editor features can import it without loading the core.
import type { Decimal } from '../pricing/decimal';
import { formatUsd } from '../format';

export const GROUPED = new Intl.NumberFormat('en-US');

export function formatTokens(n: number, approximate: boolean): string {
  return `${approximate ? '≈ ' : ''}${GROUPED.format(n)}`;
}

/** Money as every surface shows it (src/core/format.ts: 3 significant digits below $1, cents above). */
export function shortUsd(value: Decimal, approximate = false): string {
  return formatUsd(value.toString(), approximate);
}

/** The model part of an id, for compact labels: `openai:gpt-4o` → `gpt-4o`. */
export function shortModel(id: string): string {
  const i = id.indexOf(':');
  return i > 0 ? id.slice(i + 1) : id;
}
