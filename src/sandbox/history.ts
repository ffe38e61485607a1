/** Host-side closed-candle history per pair: the source for warm-up replays and hot swaps. */
import type { Candle } from '../contract/candle.ts';
import type { Pair } from '../contract/pairs.ts';
import { MarketDataError } from '../market/errors.ts';

const N_COLS = 6;

export class CandleHistory {
  private readonly cols = new Map<Pair, { data: Float64Array[]; len: number }>();

  constructor(private readonly cap: number) {}

  append(pair: Pair, c: Candle): void {
    let h = this.cols.get(pair);
    if (!h) {
      h = { data: Array.from({ length: N_COLS }, () => new Float64Array(this.cap * 2)), len: 0 };
      this.cols.set(pair, h);
    }
    const last = h.len > 0 ? h.data[0]![h.len - 1]! : -Infinity;
    if (c.time <= last)
      throw new MarketDataError(
        'out_of_order',
        `${pair}: candle ${c.time} is not after the last closed candle ${last}; closed candles reach a strategy once each, in order`,
      );
    if (h.len === h.data[0]!.length) {
      for (const col of h.data) col.copyWithin(0, h.len - this.cap, h.len);
      h.len = this.cap;
    }
    const row = [c.time, c.open, c.high, c.low, c.close, c.volume];
    for (let k = 0; k < N_COLS; k++) h.data[k]![h.len] = row[k]!;
    h.len += 1;
  }

  length(pair: Pair): number {
    return Math.min(this.cols.get(pair)?.len ?? 0, this.cap);
  }

  /** Columns t,o,h,l,c,v of the last `count` candles ending `skipLast` before the newest, packed for a frame. */
  pack(pair: Pair, count: number, skipLast = 0): Float64Array {
    const h = this.cols.get(pair);
    const out = new Float64Array(count * N_COLS);
    if (!h || count === 0) return out;
    const end = h.len - skipLast;
    for (let k = 0; k < N_COLS; k++) out.set(h.data[k]!.subarray(end - count, end), k * count);
    return out;
  }
}
