/**
 * The reporting reads behind /profit, /performance, /stats, /daily …: plain SQL over the raw tables, as
 * src/truth.ts does, so every figure the bot shows can be checked by hand with the sqlite3 shell. A
 * trade is a position that held something (an entry that never filled closes with no exit reason).
 */
import type { Db } from '../db/index.ts';

const CLOSED = "status = 'closed' AND exit_reason IS NOT NULL";

export interface TradeSummary {
  trades: number;
  wins: number;
  losses: number;
  pnl: number;
  fees: number;
  grossWins: number;
  grossLosses: number;
  best: number | null;
  worst: number | null;
  avgHoldMs: number | null;
}

export interface GroupRow {
  key: string;
  trades: number;
  wins: number;
  pnl: number;
  fees: number;
  avgHoldMs: number | null;
}

export interface PeriodRow {
  period: string;
  openEquity: number;
  closeEquity: number;
  pnl: number;
  fees: number;
  trades: number;
}

export interface TradeRow {
  id: string;
  pair: string;
  quantity: number;
  entryPrice: number;
  pnl: number;
  fees: number;
  exitReason: string;
  openedAt: number;
  closedAt: number;
}

export interface PaperTestRow {
  id: string;
  versionId: string;
  status: string;
  startedAt: number | null;
  deadline: number;
  endedAt: number | null;
  reason: string | null;
}

const SUMMARY = `SELECT COUNT(*) AS trades,
  COALESCE(SUM(CASE WHEN realized_pnl > 0 THEN 1 ELSE 0 END), 0) AS wins,
  COALESCE(SUM(CASE WHEN realized_pnl <= 0 THEN 1 ELSE 0 END), 0) AS losses,
  COALESCE(SUM(realized_pnl), 0) AS pnl, COALESCE(SUM(entry_fees + exit_fees), 0) AS fees,
  COALESCE(SUM(CASE WHEN realized_pnl > 0 THEN realized_pnl ELSE 0 END), 0) AS grossWins,
  COALESCE(SUM(CASE WHEN realized_pnl < 0 THEN -realized_pnl ELSE 0 END), 0) AS grossLosses,
  MAX(realized_pnl) AS best, MIN(realized_pnl) AS worst, AVG(closed_at - opened_at) AS avgHoldMs
  FROM positions WHERE ${CLOSED} AND closed_at >= :from AND closed_at < :to`;

/** Closed trades in [from, to): counts, P&L, fees, best and worst, average hold. */
export function tradeSummary(db: Db, from: number, to: number): TradeSummary {
  return db.prepare(SUMMARY).get<TradeSummary>({ from, to })!;
}

const GROUPED = (column: string) => `SELECT ${column} AS key, COUNT(*) AS trades,
  SUM(CASE WHEN realized_pnl > 0 THEN 1 ELSE 0 END) AS wins, SUM(realized_pnl) AS pnl,
  SUM(entry_fees + exit_fees) AS fees, AVG(closed_at - opened_at) AS avgHoldMs
  FROM positions WHERE ${CLOSED} AND closed_at >= :from AND closed_at < :to GROUP BY ${column} ORDER BY pnl DESC`;

/** Closed trades in [from, to) grouped by pair or by exit reason, best P&L first. */
export function tradesBy(db: Db, by: 'pair' | 'exit_reason', from: number, to: number): GroupRow[] {
  return db.prepare(GROUPED(by)).all<GroupRow>({ from, to });
}

/** The newest `limit` closed trades, newest first. */
export function recentTrades(db: Db, limit: number): TradeRow[] {
  return db
    .prepare(
      `SELECT id, pair, quantity, entry_price AS entryPrice, realized_pnl AS pnl, entry_fees + exit_fees AS fees,
         exit_reason AS exitReason, opened_at AS openedAt, closed_at AS closedAt
       FROM positions WHERE ${CLOSED} ORDER BY closed_at DESC, id DESC LIMIT ?`,
    )
    .all<TradeRow>([limit]);
}

export type PeriodUnit = 'day' | 'week' | 'month';

const DAY = 86_400_000;

