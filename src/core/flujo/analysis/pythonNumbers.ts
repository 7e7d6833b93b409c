// Python's own float() and int() of a value, as Flujo's estimators read [cost.estimators.<p>.<m>] and
// [cost.historical.<p>.<m>]: `float(c or 0.0)` / `int(t or 0)` (flujo/application/core/runtime/estimation.py:110
// and :252, Flujo v0.6.11), inside `try/except Exception` — a failure skips that estimate. Not pydantic: no
// `str_as_float`/`clean_int_str` here, so `" 1_000"` is 1000.0 (pydantic refuses it) and `"1_.5"` fails.
// The rules are CPython's (3.11–3.13):
// - Objects/unicodeobject.c _PyUnicode_TransformDecimalAndSpaceToASCII: in a non-ASCII string every Unicode
//   decimal digit (category Nd) becomes its ASCII digit and every Unicode space (str.isspace) a ' '; any other
//   character from U+007F up ends the string (an error follows).
// - Python/pystrtod.c _Py_string_to_number_with_underscores (float()): an underscore only between two digits
//   (PEP 515), checked on the whole text; then Objects/floatobject.c float_from_string_inner strips
//   Py_ISSPACE (ASCII " \t\n\v\f\r" only: U+001C–U+001F are spaces to str.isspace but not here) and
//   PyOS_string_to_double reads a decimal (`1.`, `.5`, `1e5`) or `inf`/`infinity`/`nan` in any case, signed.
// - Objects/longobject.c PyLong_FromString (int(), base 10): spaces, a sign, digits with single underscores
//   between them, spaces; at most 4,300 digits (sys.int_info.default_max_str_digits).
// The runtime's Unicode tables stand for Python's (Node 20: Unicode 15, as Python 3.12).
import { Decimal, MONEY_LIMITS } from '../../pricing/decimal';
import type { ValueNode } from '../scanner';
import { type LaxRead, PYTHON_MAX_STR_DIGITS, floatLiteral } from './values';

