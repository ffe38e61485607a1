/**
 * The supervisor's journal: fills (deduplicated by fill identity), one portfolio_snapshots row per candle step
 * (with the open positions as the positions table has them), one daily_snapshots row per closed UTC day, and
 * each candle the live line heard closed (the candle store follows the feed, not only the nightly back-fill).
 * `recordFill` is the only code that writes the fills table: the ledger is rebuilt from it at boot, so it
 * holds exactly what the supervisor booked (and, before the supervisor runs, what boot reconciliation
 * learnt from the venue).
 */
import type { JournalCommand } from '../../machines/supervisor.machine.ts';
import type { Fill } from '../../src/contract/index.ts';
import type { Repositories } from '../../src/db/index.ts';

const DAY_MS = 86_400_000;

export function recordFill(repos: Pick<Repositories, 'fills'>, fill: Fill): void {
  repos.fills.insert(fill);
}

export function journalWriter(repos: Repositories): (cmd: JournalCommand) => void {
  return (cmd) => {
    if (cmd.type === 'journal.fill') {
      recordFill(repos, cmd.fill);
      return;
    }
    if (cmd.type === 'journal.candle') {
      // The closed candles the daemon traded on: paper-test shadows, their judge and the daily drift replay read them.
      repos.candles.upsertMany(cmd.pair, cmd.timeframe, [cmd.candle]);
      return;
    }
    if (cmd.type === 'journal.portfolio') {
      const { type: _type, ...row } = cmd;
      const drawdown = row.peakEquity > 0 ? Math.min(1, Math.max(0, (row.peakEquity - row.equity) / row.peakEquity)) : 0;
      repos.snapshots.insertPortfolio({ ...row, drawdown, openPositions: repos.positions.open() });
      return;
    }
    const { day, ledger } = cmd;
    const trades = repos.positions.closedInRange(day.day, day.day + DAY_MS).length;
    repos.snapshots.saveDaily({
      day: day.day,
      openEquity: day.openEquity,
      closeEquity: day.closeEquity,
      peakEquity: ledger.peakEquity,
      realizedPnl: ledger.realizedPnl,
      fees: ledger.feesPaid,
      trades,
      updatedAt: day.day + DAY_MS,
    });
  };
}
