import { describe, expect, it } from 'vitest';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { alignMarketData, sliceMarketData } from '../../src/backtest/data.ts';
import {
  buyAndHoldCanary,
  LOOK_AHEAD_CANARY_STEPS,
  LOOK_AHEAD_CANARY_WINDOWS,
  lookAheadCanary,
  randomEntriesCanary,
} from '../../src/backtest/validation/canaries.ts';
import { runCanaries } from '../../src/backtest/validation/canary-report.ts';
import { prepareMarket } from '../../src/backtest/prepared-market.ts';
import { seriesFromCsvDir } from '../../src/market/dataset.ts';
import { DEFAULT_SIM_DATA_DIR } from '../../src/sim/index.ts';
import { mulberry32 } from '../../src/sim/rng.ts';
import { grid, loadShared, type Ohlc } from './engine-fixtures.ts';

/**
 * A noisy series whose close goes from 100 to 100 × `factor` over `bars` candles (open = previous
 * close plus a small gap), with `lead` leading steps without a candle (a pair listed later).
 */
function trending(factor: number, bars: number, seed: number, lead = 0): Ohlc[] {
  const rnd = mulberry32(seed);
  const drift = Math.log(factor) / (bars - 1);
  const rows: Ohlc[] = Array.from({ length: lead }, () => null);
  let prev = 100;
  for (let i = 0; i < bars; i++) {
    const close = i === 0 ? 100 : i === bars - 1 ? 100 * factor : 100 * Math.exp(drift * i + 0.01 * (rnd() - 0.5));
    const open = i === 0 ? 100 : prev * (1 + 0.002 * (rnd() - 0.5));
    rows.push([open, Math.max(open, close) * 1.001, Math.min(open, close) * 0.999, close]);
    prev = close;
  }
  return rows;
}

// Real Kraken candles (Q3 2024, 5m) from ../shared/data/ohlcv: ETH, SOL, XRP, DOGE (+ the BTC proxy).
const data = loadShared(['BTC/USD', 'ETH/USD', 'SOL/USD', 'XRP/USD', 'DOGE/USD']);
const config = engineConfig(data.pairs);

