// TOML values as Flujo reads them. Flujo validates flujo.toml with pydantic models in lax mode
// (flujo/infra/config_manager.py, flujo/infra/config.py, flujo/domain/models.py), so "0.005" is a
// float, "true" and 1 are booleans, 5.0 is an integer — the pydantic conversion table
// (docs.pydantic.dev/latest/concepts/conversion_table). We read exactly that, and say when it is fragile.
import { AbsurdNumberError, DECIMAL_LIMITS, Decimal, DecimalLimits, MONEY_LIMITS, previewNumber } from '../../pricing/decimal';
import type { ValueNode } from '../scanner';
import type { KeySpec, KeyType } from '../schema';
import { isWhiteSpaceCode } from '../../tokenize/encodings';

/**
 * TOML integers: tomllib keeps any size, but a number field converts them to a float, which ends at
 * 1.8e308 (pydantic cannot convert a larger int), so no integer past 10^308 is a usable number.
 */
const INTEGER_LIMITS: Readonly<DecimalLimits> = { ...DECIMAL_LIMITS, maxExponent: 308 };

/** Hex, octal and binary TOML integers longer than this are absurd (TOML integers are 64-bit). */
const MAX_RADIX_INTEGER_TEXT = 2 + 64;

/**
 * Recently read number texts: a price table repeats the same few prices, and each stage reads every
 * price again (type, sign, reference, the pricing itself). Decimals are immutable, so sharing is safe.
 */
const recentNumbers = new Map<string, Decimal | undefined>();
const RECENT_NUMBERS = 4096;

/**
 * Exact decimal of a TOML number's source text; undefined for inf/nan, non-numbers and absurd values
 * (see absurdNumber: beyond a float's range, or more digits than MONEY_LIMITS allow). Bounded: a
 * megabyte of digits or an exponent of 999999999 costs microseconds.
 */
export function tomlNumber(v: ValueNode): Decimal | undefined {
  if (v.kind !== 'integer' && v.kind !== 'float') return undefined;
  // Only short texts: V8 copies those on slice, a longer one would keep the whole old document alive.
  if (v.text.length > 12) return parseTomlNumber(v.text, v.kind);
  const key = `${v.kind}:${v.text}`;
  if (recentNumbers.has(key)) return recentNumbers.get(key);
  if (recentNumbers.size >= RECENT_NUMBERS) recentNumbers.clear();
  const d = parseTomlNumber(v.text, v.kind);
  recentNumbers.set(key, d);
  return d;
}

function parseTomlNumber(text: string, kind: 'integer' | 'float'): Decimal | undefined {
  const t = text.replace(/_/g, '');
  if (/^[+-]?(inf|nan)$/.test(t)) return undefined;
  if (/^0[xob]/.test(t)) return t.length <= MAX_RADIX_INTEGER_TEXT + 1 ? Decimal.fromInteger(BigInt(t.replace(/^\+/, ''))) : undefined;
  if (kind === 'float' && pythonFloatOf(t) !== 'finite') return undefined;
  return Decimal.tryParse(t, kind === 'float' ? MONEY_LIMITS : INTEGER_LIMITS);
}

/**
 * What Python's float() — tomllib's reading of a TOML float, and pydantic's of a numeric string —
 * makes of decimal text: a finite value, or inf / 0.0 when the text is beyond a double's range.
 * JavaScript's Number() rounds decimal text the same way (IEEE 754 round-to-nearest), in linear time.
 */
function pythonFloatOf(text: string): 'finite' | 'inf' | '-inf' | 'zero' {
  const n = Number(text);
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0 && /[1-9]/.test(text.split(/[eE]/)[0])) return 'zero';
  return 'finite';
}

/** The double tomllib makes of a TOML float's text (`float(text)`; TOML's inf/nan included). */
function pythonFloatValue(text: string): number {
  const t = text.replace(/_/g, '');
  const special = /^([+-]?)(inf|nan)$/.exec(t);
  if (special) return special[2] === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  return Number(t);
}

