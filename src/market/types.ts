/**
 * Ports of the candle store: the storage it needs (implemented over src/db's candles repository)
 * and the OHLC source it back-fills from (implemented by the Kraken REST client). Times are epoch ms.
 */
import type { Candle, CandleColumns, Pair, Timeframe } from '../contract/index.ts';

/** Storage for one (pair, timeframe) series at a time. Ranges are half-open: [from, to). */
export interface CandleRepo {
  upsertMany(pair: Pair, timeframe: Timeframe, candles: readonly Candle[]): void;
  range(pair: Pair, timeframe: Timeframe, from: number, to: number): Candle[];
  /** The same range as typed columns (the backtest's input), without per-candle objects. */
  rangeColumns(pair: Pair, timeframe: Timeframe, from: number, to: number): CandleColumns;
  latestTime(pair: Pair, timeframe: Timeframe): number | null;
  deleteRange(pair: Pair, timeframe: Timeframe, from: number, to: number): number;
  count(pair: Pair, timeframe: Timeframe): number;
}

export interface CandleDb {
  readonly repo: CandleRepo;
  /** Runs `fn` in one SQLite transaction: all of it commits, or none of it (on throw). */
  transaction<T>(fn: () => T): T;
}

/**
 * Kraken `GET /0/public/OHLC` behind an interface. Returns candles whose open time is AFTER
 * `since` (ms, exclusive, as Kraken's `since`; 0 = as far back as served): Kraken serves only the
 * newest 720 of a timeframe, may include the still-forming candle (the store drops it) and sends no
 * candle for an interval without trades.
 */
export interface OhlcFetcher {
  fetchOhlc(pair: Pair, timeframe: Timeframe, since: number): Promise<OhlcPage>;
}

export interface OhlcPage {
  readonly candles: Candle[];
  /** False when candles after `since` exist but were not served (Kraken's 720-candle window). */
  readonly complete: boolean;
}

/** Kraken returns at most this many candles per OHLC request, whatever `since` asks for. */
export const KRAKEN_OHLC_CAP = 720;

/** One step of the tier chain: candles of `source` older than `keepDays` fold into `target`. */
export interface TierRule {
  readonly source: Timeframe;
  readonly target: Timeframe;
  readonly keepDays: number;
}

/** Days each tier is kept; Infinity = forever (config's "forever"). */
export interface CandleRetention {
  /** Days of 5m (and 15m/1m) candles kept before they fold into 1h. */
  readonly fineDays: number;
  /** Days of 1h (and 4h) candles kept before they fold into 1d. */
  readonly hourlyDays: number;
  /** Days of 1d candles kept; older ones are deleted (the last tier). Default forever. */
  readonly dailyDays?: number;
}

/** Mirrors the config defaults (data.retention: 90 / 730 / forever). */
export const DEFAULT_RETENTION: CandleRetention = { fineDays: 90, hourlyDays: 730, dailyDays: Infinity };

/** The config's `data.retention` block, where "forever" stands for Infinity. */
export function retentionFromConfig(r: {
  candles5mDays: number | 'forever';
  candles1hDays: number | 'forever';
  candles1dDays: number | 'forever';
}): CandleRetention {
  const days = (d: number | 'forever') => (d === 'forever' ? Infinity : d);
  return { fineDays: days(r.candles5mDays), hourlyDays: days(r.candles1hDays), dailyDays: days(r.candles1dDays) };
}

/** Finer timeframes first, so a 5m candle folded into 1h can fold on into 1d in the same pass. */
export function tierRules(r: CandleRetention): TierRule[] {
  return [
    { source: '1m', target: '1h', keepDays: r.fineDays },
    { source: '5m', target: '1h', keepDays: r.fineDays },
    { source: '15m', target: '1h', keepDays: r.fineDays },
    { source: '1h', target: '1d', keepDays: r.hourlyDays },
    { source: '4h', target: '1d', keepDays: r.hourlyDays },
  ];
}
