/**
 * computeMetrics: the backtest summary the gates, the orchestrator and the reports read. Pure.
 * Definitions (docs/backtesting.md has the full list):
 * - annualised ratios come from close-to-close DAILY returns of the equity curve, ×√365 (crypto
 *   trades every day); Sharpe uses the sample stdev, Sortino the downside deviation over all days
 *   (target 0), Calmar = CAGR / max drawdown;
 * - PSR is the 2012 form against SR* = 0 on daily returns; DSR deflates it by the expected maximum
 *   Sharpe of every candidate tried (trialsContext, fed from the experiment ledger).
 */
import { moments, sampleVariance } from './stats/moments.ts';
import { deflatedSharpe, psr, psr2025, type SharpeSample } from './stats/sharpe.ts';
import { breakdown, dailyReturns, drawdown } from './metrics-equity.ts';
import { exposure, groupStats, tradeStats } from './metrics-trades.ts';
import type { BacktestMetrics, MarketSeries, MetricsInput, PeriodStats, TrialsContext } from './metrics-types.ts';

export type * from './metrics-types.ts';

const DAY_MS = 86_400_000;
const DAYS_PER_YEAR = 365;

/** Buy-and-hold benchmark: the mean over pairs of (last close / first close − 1), as Freqtrade. */
export function marketChange(markets: readonly MarketSeries[]): number | null {
  const changes: number[] = [];
  for (const m of markets) {
    // The first and the last finite close: found from each end, not by reading the whole year.
    let i = 0;
    while (i < m.close.length && !Number.isFinite(m.close[i]!)) i++;
    let j = m.close.length - 1;
    while (j > i && !Number.isFinite(m.close[j]!)) j--;
    const first = i < m.close.length ? m.close[i]! : Number.NaN;
    if (first > 0) changes.push(m.close[j]! / first - 1);
  }
  return changes.length > 0 ? changes.reduce((a, b) => a + b, 0) / changes.length : null;
}

interface RatioStats {
  sharpe: number | null;
  sortino: number | null;
  sample: SharpeSample | null;
}

function ratios(daily: Float64Array): RatioStats {
  if (daily.length < 2) return { sharpe: null, sortino: null, sample: null };
  const m = moments(daily);
  let down = 0;
  for (const r of daily) if (r < 0) down += r * r;
  const downside = Math.sqrt(down / daily.length);
  const annual = Math.sqrt(DAYS_PER_YEAR);
  const sr = m.stdev > 0 ? m.mean / m.stdev : null;
  return {
    sharpe: sr === null ? null : sr * annual,
    sortino: downside > 0 ? (m.mean / downside) * annual : null,
    sample: sr === null ? null : { sr, t: daily.length, skewness: m.skewness, kurtosis: m.kurtosis },
  };
}

function meanOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length > 0 ? s / xs.length : 0;
}

