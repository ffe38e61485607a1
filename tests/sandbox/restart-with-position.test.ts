/**
 * A daemon restarted with a position open (the fault matrix's kills found both): the stored candles it
 * hands the strategy at warm-up are history, not decisions to judge against today's position, and the
 * position is shown to the bar during which it filled, as the backtest shows it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Pair } from '../../src/contract/pairs.ts';
import { StrategyHost } from '../../src/sandbox/host/strategy-host.ts';
import { LiveStrategy } from '../../src/sandbox/live.ts';
import { positionViewOf } from '../../src/sandbox/position-view.ts';
import type { Holding } from '../../src/trading/portfolio.ts';
import { rawStrategy, setups, waveCandles } from './helpers.ts';

const PAIR: Pair = 'BTC/USD';
const STEP = 300_000;
/** Buys when flat, closes when holding: what it decides says what it was shown. */
const FLIP = rawStrategy(`return ctx.position === null ? { action: 'buy', sizeFraction: 0.1 } : { action: 'close' };`);

// On the 5-minute grid (waveCandles starts off it by default).
const candles = waveCandles(101, 0, 1_700_000_100_000);
/** Filled 1.2 s after the last candle's bar opened: a live entry decided on the bar before. */
const openedAt = candles[100]!.time + 1_200;
const holding = {
  pair: PAIR,
  quantity: 0.01,
  entryPrice: 100,
  entryFees: 0.01,
  openedAt,
  stopLoss: null,
  takeProfit: null,
  boughtQuantity: 0.01,
  boughtValue: 1,
} as unknown as Holding;

let live: LiveStrategy | null = null;
afterEach(async () => {
  await live?.close();
  live = null;
});

describe('a strategy restarted with a position open', () => {
  it('is handed the stored candles as history: nothing is decided on them, no failure is counted against the version', async () => {
    const failures: string[] = [];
    live = await LiveStrategy.start(
      {
        setups: setups([PAIR]),
        position: () => positionViewOf(holding, '5m'),
        equity: () => 10_000,
        warmupBars: 200,
        startHost: (v) =>
          StrategyHost.start({
            versionId: v.id,
            kind: 'strategy',
            bundle: v.bundle,
            onEvent: (e) => void (e.type === 'sandbox.failed' && failures.push(e.message)),
          }),
      },
      { id: 'flip', bundle: FLIP },
    );
    await live.remember(candles.slice(0, 100).map((candle) => ({ pair: PAIR, candle })));
    const [outcome] = await live.onCandles([{ pair: PAIR, candle: candles[100]! }]);
    expect(failures).toEqual([]);
    // The bar during which the entry filled sees the position: the strategy closes it.
    expect(outcome!.verdict).toMatchObject({ ok: true, intent: { decision: { action: 'close' } } });
  });

  it('shows a position from the open of the bar it filled in, as the backtest (which fills at a bar open) does', () => {
    expect(positionViewOf(holding, '5m')).toMatchObject({ entryTime: candles[100]!.time, quantity: 0.01 });
    expect(positionViewOf({ ...holding, openedAt: candles[100]!.time } as Holding, '5m')!.entryTime).toBe(candles[100]!.time);
    expect(positionViewOf({ ...holding, openedAt: candles[100]!.time + STEP - 1 } as Holding, '1h')!.entryTime).toBe(
      Math.floor((candles[100]!.time + STEP - 1) / 3_600_000) * 3_600_000,
    );
    expect(positionViewOf(undefined, '5m')).toBeNull();
  });
});
