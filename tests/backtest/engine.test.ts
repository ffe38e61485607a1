import { describe, expect, it } from 'vitest';
import { RiskLimitsSchema } from '../../src/contract/index.ts';
import { runEngine } from '../../src/backtest/engine.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { grid, scripted, T0, FIVE_MIN } from './engine-fixtures.ts';

// Loose limits so only the arithmetic is under test (risk rules have their own tests).
const limits = RiskLimitsSchema.parse({
  maxPositionFraction: 0.5,
  maxPairExposureFraction: 0.5,
  maxTotalExposureFraction: 1,
  maxOpenPositions: 3,
  dailyLossFraction: 0.5,
  maxDrawdownFraction: 0.9,
  reducingDrawdownFraction: 0.9,
  maxConsecutiveLosses: 100,
});

describe('engine: hand-computed 3-trade scenario (ETH/USD, taker 0.40 %, slippage 0.10 %, tick 0.01, lot 1e-8)', () => {
  const data = grid({
    'ETH/USD': [
      [1990, 2005, 1985, 2000], // s0 close 2000: buy 0.2 of equity
      [2000.5, 2030, 1995, 2020], // s1 buy fills at the open
      [2020, 2060, 2015, 2050], // s2 close: close the position
      [2049, 2055, 2040, 2045], // s3 sell fills at the open; close 2045: buy 0.3 with stop 1990
      [2040, 2042, 2001, 2010], // s4 buy fills; low 2001 stays above the stop (entry bar is checked too)
      [2000, 2005, 1980, 1995], // s5 low 1980 touches the stop 1990: stop-loss at 1990; close 1995: buy 0.1
      [1996, 2010, 1990, 2005], // s6 buy fills
      [2010, 2050, 2000, 2040], // s7
      [2040, 2060, 2030, 2055], // s8 last bar: the open position closes at the close (end_of_data)
    ],
  });
  const decide = scripted({
    0: { action: 'buy', sizeFraction: 0.2 },
    2: { action: 'close' },
    3: { action: 'buy', sizeFraction: 0.3, stopLoss: 1990 },
    5: { action: 'buy', sizeFraction: 0.1 },
  });
  const r = runEngine(engineConfig(['ETH/USD'], { slippage: 0.001, limits }), data, decide);
  const [t1, t2, t3] = r.trades;

  it('trade 1 (signal exit): fees on entry and exit, slippage and tick rounding both ways', () => {
    // sizing at s0: 0.2 × 10 000 = 2 000 USD / ref 2 000 = 1.00000000 ETH
    // buy @ s1 open 2000.5 × 1.001 = 2002.5005 → tick up → 2002.51 ; fee 2002.51 × 0.004 = 8.01004
    // cash 10 000 − 2 002.51 − 8.01004 = 7 989.47996
    // sell @ s3 open 2049 × 0.999 = 2046.951 → tick down → 2046.95 ; fee 2046.95 × 0.004 = 8.1878
    // P&L = (2046.95 − 2002.51) × 1 − 8.1878 − 8.01004 = 28.24216
    expect(t1).toMatchObject({
      exitReason: 'signal',
      entryPrice: 2002.51,
      exitPrice: 2046.95,
      quantity: 1,
      entryTime: T0 + FIVE_MIN,
      exitTime: T0 + 3 * FIVE_MIN,
    });
    expect(t1!.fees).toBeCloseTo(16.19784, 8);
    expect(t1!.pnl).toBeCloseTo(28.24, 2);
    expect(t1!.slippageCost).toBeCloseTo(2.01 + 2.05, 8); // (2002.51 − 2000.5) + (2049 − 2046.95)
  });

  it('trade 2 (stop-loss inside the bar): sized on equity after trade 1, lot-rounded down', () => {
    // equity at s3 = cash 7 989.47996 + 2 046.95 − 8.1878 = 10 028.24216
    // 0.3 × 10 028.24216 = 3 008.472648 / ref 2 045 = 1.471135769… → lot down → 1.47113576 ETH
    // buy @ s4 open 2040 × 1.001 = 2042.04 ; cost 3 004.11806735 ; fee 12.01647227
    // stop @ 1990 × 0.999 = 1988.01 ; proceeds 2 924.63260224 ; fee 11.69853041
    // P&L = (1988.01 − 2042.04) × 1.47113576 − 11.69853041 − 12.01647227 = −103.20046779
    expect(t2).toMatchObject({ exitReason: 'stop_loss', exitPrice: 1988.01, quantity: 1.47113576 });
    expect(t2!.entryPrice).toBeCloseTo(2042.04, 9);
    expect(t2!.fees).toBeCloseTo(12.01647227 + 11.69853041, 6);
    expect(t2!.pnl).toBeCloseTo(-103.2, 2);
  });

  it('trade 3 (left open): closed at the last close and flagged end_of_data', () => {
    // equity at s5 = 9 925.04169221 ; 0.1 × that = 992.50416922 / ref 1 995 → 0.49749582 ETH
    // buy @ s6 open 1996 × 1.001 = 1997.996 → tick up → 1998.00 ; fee 3.97598659
    // end: last close 2055 × 0.999 = 2052.945 → tick down → 2052.94 ; fee 4.08531627
    // P&L = (2052.94 − 1998) × 0.49749582 − 4.08531627 − 3.97598659 = 19.27111748
    expect(t3).toMatchObject({ exitReason: 'end_of_data', openAtEnd: true, entryPrice: 1998, exitPrice: 2052.94, quantity: 0.49749582 });
    expect(t3!.pnl).toBeCloseTo(19.27, 2);
  });

  it('final equity = 10 000 + 28.24216 − 103.20046779 + 19.27111748 = 9 944.31 and the curve ends there', () => {
    expect(r.summary.finalEquity).toBeCloseTo(9944.31, 2);
    expect(r.summary.finalEquity).toBeCloseTo(10_000 + r.trades.reduce((a, t) => a + t.pnl, 0), 8);
    expect(r.equity.value.at(-1)).toBeCloseTo(9944.31, 2);
    expect(r.summary).toMatchObject({ trades: 3, wins: 2, openAtEnd: 1, fills: 6, intents: 4, rejectedIntents: 0 });
    expect(r.summary.fees).toBeCloseTo(8.01004 + 8.1878 + 12.01647227 + 11.69853041 + 3.97598659 + 4.08531627, 6);
  });

  it('marks equity at each close: s1 = cash 7 989.47996 + 1 ETH × 2 020', () => {
    expect(r.equity.value[1]).toBeCloseTo(10_009.47996, 6);
    expect(r.equity.time[1]).toBe(T0 + FIVE_MIN);
  });
});