export function computeMetrics(input: MetricsInput): BacktestMetrics {
  const { equity, trades, startingBalance } = input;
  const n = equity.time.length;
  const from = n > 0 ? equity.time[0]! : 0;
  const to = n > 0 ? equity.time[n - 1]! : 0;
  const days = (to - from) / DAY_MS;
  const finalBalance = n > 0 ? equity.value[n - 1]! : startingBalance;
  const totalReturn = finalBalance / startingBalance - 1;
  const cagr = days > 0 && finalBalance > 0 ? (finalBalance / startingBalance) ** (DAYS_PER_YEAR / days) - 1 : null;
  const dd = drawdown(equity, startingBalance);
  const ts = tradeStats(trades);
  const r = ratios(dailyReturns(equity, startingBalance));
  const perPair = groupStats(trades, (t) => t.pair);
  const daily = breakdown(equity, startingBalance, trades, 'day');
  const openAtEnd = trades.filter((t) => t.openAtEnd);
  return {
    from,
    to,
    days,
    startingBalance,
    finalBalance,
    absoluteProfit: finalBalance - startingBalance,
    totalReturn,
    cagr,
    tradesPerDay: days > 0 ? trades.length / days : 0,
    ...ts,
    ...dd,
    sharpe: r.sharpe,
    sortino: r.sortino,
    calmar: cagr !== null && dd.maxDrawdown > 0 ? cagr / dd.maxDrawdown : null,
    dailySharpe: r.sample?.sr ?? null,
    dailySkewness: r.sample?.skewness ?? null,
    dailyKurtosis: r.sample?.kurtosis ?? null,
    psr: finiteOrNull(r.sample ? psr(r.sample) : null),
    psr2025: finiteOrNull(r.sample ? psr2025(r.sample) : null),
    ...deflation(r.sample, input.trialsContext ?? { trials: 1, sharpeVariance: 0 }),
    marketChange: marketChange(input.markets),
    exposure: exposure(trades, from, to),
    turnover: n > 0 ? ts.turnoverNotional / meanOf(equity.value) : 0,
    feesShareOfGross: ts.grossPnl > 0 ? ts.totalFees / ts.grossPnl : null,
    slippageShareOfGross: ts.grossPnl > 0 ? ts.totalSlippage / ts.grossPnl : null,
    ...balanceRange(equity.value, startingBalance),
    ...dayStats(daily),
    bestPair: perPair[0]?.key ?? null,
    worstPair: perPair.at(-1)?.key ?? null,
    openAtEndTrades: openAtEnd.length,
    openAtEndPnl: openAtEnd.reduce((a, t) => a + t.pnl, 0),
    perPair,
    exitReasons: groupStats(trades, (t) => t.exitReason),
    daily,
    weekly: breakdown(equity, startingBalance, trades, 'week'),
    monthly: breakdown(equity, startingBalance, trades, 'month'),
  };
}

function balanceRange(values: ArrayLike<number>, start: number): Pick<BacktestMetrics, 'minBalance' | 'maxBalance'> {
  let min = start;
  let max = start;
  for (let i = 0; i < values.length; i++) [min, max] = [Math.min(min, values[i]!), Math.max(max, values[i]!)];
  return { minBalance: min, maxBalance: max };
}

type DayStats = Pick<BacktestMetrics, 'bestDayReturn' | 'worstDayReturn' | 'winningDays' | 'drawDays' | 'losingDays'>;

function dayStats(daily: readonly PeriodStats[]): DayStats {
  const r = daily.map((d) => d.returnPct / 100);
  return {
    bestDayReturn: r.length > 0 ? Math.max(...r) : null,
    worstDayReturn: r.length > 0 ? Math.min(...r) : null,
    winningDays: r.filter((x) => x > 0).length,
    drawDays: r.filter((x) => x === 0).length,
    losingDays: r.filter((x) => x < 0).length,
  };
}

function deflation(sample: SharpeSample | null, ctx: TrialsContext): Pick<BacktestMetrics, 'dsr' | 'dsrBenchmark' | 'trials'> {
  const d = sample ? deflatedSharpe(sample, ctx.trials, ctx.sharpeVariance) : null;
  return { dsr: finiteOrNull(d?.dsr ?? null), dsrBenchmark: d?.sr0 ?? null, trials: ctx.trials };
}

/** The same metrics deflated against a different set of candidates (e.g. once the ledger is read). */
export function deflate(m: BacktestMetrics, ctx: TrialsContext): BacktestMetrics {
  const sample = m.dailySharpe === null ? null : { sr: m.dailySharpe, t: m.daily.length, skewness: m.dailySkewness!, kurtosis: m.dailyKurtosis! };
  return { ...m, ...deflation(sample, ctx) };
}

/**
 * N and V[SR] from the experiment ledger: one trial per distinct version (its latest entry; re-running
 * the incumbent is not a new trial), plus the candidate at hand. Sharpe ratios are DAILY.
 */
export function trialsFromLedger(
  entries: readonly { versionId: string; sharpe: number }[],
  current: { versionId: string; sharpe: number | null },
): TrialsContext {
  const byVersion = new Map<string, number>();
  for (const e of entries) if (Number.isFinite(e.sharpe)) byVersion.set(e.versionId, e.sharpe);
  if (current.sharpe !== null) byVersion.set(current.versionId, current.sharpe);
  const srs = [...byVersion.values()];
  return { trials: Math.max(1, srs.length), sharpeVariance: srs.length > 1 ? sampleVariance(srs) : 0 };
}

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}
