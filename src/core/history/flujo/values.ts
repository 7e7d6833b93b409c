// Value readers for Flujo state rows: every column value goes through one of these, so a NULL is
// "unknown" (never 0 or $0), junk or an absurd value is unknown with a located warning, and money stays exact.
import { AbsurdNumberError, Decimal, MONEY_LIMITS } from '../../pricing/decimal';
import { shownValue } from '../../untrustedText';

// What a value from the database may be before it is "absurd": Flujo writes times as ISO text, costs in
// USD per step, token counts and latencies of one pipeline step. Out of range → the value is dropped
// (unknown) with a located warning; the rest of the row is still imported.
export const MIN_TIME_MS = Date.UTC(1970, 0, 1);
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
export const MAX_TOKENS = 1e15; // far beyond any run, still an exact integer
export const MAX_MS = 1e12; // ~31 years
export const MAX_COST = Decimal.fromInteger(1_000_000_000); // USD per step or run
export const MAX_ID_CHARS = 1000;
export const MAX_TEXT_CHARS = 10_000; // error messages and names are cut there
/** A step history beyond this is not parsed (its JSON objects would take several times that in memory). */
export const MAX_STEP_HISTORY_CHARS = 64 * 1024 * 1024;
/** Located problems listed one by one; beyond this, one line says how many more. */
export const MAX_ROW_WARNINGS = 20;

/** Collects located row problems ("runs rowid 7 (run r-1), created_at: …"), capped. */
export class RowWarnings {
  private shown = 0;
  private more = 0;
  constructor(private readonly out: string[]) {}
  add(where: string, message: string): void {
    if (this.shown < MAX_ROW_WARNINGS) {
      this.out.push(`${where}: ${message}`);
      this.shown++;
    } else this.more++;
  }
  /** Problems counted but not listed (a caller that kept only the first few). */
  addUncounted(n: number): void {
    this.more += n;
  }
  finish(): void {
    if (this.more)
      this.out.push(`… and ${this.more.toLocaleString('en-US')} more value(s) out of range or unreadable (dropped the same way)`);
  }
}
/** A text value: SQLite text, blob or number, or a JSON scalar; an object or array is not one (undefined). */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return undefined; // null, objects ({"toString": 0} would even throw in String())
}

export function clip(s: string | undefined, max = MAX_TEXT_CHARS): string | undefined {
  return s !== undefined && s.length > max ? `${s.slice(0, max)}…` : s;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() && v.length < 40 && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export const preview = (v: unknown): string => (v instanceof Uint8Array ? `<${v.length} bytes>` : shownValue(v, 60));

/** Reports a value that is present but unusable; NULL/missing is silently unknown. */
export type Problem = (column: string, value: unknown, why: string) => void;

/** A float from Python/SQLite as exact money: through its shortest round-trip text; NULL is unknown, junk or absurd is unknown with a warning. */
export function money(v: unknown, problem: Problem, column: string): Decimal | undefined {
  if (v === null || v === undefined) return undefined;
  let d: Decimal | undefined;
  try {
    if (typeof v === 'number') d = Decimal.fromNumber(v);
    else if (typeof v === 'string' && v.trim()) d = Decimal.parse(v.trim(), MONEY_LIMITS);
  } catch (err) {
    if (err instanceof AbsurdNumberError) {
      problem(column, v, `an absurd value (${err.reason})`);
      return undefined;
    }
    d = undefined;
  }
  if (d === undefined) problem(column, v, 'not a decimal number');
  else if (d.isNegative()) problem(column, v, 'a negative cost');
  else if (d.compare(MAX_COST) > 0) problem(column, v, 'an absurd value (over $1,000,000,000)');
  else return d;
  return undefined;
}

export function count(v: unknown, problem: Problem, column: string): number | undefined {
  const n = num(v);
  if (n === undefined) return undefined;
  if (n < 0 || n > MAX_TOKENS) {
    problem(column, v, 'out of range');
    return undefined;
  }
  return Math.round(n);
}

/** Token counts: a number, or a {prompt_tokens, completion_tokens}-style dict; NULL/missing is unknown, never 0. */
export function tokens(v: unknown, problem: Problem, column: string): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'object' && !(v instanceof Uint8Array)) {
    // Some agents report {prompt_tokens, completion_tokens}-style dicts: sum what is numeric,
    // except an explicit total, which wins.
    const o = v as Record<string, unknown>;
    const total = num(o.total) ?? num(o.total_tokens);
    if (total !== undefined) return count(total, problem, column);
    let sum = 0;
    let any = false;
    for (const x of Object.values(o)) {
      const n = num(x);
      if (n === undefined) continue;
      any = true;
      sum += n;
    }
    return any ? count(sum, problem, column) : undefined;
  }
  const n = num(v);
  if (n === undefined) {
    problem(column, v, 'not a number');
    return undefined;
  }
  return count(n, problem, column);
}

export function duration(v: unknown, problem: Problem, column: string, unitMs: number): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = num(v);
  if (n === undefined || n < 0 || n * unitMs > MAX_MS) {
    problem(column, v, n === undefined ? 'not a number' : 'out of range');
    return undefined;
  }
  return Math.round(n * unitMs);
}

/**
 * Flujo timestamps (`2025-01-02T03:04:05.123456+00:00`, `2025-01-02 03:04:05`, epoch seconds or ms) →
 * ISO UTC; undefined for anything unreadable or outside years 1970–9999.
 */
export function flujoTime(v: unknown): string | undefined {
  let ms: number;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    ms = v > 1e12 ? v : v * 1000;
  } else {
    const s = str(v)?.trim();
    if (!s || s.length > 64) return undefined;
    let t = s.replace(' ', 'T');
    // Python gives microseconds; Date.parse wants at most milliseconds.
    t = t.replace(/(\.\d{3})\d+/, '$1');
    t = t.replace(/([+-]\d\d)$/, '$1:00'); // PostgreSQL writes a whole-hour offset as `+00`
    if (!/(Z|[+-]\d\d:?\d\d)$/i.test(t) && /T\d/.test(t)) t += 'Z'; // naive → UTC
    ms = Date.parse(t);
  }
  if (Number.isNaN(ms) || ms < MIN_TIME_MS || ms > MAX_TIME_MS) return undefined;
  return new Date(ms).toISOString();
}

export function time(v: unknown, problem: Problem, column: string): string | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const t = flujoTime(v);
  if (t === undefined) problem(column, v, 'not a time between 1970 and 9999');
  return t;
}
