import { describe, expect, it } from 'vitest';
import PortfolioAnalytics from 'portfolio-analytics';
import { calculateMaxDrawdown, calculateSharpeRatio, calculateSortinoRatio } from '@railpath/finance-toolkit';
import { computeMetrics, deflate, marketChange, trialsFromLedger } from '../../src/backtest/metrics.ts';
import { DAY, T0, dailyCurve, seededReturns, trade } from './metrics-fixtures.ts';

const START = 10_000;

describe('computeMetrics against independent implementations', () => {
  const returns = seededReturns(500, 42);
  const curve = dailyCurve(returns, START);
  const m = computeMetrics({ startingBalance: START, equity: curve, trades: [], markets: [] });
  const paCurve = [START, ...curve.value];

  it('daily Sharpe equals portfolio-analytics and annualised Sharpe equals @railpath with 365 days', () => {
    expect(m.dailySharpe!).toBeCloseTo(
      PortfolioAnalytics.sharpeRatio(
        paCurve,
        paCurve.map(() => 1),
      ),
      10,
    );
    expect(m.sharpe!).toBeCloseTo(calculateSharpeRatio({ returns, riskFreeRate: 0, annualizationFactor: 365 }).sharpeRatio, 10);
  });

  it('Sortino equals @railpath (downside deviation over all days, target 0)', () => {
    expect(m.sortino!).toBeCloseTo(calculateSortinoRatio({ returns, riskFreeRate: 0, targetReturn: 0, annualizationFactor: 365 }).sortinoRatio, 10);
  });

  it('max drawdown equals portfolio-analytics and @railpath', () => {
    expect(m.maxDrawdown).toBeCloseTo(PortfolioAnalytics.maxDrawdown(paCurve), 12);
    expect(m.maxDrawdown).toBeCloseTo(calculateMaxDrawdown({ prices: paCurve }).maxDrawdownPercent, 12);
  });

  it('PSR agrees with portfolio-analytics to 1e-3 and DSR equals PSR with a single trial', () => {
    const theirs = PortfolioAnalytics.probabilisticSharpeRatio(
      paCurve,
      paCurve.map(() => 1),
      0,
    );
    expect(Math.abs(m.psr! - theirs)).toBeLessThan(1e-3);
    expect(m.dsr).toBe(m.psr);
    expect(m.trials).toBe(1);
  });

  it('DSR falls below PSR when the experiment ledger reports many candidates', () => {
    const deflated = computeMetrics({
      startingBalance: START,
      equity: curve,
      trades: [],
      markets: [],
      trialsContext: { trials: 200, sharpeVariance: 0.002 },
    });
    expect(deflated.dsr!).toBeLessThan(deflated.psr!);
    expect(deflated.dsrBenchmark!).toBeGreaterThan(0);
  });

  it('CAGR and Calmar follow from total return, elapsed days and max drawdown', () => {
    const years = (curve.time.at(-1)! - curve.time[0]!) / DAY / 365;
    expect(m.cagr!).toBeCloseTo((curve.value.at(-1)! / START) ** (1 / years) - 1, 10);
    expect(m.calmar!).toBeCloseTo(m.cagr! / m.maxDrawdown, 10);
  });
});

