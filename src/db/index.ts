/**
 * The database: openDatabase (connection + migrations) and the repositories, one per table group.
 * strategy_versions/active_versions have their repository in versions.repo.ts (owned by src/versions).
 */
import { auditRepo } from './audit.repo.ts';
import { backtestsRepo } from './backtests.repo.ts';
import { candlesRepo } from './candles.repo.ts';
import type { Db } from './connection.ts';
import { evolutionRepo } from './evolution.repo.ts';
import { feesRepo } from './fees.repo.ts';
import { fillsRepo } from './fills.repo.ts';
import { ledgerRepo } from './ledger.repo.ts';
import { orchestratorRepo } from './orchestrator.repo.ts';
import { ordersRepo } from './orders.repo.ts';
import { paperTestsRepo } from './paper-tests.repo.ts';
import { positionsRepo } from './positions.repo.ts';
import { machineSnapshotsRepo, riskRepo } from './risk.repo.ts';
import { signalsRepo } from './signals.repo.ts';
import { snapshotsRepo } from './snapshots.repo.ts';

export type { BindParams, Db, RunResult, SqlValue, Statement } from './connection.ts';
export { DbError, isUniqueViolation, type DbErrorCode } from './errors.ts';
export { applyMigrations, checkMigrationHistory, loadMigrations, migrationChecksum, MIGRATIONS_DIR, type Migration } from './migrate.ts';
export { DEFAULT_DB_PATH, openDatabase, type OpenDatabaseOptions } from './open.ts';
export type { AuditEntry, AuditRecord, AuditRepo } from './audit.repo.ts';
export type { BacktestRecord, BacktestsRepo, NewBacktest } from './backtests.repo.ts';
export type { CandlesRepo } from './candles.repo.ts';
export type { EvolutionRepo, ShadowDecision } from './evolution.repo.ts';
export type { LedgerEvent, LedgerRepo, LedgerRow, LedgerStage, LedgerUpdate, LedgerVerdict, NewLedgerRow, OriginKind, TrialStats } from './ledger.repo.ts';
export type { FeeScheduleEntry, FeeSource, FeesRepo } from './fees.repo.ts';
export type { FillsRepo } from './fills.repo.ts';
export type {
  OrchestratorLogEntry,
  OrchestratorLogLevel,
  OrchestratorObservation,
  OrchestratorRepo,
  OrchestratorThought,
  TokenTotals,
  TokenUsage,
  WithId,
} from './orchestrator.repo.ts';
export { LIVE_ORDER_STATUSES, type OrderIntent, type OrdersRepo, type OrderUpdate } from './orders.repo.ts';
export {
  PAPER_TEST_STATUSES,
  type PaperTest,
  type PaperTestStatus,
  type PaperTestsRepo,
  type PaperTestUpdate,
} from './paper-tests.repo.ts';
export type { PositionsRepo } from './positions.repo.ts';
export type { BreakerState, MachineSnapshotRecord, MachineSnapshotsRepo, RiskRepo, RiskState } from './risk.repo.ts';
export type { NewSignal, ScanRecord, ScanResult, SignalOutcome, SignalRecord, SignalsRepo } from './signals.repo.ts';
export type { DailySnapshot, SnapshotsRepo } from './snapshots.repo.ts';

/** Every repository on one connection. Statements are prepared here, once. */
export function createRepositories(db: Db) {
  return {
    db,
    candles: candlesRepo(db),
    orders: ordersRepo(db),
    fills: fillsRepo(db),
    positions: positionsRepo(db),
    signals: signalsRepo(db),
    snapshots: snapshotsRepo(db),
    fees: feesRepo(db),
    risk: riskRepo(db),
    machineSnapshots: machineSnapshotsRepo(db),
    backtests: backtestsRepo(db),
    orchestrator: orchestratorRepo(db),
    paperTests: paperTestsRepo(db),
    audit: auditRepo(db),
    ledger: ledgerRepo(db),
    evolution: evolutionRepo(db),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;
