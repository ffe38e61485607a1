/**
 * The common case of a CSV candle row, read in one pass: six plain decimals (digits with at most one
 * dot, nothing else) separated by commas, ending at a newline (a CR before it allowed) or the end of
 * the file. Anything else (blanks, signs, exponents, empty or extra fields) is left to the careful
 * reader in csv.ts, which reports what is wrong; both give the same numbers as Number() on the text.
 */

// Exact powers of ten: m / 10^k is then the correctly rounded double of the decimal m·10^-k
// whenever m < 2^53 (Clinger's fast path), i.e. the same number Number() returns.
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT = 2 ** 53 - 1;
export const COMMA = 44;
export const NEWLINE = 10;
export const CR = 13;
export const DOT = 46;
export const ZERO = 48;
const FIELDS = 6;

/**
 * Parses the row at `start` into `out[0..5]` and returns the index of its end (its newline, or the
 * file's end), or -1 when the row is not in the plain form (`out` is then partly written).
 */
export function plainRow(b: Uint8Array, start: number, out: Float64Array): number {
  const n = b.length;
  let i = start;
  for (let k = 0; k < FIELDS; k++) {
    let m = 0;
    let digits = 0;
    let fraction = -1;
    for (; i < n; i++) {
      const d = b[i]! - ZERO;
      if (d >= 0 && d <= 9) {
        m = m * 10 + d;
        digits += 1;
        if (fraction >= 0) fraction += 1;
      } else if (d === DOT - ZERO && fraction < 0) {
        fraction = 0;
      } else {
        break;
      }
    }
    // m past 2^53 (the digits accumulated inexactly) or a scale past 10^22: the careful reader's Number().
    if (digits === 0 || fraction === 0 || m > MAX_EXACT || fraction >= POW10.length) return -1;
    out[k] = fraction > 0 ? m / POW10[fraction]! : m;
    const c = i < n ? b[i]! : NEWLINE;
    if (k < FIELDS - 1) {
      if (c !== COMMA) return -1;
      i += 1;
    } else if (c === CR && (i + 1 === n || b[i + 1] === NEWLINE)) {
      return i + 1;
    } else if (c !== NEWLINE) {
      return -1;
    }
  }
  return i;
}
