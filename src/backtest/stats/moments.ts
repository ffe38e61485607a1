/**
 * Moments of a return series. Skewness and kurtosis are the POPULATION moments (÷n, kurtosis not
 * excess: a normal has 3), which is what Bailey & López de Prado's PSR/DSR formulas expect.
 * The standard deviation used for Sharpe is the sample one (÷(n−1)), as in the usual Sharpe ratio.
 */

export interface Moments {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (÷(n−1)). */
  readonly stdev: number;
  /** Population skewness γ3. */
  readonly skewness: number;
  /** Population kurtosis γ4 (normal = 3, not excess). */
  readonly kurtosis: number;
}

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  return sum / xs.length;
}

export function moments(xs: ArrayLike<number>): Moments {
  const n = xs.length;
  const m = mean(xs);
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  const popVar = s2 / n;
  return {
    n,
    mean: m,
    stdev: n > 1 ? Math.sqrt(s2 / (n - 1)) : Number.NaN,
    skewness: popVar > 0 ? s3 / n / popVar ** 1.5 : 0,
    kurtosis: popVar > 0 ? s4 / n / (popVar * popVar) : 3,
  };
}

/** Sample variance (÷(n−1)); NaN for fewer than two values. */
export function sampleVariance(xs: ArrayLike<number>): number {
  const sd = moments(xs).stdev;
  return sd * sd;
}
