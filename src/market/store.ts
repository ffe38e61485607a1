/**
 * The candle store over the real database: src/db's candles repository plus its transaction, and
 * one object the daemon and the CLI use for every candle-store job.
 */
import type { Pair, Timeframe, CandleColumns } from '../contract/index.ts';
import { candlesRepo } from '../db/candles.repo.ts';
import type { Db } from '../db/index.ts';
import { backfill, findGaps, type BackfillReport, type Gap } from './gaps.ts';
import { importCsvDir, type ImportedFile } from './import.ts';
import { syncFromKraken, type SyncReport } from './sync.ts';
import { compact, compactionPlan, validateRetention, type CompactionStep, type PlannedStep } from './tiers.ts';
import { DEFAULT_RETENTION, type CandleDb, type CandleRetention, type OhlcFetcher } from './types.ts';
import { BrainError } from '../contract/errors.ts';

export function candleDbFrom(db: Db): CandleDb {
  return { repo: candlesRepo(db), transaction: (fn) => db.transaction(fn) };
}

export interface CandleStoreDeps {
  readonly db: CandleDb;
  readonly retention?: CandleRetention;
  /** Needed only for bootstrap, catch-up and back-fill. */
  readonly fetcher?: OhlcFetcher;
}

export interface CandleStore {
  importCsvDir(dir: string): Promise<ImportedFile[]>;
  sync(pairs: readonly Pair[], now: number): Promise<SyncReport[]>;
  backfill(pair: Pair, timeframe: Timeframe, window: { from: number; to: number }, now: number): Promise<BackfillReport>;
  compact(pairs: readonly Pair[], now: number): CompactionStep[];
  /** What compact(pairs, now) would fold and delete, changing nothing. */
  compactionPlan(pairs: readonly Pair[], now: number): PlannedStep[];
  columns(pair: Pair, timeframe: Timeframe, from: number, to: number): CandleColumns;
  /** Missing intervals between the first and last stored candle (no fetch: see backfill). */
  gaps(pair: Pair, timeframe: Timeframe): Gap[];
}

export function createCandleStore(deps: CandleStoreDeps): CandleStore {
  const retention = deps.retention ?? DEFAULT_RETENTION;
  validateRetention(retention);
  const fetcher = (): OhlcFetcher => {
    if (!deps.fetcher)
      throw new BrainError('candle store: no OHLC fetcher was provided; pass the Kraken client to sync or back-fill', {
        domain: 'market',
        code: 'no_fetcher',
        retryable: false,
      });
    return deps.fetcher;
  };
  return {
    importCsvDir: (dir) => importCsvDir(deps.db, dir),
    sync: async (pairs, now) => syncFromKraken(deps.db, fetcher(), pairs, now),
    backfill: async (pair, tf, window, now) => backfill(deps.db, fetcher(), pair, tf, window, now),
    compact: (pairs, now) => compact(deps.db, pairs, retention, now),
    compactionPlan: (pairs, now) => compactionPlan(deps.db, pairs, retention, now),
    columns: (pair, tf, from, to) => deps.db.repo.rangeColumns(pair, tf, from, to),
    gaps: (pair, tf) => {
      const { time } = deps.db.repo.rangeColumns(pair, tf, 0, Number.MAX_SAFE_INTEGER);
      return time.length === 0 ? [] : findGaps(time, tf, time[0]!, time[time.length - 1]! + 1);
    },
  };
}
