/**
 * The database: openDatabase (connection + migrations) and the repositories, one per table group.
 * strategy_versions/active_versions have their repository in versions.repo.ts (owned by src/sandbox).
 */
import { candlesRepo } from './candles.repo.ts';
import type { Db } from './connection.ts';
import { fillsRepo } from './fills.repo.ts';
import { ordersRepo } from './orders.repo.ts';
import { positionsRepo } from './positions.repo.ts';
import { signalsRepo } from './signals.repo.ts';

export type { BindParams, Db, RunResult, SqlValue, Statement } from './connection.ts';
export { DbError, isUniqueViolation, type DbErrorCode } from './errors.ts';
export { applyMigrations, loadMigrations, migrationChecksum, MIGRATIONS_DIR, type Migration } from './migrate.ts';
export { DEFAULT_DB_PATH, openDatabase, type OpenDatabaseOptions } from './open.ts';
export type { CandlesRepo } from './candles.repo.ts';
export type { FillsRepo } from './fills.repo.ts';
export { LIVE_ORDER_STATUSES, type OrderIntent, type OrdersRepo, type OrderUpdate } from './orders.repo.ts';
export type { PositionsRepo } from './positions.repo.ts';
export type { NewSignal, ScanRecord, ScanResult, SignalOutcome, SignalRecord, SignalsRepo } from './signals.repo.ts';

export function createRepositories(db: Db) {
  return {
    db,
    candles: candlesRepo(db),
    orders: ordersRepo(db),
    fills: fillsRepo(db),
    positions: positionsRepo(db),
    signals: signalsRepo(db),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;
