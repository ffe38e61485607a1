/**
 * Inputs and outputs of computeMetrics. The input is a small explicit shape (equity curve, closed
 * trades, market closes) so metrics do not depend on the engine's internals; run.ts adapts the
 * engine result to it. Times are epoch ms (UTC); money is quote currency (USD).
 */
import type { ExitReason, Pair } from '../contract/index.ts';
import type { ClosedPosition } from '../trading/portfolio.ts';

/** A closed position (src/trading's accounting record) with why it closed. */
export interface ClosedTrade extends ClosedPosition {
  readonly exitReason: ExitReason;
  /** True when the engine force-closed the trade at the end of the data (reported separately). */
  readonly openAtEnd?: boolean;
}

export interface MarketSeries {
  readonly pair: Pair;
  readonly time: ArrayLike<number>;
  /** Closes; NaN where the pair had no candle (skipped). */
  readonly close: ArrayLike<number>;
}

/** The selection context for the deflated Sharpe ratio: every candidate tried (experiment ledger). */
export interface TrialsContext {
  /** Number of candidates tried, this one included. */
  readonly trials: number;
  /** Variance of the candidates' DAILY Sharpe ratios. */
  readonly sharpeVariance: number;
}

export interface MetricsInput {
  readonly startingBalance: number;
  /** Equity marked to market, one point per bar, sorted by time. */
  readonly equity: { readonly time: ArrayLike<number>; readonly value: ArrayLike<number> };
  readonly trades: readonly ClosedTrade[];
  readonly markets: readonly MarketSeries[];
  readonly trialsContext?: TrialsContext;
}

export interface GroupStats {
  readonly key: string;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRate: number;
  readonly pnl: number;
  /** Mean trade return (fraction of entry notional). */
  readonly avgReturn: number;
  readonly fees: number;
}

export interface PeriodStats {
  /** 'YYYY-MM-DD' (day, week start Monday) or 'YYYY-MM' (month). */
  readonly period: string;
  readonly startEquity: number;
  readonly endEquity: number;
  readonly pnl: number;
  readonly returnPct: number;
  readonly trades: number;
  readonly wins: number;
  readonly draws: number;
  readonly losses: number;
}

export interface DrawdownStats {
  /** Deepest peak-to-trough fall of the bar-level equity curve, as a fraction of the peak. */
  readonly maxDrawdown: number;
  readonly maxDrawdownAbs: number;
  readonly peakTime: number | null;
  readonly troughTime: number | null;
  /** Peak → recovery of the deepest drawdown (→ end of data if it never recovered), ms. */
  readonly maxDrawdownDurationMs: number;
  /** Longest stretch spent below a previous peak, whichever drawdown it belongs to, ms. */
  readonly longestUnderwaterMs: number;
}

export interface TradeStats {
  readonly trades: number;
  readonly wins: number;
  readonly draws: number;
  readonly losses: number;
  readonly winRate: number;
  readonly avgWin: number;
  readonly avgLoss: number;
  readonly profitFactor: number | null;
  readonly expectancy: number;
  readonly expectancyRatio: number | null;
  readonly sqn: number | null;
  readonly bestTradeReturn: number | null;
  readonly worstTradeReturn: number | null;
  readonly maxConsecutiveWins: number;
  readonly maxConsecutiveLosses: number;
  readonly avgDurationMs: number;
  readonly avgWinDurationMs: number;
  readonly avgLossDurationMs: number;
  readonly totalFees: number;
  readonly totalSlippage: number;
  /** P&L before fees and slippage. */
  readonly grossPnl: number;
  readonly turnoverNotional: number;
}

export interface BacktestMetrics extends TradeStats, DrawdownStats {
  readonly from: number;
  readonly to: number;
  readonly days: number;
  readonly startingBalance: number;
  readonly finalBalance: number;
  readonly absoluteProfit: number;
  readonly totalReturn: number;
  readonly cagr: number | null;
  readonly tradesPerDay: number;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly calmar: number | null;
  /** Daily (not annualised) Sharpe and the moments PSR/DSR use. */
  readonly dailySharpe: number | null;
  readonly dailySkewness: number | null;
  readonly dailyKurtosis: number | null;
  readonly psr: number | null;
  readonly psr2025: number | null;
  readonly dsr: number | null;
  readonly dsrBenchmark: number | null;
  readonly trials: number;
  readonly marketChange: number | null;
  readonly exposure: number;
  readonly turnover: number;
  readonly feesShareOfGross: number | null;
  readonly slippageShareOfGross: number | null;
  readonly minBalance: number;
  readonly maxBalance: number;
  /** Best and worst calendar day (UTC) by equity return, and how many days rose, stayed, fell. */
  readonly bestDayReturn: number | null;
  readonly worstDayReturn: number | null;
  readonly winningDays: number;
  readonly drawDays: number;
  readonly losingDays: number;
  readonly bestPair: string | null;
  readonly worstPair: string | null;
  readonly openAtEndTrades: number;
  readonly openAtEndPnl: number;
  readonly perPair: readonly GroupStats[];
  readonly exitReasons: readonly GroupStats[];
  readonly daily: readonly PeriodStats[];
  readonly weekly: readonly PeriodStats[];
  readonly monthly: readonly PeriodStats[];
}
