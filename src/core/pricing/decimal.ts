// Exact decimal arithmetic for money: a BigInt of digits and a power-of-ten scale.
// Prices arrive as decimal text (TOML, JSON, settings) and costs are products and sums of them,
// so every value we compute is a finite decimal: no float drift, no truncation of tiny costs.

//
// Decimal text comes from files and servers, so parsing is bounded: "1e999999999" would otherwise
// build a BigInt of a billion digits (minutes, gigabytes) and "1e-999999999" a string no engine can
// hold. Every parse checks the significant digits and the magnitude against limits first, in time
// linear in the text, and throws AbsurdNumberError (a RangeError) past them.

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^([+-])?\.(\d+)(?:[eE]([+-]?\d+))?$/;

export interface DecimalLimits {
  /** Most significant digits (leading and trailing zeros of the digit string not counted). */
  maxSignificantDigits: number;
  /** Largest decimal exponent of the leading digit (1e308 → 308). */
  maxExponent: number;
  /** Smallest decimal exponent of the leading digit (1.5e-7 → -7). */
  minExponent: number;
}

/**
 * What any decimal text may hold (ledger lines, caches, settings): far past any amount of money and
 * past every value computed from MONEY_LIMITS inputs (price × tokens × requests), still microseconds.
 */
export const DECIMAL_LIMITS: Readonly<DecimalLimits> = { maxSignificantDigits: 400, maxExponent: 1000, minExponent: -1000 };

/**
 * Money written by people or sent by servers (prices, budgets, costs): what a finite IEEE double can
 * hold — Python's float() and JSON.parse turn anything larger into inf and anything smaller than
 * ~2.5e-324 into 0.0 — with at most 100 significant digits (a double keeps 17).
 */
export const MONEY_LIMITS: Readonly<DecimalLimits> = { maxSignificantDigits: 100, maxExponent: 308, minExponent: -324 };

/** Well-formed decimal text outside the limits: the documented error of every bounded parse. */
export class AbsurdNumberError extends RangeError {
  constructor(
    /** Why, for messages: "exponent 999999999 is beyond 10^308". */
    readonly reason: string,
    /** The text, shortened for messages. */
    readonly preview: string,
  ) {
    super(`absurd value ${preview}: ${reason}`);
    this.name = 'AbsurdNumberError';
  }
}

/** Text for a message: at most ~40 characters, so a megabyte of digits never reaches a log line. */
export function previewNumber(text: string): string {
  const t = text.trim();
  return t.length <= 40 ? t : `${t.slice(0, 24)}…${t.slice(-12)} (${t.length} characters)`;
}

/** Exponent text → number without ever parsing more than 12 digits; Infinity when longer. */
function exponentOf(text: string | undefined): number {
  if (!text) return 0;
  const negative = text[0] === '-';
  const digits = text.replace(/^[+-]/, '').replace(/^0+(?=\d)/, '');
  if (digits.length > 12) return negative ? -Infinity : Infinity;
  return negative ? -Number(digits) : Number(digits);
}

export class Decimal {
  /** value = digits / 10^scale, scale >= 0, kept normalised (no trailing zero digits when scale > 0). */
  private constructor(
    readonly digits: bigint,
    readonly scale: number,
  ) {}

  static readonly ZERO = new Decimal(0n, 0);

  private static of(digits: bigint, scale: number): Decimal {
    while (scale > 0 && digits % 10n === 0n) {
      digits /= 10n;
      scale--;
    }
    return new Decimal(digits, scale);
  }

  static fromInteger(n: number | bigint): Decimal {
    if (typeof n === 'number' && !Number.isSafeInteger(n)) throw new RangeError(`not a safe integer: ${n}`);
    return new Decimal(BigInt(n), 0);
  }

