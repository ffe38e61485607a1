/**
 * Exponential moving average, TA-Lib convention: k = 2 / (period + 1), seeded with the SMA of the
 * first `period` values, first value at bar period − 1.
 */
import { mapSeries } from './batch.ts';
import { checkInt, type Series, type Stream } from './types.ts';

export function emaStream(period: number): Stream<number, number> {
  checkInt('ema', 'period', period, 1);
  return seededEma(period, period - 1);
}

export function ema(values: Series, period: number): Float64Array {
  return mapSeries(emaStream(period), values);
}

/**
 * EMA whose seed is the SMA of the `period` values ending at bar `seedBar` (earlier bars are
 * ignored). MACD needs this: TA-Lib seeds its fast EMA where the slow one starts.
 */
export function seededEma(period: number, seedBar: number): Stream<number, number> {
  const k = 2 / (period + 1);
  const firstBar = seedBar - period + 1;
  let bar = 0;
  let sum = 0;
  let value = NaN;
  return {
    lookback: seedBar,
    get value() {
      return value;
    },
    next(x) {
      if (bar > seedBar) {
        value = (x - value) * k + value;
      } else if (bar >= firstBar) {
        sum += x;
        if (bar === seedBar) value = sum / period;
      }
      bar++;
      return value;
    },
  };
}