/** A number Flujo reads as something else than what is written (or cannot hold at all). */
export interface AbsurdNumber {
  /** The value as written, shortened for messages. */
  shown: string;
  /** Why it is absurd, e.g. "beyond a float's range (±1.8e308)". */
  reason: string;
  /** What Flujo reads instead: 'inf', '-inf', 'nan', '0.0', or undefined when Flujo keeps a float of it. */
  flujoReads?: 'inf' | '-inf' | 'nan' | '0.0';
  /** A float with more significant digits than MONEY_LIMITS (Flujo rounds it to a double). */
  tooPrecise?: boolean;
}

/**
 * Is this TOML value (a number, or a numeric string where Flujo wants a number) absurd? inf/nan
 * literals, floats past a double's range (tomllib → float('1e999999999') is inf; '1e-999999999' is
 * 0.0), more significant digits than MONEY_LIMITS, integers past 10^308 (INTEGER_LIMITS), radix integers past
 * 64 bits. Linear in the text.
 */
export function absurdNumber(v: ValueNode, numericStrings = false): AbsurdNumber | undefined {
  let t: string;
  if (v.kind === 'integer' || v.kind === 'float') t = v.text.replace(/_/g, '');
  else if (numericStrings && v.kind === 'string') {
    const read = pydanticFloatText(v.string ?? '');
    if (read === undefined) return undefined;
    t = read.toLowerCase();
  } else return undefined;
  const shown = previewNumber(v.kind === 'string' ? `"${v.string}"` : v.text);
  const special = /^([+-]?)(inf|infinity|nan)$/.exec(t);
  if (special)
    return special[2] === 'nan'
      ? { shown, reason: 'not a number', flujoReads: 'nan' }
      : { shown, reason: 'infinite', flujoReads: special[1] === '-' ? '-inf' : 'inf' };
  if (/^0[xob]/.test(t))
    return t.length > MAX_RADIX_INTEGER_TEXT + 1 ? { shown, reason: 'more than 64 bits (TOML integers are 64-bit)' } : undefined;
  if (v.kind !== 'integer') {
    const f = pythonFloatOf(t);
    if (f === 'inf' || f === '-inf') return { shown, reason: "beyond a float's range (±1.8e308)", flujoReads: f };
    if (f === 'zero') return { shown, reason: 'closer to zero than a float can hold (5e-324)', flujoReads: '0.0' };
  }
  try {
    Decimal.parse(t, v.kind === 'integer' ? INTEGER_LIMITS : MONEY_LIMITS);
    return undefined;
  } catch (err) {
    if (err instanceof AbsurdNumberError)
      return { shown, reason: err.reason, tooPrecise: v.kind !== 'integer' && /significant/.test(err.reason) };
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

export const TYPE_NAMES: Record<KeyType, string> = {
  string: 'a string',
  boolean: 'a boolean (true or false)',
  integer: 'an integer',
  number: 'a number',
  'string-array': 'a list of strings',
  'number-array': 'a list of numbers',
  table: 'a table',
};

/** How pydantic (lax mode) reads a value for a declared type. */
export type LaxRead =
  /** Accepted as written. */
  | { ok: true; exact: true }
  /** Accepted after a conversion; `canonical` is the TOML literal that says the same without it. */
  | { ok: true; exact: false; canonical?: string; means: string }
  | { ok: false };

const TRUE_STRINGS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_STRINGS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/**
 * Rust's `str::trim` (Unicode White_Space), which pydantic-core applies to a numeric string: unlike
 * JavaScript's trim it strips U+0085 and keeps U+FEFF. A loop, not a regex: linear on any input.
 */
export function rustTrim(s: string): string {
  const ws = isWhiteSpaceCode; // Unicode White_Space, as Rust's char::is_whitespace
  let a = 0;
  let b = s.length;
  while (a < b && ws(s.charCodeAt(a))) a++;
  while (b > a && ws(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/**
 * What Rust's `f64::from_str` accepts (core::num::dec2flt, the grammar in its docs), case-insensitive:
 * `5`, `5.`, `.5`, `1e5`, `inf`, `Infinity`, `NaN`, each with an optional sign; no whitespace, no
 * underscores, no hex. `\d+(\.\d*)?` rather than `\d+\.?\d*` so a long digit run cannot backtrack.
 */
const RUST_FLOAT = /^[+-]?(inf|infinity|nan|(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?)$/i;

/** pydantic-core `strip_underscores` (src/input/shared.rs): none leading, trailing or doubled. */
function stripUnderscores(s: string): string | undefined {
  if (s.startsWith('_') || s.endsWith('_') || !s.includes('_') || s.includes('__')) return undefined;
  return s.replace(/_/g, '');
}

/**
 * A string in a float field, read as pydantic-core's `str_as_float` (src/input/shared.rs, v2.33–2.41,
 * what pydantic 2.11/2.12 — Flujo 0.6.11's range — ship): Rust's parse of the trimmed text, else of the
 * text without underscores (NOT trimmed: `" 1_000"` fails). Returns the text Rust parses, or undefined
 * when pydantic rejects the string (`float_parsing`). `"inf"`, `"Infinity"`, `"NaN"` are accepted.
 */
export function pydanticFloatText(s: string): string | undefined {
  const t = rustTrim(s);
  if (RUST_FLOAT.test(t)) return t;
  const u = stripUnderscores(s);
  return u !== undefined && RUST_FLOAT.test(u) ? u : undefined;
}

/** CPython's `sys.int_info.default_max_str_digits` (gh-95778, CVE-2020-10735: since 3.11, so in every tomllib). */
export const PYTHON_MAX_STR_DIGITS = 4300;

/**
 * A string in an int field, read as pydantic-core's `str_as_int` + `clean_int_str` (src/input/shared.rs):
 * trimmed, one `+` or `-`, leading zeros (underscores among them) dropped, a `.0…` tail dropped, then
 * single underscores; `"5.0"` is 5, `"5."`, `"5e3"` and `"1__0"` are rejected. At most 4,300 digits (jiter's
 * and CPython's int-from-text bound). The integer, or undefined when pydantic rejects it.
 */
export function pydanticIntString(str: string): bigint | undefined {
  let s = rustTrim(str);
  let negative = false;
  if (s.startsWith('+')) {
    if (s[1] === '-') return undefined;
    s = s.slice(1);
  }
  if (s.startsWith('-')) {
    if (s[1] === '-' || s[1] === '+') return undefined;
    negative = true;
    s = s.slice(1);
  }
  // strip_leading_zeros: "0_07" → "7", "00.0" → "0.0", "000" → "0"; anything but a digit first fails.
  if (!/^[0-9]/.test(s)) return undefined;
  if (s[0] === '0') {
    const m = /^0[0_]*/.exec(s)!;
    const rest = s.slice(m[0].length);
    if (rest === '') s = s.slice(-1);
    else if (/^[1-9-]/.test(rest)) s = rest;
    else if (rest[0] === '.') s = s.slice(m[0].length - 1);
    else return undefined;
  }
  const dot = s.indexOf('.');
  if (dot >= 0 && /^0+$/.test(s.slice(dot + 1))) s = s.slice(0, dot);
  s = (negative ? '-' : '') + (stripUnderscores(s) ?? s);
  // jiter's NumberInt: JSON's integer grammar ("0-5" reaches here as "-5" and is -5, as in pydantic-core).
  if (!/^-?(0|[1-9]\d*)$/.test(s) || s.length - (negative ? 1 : 0) > PYTHON_MAX_STR_DIGITS) return undefined;
  return BigInt(s);
}

function decimalOfString(s: string): Decimal | undefined {
  const t = pydanticFloatText(s);
  if (t === undefined || /[in]/i.test(t) || pythonFloatOf(t) !== 'finite') return undefined;
  return Decimal.tryParse(t, MONEY_LIMITS);
}

/** A float as Python prints it when whole (`5.0`), else its decimal text. */
export function floatLiteral(d: Decimal): string {
  const s = d.toString();
  return s.includes('.') ? s : `${s}.0`;
}

/** The number Flujo reads for a float field (numbers, numeric strings, booleans), exactly. */
export function laxNumber(v: ValueNode): Decimal | undefined {
  if (v.kind === 'integer' || v.kind === 'float') return tomlNumber(v);
  if (v.kind === 'boolean') return Decimal.fromInteger(v.text === 'true' ? 1 : 0);
  if (v.kind === 'string') return decimalOfString(v.string ?? '');
  return undefined;
}

/** The boolean Flujo reads for a bool field, if it accepts the value. */
export function laxBoolean(v: ValueNode): boolean | undefined {
  if (v.kind === 'boolean') return v.text === 'true';
  if (v.kind === 'integer' || v.kind === 'float') {
    const d = tomlNumber(v);
    if (d?.isZero()) return false;
    if (d && d.compare(Decimal.fromInteger(1)) === 0) return true;
    return undefined;
  }
  if (v.kind === 'string') {
    const s = (v.string ?? '').toLowerCase(); // pydantic-core str_as_bool: ASCII case-insensitive, not trimmed
    if (TRUE_STRINGS.has(s)) return true;
    if (FALSE_STRINGS.has(s)) return false;
  }
  return undefined;
}

function readScalar(type: 'string' | 'boolean' | 'number' | 'integer', v: ValueNode): LaxRead {
  switch (type) {
    case 'string':
      return v.kind === 'string' ? { ok: true, exact: true } : { ok: false };
    case 'boolean': {
      if (v.kind === 'boolean') return { ok: true, exact: true };
      const b = laxBoolean(v);
      return b === undefined ? { ok: false } : { ok: true, exact: false, canonical: String(b), means: String(b) };
    }
    case 'number': {
      // pydantic accepts any float, inf and nan included; an absurd one is reported as absurd-value.
      if (v.kind === 'integer' || v.kind === 'float') return tomlNumber(v) || absurdNumber(v) ? { ok: true, exact: true } : { ok: false };
      const d = laxNumber(v);
      if (d) return { ok: true, exact: false, canonical: floatLiteral(d), means: floatLiteral(d) };
      return absurdNumber(v, true) ? { ok: true, exact: true } : { ok: false };
    }
    case 'integer': {
      if (v.kind === 'integer') return { ok: true, exact: true };
      if (v.kind === 'string') {
        const n = pydanticIntString(v.string ?? '');
        return n === undefined ? { ok: false } : { ok: true, exact: false, canonical: String(n), means: String(n) };
      }
      if (v.kind === 'float') {
        // float_as_int on the double tomllib made: finite, no fractional part, strictly inside ±2^63.
        const f = pythonFloatValue(v.text);
        if (!Number.isFinite(f) || f % 1 !== 0 || Math.abs(f) >= 2 ** 63) return { ok: false };
        const text = BigInt(f).toString();
        return { ok: true, exact: false, canonical: text, means: text };
      }
      const d = v.kind === 'boolean' ? laxNumber(v) : undefined;
      if (!d) return { ok: false };
      return { ok: true, exact: false, canonical: d.toString(), means: d.toString() };
    }
  }
}

/** How Flujo's pydantic model reads `v` for a key of type `spec.type`. */
export function laxRead(spec: KeySpec | KeyType, v: ValueNode): LaxRead {
  const type = typeof spec === 'string' ? spec : spec.type;
  if (type === 'table') return v.kind === 'inline-table' ? { ok: true, exact: true } : { ok: false };
  if (type === 'string-array' || type === 'number-array') {
    if (v.kind !== 'array') return { ok: false };
    const reads = (v.items ?? []).map((item) => readScalar(type === 'string-array' ? 'string' : 'number', item));
    if (reads.some((r) => !r.ok)) return { ok: false };
    return reads.every((r) => r.ok && r.exact) ? { ok: true, exact: true } : { ok: true, exact: false, means: 'numbers' };
  }
  return readScalar(type, v);
}

/** Accepted as written (no conversion). */
export function typeOk(spec: KeySpec, v: ValueNode): boolean {
  const r = laxRead(spec, v);
  return r.ok && r.exact;
}