describe('computeMetrics on a hand-computed trade list', () => {
  // Equity: 1000 → 1100 (day 1) → 1050 (day 2) → 1020 (day 3) → 1080 (day 4).
  const equity = { time: [T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY, T0 + 4 * DAY], value: [1000, 1100, 1050, 1020, 1080] };
  const trades = [
    trade({ pnl: 100, entryTime: T0, exitTime: T0 + DAY, fees: 2, slippageCost: 1 }),
    trade({ pnl: -50, pair: 'ETH/USD', entryTime: T0 + DAY, exitTime: T0 + 2 * DAY, exitReason: 'stop_loss', fees: 2, slippageCost: 1 }),
    trade({ pnl: -30, pair: 'ETH/USD', entryTime: T0 + 2 * DAY, exitTime: T0 + 3 * DAY, exitReason: 'stop_loss', fees: 2, slippageCost: 1 }),
    trade({ pnl: 60, entryTime: T0 + 3.5 * DAY, exitTime: T0 + 4 * DAY, exitReason: 'end_of_data', openAtEnd: true, fees: 2, slippageCost: 1 }),
  ];
  const m = computeMetrics({ startingBalance: 1000, equity, trades, markets: [] });

  it('counts wins, losses, streaks and the win rate', () => {
    expect([m.trades, m.wins, m.losses, m.draws]).toEqual([4, 2, 2, 0]);
    expect(m.winRate).toBe(0.5);
    expect(m.maxConsecutiveLosses).toBe(2);
    expect(m.maxConsecutiveWins).toBe(1);
  });

  it('computes profit factor, expectancy, expectancy ratio and SQN', () => {
    expect(m.profitFactor).toBeCloseTo(160 / 80, 12);
    expect(m.expectancy).toBeCloseTo(20, 12);
    expect(m.avgWin).toBe(80);
    expect(m.avgLoss).toBe(-40);
    expect(m.expectancyRatio!).toBeCloseTo((1 + 80 / 40) * 0.5 - 1, 12);
    const sd = Math.sqrt(((100 - 20) ** 2 + (-50 - 20) ** 2 + (-30 - 20) ** 2 + (60 - 20) ** 2) / 3);
    expect(m.sqn!).toBeCloseTo((2 * 20) / sd, 12);
  });

  it('measures fees and slippage as a share of P&L before costs', () => {
    expect(m.grossPnl).toBeCloseTo(80 + 8 + 4, 12);
    expect(m.feesShareOfGross!).toBeCloseTo(8 / 92, 12);
    expect(m.slippageShareOfGross!).toBeCloseTo(4 / 92, 12);
  });

  it('measures exposure as the share of time with a position open', () => {
    expect(m.exposure).toBeCloseTo(3.5 / 4, 12);
  });

  it('reports the best and worst pair, exit reasons and trades left open at the end', () => {
    expect(m.bestPair).toBe('BTC/USD');
    expect(m.worstPair).toBe('ETH/USD');
    expect(m.exitReasons.find((g) => g.key === 'stop_loss')).toMatchObject({ trades: 2, pnl: -80, winRate: 0 });
    expect([m.openAtEndTrades, m.openAtEndPnl]).toEqual([1, 60]);
  });

  it('finds the deepest drawdown and how long it lasted', () => {
    expect(m.maxDrawdown).toBeCloseTo(80 / 1100, 12);
    expect([m.peakTime, m.troughTime]).toEqual([T0 + DAY, T0 + 3 * DAY]);
    // Never recovered to 1100: the drawdown lasts until the end of the data.
    expect(m.maxDrawdownDurationMs).toBe(3 * DAY);
  });

  it('breaks P&L down by day with the trades that closed on each day', () => {
    expect(m.daily.map((d) => d.pnl)).toEqual([0, 100, -50, -30, 60]);
    expect(m.daily[2]).toMatchObject({ trades: 1, losses: 1, startEquity: 1100, endEquity: 1050 });
    expect(m.monthly).toHaveLength(1);
    expect(m.monthly[0]).toMatchObject({ period: '2024-07', pnl: 80, trades: 4 });
  });

  it('reports best and worst day, day counts, balance range and winner/loser durations', () => {
    expect(m.bestDayReturn!).toBeCloseTo(0.1, 12);
    expect(m.worstDayReturn!).toBeCloseTo(-50 / 1100, 12);
    expect([m.winningDays, m.drawDays, m.losingDays]).toEqual([2, 1, 2]);
    expect([m.minBalance, m.maxBalance]).toEqual([1000, 1100]);
    expect(m.avgWinDurationMs).toBe(0.75 * DAY);
    expect(m.avgLossDurationMs).toBe(DAY);
  });

  it('starts weeks on Monday (2024-07-01 was a Monday)', () => {
    expect(m.weekly[0]!.period).toBe('2024-07-01');
  });
});

describe('marketChange', () => {
  it('averages each pair’s first-to-last close change, skipping missing candles', () => {
    const time = [T0, T0 + DAY, T0 + 2 * DAY];
    const change = marketChange([
      { pair: 'BTC/USD', time, close: [100, 110, 120] },
      { pair: 'ETH/USD', time, close: [Number.NaN, 50, 45] },
    ]);
    expect(change!).toBeCloseTo((0.2 - 0.1) / 2, 12);
  });

  it('is null when no pair has a close', () => {
    expect(marketChange([])).toBeNull();
  });
});

describe('trials from the experiment ledger', () => {
  it('counts each version once (its latest Sharpe) plus the candidate, with the sample variance of their Sharpes', () => {
    const ctx = trialsFromLedger(
      [
        { versionId: 'a', sharpe: 0.5 },
        { versionId: 'a', sharpe: 0.1 },
        { versionId: 'b', sharpe: 0.3 },
      ],
      { versionId: 'c', sharpe: 0.2 },
    );
    expect(ctx.trials).toBe(3);
    expect(ctx.sharpeVariance).toBeCloseTo(0.01, 12);
  });

  it('deflate recomputes only the DSR fields', () => {
    const curve = dailyCurve(seededReturns(200, 9), START);
    const m = computeMetrics({ startingBalance: START, equity: curve, trades: [], markets: [] });
    const d = deflate(m, { trials: 50, sharpeVariance: 0.001 });
    expect(d.trials).toBe(50);
    expect(d.dsr!).toBeLessThan(m.dsr!);
    expect({ ...d, dsr: m.dsr, dsrBenchmark: m.dsrBenchmark, trials: m.trials }).toEqual(m);
  });
});
