import { DataFrame } from 'data-forge';
import { backtest } from 'grademark';
import { describe, expect, it } from 'vitest';
import { RiskLimitsSchema, type DecisionInput } from '../../src/contract/index.ts';
import { runEngine, type DecideFn, type MarketData } from '../../src/backtest/engine.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { loadShared } from './engine-fixtures.ts';

// Fee-free cross-check of trade timing against grademark (oracles.md §5) on real ETH/USD 5m candles.
const data = loadShared(['ETH/USD']);
const FAST = 2 / 13;
const SLOW = 2 / 27;

/** +1 on the candle where EMA12 crosses above EMA26, −1 below, else 0; the same recurrence for both engines. */
function crosses(close: ArrayLike<number>): Int8Array {
  const out = new Int8Array(close.length);
  let f = Number.NaN;
  let s = Number.NaN;
  for (let i = 0; i < close.length; i++) {
    const c = close[i]!;
    const [f0, s0] = [f, s];
    f = !Number.isNaN(f0) ? f0 + FAST * (c - f0) : c;
    s = !Number.isNaN(s0) ? s0 + SLOW * (c - s0) : c;
    out[i] = f0 <= s0 && f > s ? 1 : f0 >= s0 && f < s ? -1 : 0;
  }
  return out;
}

/**
 * Our engine evaluates every candle (exits always pass, inv. 3); grademark skips the exit rule on
 * the entry candle and the entry rule on the exit candle. This decider reproduces those two skips,
 * so any remaining difference would be a timing bug (fill candle, fill price, finalisation).
 */
function grademarkLike(d: MarketData): DecideFn {
  const cross = crosses(d.columns[0]!.close);
  let wasHeld = false;
  const buy: DecisionInput = { action: 'buy', sizeFraction: 1 };
  return (_p, step, ctx, bar) => {
    const held = ctx.position !== null;
    const exitBar = !held && wasHeld;
    const entryBar = held && ctx.position!.entryTime === bar.time;
    wasHeld = held;
    if (held) return !entryBar && cross[step] === -1 ? { action: 'close' } : { action: 'hold' };
    return !exitBar && cross[step] === 1 ? buy : { action: 'hold' };
  };
}

function grademarkTrades(d: MarketData) {
  const c = d.columns[0]!;
  const cross = crosses(c.close);
  const bars = Array.from(c.close, (close, i) => ({
    time: new Date(c.time[i]!),
    open: c.open[i]!,
    high: c.high[i]!,
    low: c.low[i]!,
    close,
    volume: c.volume[i]!,
    cross: cross[i]!,
  }));
  const strategy = {
    entryRule: (enter: () => void, a: { bar: { cross: number } }) => void (a.bar.cross === 1 && enter()),
    exitRule: (exit: () => void, a: { bar: { cross: number } }) => void (a.bar.cross === -1 && exit()),
  };
  return backtest(strategy as never, new DataFrame(bars) as never);
}

describe('engine vs grademark (no fees, no slippage)', () => {
  it('enters and exits on the same candles at the same prices on real ETH/USD candles', () => {
    const limits = RiskLimitsSchema.parse({
      maxPositionFraction: 1,
      maxPairExposureFraction: 1,
      maxTotalExposureFraction: 1,
      dailyLossFraction: 1,
      maxDrawdownFraction: 1,
      reducingDrawdownFraction: 1,
      maxConsecutiveLosses: 100,
    });
    const ours = runEngine(engineConfig(data.pairs, { fees: [{ maker: 0, taker: 0 }], slippage: 0, limits }), data, grademarkLike(data)).trades;
    const theirs = grademarkTrades(data);
    expect(theirs.length).toBeGreaterThan(400);
    expect(ours.length).toBe(theirs.length);
    const mismatches = theirs.filter((t, i) => {
      const o = ours[i]!;
      return (
        o.entryTime !== t.entryTime.getTime() ||
        o.exitTime !== t.exitTime.getTime() ||
        Math.abs(o.entryPrice - t.entryPrice) > 1e-9 ||
        Math.abs(o.exitPrice - t.exitPrice) > 1e-9
      );
    });
    expect(mismatches).toEqual([]);
    expect(ours.at(-1)!.exitReason === 'end_of_data').toBe(theirs.at(-1)!.exitReason === 'finalize');
  });
});
