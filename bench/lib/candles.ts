/** Synthetic candles for the storage benches: a smooth wave, every field valid, one row per step. */
import type { Candle } from '../../src/contract/index.ts';

export function syntheticCandles(n: number, stepMs: number, start: number, startPrice: number): Candle[] {
  const out: Candle[] = [];
  let price = startPrice;
  for (let i = 0; i < n; i++) {
    const open = price;
    price = open * (1 + Math.sin(i * 0.37) * 0.002);
    out.push({ time: start + i * stepMs, open, high: Math.max(open, price) * 1.001, low: Math.min(open, price) * 0.999, close: price, volume: 1 + (i % 13) });
  }
  return out;
}
