/**
 * One pair's replayed market: a cursor over the candle series that emits the trades of each candle's
 * path in time order, the last trade, and on-demand aggregates (OHLC rows, 24 h ticker stats) built
 * only from trades at or before now, so nothing in the future leaks out.
 */
import { lowerBound } from '../market/dataset.ts';
import type { CandleSeries } from './candles-csv.ts';
import type { SimPairInfo } from './pairs.ts';
import { candlePath, tradeCountOf, type PathParams, type ReplayTrade } from './path.ts';

export interface OhlcRow {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Σ price × qty, for vwap. */
  notional: number;
  count: number;
}

export interface TradeStats {
  open: number;
  high: number;
  low: number;
  volume: number;
  vwap: number;
  count: number;
}

export class PairMarket {
  private candle = 0;
  private path: ReplayTrade[];
  private next = 0;
  /** Trades emitted so far on this pair (book shapes and trade ids key on it). */
  tradeSeq = 0;
  last: ReplayTrade;

  constructor(
    readonly info: SimPairInfo,
    readonly series: CandleSeries,
    readonly params: PathParams,
    startTime: number,
  ) {
    this.candle = Math.max(0, lowerBound(series.time, startTime - series.intervalMs + 1));
    this.path = this.pathOf(this.candle);
    this.next = this.path.findIndex((t) => t.time >= startTime);
    if (this.next < 0) this.advanceCandle();
    const first = this.path[0] ?? { time: startTime, price: series.open[0]!, qty: 0, side: 'buy' as const };
    this.last = { ...first, qty: 0 };
  }

  private pathOf(i: number): ReplayTrade[] {
    return i < this.series.time.length ? candlePath(this.series, i, this.params) : [];
  }

  private advanceCandle(): void {
    this.candle += 1;
    this.path = this.pathOf(this.candle);
    this.next = 0;
  }

  /** Time of the next trade, or Infinity at the end of the data. */
  nextTradeTime(): number {
    return this.path[this.next]?.time ?? Infinity;
  }

  /** Emits the next trade (call only when nextTradeTime() <= now). */
  step(): ReplayTrade {
    const trade = this.path[this.next++]!;
    if (this.next >= this.path.length) this.advanceCandle();
    this.tradeSeq += 1;
    this.last = trade;
    return trade;
  }

  /** The last `n` trades at or before now, oldest first (WS trade snapshot). */
  recentTrades(n: number, now: number): ReplayTrade[] {
    const out: ReplayTrade[] = [];
    for (let i = Math.min(this.candle, this.series.time.length - 1); i >= 0 && out.length < n; i--) {
      const path = candlePath(this.series, i, this.params).filter((t) => t.time <= now);
      out.unshift(...path.slice(Math.max(0, path.length - (n - out.length))));
    }
    return out;
  }

  /** Trades in [from, now], oldest first, aggregated into buckets of `intervalMs`. */
  buckets(intervalMs: number, from: number, now: number): OhlcRow[] {
    const rows = new Map<number, OhlcRow>();
    for (let i = Math.max(0, lowerBound(this.series.time, from - this.series.intervalMs + 1)); i < this.series.time.length; i++) {
      if (this.series.time[i]! > now) break;
      for (const t of candlePath(this.series, i, this.params)) {
        if (t.time < from || t.time > now) continue;
        const key = Math.floor(t.time / intervalMs) * intervalMs;
        const row = rows.get(key);
        if (row) addTradeToRow(row, t);
        else rows.set(key, { time: key, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.qty, notional: t.price * t.qty, count: 1 });
      }
    }
    return [...rows.values()];
  }

  /** Trade statistics over [from, now]; committed candles are read whole, the forming one from its path. */
  stats(from: number, now: number): TradeStats | undefined {
    const s = this.series;
    let acc: TradeStats | undefined;
    for (let i = Math.max(0, lowerBound(s.time, from)); i < s.time.length && s.time[i]! <= now; i++) {
      const committed = s.time[i]! + s.intervalMs <= now;
      const rows = committed
        ? [
            {
              open: s.open[i]!,
              high: s.high[i]!,
              low: s.low[i]!,
              volume: s.volume[i]!,
              notional: ((s.high[i]! + s.low[i]! + s.close[i]!) / 3) * s.volume[i]!,
              count: tradeCountOf(s, i, this.params),
            },
          ]
        : this.buckets(s.intervalMs, s.time[i]!, now);
      for (const r of rows) {
        if (!acc) acc = { open: r.open, high: r.high, low: r.low, volume: 0, vwap: 0, count: 0 };
        acc.high = Math.max(acc.high, r.high);
        acc.low = Math.min(acc.low, r.low);
        acc.vwap += r.notional;
        acc.volume += r.volume;
        acc.count += r.count;
      }
    }
    if (acc) acc.vwap = acc.volume > 0 ? acc.vwap / acc.volume : acc.open;
    return acc;
  }
}

export function addTradeToRow(row: OhlcRow, t: ReplayTrade): void {
  row.high = Math.max(row.high, t.price);
  row.low = Math.min(row.low, t.price);
  row.close = t.price;
  row.volume += t.qty;
  row.notional += t.price * t.qty;
  row.count += 1;
}
