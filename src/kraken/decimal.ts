/**
 * Decimal strings for the venue edge: numbers are snapped to a grid in integer units (BigInt), so
 * 0.1 + 0.2 becomes "0.30000000", never "0.30000000000000004". The float is first read at 15
 * significant digits, which removes binary representation noise without losing real precision.
 */

export type RoundMode = 'nearest' | 'floor' | 'ceil';

/** `value` expressed in units of 10^-decimals, rounded per `mode`. */
export function toUnits(value: number, decimals: number, mode: RoundMode = 'nearest'): bigint {
  if (!Number.isFinite(value)) throw new RangeError(`cannot format ${value} as a decimal`);
  const negative = value < 0;
  const [mantissa = '0', expPart = '0'] = Math.abs(value).toPrecision(15).split('e');
  const [intPart = '0', fracPart = ''] = mantissa.split('.');
  const digits = BigInt(intPart + fracPart);
  // digits × 10^(exp − fracLen) is the value; rescale to 10^-decimals.
  const shift = Number(expPart) - fracPart.length + decimals;
  let units: bigint;
  if (shift >= 0) {
    units = digits * 10n ** BigInt(shift);
  } else {
    const div = 10n ** BigInt(-shift);
    units = divide(digits, div, negative ? flip(mode) : mode);
  }
  return negative ? -units : units;
}

function flip(mode: RoundMode): RoundMode {
  return mode === 'floor' ? 'ceil' : mode === 'ceil' ? 'floor' : mode;
}

function divide(n: bigint, d: bigint, mode: RoundMode): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  if (mode === 'floor') return q;
  if (mode === 'ceil') return q + 1n;
  return r * 2n >= d ? q + 1n : q;
}

/** Integer units back to a fixed-point string with exactly `decimals` fraction digits. */
export function fromUnits(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const s = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const body = decimals === 0 ? s : `${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
  return negative ? `-${body}` : body;
}

/**
 * Snaps `value` to a multiple of `step` (e.g. tick size "0.5") with `decimals` fraction digits.
 * The step is given as a decimal string so it is exact.
 */
export function formatOnGrid(value: number, step: string, decimals: number, mode: RoundMode = 'nearest'): string {
  const stepUnits = toUnits(Number(step), decimals, 'nearest');
  if (stepUnits <= 0n) throw new RangeError(`grid step ${step} is smaller than 10^-${decimals}`);
  const units = toUnits(value, decimals, mode);
  const snapped = divide(units < 0n ? -units : units, stepUnits, units < 0n ? flip(mode) : mode) * stepUnits;
  return fromUnits(units < 0n ? -snapped : snapped, decimals);
}

/** Fixed decimals without grid (e.g. book checksum levels): `toFixed` minus its float surprises. */
export function formatFixed(value: number, decimals: number, mode: RoundMode = 'nearest'): string {
  return fromUnits(toUnits(value, decimals, mode), decimals);
}
