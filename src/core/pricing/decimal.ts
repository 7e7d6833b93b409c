// Exact decimal arithmetic for money: a BigInt of digits and a power-of-ten scale.
// Prices arrive as decimal text (TOML, JSON, settings) and costs are products and sums of them,
// so every value we compute is a finite decimal: no float drift, no truncation of tiny costs.

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^([+-])?\.(\d+)(?:[eE]([+-]?\d+))?$/;

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

  /** Parses decimal text such as "0.15", "-2", "1.5e-7". Throws RangeError on anything else. */
  static parse(text: string): Decimal {
    const m = DECIMAL_TEXT.exec(text.trim().replace(/_/g, ''));
    if (!m) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
    const sign = m[1] ?? m[5] ?? '';
    const whole = m[2] ?? '0';
    const frac = m[3] ?? m[6] ?? '';
    const exp = Number(m[4] ?? m[7] ?? '0');
    let digits = BigInt(whole + frac);
    let scale = frac.length - exp;
    if (scale < 0) {
      digits *= 10n ** BigInt(-scale);
      scale = 0;
    }
    return Decimal.of(sign === '-' ? -digits : digits, scale);
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
