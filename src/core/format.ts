// How every surface writes money and signed percentages (CodeLens, hover, status bar, comparison
// panel, Runs/Budgets views, CLI tables). One rule, so the same number never reads differently in two
// places. Pure string arithmetic on exact decimal text: no float rounding, no Decimal import, so the
// webview bundle can use it too. Exact values stay available where they matter (tooltips, JSON, CSV).

/** The minus sign of every signed figure we display (U+2212, as wide as "+"). */
export const MINUS = '\u2212';

/** Significant digits shown for amounts below $1. */
export const USD_SIGNIFICANT_DIGITS = 3;

/**
 * Money for display: below $1, three significant digits (`$0.0123`, `$0.00818`, `$0.0100` for
 * 0.0100339), an exact shorter amount as written (`$0.003`, `$0.50`); from $1 on, cents with grouping
 * (`$14.72`, `$196.20`, `$1,234.57`). Rounds half away
 * from zero on the exact decimal text. `value` is exact decimal text (`Decimal.toString()`) or a
 * Decimal-like object; `≈` marks approximate token counts.
 */
export function formatUsd(value: string | { toString(): string }, approximate = false): string {
  const text = String(value).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  const prefix = approximate ? '≈' : '';
  if (!m || (m[2] === '' && !m[3])) return `${prefix}$${text}`; // not a plain decimal: show as is
  const negative = m[1] === '-';
  const digits = (m[2] || '0').replace(/^0+(?=\d)/, '');
  const frac = m[3] ?? '';
  if (/^0*$/.test(digits + frac)) return `${prefix}$0`;
  let places: number;
  if (digits !== '0') places = 2;
  else {
    const firstNonZero = frac.search(/[1-9]/);
    places = firstNonZero + USD_SIGNIFICANT_DIGITS;
  }
  const exact = /^0*$/.test(frac.slice(places));
  let [int, f] = roundDecimal(digits, frac, places);
  if (int !== '0' && places > 2)
    [int, f] = roundDecimal(int, f, 2); // 0.9996 rounded up to 1.000 → $1.00
  else if (int === '0' && f.search(/[1-9]/) < places - USD_SIGNIFICANT_DIGITS)
    f = f.slice(0, -1); // 0.000999999 → 0.00100
  // An exact amount shows its own digits ($0.003, $0.50); a rounded one keeps three significant digits,
  // zeros included ($0.0100 for 0.0100339), so it never looks shorter than its neighbours.
  else if (int === '0' && exact) f = f.replace(/0+$/, '').padEnd(2, '0');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${prefix}${negative ? MINUS : ''}$${grouped}.${f}`;
}

/** Rounds `int.frac` to `places` decimals, half away from zero; returns [int, frac padded to places]. */
function roundDecimal(int: string, frac: string, places: number): [string, string] {
  const padded = frac.padEnd(places, '0');
  let n = BigInt(int + padded.slice(0, places));
  if (padded.length > places && padded.charCodeAt(places) >= 53 /* '5' */) n += 1n;
  const s = n.toString().padStart(places + 1, '0');
  return [s.slice(0, s.length - places), s.slice(s.length - places)];
}

/** A signed percentage with one decimal: `+12.5 %`, `−3.0 %`, `±0 %` (one minus sign everywhere). */
export function formatSignedPercent(pct: number | undefined): string {
  if (pct === undefined || !Number.isFinite(pct)) return '';
  const r = Math.round(pct * 10) / 10;
  if (r === 0) return '±0 %';
  return `${r > 0 ? '+' : MINUS}${Math.abs(r).toFixed(1)} %`;
}

/** A duration for reading: `0.4 s`, `14.2 s`, `31 min 36 s`, `2 h 05 min` (long Flujo runs stay legible). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(s).padStart(2, '0')} s`;
}

/** A count for reading: `1,234`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

const BYTE_UNITS: readonly [number, string][] = [
  [1024 ** 3, 'GB'],
  [1024 ** 2, 'MB'],
  [1024, 'KB'],
];

/** A size in messages: `16 MB`, `512 KB`, `5.7 MB`, `1.1 GB`, `100 bytes` (whole units without a decimal). */
export function formatBytes(n: number): string {
  for (const [size, unit] of BYTE_UNITS) {
    if (n < size) continue;
    const v = n / size;
    return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
  }
  return `${n} bytes`;
}
