// TOML values as the analysis reads them: exact decimals from source text, type names for messages.
import { Decimal } from '../../pricing/decimal';
import type { ValueNode } from '../scanner';
import type { KeySpec } from '../schema';

/** Exact decimal of a TOML number's source text; undefined for inf/nan or non-numbers. */
export function tomlNumber(v: ValueNode): Decimal | undefined {
  if (v.kind !== 'integer' && v.kind !== 'float') return undefined;
  const t = v.text.replace(/_/g, '');
  if (/^[+-]?(inf|nan)$/.test(t)) return undefined;
  if (/^0[xob]/.test(t)) return Decimal.fromInteger(BigInt(t));
  try {
    return Decimal.parse(t);
  } catch {
    return undefined;
  }
}

export const KIND_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  float: 'a float',
  boolean: 'a boolean',
  datetime: 'a date-time',
  array: 'an array',
  'inline-table': 'a table',
  invalid: 'an invalid value',
};

export const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  boolean: 'a boolean (true or false)',
  integer: 'an integer',
  number: 'a number',
};

export function typeOk(spec: KeySpec, v: ValueNode): boolean {
  switch (spec.type) {
    case 'string':
      return v.kind === 'string';
    case 'boolean':
      return v.kind === 'boolean';
    case 'integer':
      return v.kind === 'integer';
    case 'number':
      return (v.kind === 'integer' || v.kind === 'float') && tomlNumber(v) !== undefined;
  }
}
