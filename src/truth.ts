/**
 * Truth benchmarks: the 17 rigid figures anyone can check by hand against the database. Each is ONE
 * SQL query over the raw tables (no application code between the rows and the number), so a report,
 * the orchestrator's context or a Telegram /stats can be audited with the sqlite3 shell.
 *
 * Definitions: a trade is a position that held something. It is closed when status = 'closed' with an
 * exit reason (an entry that never filled is closed with none and is not a trade). A win has realised
 * P&L > 0 (net of entry and exit fees); every other closed trade is a loss.
 */
import type { Db, SqlValue } from './db/index.ts';

export interface TruthMetric {
  readonly name: string;
  readonly description: string;
  /** One row, one column named `value`; `:now` (ms) is bound. */
  readonly sql: string;
}

const CLOSED = "status = 'closed' AND exit_reason IS NOT NULL";
const TRADES = `(status <> 'closed' OR exit_reason IS NOT NULL)`;
/** Closed trades in close order with an island id that grows at every win (for streaks). */
const STREAKS = `WITH t AS (
  SELECT realized_pnl <= 0 AS loss,
         SUM(CASE WHEN realized_pnl > 0 THEN 1 ELSE 0 END) OVER (ORDER BY closed_at, id ROWS UNBOUNDED PRECEDING) AS island
  FROM positions WHERE ${CLOSED})`;
const DAY_MS = 86_400_000;

export const TRUTH_METRICS: readonly TruthMetric[] = [
  { name: 'trades_total', description: 'Positions that held something, open or closed.', sql: `SELECT COUNT(*) AS value FROM positions WHERE ${TRADES}` },
  {
    name: 'trades_open',
    description: 'Positions not closed yet (pendingEntry, open, pendingExit).',
    sql: "SELECT COUNT(*) AS value FROM positions WHERE status <> 'closed'",
  },
  { name: 'trades_closed', description: 'Closed trades.', sql: `SELECT COUNT(*) AS value FROM positions WHERE ${CLOSED}` },
  { name: 'wins', description: 'Closed trades with realised P&L > 0.', sql: `SELECT COUNT(*) AS value FROM positions WHERE ${CLOSED} AND realized_pnl > 0` },
  { name: 'losses', description: 'Closed trades with realised P&L ≤ 0.', sql: `SELECT COUNT(*) AS value FROM positions WHERE ${CLOSED} AND realized_pnl <= 0` },
  {
    name: 'win_rate',
    description: 'wins / trades_closed, as a fraction; null before the first closed trade.',
    sql: `SELECT AVG(CASE WHEN realized_pnl > 0 THEN 1.0 ELSE 0.0 END) AS value FROM positions WHERE ${CLOSED}`,
  },
  {
    name: 'realized_pnl',
    description: 'Sum of realised P&L of closed trades, USD, net of all fees.',
    sql: `SELECT COALESCE(SUM(realized_pnl), 0) AS value FROM positions WHERE ${CLOSED}`,
  },
  {
    name: 'fees_paid',
    description: 'Sum of every fill fee, USD (entries and exits, open trades included).',
    sql: 'SELECT COALESCE(SUM(fee), 0) AS value FROM fills',
  },
  {
    name: 'expectancy',
    description: 'Mean realised P&L per closed trade, USD; null before the first.',
    sql: `SELECT AVG(realized_pnl) AS value FROM positions WHERE ${CLOSED}`,
  },
  {
    name: 'max_consecutive_losses',
    description: 'Longest run of losses among closed trades in close order.',
    sql: `${STREAKS} SELECT COALESCE(MAX(n), 0) AS value FROM (SELECT COUNT(*) AS n FROM t WHERE loss GROUP BY island)`,
  },
  {
    name: 'current_consecutive_losses',
    description: 'Losses since the last win (the run the breaker counts).',
    sql: `${STREAKS} SELECT COUNT(*) AS value FROM t WHERE loss AND island = (SELECT COALESCE(MAX(island), 0) FROM t)`,
  },
  {
    name: 'current_drawdown',
    description: 'Drawdown of the newest portfolio snapshot, fraction of peak; null without snapshots.',
    sql: 'SELECT drawdown AS value FROM portfolio_snapshots ORDER BY time DESC, id DESC LIMIT 1',
  },
  {
    name: 'max_drawdown',
    description: 'Largest drawdown of any portfolio snapshot, fraction of peak.',
    sql: 'SELECT COALESCE(MAX(drawdown), 0) AS value FROM portfolio_snapshots',
  },
  { name: 'signals_acted', description: 'Non-hold intents that became an order.', sql: "SELECT COUNT(*) AS value FROM signals WHERE outcome = 'acted'" },
  {
    name: 'signals_rejected',
    description: 'Non-hold intents refused (risk rule, breaker, no verdict).',
    sql: "SELECT COUNT(*) AS value FROM signals WHERE outcome = 'rejected'",
  },
  {
    name: 'scans_last_24h',
    description: 'Scans written in the 24 h before now.',
    sql: `SELECT COUNT(*) AS value FROM scan_results WHERE created_at > :now - ${DAY_MS} AND created_at <= :now`,
  },
  {
    name: 'active_strategy_version',
    description: "The deployed strategy as 'label (id)'; null before the first deploy.",
    sql: `SELECT v.label || ' (' || v.id || ')' AS value FROM active_versions a JOIN strategy_versions v ON v.id = a.version_id WHERE a.slot = 'strategy'`,
  },
];

export type TruthName = (typeof TRUTH_METRICS)[number]['name'];
export type TruthReport = Record<string, SqlValue>;

/** Every metric at `now`, by name, in the order above. */
export function truthReport(db: Db, now: number): TruthReport {
  const out: TruthReport = {};
  for (const m of TRUTH_METRICS) out[m.name] = truthValue(db, m, now);
  return out;
}

export function truthValue(db: Db, metric: TruthMetric, now: number): SqlValue {
  const stmt = db.prepare(metric.sql);
  const row = stmt.get<{ value: SqlValue }>(metric.sql.includes(':now') ? { now } : undefined);
  return row?.value ?? null;
}
