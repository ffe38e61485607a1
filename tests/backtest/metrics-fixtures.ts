/** Deterministic inputs for the metric tests (seeded, no Math.random). */
import type { ClosedTrade } from '../../src/backtest/metrics.ts';
import { mulberry32 } from '../../src/sim/rng.ts';

/** Daily returns: Gaussian noise with a small drift plus rare large jumps (fat tails, skew). */
export function seededReturns(n: number, seed: number): number[] {
  const rnd = mulberry32(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
    const jump = rnd() < 0.02 ? -0.08 * rnd() : 0;
    out.push(0.0008 + 0.02 * g + jump);
  }
  return out;
}

export const DAY = 86_400_000;
export const T0 = Date.UTC(2024, 6, 1);

/** An equity curve with one point per day at 23:55 UTC, compounding the given daily returns. */
export function dailyCurve(returns: readonly number[], start: number): { time: number[]; value: number[] } {
  const time: number[] = [];
  const value: number[] = [];
  let v = start;
  returns.forEach((r, i) => {
    v *= 1 + r;
    time.push(T0 + i * DAY + DAY - 300_000);
    value.push(v);
  });
  return { time, value };
}

export function trade(over: Partial<ClosedTrade> & Pick<ClosedTrade, 'pnl'>): ClosedTrade {
  return {
    pair: 'BTC/USD',
    entryTime: T0,
    exitTime: T0 + DAY,
    entryPrice: 100,
    exitPrice: 100 + over.pnl / 10,
    quantity: 10,
    fees: 1,
    slippageCost: 0.5,
    exitReason: 'signal',
    ...over,
  };
}
