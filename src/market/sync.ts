/**
 * Bootstrap and catch-up from Kraken OHLC. On first start a series is empty and gets Kraken's
 * newest 720 candles per timeframe (5m ≈ 2.5 days, 1h = 30 days, 1d ≈ 2 years); that cap is
 * reported so the operator knows older history must come from `brain data import`. On later
 * starts each series is topped up from its latest candle. Kraken's cap counts rows (720 entries, the
 * forming one included), so an answer shorter than the cap held nothing back; only a full answer
 * that stops short of what was asked is reported as capped, and that hole shows in gap detection.
 */
import type { Pair, Timeframe } from '../contract/index.ts';
import { fetchClosed } from './gaps.ts';
import type { CandleDb, OhlcFetcher } from './types.ts';

export const BOOTSTRAP_TIMEFRAMES: readonly Timeframe[] = ['5m', '1h', '1d'];

export interface SyncReport {
  readonly pair: Pair;
  readonly timeframe: Timeframe;
  readonly mode: 'bootstrap' | 'catchUp';
  readonly stored: number;
  /** Kraken answered with a full 720-row window that stops short of what was asked: older history needs a CSV import. */
  readonly capped: boolean;
  /** Open time of the oldest candle stored by this sync (null when nothing came). */
  readonly earliest: number | null;
}

export async function syncSeries(db: CandleDb, fetcher: OhlcFetcher, pair: Pair, timeframe: Timeframe, now: number): Promise<SyncReport> {
  const latest = db.repo.latestTime(pair, timeframe);
  const mode = latest === null ? 'bootstrap' : 'catchUp';
  const { candles, complete } = await fetchClosed(fetcher, pair, timeframe, latest ?? 0, now);
  db.transaction(() => db.repo.upsertMany(pair, timeframe, candles));
  return {
    pair,
    timeframe,
    mode,
    stored: candles.length,
    capped: !complete,
    earliest: candles[0]?.time ?? null,
  };
}

/** Bootstraps or catches up every pair × timeframe, one request at a time (Kraken's rate budget). */
export async function syncFromKraken(
  db: CandleDb,
  fetcher: OhlcFetcher,
  pairs: readonly Pair[],
  now: number,
  timeframes = BOOTSTRAP_TIMEFRAMES,
): Promise<SyncReport[]> {
  const reports: SyncReport[] = [];
  for (const pair of pairs) {
    for (const tf of timeframes) reports.push(await syncSeries(db, fetcher, pair, tf, now));
  }
  return reports;
}
