/**
 * Volume-weighted average price of the typical price tp = (high + low + close) / 3, in two forms:
 *  - session VWAP: Σ(volume × tp) / Σ(volume) since the first bar of the current UTC day; the sums
 *    reset on the first bar whose open `time` (epoch ms) falls on a new UTC day. No warm-up.
 *  - rolling VWAP: the same ratio over the last `period` bars including the current one; first
 *    value at bar period − 1.
 * Both are NaN while the summed volume is 0.
 */
import { mapRows } from './batch.ts';
import { checkInt, type HLCV, type HLCVColumns, type Stream, type TimedHLCV, type TimedHLCVColumns } from './types.ts';
import { rollingWindow } from './window.ts';

const DAY_MS = 86_400_000;
const KEYS = ['high', 'low', 'close', 'volume'] as const;
const TIMED_KEYS = ['time', 'high', 'low', 'close', 'volume'] as const;

export function typicalPrice(high: number, low: number, close: number): number {
  return (high + low + close) / 3;
}

export function sessionVwapStream(): Stream<TimedHLCV, number> {
  let day = NaN;
  let pv = 0;
  let vol = 0;
  let value = NaN;
  return {
    lookback: 0,
    get value() {
      return value;
    },
    next({ time, high, low, close, volume }) {
      const d = Math.floor(time / DAY_MS);
      if (d !== day) {
        day = d;
        pv = 0;
        vol = 0;
      }
      pv = pv + volume * typicalPrice(high, low, close);
      vol = vol + volume;
      value = vol === 0 ? NaN : pv / vol;
      return value;
    },
  };
}

export function sessionVwap(candles: TimedHLCVColumns): Float64Array {
  return mapRows('sessionVwap', sessionVwapStream(), candles, TIMED_KEYS);
}

export function rollingVwapStream(period: number): Stream<HLCV, number> {
  checkInt('rollingVwap', 'period', period, 1);
  const pv = rollingWindow(period);
  const vol = rollingWindow(period);
  let value = NaN;
  return {
    lookback: period - 1,
    get value() {
      return value;
    },
    next({ high, low, close, volume }) {
      pv.push(volume * typicalPrice(high, low, close));
      vol.push(volume);
      if (vol.isFull()) {
        const v = vol.sum();
        value = v === 0 ? NaN : pv.sum() / v;
      }
      return value;
    },
  };
}

export function rollingVwap(candles: HLCVColumns, period: number): Float64Array {
  return mapRows('rollingVwap', rollingVwapStream(period), candles, KEYS);
}
