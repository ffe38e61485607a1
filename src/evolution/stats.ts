/**
 * The statistics the promotion policy and the rollback watch decide with, pure and seeded:
 * - a stationary bootstrap (Politis & Romano 1994) interval of a mean, for the daily OOS return
 *   difference against the incumbent (blocks keep the serial correlation of daily returns);
 * - a one-sided lower CUSUM (Page 1954) of per-trade returns against the backtest's mean, with its
 *   alarm threshold calibrated by bootstrapping the backtest's own trades to a target false-alarm
 *   rate instead of assuming normality (evolution.md §4.2).
 */
import { percentile } from '../backtest/validation/monte-carlo.ts';
import { mulberry32 } from '../sim/rng.ts';

export interface Interval {
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
  readonly n: number;
}

export function meanOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length > 0 ? s / xs.length : 0;
}

export function stdevOf(xs: ArrayLike<number>): number {
  const m = meanOf(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return xs.length > 1 ? Math.sqrt(s / (xs.length - 1)) : 0;
}

/** Two-sided `confidence` interval of the mean of `xs` by the stationary bootstrap with mean block length `block`. */
export function bootstrapMeanInterval(xs: ArrayLike<number>, opts: { runs: number; block: number; confidence: number; seed: number }): Interval {
  const n = xs.length;
  if (n === 0) return { mean: 0, lower: 0, upper: 0, n };
  const rnd = mulberry32(opts.seed);
  const restart = 1 / Math.max(1, opts.block);
  const means = new Float64Array(opts.runs);
  for (let r = 0; r < opts.runs; r++) {
    let i = Math.floor(rnd() * n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += xs[i]!;
      i = rnd() < restart ? Math.floor(rnd() * n) : (i + 1) % n;
    }
    means[r] = sum / n;
  }
  means.sort();
  const tail = (1 - opts.confidence) / 2;
  return { mean: meanOf(xs), lower: percentile(means, tail), upper: percentile(means, 1 - tail), n };
}

/**
 * The lower CUSUM path's maximum: S = max(0, S + (target − k) − x) for each x. It grows while returns
 * run below the target by more than the slack k, and an alarm is S above the threshold.
 */
export function cusumMax(xs: ArrayLike<number>, target: number, slack: number): number {
  let s = 0;
  let max = 0;
  for (let i = 0; i < xs.length; i++) {
    s = Math.max(0, s + (target - slack) - xs[i]!);
    if (s > max) max = s;
  }
  return max;
}

export interface CusumCalibration {
  readonly target: number;
  readonly slack: number;
  readonly threshold: number;
  /** Trades per simulated path the threshold holds its false-alarm rate over. */
  readonly horizon: number;
}

/**
 * Threshold h so that a strategy trading exactly like its backtest (trades drawn from the backtest's own
 * returns) crosses it within `horizon` trades with probability `falseAlarm`: the (1 − falseAlarm)
 * quantile of the CUSUM maximum over bootstrapped paths. Slack = half a standard deviation (detects a
 * one-sigma drop fastest).
 */
export function calibrateCusum(
  returns: readonly number[],
  opts: { falseAlarm: number; horizon?: number; runs?: number; seed?: number },
): CusumCalibration | null {
  if (returns.length < 2) return null;
  const target = meanOf(returns);
  const slack = stdevOf(returns) / 2;
  const horizon = opts.horizon ?? 100;
  const runs = opts.runs ?? 2000;
  const rnd = mulberry32(opts.seed ?? 11);
  const maxima = new Float64Array(runs);
  const path = new Float64Array(horizon);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < horizon; i++) path[i] = returns[Math.floor(rnd() * returns.length)]!;
    maxima[r] = cusumMax(path, target, slack);
  }
  maxima.sort();
  return { target, slack, threshold: percentile(maxima, 1 - opts.falseAlarm), horizon };
}
