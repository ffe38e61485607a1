/**
 * Gap detection and REST back-fill.
 *
 * Kraken emits NO candle for an interval without trades, so a missing interval is ambiguous: either
 * nobody traded, or we did not record it (outage, restart). The store resolves it by asking Kraken:
 * a missing interval inside the window Kraken can still serve (its newest 720 candles) is fetched;
 * if Kraken has no candle for it either, it is a no-trade interval and stays absent (the backtest
 * grid shows NaN there, and the engine neither fills nor marks on it). Older holes cannot be
 * fetched and are reported as `unfillable`. Nothing is ever invented: no forward-filled candles.
 */
import { timeframeMs, type Candle, type Pair, type Timeframe } from '../contract/index.ts';
import { bucketStart } from './aggregate.ts';
import { MarketDataError } from './errors.ts';
import { lastClosedOpen } from './tiers.ts';
import { KRAKEN_OHLC_CAP, type CandleDb, type OhlcFetcher, type OhlcPage } from './types.ts';

/** A run of missing intervals: open times in [from, to), `missing` candles long. */
export interface Gap {
  readonly from: number;
  readonly to: number;
  readonly missing: number;
}

/** Missing grid intervals in [from, to) given the sorted open times present. */
export function findGaps(times: ArrayLike<number>, timeframe: Timeframe, from: number, to: number): Gap[] {
  const step = timeframeMs(timeframe);
  const ceil = (t: number) => bucketStart(t + step - 1, timeframe);
  const gaps: Gap[] = [];
  let expected = ceil(from);
  const push = (end: number) => {
    if (end > expected) gaps.push({ from: expected, to: end, missing: (end - expected) / step });
  };
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    if (t < expected) continue;
    if (t >= to) break;
    push(t);
    expected = t + step;
  }
  push(ceil(to));
  return gaps;
}

/** Drops the still-forming candle (and anything from the future) that Kraken includes. */
export function closedOnly(candles: readonly Candle[], timeframe: Timeframe, now: number): Candle[] {
  const last = lastClosedOpen(now, timeframe);
  return candles.filter((c) => c.time <= last);
}

export async function fetchClosed(fetcher: OhlcFetcher, pair: Pair, timeframe: Timeframe, since: number, now: number): Promise<OhlcPage> {
  try {
    const page = await fetcher.fetchOhlc(pair, timeframe, since);
    return { candles: closedOnly(page.candles, timeframe, now), complete: page.complete };
  } catch (cause) {
    throw new MarketDataError('fetch_failed', `fetching ${pair} ${timeframe} OHLC since ${new Date(since).toISOString()} failed; retry later`, {
      cause,
      retryable: true,
    });
  }
}

export interface BackfillReport {
  readonly pair: Pair;
  readonly timeframe: Timeframe;
  readonly gaps: number;
  readonly filled: number;
  /** Intervals Kraken could serve but has no candle for: nobody traded. */
  readonly noTradeIntervals: number;
  /** Holes older than Kraken's 720-candle window: only a CSV import can fill them. */
  readonly unfillable: readonly Gap[];
}

/** Finds gaps in [from, to) and fills what Kraken still serves, with one OHLC request. */
export async function backfill(
  db: CandleDb,
  fetcher: OhlcFetcher,
  pair: Pair,
  timeframe: Timeframe,
  window: { from: number; to: number },
  now: number,
): Promise<BackfillReport> {
  const to = Math.min(window.to, lastClosedOpen(now, timeframe) + timeframeMs(timeframe));
  const times = db.repo.range(pair, timeframe, window.from, to).map((c) => c.time);
  const gaps = findGaps(times, timeframe, window.from, to);
  const oldestServed = lastClosedOpen(now, timeframe) - (KRAKEN_OHLC_CAP - 1) * timeframeMs(timeframe);
  const unfillable = gaps.filter((g) => g.to <= oldestServed);
  const fillable = gaps.filter((g) => g.to > oldestServed);
  let filled = 0;
  if (fillable.length > 0) {
    const since = Math.max(fillable[0]!.from, oldestServed) - 1;
    const inGap = (c: Candle) => fillable.some((g) => c.time >= g.from && c.time < g.to);
    const found = (await fetchClosed(fetcher, pair, timeframe, since, now)).candles.filter(inGap);
    db.transaction(() => db.repo.upsertMany(pair, timeframe, found));
    filled = found.length;
  }
  const servedMissing = fillable.reduce((n, g) => n + (Math.min(g.to, to) - Math.max(g.from, oldestServed)) / timeframeMs(timeframe), 0);
  return { pair, timeframe, gaps: gaps.length, filled, noTradeIntervals: servedMissing - filled, unfillable };
}
