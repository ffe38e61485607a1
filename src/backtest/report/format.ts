/** Number formatting shared by the terminal summary and the HTML report. Null reads as "–". */

const DASH = '–';

export function pct(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? DASH : `${(x * 100).toFixed(digits)} %`;
}

/** Thousands separators in a string of digits. */
const THOUSANDS = /\B(?=(\d{3})+$)/g;

/**
 * Two decimals with thousands separators, as en-US prints money, rounding half up on the number's
 * shortest decimal form as ICU does (1.005 → 1.01, where toFixed reads 1.00499… → 1.00). By hand,
 * because the first toLocaleString in a process loads ICU's number formatting (~10 ms of every
 * `brain backtest`).
 */
export function money(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return DASH;
  const sign = x < 0 ? '-' : '';
  const [whole, cents] = twoDecimals(Math.abs(x)).split('.');
  return `${sign}$${whole!.replace(THOUSANDS, ',')}.${cents}`;
}

function twoDecimals(abs: number): string {
  const shortest = String(abs);
  // Exponent forms: below 1e-6, which is 0.00, and from 1e21 on, which no account holds.
  if (shortest.includes('e')) return abs < 1 ? '0.00' : abs.toLocaleString('en-US', { minimumFractionDigits: 2, useGrouping: false });
  const [whole, fraction = ''] = shortest.split('.');
  if (fraction.length <= 2) return `${whole}.${fraction.padEnd(2, '0')}`;
  const cents = (BigInt(whole! + fraction.slice(0, 2)) + (fraction[2]! >= '5' ? 1n : 0n)).toString().padStart(3, '0');
  return `${cents.slice(0, -2)}.${cents.slice(-2)}`;
}

export function num(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? DASH : x.toFixed(digits);
}

/** Up to `digits` decimals, trailing zeros dropped: 8, 0.018, 25.01. */
export function plain(x: number | null, digits = 4): string {
  return x === null || !Number.isFinite(x) ? DASH : String(Number(x.toFixed(digits)));
}

export function duration(ms: number): string {
  if (!(ms > 0)) return '0m';
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m || (!d && !h) ? `${m}m` : ''].filter(Boolean).join(' ');
}

export function isoDate(ms: number | null): string {
  return ms === null ? DASH : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
