/**
 * Bootstrap and catch-up from Kraken OHLC. On first start a series is empty and gets Kraken's
 * newest 720 candles per timeframe (5m ≈ 2.5 days, 1h = 30 days, 1d ≈ 2 years); that cap is
 * reported so the operator knows older history must come from `brain data import`. On later
 * starts each series is topped up from its latest candle; a hole longer than 720 intervals is
 * reported as capped and shows up in gap detection.
 */
import { timeframeMs, type Pair, type Timeframe } from '../contract/index.ts';
import { fetchClosed } from './gaps.ts';
import { lastClosedOpen } from './tiers.ts';
import { KRAKEN_OHLC_CAP, type CandleDb, type OhlcFetcher } from './types.ts';

export const BOOTSTRAP_TIMEFRAMES: readonly Timeframe[] = ['5m', '1h', '1d'];

export interface SyncReport {
  readonly pair: Pair;
  readonly timeframe: Timeframe;
  readonly mode: 'bootstrap' | 'catchUp';
  readonly stored: number;
  /** The request reached beyond Kraken's 720-candle REST window: any older history needs a CSV import. */
  readonly capped: boolean;
  /** Open time of the oldest candle stored by this sync (null when nothing came). */
  readonly earliest: number | null;
}

export async function syncSeries(db: CandleDb, fetcher: OhlcFetcher, pair: Pair, timeframe: Timeframe, now: number): Promise<SyncReport> {
  const latest = db.repo.latestTime(pair, timeframe);
  const mode = latest === null ? 'bootstrap' : 'catchUp';
  const { candles, complete } = await fetchClosed(fetcher, pair, timeframe, latest ?? 0, now);
  const wanted = latest === null ? 0 : latest + timeframeMs(timeframe);
  // Kraken cannot tell "no older candles" from "older than my window": asking beyond the window
  // is reported as capped either way, and only a CSV import can fill what lies before it.
  const windowStart = lastClosedOpen(now, timeframe) - (KRAKEN_OHLC_CAP - 1) * timeframeMs(timeframe);
  db.transaction(() => db.repo.upsertMany(pair, timeframe, candles));
  return {
    pair,
    timeframe,
    mode,
    stored: candles.length,
    capped: !complete || wanted < windowStart,
    earliest: candles[0]?.time ?? null,
  };
}

/** Bootstraps or catches up every pair × timeframe, one request at a time (Kraken's rate budget). */
export async function syncFromKraken(db: CandleDb, fetcher: OhlcFetcher, pairs: readonly Pair[], now: number, timeframes = BOOTSTRAP_TIMEFRAMES): Promise<SyncReport[]> {
  const reports: SyncReport[] = [];
  for (const pair of pairs) {
    for (const tf of timeframes) reports.push(await syncSeries(db, fetcher, pair, tf, now));
  }
  return reports;
}
