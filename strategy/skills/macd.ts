/**
 * MACD with TA-Lib's seeding: both EMAs start at bar slow − 1 (the fast one seeded with the SMA of
 * the `fast` values ending there, not at bar fast − 1), the signal EMA runs over the MACD line from
 * that bar, and all three outputs start together at bar slow + signal − 2 (33 for 12/26/9).
 * This is TA-Lib's MACD, not MACDFIX (tulind's 12/26 uses the fixed 0.15/0.075 factors).
 */
import { mapSeriesFields } from './batch.ts';
import { seededEma } from './ema.ts';
import { checkInt, type Series, type Stream } from './types.ts';

export interface MacdPoint {
  readonly macd: number;
  readonly signal: number;
  readonly hist: number;
}
export type MacdSeries = Record<keyof MacdPoint, Float64Array>;
const KEYS = ['macd', 'signal', 'hist'] as const;
const EMPTY: MacdPoint = { macd: NaN, signal: NaN, hist: NaN };

export function macdStream(fast = 12, slow = 26, signal = 9): Stream<number, MacdPoint> {
  checkInt('macd', 'fast', fast, 1);
  checkInt('macd', 'slow', slow, fast);
  checkInt('macd', 'signal', signal, 1);
  const start = slow - 1;
  const fastEma = seededEma(fast, start);
  const slowEma = seededEma(slow, start);
  const signalEma = seededEma(signal, signal - 1);
  const lookback = start + signal - 1;
  let bar = 0;
  let value = EMPTY;
  return {
    lookback,
    get value() {
      return value;
    },
    next(x) {
      const line = fastEma.next(x) - slowEma.next(x);
      if (bar >= start) {
        const sig = signalEma.next(line);
        if (bar >= lookback) value = { macd: line, signal: sig, hist: line - sig };
      }
      bar++;
      return value;
    },
  };
}

export function macd(values: Series, fast = 12, slow = 26, signal = 9): MacdSeries {
  return mapSeriesFields(macdStream(fast, slow, signal), values, KEYS);
}