  /**
   * Parses decimal text such as "0.15", "-2", "1.5e-7" (underscores between digits allowed). Throws
   * RangeError on anything else, AbsurdNumberError (a RangeError) past `limits`. Zero with any
   * exponent is zero. Time is linear in the text; nothing is built before the checks pass.
   */
  static parse(text: string, limits: Readonly<DecimalLimits> = DECIMAL_LIMITS): Decimal {
    const m = DECIMAL_TEXT.exec(text.trim().replace(/_/g, ''));
    if (!m) throw new RangeError(`not a decimal number: ${JSON.stringify(previewNumber(text))}`);
    const sign = m[1] ?? m[5] ?? '';
    const whole = m[2] ?? '0';
    const frac = m[3] ?? m[6] ?? '';
    const all = whole + frac;
    const lead = all.search(/[1-9]/);
    if (lead < 0) return Decimal.ZERO;
    let end = all.length;
    while (all.charCodeAt(end - 1) === 48 /* '0' */) end--;
    const significant = end - lead;
    const exp = exponentOf(m[4] ?? m[7]);
    // Exponent of the leading digit: its position relative to the decimal point, plus the written exponent.
    const leading = whole.length - 1 - lead + exp;
    if (significant > limits.maxSignificantDigits)
      throw new AbsurdNumberError(`${significant} significant digits (at most ${limits.maxSignificantDigits})`, previewNumber(text));
    if (leading > limits.maxExponent)
      throw new AbsurdNumberError(
        `beyond 10^${limits.maxExponent} (exponent ${Number.isFinite(leading) ? leading : 'too large'})`,
        previewNumber(text),
      );
    if (leading < limits.minExponent)
      throw new AbsurdNumberError(
        `below 10^${limits.minExponent} (exponent ${Number.isFinite(leading) ? leading : 'too small'})`,
        previewNumber(text),
      );
    // Only the significant digits: trailing zeros become a smaller scale (bounded by the exponent limits).
    let digits = BigInt(all.slice(lead, end));
    let scale = frac.length - exp - (all.length - end);
    if (scale < 0) {
      digits *= 10n ** BigInt(-scale);
      scale = 0;
    }
    return Decimal.of(sign === '-' ? -digits : digits, scale);
  }

  /** Like parse, but undefined instead of throwing (any RangeError). */
  static tryParse(text: string, limits: Readonly<DecimalLimits> = DECIMAL_LIMITS): Decimal | undefined {
    try {
      return Decimal.parse(text, limits);
    } catch (err) {
      if (err instanceof RangeError) return undefined;
      throw err;
    }
  }

  /**
   * From a JS number, through its shortest round-trip text (what the user wrote in JSON/TOML,
   * e.g. 0.15 stays 0.15, not 0.1499999...). Prefer parse() on the source text when available.
   */
  static fromNumber(n: number): Decimal {
    if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
    return Decimal.parse(String(n));
  }

  plus(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return Decimal.of(this.scaledTo(scale) + other.scaledTo(scale), scale);
  }

  minus(other: Decimal): Decimal {
    return this.plus(other.negate());
  }

  negate(): Decimal {
    return new Decimal(-this.digits, this.scale);
  }

  times(other: Decimal | number | bigint): Decimal {
    const o = other instanceof Decimal ? other : Decimal.fromInteger(other);
    return Decimal.of(this.digits * o.digits, this.scale + o.scale);
  }

  /** Exact division by a power of ten (per-1K and per-1M prices). */
  shiftLeft(powerOfTen: number): Decimal {
    return Decimal.of(this.digits, this.scale + powerOfTen);
  }

  static sum(values: Iterable<Decimal>): Decimal {
    let total = Decimal.ZERO;
    for (const v of values) total = total.plus(v);
    return total;
  }

  compare(other: Decimal): number {
    const scale = Math.max(this.scale, other.scale);
    const a = this.scaledTo(scale);
    const b = other.scaledTo(scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  isZero(): boolean {
    return this.digits === 0n;
  }

  isNegative(): boolean {
    return this.digits < 0n;
  }

  /** Ratio as a float, for percentages and bar widths only; never for money. */
  toNumber(): number {
    return Number(this.toString());
  }

  /** Exact text, no exponent, no trailing zeros: "0.00000015", "12", "-0.5". */
  toString(): string {
    const negative = this.digits < 0n;
    let s = (negative ? -this.digits : this.digits).toString();
    if (this.scale > 0) {
      s = s.padStart(this.scale + 1, '0');
      s = `${s.slice(0, s.length - this.scale)}.${s.slice(s.length - this.scale)}`;
    }
    return negative ? `-${s}` : s;
  }

  /** Rounded (half away from zero) to `places` decimals, for display only. */
  toFixed(places: number): string {
    if (places >= this.scale) {
      const s = this.toString();
      const [w, f = ''] = s.split('.');
      return places === 0 ? w : `${w}.${f.padEnd(places, '0')}`;
    }
    const drop = 10n ** BigInt(this.scale - places);
    const negative = this.digits < 0n;
    const abs = negative ? -this.digits : this.digits;
    let q = abs / drop;
    if ((abs % drop) * 2n >= drop) q += 1n;
    return new Decimal(negative ? -q : q, places).toStringPadded(places);
  }

  private toStringPadded(places: number): string {
    const negative = this.digits < 0n;
    let s = (negative ? -this.digits : this.digits).toString();
    if (places > 0) {
      s = s.padStart(places + 1, '0');
      s = `${s.slice(0, s.length - places)}.${s.slice(s.length - places)}`;
    }
    return negative && /[1-9]/.test(s) ? `-${s}` : s;
  }

  private scaledTo(scale: number): bigint {
    return this.digits * 10n ** BigInt(scale - this.scale);
  }
}
