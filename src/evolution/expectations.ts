/**
 * What a version promised when it passed its gates, recorded with it and read by the rollback watch:
 * its per-trade returns (and the CUSUM threshold bootstrapped from them), trade rate, Monte Carlo
 * drawdown and losing-streak percentiles, the longest time under water, and the cost assumptions
 * (slippage and taker fee) its backtest was charged.
 */
import type { BacktestMetrics } from '../backtest/metrics.ts';
import type { EngineConfig, EngineResult } from '../backtest/engine.ts';
import type { GateReport } from '../backtest/validation/index.ts';
import { calibrateCusum, meanOf, stdevOf, type CusumCalibration } from './stats.ts';

export interface Expectations {
  readonly trades: number;
  readonly tradesPerDay: number;
  readonly meanReturn: number;
  readonly sdReturn: number;
  /** Per-trade net returns (fraction of the entry notional), at most MAX_RETURNS of them. */
  readonly tradeReturns: readonly number[];
  readonly cusum: CusumCalibration | null;
  readonly mcDrawdown: { p95: number; p99: number };
  readonly losingStreakP95: number;
  readonly longestUnderwaterMs: number;
  readonly slippage: number;
  readonly takerFee: number;
}

const MAX_RETURNS = 2000;

export function expectationsOf(r: EngineResult, m: BacktestMetrics, gates: GateReport, config: EngineConfig, falseAlarm: number): Expectations {
  const returns = r.trades
    .map((t) => t.pnl / (t.entryPrice * t.quantity))
    .filter(Number.isFinite)
    .slice(-MAX_RETURNS);
  const mc = gates.monteCarlo.shuffle;
  return {
    trades: m.trades,
    tradesPerDay: m.tradesPerDay,
    meanReturn: meanOf(returns),
    sdReturn: stdevOf(returns),
    tradeReturns: returns,
    cusum: calibrateCusum(returns, { falseAlarm }),
    mcDrawdown: { p95: mc.maxDrawdown.p95, p99: mc.maxDrawdown.p99 },
    losingStreakP95: mc.losingStreak.p95,
    longestUnderwaterMs: m.longestUnderwaterMs,
    slippage: config.slippage,
    takerFee: config.fees.reduce((a, f) => a + f.taker, 0) / Math.max(1, config.fees.length),
  };
}
