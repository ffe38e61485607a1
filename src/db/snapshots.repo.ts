/**
 * Portfolio snapshots (one per mark-to-market) and daily snapshots (one per UTC day). The peak equity
 * lives in the rows so the drawdown rule survives a restart without replaying history.
 */
import { PortfolioViewSchema, type PortfolioView } from '../contract/index.ts';
import type { Db } from './connection.ts';
import { fromJson, toJson, validated } from './rows.ts';

export interface DailySnapshot {
  /** UTC midnight (ms) of the day. */
  day: number;
  openEquity: number;
  closeEquity: number;
  peakEquity: number;
  realizedPnl: number;
  fees: number;
  trades: number;
  updatedAt: number;
}

export interface SnapshotsRepo {
  insertPortfolio(view: PortfolioView): number;
  latestPortfolio(): PortfolioView | undefined;
  /** Portfolio snapshots with time in [from, to), oldest first. */
  portfolioInRange(from: number, to: number): PortfolioView[];
  /** The highest peak equity ever recorded (portfolio or daily), or null on a fresh database. */
  peakEquity(): number | null;
  /** Inserts or replaces the row for `day`. */
  saveDaily(snapshot: DailySnapshot): void;
  daily(day: number): DailySnapshot | undefined;
  /** Daily rows with day in [fromDay, toDay), oldest first. */
  dailyInRange(fromDay: number, toDay: number): DailySnapshot[];
}

type PortfolioRow = {
  id: number;
  time: number;
  cash: number;
  equity: number;
  peak_equity: number;
  drawdown: number;
  realized_pnl: number;
  unrealized_pnl: number;
  fees_paid: number;
  positions: string;
};

function portfolioToRow(v: PortfolioView): Omit<PortfolioRow, 'id'> {
  return {
    time: v.time,
    cash: v.cash,
    equity: v.equity,
    peak_equity: v.peakEquity,
    drawdown: v.drawdown,
    realized_pnl: v.realizedPnl,
    unrealized_pnl: v.unrealizedPnl,
    fees_paid: v.feesPaid,
    positions: toJson(v.openPositions),
  };
}

function portfolioFromRow(r: PortfolioRow): PortfolioView {
  const view = {
    time: r.time,
    cash: r.cash,
    equity: r.equity,
    peakEquity: r.peak_equity,
    drawdown: r.drawdown,
    realizedPnl: r.realized_pnl,
    unrealizedPnl: r.unrealized_pnl,
    feesPaid: r.fees_paid,
    openPositions: fromJson(r.positions, `portfolio_snapshots row ${r.id} positions`),
  };
  return validated(PortfolioViewSchema, view, `portfolio_snapshots row ${r.id}`);
}

type DailyRow = {
  day: number;
  open_equity: number;
  close_equity: number;
  peak_equity: number;
  realized_pnl: number;
  fees: number;
  trades: number;
  updated_at: number;
};

function dailyToRow(d: DailySnapshot): DailyRow {
  return {
    day: d.day,
    open_equity: d.openEquity,
    close_equity: d.closeEquity,
    peak_equity: d.peakEquity,
    realized_pnl: d.realizedPnl,
    fees: d.fees,
    trades: d.trades,
    updated_at: d.updatedAt,
  };
}

function dailyFromRow(r: DailyRow): DailySnapshot {
  return {
    day: r.day,
    openEquity: r.open_equity,
    closeEquity: r.close_equity,
    peakEquity: r.peak_equity,
    realizedPnl: r.realized_pnl,
    fees: r.fees,
    trades: r.trades,
    updatedAt: r.updated_at,
  };
}

export function snapshotsRepo(db: Db): SnapshotsRepo {
  const insertPortfolio = db.prepare(
    `INSERT INTO portfolio_snapshots (time, cash, equity, peak_equity, drawdown, realized_pnl, unrealized_pnl, fees_paid, positions)
     VALUES (:time, :cash, :equity, :peak_equity, :drawdown, :realized_pnl, :unrealized_pnl, :fees_paid, :positions)`,
  );
  const selectLatest = db.prepare('SELECT * FROM portfolio_snapshots ORDER BY time DESC, id DESC LIMIT 1');
  const selectRange = db.prepare('SELECT * FROM portfolio_snapshots WHERE time >= ? AND time < ? ORDER BY time, id');
  const selectPeak = db.prepare(
    `SELECT MAX(peak) AS peak FROM (SELECT MAX(peak_equity) AS peak FROM portfolio_snapshots
       UNION ALL SELECT MAX(peak_equity) FROM daily_snapshots)`,
  );
  const saveDaily = db.prepare(
    `INSERT OR REPLACE INTO daily_snapshots (day, open_equity, close_equity, peak_equity, realized_pnl, fees, trades, updated_at)
     VALUES (:day, :open_equity, :close_equity, :peak_equity, :realized_pnl, :fees, :trades, :updated_at)`,
  );
  const selectDaily = db.prepare('SELECT * FROM daily_snapshots WHERE day = ?');
  const selectDailyRange = db.prepare('SELECT * FROM daily_snapshots WHERE day >= ? AND day < ? ORDER BY day');

  return {
    insertPortfolio: (v) => insertPortfolio.run(portfolioToRow(v)).lastInsertRowid,
    latestPortfolio: () => {
      const row = selectLatest.get<PortfolioRow>();
      return row && portfolioFromRow(row);
    },
    portfolioInRange: (from, to) => selectRange.all<PortfolioRow>([from, to]).map(portfolioFromRow),
    peakEquity: () => selectPeak.get<{ peak: number | null }>()?.peak ?? null,
    saveDaily: (d) => void saveDaily.run(dailyToRow(d)),
    daily: (day) => {
      const row = selectDaily.get<DailyRow>([day]);
      return row && dailyFromRow(row);
    },
    dailyInRange: (fromDay, toDay) => selectDailyRange.all<DailyRow>([fromDay, toDay]).map(dailyFromRow),
  };
}
