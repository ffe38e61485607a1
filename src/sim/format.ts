/**
 * Wire formatting shared by REST (string numerics, float seconds) and WS v2 (numbers, RFC3339).
 * Internally the simulator keeps JS numbers; rounding to the pair's decimals happens only here.
 */

/** A fixed-decimals string, as Kraken REST sends prices, volumes and balances. */
export function fixed(value: number, decimals: number): string {
  return (Math.abs(value) < 0.5 * 10 ** -decimals ? 0 : value).toFixed(decimals);
}

/** Rounds to `decimals` so WS numbers carry no float noise (0.1 + 0.2). */
export function round(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

/** RFC3339 with microseconds, the shape Kraken WS v2 uses ("2023-09-22T10:33:05.709950Z"). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** RFC3339 without fractional seconds (DMS currentTime/triggerTime, SystemStatus timestamp). */
export function rfc3339Seconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** REST times: float seconds with 4 decimals (opentm 1688666559.8974). */
export function unixSeconds(ms: number): number {
  return Math.round(ms / 10) / 100;
}

/** "Thu, 06 Jul 23 18:50:48 +0000", the Time endpoint's rfc1123 field. */
export function rfc1123(ms: number): string {
  const [wd, day, mon, year, time] = new Date(ms).toUTCString().split(' ');
  return `${wd} ${day} ${mon} ${year!.slice(2)} ${time} +0000`;
}

/** Number of decimals written in a decimal string ("0.0100" → 4). */
export function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Is `value` an integer multiple of `step` (within float noise)? */
export function onGrid(value: number, step: number): boolean {
  const n = value / step;
  return Math.abs(n - Math.round(n)) < 1e-6;
}