/** Python's str.isspace() above U+007E (U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000). */
const UNICODE_SPACE = /^[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
const DECIMAL_DIGIT = /^\p{Nd}$/u;
/** Py_ISSPACE: what float() and int() strip (ASCII only). */
const PY_ISSPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
const PYTHON_FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;
const PYTHON_INT = /^[+-]?\d+(?:_\d+)*$/;

/** The value of a Unicode decimal digit: Nd digits come in runs of ten, 0 to 9 (Unicode's stability policy). */
function digitValue(cp: number): number {
  let start = cp;
  while (start > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** _PyUnicode_TransformDecimalAndSpaceToASCII; undefined where CPython cuts the text (then it cannot parse). */
function toAscii(s: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s; // an ASCII string is used as is (U+007F included)
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x7f) out += ch;
    else if (UNICODE_SPACE.test(ch)) out += ' ';
    else if (DECIMAL_DIGIT.test(ch)) out += String(digitValue(cp));
    else return undefined;
  }
  return out;
}

/** _Py_string_to_number_with_underscores: underscores only between digits; none when there are none. */
function withoutUnderscores(s: string): string | undefined {
  if (!s.includes('_')) return s;
  let out = '';
  let prev = '';
  for (const c of s) {
    const digit = c >= '0' && c <= '9';
    if (c === '_') {
      if (!(prev >= '0' && prev <= '9')) return undefined;
    } else {
      if (prev === '_' && !digit) return undefined;
      out += c;
    }
    prev = c;
  }
  return prev === '_' ? undefined : out;
}

/**
 * Python's `float(s)` of a string: the text JavaScript's Number() reads as the same double (both round
 * correctly; `inf`/`nan` spelled as Number reads them), or undefined where Python raises ValueError.
 */
export function pythonFloatString(s: string): string | undefined {
  if (s.includes('\0')) return undefined;
  const ascii = toAscii(s);
  const bare = ascii === undefined ? undefined : withoutUnderscores(ascii)?.replace(PY_ISSPACE, '');
  if (bare === undefined || !PYTHON_FLOAT.test(bare)) return undefined;
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(bare);
  if (special) return special[2].toLowerCase() === 'nan' ? 'NaN' : `${special[1] === '-' ? '-' : ''}Infinity`;
  return bare;
}

/** Python's `int(s)` of a string (base 10), or undefined where Python raises ValueError. */
export function pythonIntString(s: string): bigint | undefined {
  if (s.includes('\0')) return undefined;
  const bare = toAscii(s)?.replace(PY_ISSPACE, '');
  if (bare === undefined || !PYTHON_INT.test(bare)) return undefined;
  const digits = bare.replace(/[^0-9]/g, '');
  if (digits.length > PYTHON_MAX_STR_DIGITS) return undefined;
  return BigInt((bare.startsWith('-') ? '-' : '') + digits);
}

/** How an estimator reads a value: the LaxRead the reports take, and the number Flujo ends up with. */
export type EstimatorRead = LaxRead & { value?: Decimal };

/** A double's value as an exact decimal (Number's shortest text), or undefined for inf/nan. */
function decimalOfDouble(text: string): Decimal | undefined {
  const n = Number(text);
  if (!Number.isFinite(n)) return undefined;
  return Decimal.tryParse(text, MONEY_LIMITS) ?? Decimal.fromNumber(n);
}

/**
 * `float(v or 0.0)` (type 'number') or `int(v or 0)` (type 'integer') of a TOML value, as estimation.py does it:
 * a falsy value ("", 0, false, [], {}) is the default 0; a non-empty array, table or a date-time is a TypeError
 * and a string Python cannot read a ValueError (both: the estimate is skipped, `ok: false`).
 */
export function estimatorRead(type: 'number' | 'integer', v: ValueNode): EstimatorRead {
  const zero = {
    ok: true as const,
    exact: false as const,
    canonical: type === 'number' ? '0.0' : '0',
    means: type === 'number' ? '0.0' : '0',
  };
  const emptyish =
    (v.kind === 'string' && v.string === '') ||
    ((v.kind === 'array' || v.kind === 'inline-table') && !(v.items?.length || v.entries?.length));
  if (emptyish || (v.kind === 'boolean' && v.text === 'false')) return { ...zero, value: Decimal.ZERO };
  if (v.kind === 'boolean')
    return {
      ok: true,
      exact: false,
      canonical: type === 'number' ? '1.0' : '1',
      means: type === 'number' ? '1.0' : '1',
      value: Decimal.fromInteger(1),
    };
  if (v.kind === 'string') {
    const s = v.string ?? '';
    if (type === 'integer') {
      const n = pythonIntString(s);
      return n === undefined
        ? { ok: false }
        : { ok: true, exact: false, canonical: String(n), means: String(n), value: Decimal.fromInteger(n) };
    }
    const f = pythonFloatString(s);
    if (f === undefined) return { ok: false };
    const d = decimalOfDouble(f);
    const literal = d ? floatLiteral(d) : f === 'NaN' ? 'nan' : f === 'Infinity' ? 'inf' : '-inf';
    return { ok: true, exact: false, canonical: literal, means: literal, value: d };
  }
  if (v.kind === 'integer' || v.kind === 'float') {
    const text = v.text.replace(/_/g, '');
    const special = /^([+-]?)(inf|nan)$/.exec(text);
    const n = special ? (special[2] === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity) : Number(text);
    if (type === 'number') {
      // float() of a tomllib int past a double's range raises OverflowError; a float is kept (inf and nan too).
      if (v.kind === 'integer' && !Number.isFinite(n)) return { ok: false };
      return { ok: true, exact: true, value: Number.isFinite(n) ? decimalOfDouble(String(n)) : undefined };
    }
    if (v.kind === 'integer') return { ok: true, exact: true, value: Decimal.fromInteger(BigInt(text)) };
    // int() of a float truncates toward zero; inf raises OverflowError, nan ValueError.
    if (!Number.isFinite(n)) return { ok: false };
    const t = BigInt(Math.trunc(n));
    return n === 0
      ? { ok: true, exact: true, value: Decimal.ZERO }
      : { ok: true, exact: false, canonical: String(t), means: String(t), value: Decimal.fromInteger(t) };
  }
  return { ok: false };
}
