// Number and name formatting shared by every surface (CodeLens, hover, status bar, panel). Light:
// no parser or tokenizer behind it, so editor features can import it without loading the core.
import type { Decimal } from '../pricing/decimal';

export const GROUPED = new Intl.NumberFormat('en-US');

export function formatTokens(n: number, approximate: boolean): string {
  return `${approximate ? '≈ ' : ''}${GROUPED.format(n)}`;
}

/** Short money for CodeLens/status bar: 3 significant digits below a cent, cents above (display only). */
export function shortUsd(value: Decimal, approximate = false): string {
  const prefix = approximate ? '≈' : '';
  if (value.isZero()) return `${prefix}$0`;
  const n = value.toNumber();
  if (n >= 0.01) return `${prefix}$${value.toFixed(n >= 100 ? 0 : 2)}`;
  const digits = Math.max(2, 1 - Math.floor(Math.log10(n)) + 1);
  return `${prefix}$${value.toFixed(Math.min(digits, 12)).replace(/0+$/, '')}`;
}

/** The model part of an id, for compact labels: `openai:gpt-4o` → `gpt-4o`. */
export function shortModel(id: string): string {
  const i = id.indexOf(':');
  return i > 0 ? id.slice(i + 1) : id;
}
