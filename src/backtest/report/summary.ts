/**
 * The summary rows every report shows, in Freqtrade's order plus the gaps anchors.md §(c) lists
 * (exposure, turnover, cost share, PSR/DSR with the number of candidates). One list feeds both the
 * terminal table and the HTML report, so they never disagree.
 */
import type { BacktestMetrics, GroupStats } from '../metrics.ts';
import { duration, isoDate, money, num, pct } from './format.ts';

export type SummaryRow = readonly [label: string, value: string];

export function summaryRows(m: BacktestMetrics): SummaryRow[] {
  return [
    ['Backtest from', isoDate(m.from)],
    ['Backtest to', isoDate(m.to)],
    ['Total trades', `${m.trades}`],
    ['Trades per day', num(m.tradesPerDay)],
    ['Starting balance', money(m.startingBalance)],
    ['Final balance', money(m.finalBalance)],
    ['Absolute profit', money(m.absoluteProfit)],
    ['Total return', pct(m.totalReturn)],
    ['CAGR', pct(m.cagr)],
    ['Market change (buy and hold)', pct(m.marketChange)],
    ['Sharpe (annualised, daily)', num(m.sharpe)],
    ['Sortino (annualised, daily)', num(m.sortino)],
    ['Calmar', num(m.calmar)],
    ['SQN', num(m.sqn)],
    ['Profit factor', num(m.profitFactor)],
    ['Expectancy per trade', money(m.expectancy)],
    ['Expectancy ratio', num(m.expectancyRatio)],
    ['Win rate', pct(m.winRate, 1)],
    ['Wins / draws / losses', `${m.wins} / ${m.draws} / ${m.losses}`],
    ['Average win / loss', `${money(m.avgWin)} / ${money(m.avgLoss)}`],
    ['Best / worst trade', `${pct(m.bestTradeReturn)} / ${pct(m.worstTradeReturn)}`],
    ['Best / worst pair', `${m.bestPair ?? '–'} / ${m.worstPair ?? '–'}`],
    ['Max consecutive wins / losses', `${m.maxConsecutiveWins} / ${m.maxConsecutiveLosses}`],
    ['Average trade duration', duration(m.avgDurationMs)],
    ['Average duration winners / losers', `${duration(m.avgWinDurationMs)} / ${duration(m.avgLossDurationMs)}`],
    ['Best / worst day', `${pct(m.bestDayReturn)} / ${pct(m.worstDayReturn)}`],
    ['Days win / draw / lose', `${m.winningDays} / ${m.drawDays} / ${m.losingDays}`],
    ['Min / max balance', `${money(m.minBalance)} / ${money(m.maxBalance)}`],
    ['Max drawdown', `${pct(m.maxDrawdown)} (${money(m.maxDrawdownAbs)})`],
    ['Max drawdown peak / trough', `${isoDate(m.peakTime)} / ${isoDate(m.troughTime)}`],
    ['Max drawdown duration', duration(m.maxDrawdownDurationMs)],
    ['Longest time underwater', duration(m.longestUnderwaterMs)],
    ['Exposure (time in market)', pct(m.exposure, 1)],
    ['Turnover (× average equity)', num(m.turnover)],
    ['Fees paid', `${money(m.totalFees)} (${pct(m.feesShareOfGross, 1)} of gross)`],
    ['Slippage cost', `${money(m.totalSlippage)} (${pct(m.slippageShareOfGross, 1)} of gross)`],
    ['PSR (SR > 0)', num(m.psr, 4)],
    ['DSR', `${num(m.dsr, 4)} (${m.trials} candidate${m.trials === 1 ? '' : 's'})`],
    ['Left open at end', `${m.openAtEndTrades} (${money(m.openAtEndPnl)})`],
  ];
}

export const GROUP_HEADER = ['', 'Trades', 'Win %', 'P&L', 'Avg return', 'Fees'] as const;

export function groupRow(g: GroupStats): string[] {
  return [g.key, `${g.trades}`, pct(g.winRate, 1), money(g.pnl), pct(g.avgReturn), money(g.fees)];
}

/** A plain aligned text table (no colours: stdout may be a file or a pipe). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The terminal summary: key numbers, then the per-pair and exit-reason tables. */
export function terminalSummary(m: BacktestMetrics): string {
  return [
    textTable(['Metric', 'Value'], summaryRows(m)),
    '',
    textTable(['Pair', ...GROUP_HEADER.slice(1)], m.perPair.map(groupRow)),
    '',
    textTable(['Exit reason', ...GROUP_HEADER.slice(1)], m.exitReasons.map(groupRow)),
  ].join('\n');
}
