/** Number formatting shared by the terminal summary and the HTML report. Null reads as "–". */

const DASH = '–';

export function pct(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? DASH : `${(x * 100).toFixed(digits)} %`;
}

export function money(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return DASH;
  const sign = x < 0 ? '-' : '';
  return `${sign}$${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
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