describe('evaluator canaries on real candles', () => {
  it('inv. 2: buy-and-hold reproduces the market change, off only by fees and slippage', () => {
    const c = buyAndHoldCanary(data, config);
    expect(c.passed).toBe(true);
    expect(Math.abs(c.actual - c.expected)).toBeLessThan(1e-6);
    // Round trip = 2 × (0.40 % + 0.05 %) on 99 % invested: the gap to the market change is about that.
    expect(Math.abs(c.actual - 0.99 * c.marketChange)).toBeLessThan(0.02);
  });

  it.each([
    ['rises ×2', 2],
    ['rises ×5', 5],
    ['falls by half', 0.5],
  ])('inv. 2: buy-and-hold passes when the market %s: fees and slippage are charged on top, as the engine does', (_name, factor) => {
    const synthetic = grid({ 'BTC/USD': trending(factor, 400, 1), 'ETH/USD': trending(factor, 400, 2), 'SOL/USD': trending(factor, 380, 3, 20) });
    const c = buyAndHoldCanary(synthetic, engineConfig(synthetic.pairs));
    expect(c.marketChange).toBeCloseTo(factor - 1, 10);
    expect(Math.abs(c.actual - c.expected)).toBeLessThan(1e-6);
    // 99 % invested, a round trip costs ≈ 0.45 % of the entry and 0.45 % of the exit value.
    expect(Math.abs(c.actual - 0.99 * c.marketChange)).toBeLessThan(0.0045 * (1 + factor) * 1.1);
    expect(c.passed).toBe(true);
  });

  it('inv. 2: buy-and-hold prices each pair from its own first to its own last candle, a pair listed later or delisted earlier included', () => {
    const trailing = (rows: Ohlc[], n: number): Ohlc[] => [...rows, ...Array.from({ length: n }, () => null)];
    const synthetic = grid({
      'BTC/USD': trending(2, 400, 1),
      'ETH/USD': trailing(trending(0.5, 370, 2), 30),
      'SOL/USD': trailing(trending(3, 360, 3, 25), 15),
    });
    const c = buyAndHoldCanary(synthetic, engineConfig(synthetic.pairs));
    // Each pair's last close is 100 × its factor, its first 100: (1 − 0.5 + 2) / 3.
    expect(c.marketChange).toBeCloseTo((1 - 0.5 + 2) / 3, 10);
    expect(Math.abs(c.actual - c.expected)).toBeLessThan(1e-6);
    expect(c.passed).toBe(true);
  });

  it('inv. 2: buy-and-hold passes on a strongly rising real window (H1 2023: BTC, ETH, SOL up ≈ 78 % on average)', () => {
    const rising = loadShared(['BTC/USD', 'ETH/USD', 'SOL/USD'], '1h', 'kraken-2023');
    const c = buyAndHoldCanary(rising, engineConfig(rising.pairs));
    expect(c.marketChange).toBeGreaterThan(0.45);
    expect(c.passed).toBe(true);
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
    // Each cut on its own catches it (on 5 pairs): the window is long enough for every cut's peeking hour.
    expect(c.result.cuts.map((cut) => cut.mismatches.length > 0)).toEqual([true, true, true]);
  });

  it('inv. 2: a window that hides the peeker (flat closes) is followed by the next one, which flags it; the report says which', async () => {
    const flat: Ohlc = [100, 100.1, 99.9, 100];
    // Closes that rise and fall every few candles: the peeker buys before each rise.
    const waves = Array.from({ length: LOOK_AHEAD_CANARY_STEPS }, (_, i): Ohlc => {
      const c = 100 + 5 * Math.sin(i / 7);
      return [c, c + 0.5, c - 0.5, c];
    });
    const hidden = grid({ 'BTC/USD': [...Array.from({ length: LOOK_AHEAD_CANARY_STEPS }, () => flat), ...waves] });
    const c = await lookAheadCanary(hidden, engineConfig(hidden.pairs));
    expect(c).toMatchObject({ passed: true, from: LOOK_AHEAD_CANARY_STEPS });
    // On data flat throughout every window hides it: the canary fails, on the last window it tried.
    const allFlat = grid({ 'BTC/USD': Array.from({ length: LOOK_AHEAD_CANARY_WINDOWS * LOOK_AHEAD_CANARY_STEPS + 5 }, () => flat) });
    expect(await lookAheadCanary(allFlat, engineConfig(allFlat.pairs))).toMatchObject({
      passed: false,
      from: (LOOK_AHEAD_CANARY_WINDOWS - 1) * LOOK_AHEAD_CANARY_STEPS,
    });
  });

  it('the canaries build no bars: no decider of theirs reads one, so the interleaved rows bars are cut from stay unbuilt', async () => {
    // Shorter than the look-ahead canary's window, so all three canaries run on this very dataset.
    const window = sliceMarketData(data, 0, LOOK_AHEAD_CANARY_STEPS - 96);
    const report = await runCanaries(window, engineConfig(window.pairs));
    expect(report.passed).toBe(true);
    expect(prepareMarket(window).interleaved).toEqual(window.pairs.map(() => null));
  });

  it('inv. 2: the peeker is caught on every window of the bundled 2-pair sample, so an honest candidate can pass the canaries there', async () => {
    // A peek at the next candle only showed at the step before a cut, and only when that candle rose: 1 window in 10 of this sample hid it.
    const sample = alignMarketData(
      await seriesFromCsvDir(DEFAULT_SIM_DATA_DIR, { pairs: ['BTC/USD', 'ETH/USD'], timeframe: '5m', from: 0, to: Number.MAX_SAFE_INTEGER }),
    );
    const missed: number[] = [];
    for (let off = 0; off + 1500 < sample.time.length; off += 97) {
      const window = sliceMarketData(sample, off, Math.min(sample.time.length, off + 1500 + (off % 3000)));
      if (!(await lookAheadCanary(window, engineConfig(window.pairs))).passed) missed.push(off);
    }
    expect(missed).toEqual([]);
  });
});
