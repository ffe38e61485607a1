/** Summaries of timing samples for the benches, on the project's one percentile (linear interpolation). */
import { percentile } from '../../src/backtest/validation/monte-carlo.ts';

export function quantile(xs: readonly number[], q: number): number {
  return percentile(Float64Array.from(xs).sort(), q);
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}
