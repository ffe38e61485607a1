/**
 * Turns one candle into the trades that "happened" inside it. Documented choice: a rising candle
 * (close > open) visits its low before its high (open → low → high → close), a falling one the high
 * first; a flat one (close = open) flips a seeded coin. Between those four waypoints prices are
 * interpolated, every price is rounded to the pair's tick, volumes split by seeded weights that sum to
 * the candle volume. The stream for candle i depends only on (seed, pair, candle time): random access.
 */
import type { CandleSeries } from './candles-csv.ts';
import { hashSeed, mulberry32 } from './rng.ts';

export interface ReplayTrade {
  readonly time: number;
  readonly price: number;
  readonly qty: number;
  readonly side: 'buy' | 'sell';
}

export interface PathParams {
  readonly seed: number;
  readonly pairIndex: number;
  readonly tickSize: number;
  readonly lotDecimals: number;
}

const MIN_TRADES = 4;
const EXTRA_TRADES = 5;

export function roundToTick(price: number, tick: number): number {
  const decimals = Math.max(0, Math.round(-Math.log10(tick)));
  return Number((Math.round(price / tick) * tick).toFixed(decimals));
}

function candleRng(series: CandleSeries, i: number, p: PathParams): () => number {
  return mulberry32(hashSeed(p.seed, p.pairIndex, series.time[i]!));
}

/** How many trades candle i produces (cheap: one draw, no path). */
export function tradeCountOf(series: CandleSeries, i: number, p: PathParams): number {
  return MIN_TRADES + Math.floor(candleRng(series, i, p)() * EXTRA_TRADES);
}

export function candlePath(series: CandleSeries, i: number, p: PathParams): ReplayTrade[] {
  const rng = candleRng(series, i, p);
  const n = MIN_TRADES + Math.floor(rng() * EXTRA_TRADES);
  const o = series.open[i]!,
    h = series.high[i]!,
    l = series.low[i]!,
    c = series.close[i]!;
  const lowFirst = c > o || (c === o && rng() < 0.5);
  const waypoints = lowFirst ? [o, l, h, c] : [o, h, l, c];
  const at = [0, Math.round((n - 1) / 3), Math.round((2 * (n - 1)) / 3), n - 1];
  const weights = Array.from({ length: n }, () => 0.2 + rng());
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const scale = 10 ** p.lotDecimals;
  const trades: ReplayTrade[] = [];
  let prev = o;
  let qtyLeft = series.volume[i]!;
  for (let k = 0; k < n; k++) {
    const seg = at[1]! >= k ? 0 : at[2]! >= k ? 1 : 2;
    const span = at[seg + 1]! - at[seg]!;
    const u = span === 0 ? 1 : (k - at[seg]!) / span;
    const price = roundToTick(waypoints[seg]! + (waypoints[seg + 1]! - waypoints[seg]!) * u, p.tickSize);
    const qty = k === n - 1 ? qtyLeft : Math.floor(((series.volume[i]! * weights[k]!) / weightSum) * scale) / scale;
    qtyLeft = Math.max(0, qtyLeft - qty);
    const side = price > prev ? 'buy' : price < prev ? 'sell' : rng() < 0.5 ? 'buy' : 'sell';
    trades.push({ time: series.time[i]! + Math.floor((k * series.intervalMs) / n), price, qty: Number(qty.toFixed(p.lotDecimals)), side });
    prev = price;
  }
  return trades;
}