/** The UTC day, the Monday of its ISO week, or its month. */
export function periodOf(unit: PeriodUnit, dayMs: number): string {
  if (unit === 'month') return new Date(dayMs).toISOString().slice(0, 7);
  const start = unit === 'week' ? dayMs - ((new Date(dayMs).getUTCDay() + 6) % 7) * DAY : dayMs;
  return new Date(start).toISOString().slice(0, 10);
}

type DailyRow = { day: number; open_equity: number; close_equity: number; fees: number; trades: number };

/** The newest `limit` days, weeks or months of daily_snapshots, newest first (P&L = last close − first open equity). */
export function periods(db: Db, unit: PeriodUnit, limit: number): PeriodRow[] {
  const out = new Map<string, PeriodRow>();
  for (const r of db.prepare('SELECT day, open_equity, close_equity, fees, trades FROM daily_snapshots ORDER BY day').iterate<DailyRow>()) {
    const period = periodOf(unit, r.day);
    const row = out.get(period) ?? { period, openEquity: r.open_equity, closeEquity: r.close_equity, pnl: 0, fees: 0, trades: 0 };
    row.closeEquity = r.close_equity;
    row.fees += r.fees;
    row.trades += r.trades;
    row.pnl = row.closeEquity - row.openEquity;
    out.set(period, row);
  }
  return [...out.values()].reverse().slice(0, limit);
}

/** Largest drawdown of the portfolio snapshots in [from, to), as a fraction of peak. */
export function maxDrawdown(db: Db, from: number, to: number): number {
  return db.prepare('SELECT COALESCE(MAX(drawdown), 0) AS v FROM portfolio_snapshots WHERE time >= ? AND time < ?').get<{ v: number }>([from, to])!.v;
}

/** The newest scan written, ms, or null before the first. */
export function lastScanAt(db: Db): number | null {
  return db.prepare('SELECT MAX(created_at) AS v FROM scan_results').get<{ v: number | null }>()!.v;
}

/** The newest `limit` paper tests, newest first. */
export function recentPaperTests(db: Db, limit: number): PaperTestRow[] {
  return db
    .prepare(
      `SELECT id, version_id AS versionId, status, started_at AS startedAt, deadline, ended_at AS endedAt, reason
       FROM paper_tests ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
    .all<PaperTestRow>([limit]);
}

/** The newest orchestrator cycle id (log, thoughts or usage), or null before the first. */
export function lastCycleId(db: Db): string | null {
  const row = db
    .prepare(
      `SELECT cycle_id AS id FROM (
         SELECT cycle_id, time FROM orchestrator_log WHERE cycle_id IS NOT NULL
         UNION ALL SELECT cycle_id, time FROM orchestrator_thoughts WHERE cycle_id IS NOT NULL
       ) ORDER BY time DESC LIMIT 1`,
    )
    .get<{ id: string }>();
  return row?.id ?? null;
}

export interface ThoughtRow {
  id: number;
  cycleId: string | null;
  time: number;
  step: string;
  content: string;
}

export function thoughtById(db: Db, id: number): ThoughtRow | undefined {
  return db.prepare('SELECT id, cycle_id AS cycleId, time, step, content FROM orchestrator_thoughts WHERE id = ?').get<ThoughtRow>([id]);
}

/** Token use and cost per model in [from, to). */
export function costByModel(db: Db, from: number, to: number): Array<{ model: string; calls: number; tokens: number; costUsd: number }> {
  return db
    .prepare(
      `SELECT model, COUNT(*) AS calls, SUM(input_tokens + output_tokens) AS tokens, SUM(cost_usd) AS costUsd
       FROM token_usage WHERE time >= ? AND time < ? GROUP BY model ORDER BY costUsd DESC`,
    )
    .all([from, to]);
}

export function cycleCost(db: Db, cycleId: string): { calls: number; costUsd: number } {
  return db.prepare('SELECT COUNT(*) AS calls, COALESCE(SUM(cost_usd), 0) AS costUsd FROM token_usage WHERE cycle_id = ?').get([cycleId])!;
}
