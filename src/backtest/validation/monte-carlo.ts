/**
 * Monte Carlo over a backtest's closed trades: reshuffle their order (same trades, other luck) and
 * bootstrap them (resample with replacement), with a seeded PRNG. Gives drawdown and losing-streak
 * percentiles; the rollback triggers compare live results against these (RollbackLimits).
 * Drawdown is measured on the trade-by-trade equity path (as grademark does), not per bar.
 */
import { mulberry32 } from '../../sim/rng.ts';

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
}

export interface MonteCarloDistribution {
  /** Max drawdown as a fraction of the running peak. */
  readonly maxDrawdown: Percentiles;
  /** Longest run of losing trades. */
  readonly losingStreak: Percentiles;
}

export interface MonteCarloResult {
  readonly runs: number;
  readonly trades: number;
  readonly seed: number;
  readonly shuffle: MonteCarloDistribution;
  readonly bootstrap: MonteCarloDistribution;
}

export interface MonteCarloOptions {
  readonly runs?: number;
  readonly seed?: number;
}

/** Linear-interpolated percentile of sorted values (q in [0, 1]). */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function percentiles(values: Float64Array): Percentiles {
  const s = values.slice().sort();
  return { p50: percentile(s, 0.5), p90: percentile(s, 0.9), p95: percentile(s, 0.95), p99: percentile(s, 0.99) };
}

/** Max drawdown fraction and longest losing streak of one ordering of P&Ls. */
export function pathStats(pnl: ArrayLike<number>, initialEquity: number): { maxDrawdown: number; losingStreak: number } {
  let equity = initialEquity;
  let peak = initialEquity;
  let maxDrawdown = 0;
  let streak = 0;
  let losingStreak = 0;
  for (let i = 0; i < pnl.length; i++) {
    const x = pnl[i]!;
    equity += x;
    if (equity > peak) peak = equity;
    if (peak > 0) maxDrawdown = Math.max(maxDrawdown, (peak - equity) / peak);
    streak = x < 0 ? streak + 1 : 0;
    if (streak > losingStreak) losingStreak = streak;
  }
  return { maxDrawdown, losingStreak };
}

function distribution(pnl: readonly number[], initialEquity: number, runs: number, draw: (out: Float64Array) => void): MonteCarloDistribution {
  const dd = new Float64Array(runs);
  const streak = new Float64Array(runs);
  const path = new Float64Array(pnl.length);
  for (let r = 0; r < runs; r++) {
    draw(path);
    const s = pathStats(path, initialEquity);
    dd[r] = s.maxDrawdown;
    streak[r] = s.losingStreak;
  }
  return { maxDrawdown: percentiles(dd), losingStreak: percentiles(streak) };
}

export function monteCarlo(pnl: readonly number[], initialEquity: number, opts: MonteCarloOptions = {}): MonteCarloResult {
  const runs = opts.runs ?? 1000;
  const seed = opts.seed ?? 42;
  const rnd = mulberry32(seed);
  const n = pnl.length;
  const shuffle = distribution(pnl, initialEquity, runs, (out) => {
    out.set(pnl);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
  });
  const bootstrap = distribution(pnl, initialEquity, runs, (out) => {
    for (let i = 0; i < n; i++) out[i] = pnl[Math.floor(rnd() * n)]!;
  });
  return { runs, trades: n, seed, shuffle, bootstrap };
}
