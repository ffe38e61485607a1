/**
 * Trade-list metrics: win/loss statistics, SQN, streaks, costs, per-group tables and exposure.
 * A trade's return is its net P&L over its entry notional. Draws (pnl exactly 0) count as neither.
 */
import { moments } from './stats/moments.ts';
import type { ClosedTrade, GroupStats, TradeStats } from './metrics-types.ts';

export function tradeReturn(t: ClosedTrade): number {
  const notional = t.entryPrice * t.quantity;
  return notional > 0 ? t.pnl / notional : 0;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function streaks(trades: readonly ClosedTrade[]): { wins: number; losses: number } {
  let wins = 0;
  let losses = 0;
  let w = 0;
  let l = 0;
  for (const t of [...trades].sort((a, b) => a.exitTime - b.exitTime)) {
    w = t.pnl > 0 ? w + 1 : 0;
    l = t.pnl < 0 ? l + 1 : 0;
    wins = Math.max(wins, w);
    losses = Math.max(losses, l);
  }
  return { wins, losses };
}

/** Van Tharp's SQN: √N · mean(P&L) / stdev(P&L). Null below two trades or with no dispersion. */
function sqn(pnls: readonly number[]): number | null {
  if (pnls.length < 2) return null;
  const m = moments(pnls);
  return m.stdev > 0 ? (Math.sqrt(pnls.length) * m.mean) / m.stdev : null;
}

function avgDuration(trades: readonly ClosedTrade[]): number {
  return trades.length > 0 ? sum(trades.map((t) => t.exitTime - t.entryTime)) / trades.length : 0;
}

export function tradeStats(trades: readonly ClosedTrade[]): TradeStats {
  const pnls = trades.map((t) => t.pnl);
  const winPnls = pnls.filter((p) => p > 0);
  const lossPnls = pnls.filter((p) => p < 0);
  const n = trades.length;
  const winRate = n > 0 ? winPnls.length / n : 0;
  const avgWin = winPnls.length > 0 ? sum(winPnls) / winPnls.length : 0;
  const avgLoss = lossPnls.length > 0 ? sum(lossPnls) / lossPnls.length : 0;
  const returns = trades.map(tradeReturn);
  const fees = sum(trades.map((t) => t.fees));
  const slippage = sum(trades.map((t) => t.slippageCost));
  const streak = streaks(trades);
  return {
    trades: n,
    wins: winPnls.length,
    draws: n - winPnls.length - lossPnls.length,
    losses: lossPnls.length,
    winRate,
    avgWin,
    avgLoss,
    profitFactor: lossPnls.length > 0 ? sum(winPnls) / -sum(lossPnls) : null,
    expectancy: n > 0 ? sum(pnls) / n : 0,
    // Freqtrade's "expectancy ratio": (1 + avg win / |avg loss|) · win rate − 1.
    expectancyRatio: avgLoss < 0 ? (1 + avgWin / -avgLoss) * winRate - 1 : null,
    sqn: sqn(pnls),
    bestTradeReturn: n > 0 ? Math.max(...returns) : null,
    worstTradeReturn: n > 0 ? Math.min(...returns) : null,
    maxConsecutiveWins: streak.wins,
    maxConsecutiveLosses: streak.losses,
    avgDurationMs: avgDuration(trades),
    avgWinDurationMs: avgDuration(trades.filter((t) => t.pnl > 0)),
    avgLossDurationMs: avgDuration(trades.filter((t) => t.pnl < 0)),
    totalFees: fees,
    totalSlippage: slippage,
    grossPnl: sum(pnls) + fees + slippage,
    turnoverNotional: sum(trades.map((t) => t.quantity * (t.entryPrice + t.exitPrice))),
  };
}

export function groupStats(trades: readonly ClosedTrade[], keyOf: (t: ClosedTrade) => string): GroupStats[] {
  const groups = new Map<string, ClosedTrade[]>();
  for (const t of trades) {
    const key = keyOf(t);
    const list = groups.get(key);
    if (list) list.push(t);
    else groups.set(key, [t]);
  }
  return [...groups.entries()]
    .map(([key, list]) => {
      const wins = list.filter((t) => t.pnl > 0).length;
      return {
        key,
        trades: list.length,
        wins,
        losses: list.filter((t) => t.pnl < 0).length,
        winRate: wins / list.length,
        pnl: sum(list.map((t) => t.pnl)),
        avgReturn: sum(list.map(tradeReturn)) / list.length,
        fees: sum(list.map((t) => t.fees)),
      };
    })
    .sort((a, b) => b.pnl - a.pnl);
}

/** Share of [from, to] during which at least one position was open (union of holding intervals). */
export function exposure(trades: readonly ClosedTrade[], from: number, to: number): number {
  if (to <= from || trades.length === 0) return 0;
  const spans = trades
    .map((t) => [Math.max(from, t.entryTime), Math.min(to, t.exitTime)] as const)
    .filter(([a, b]) => b > a)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const [a, b] of spans) {
    if (a > curEnd) {
      if (curEnd > curStart) covered += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else curEnd = Math.max(curEnd, b);
  }
  if (curEnd > curStart) covered += curEnd - curStart;
  return covered / (to - from);
}
