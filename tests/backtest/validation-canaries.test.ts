import { describe, expect, it } from 'vitest';
import { engineConfig } from '../../src/backtest/engine.ts';
import { buyAndHoldCanary, lookAheadCanary, randomEntriesCanary } from '../../src/backtest/validation/canaries.ts';
import { loadShared } from './engine-fixtures.ts';

// Real Kraken candles (Q3 2024, 5m) from ../shared/data/ohlcv: ETH, SOL, XRP, DOGE (+ the BTC proxy).
const data = loadShared(['BTC/USD', 'ETH/USD', 'SOL/USD', 'XRP/USD', 'DOGE/USD']);
const config = engineConfig(data.pairs);

describe('evaluator canaries on real candles', () => {
  it('inv. 2: buy-and-hold reproduces the market change, off only by fees and slippage', () => {
    const c = buyAndHoldCanary(data, config);
    expect(c.passed).toBe(true);
    expect(Math.abs(c.actual - c.expected)).toBeLessThan(2e-3);
    // Round trip = 2 × (0.40 % + 0.05 %) on 99 % invested: the gap to the market change is about that.
    expect(Math.abs(c.actual - 0.99 * c.marketChange)).toBeLessThan(0.02);
  });

  it('inv. 2: random entries lose about fees + slippage per trade', () => {
    const c = randomEntriesCanary(data, config, 11);
    expect(c.passed).toBe(true);
    expect(c.trades).toBeGreaterThan(1000);
    expect(c.meanTradeReturn).toBeLessThan(-0.5 * c.expectedCost);
    expect(c.meanTradeReturn).toBeGreaterThan(-1.5 * c.expectedCost);
  });

  it('inv. 2: a future-peeking strategy is flagged by the look-ahead check', async () => {
    const c = await lookAheadCanary(data, config);
    expect(c.passed).toBe(true);
    expect(c.result.passed).toBe(false);
    expect(c.result.cuts.some((cut) => cut.mismatches.length > 0)).toBe(true);
  });
});
