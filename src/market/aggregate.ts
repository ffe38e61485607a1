/**
 * Pure candle aggregation: open = first open, high = max, low = min, close = last close,
 * volume = sum. This reproduces Kraken's own coarser candles bit-for-bit on complete data
 * (checked on Q1 2023 XBT/USD, see ../shared/data/ohlcv/README.md).
 */
import { timeframeMs, type Candle, type Timeframe } from '../contract/index.ts';

/** Open time of the `timeframe` bucket holding `time`. Buckets are aligned to the epoch (UTC). */
export function bucketStart(time: number, timeframe: Timeframe): number {
  const ms = timeframeMs(timeframe);
  return Math.floor(time / ms) * ms;
}

/** Aggregates time-sorted candles into `target` buckets, one candle per non-empty bucket. */
export function aggregateCandles(candles: readonly Candle[], target: Timeframe): Candle[] {
  const out: Candle[] = [];
  let cur: { time: number; open: number; high: number; low: number; close: number; volume: number } | null = null;
  for (const c of candles) {
    const time = bucketStart(c.time, target);
    if (cur && cur.time === time) {
      cur.high = Math.max(cur.high, c.high);
      cur.low = Math.min(cur.low, c.low);
      cur.close = c.close;
      cur.volume += c.volume;
      continue;
    }
    if (cur) out.push(cur);
    cur = { time, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * When a bucket already has a target candle (e.g. Kraken's native 1h from bootstrap) and the
 * finer candles fold into it, the more complete record wins: volume only grows with coverage,
 * so the candle with more volume saw more of the bucket's trades. Its range is still widened to
 * the finer candles' extremes so that no observed price is lost.
 */
export function moreComplete(existing: Candle | undefined, aggregate: Candle): Candle {
  if (!existing || existing.volume < aggregate.volume) return aggregate;
  return { ...existing, high: Math.max(existing.high, aggregate.high), low: Math.min(existing.low, aggregate.low) };
}
