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
  // Doubles in an object field, updated in place; a closure slot would box each write (window.ts).
  const st = { sum: 0, value: NaN };
  return {
    lookback: seedBar,
    get value() {
      return st.value;
    },
    next(x) {
      if (bar > seedBar) {
        const value = st.value;
        st.value = (x - value) * k + value;
      } else if (bar >= firstBar) {
        st.sum += x;
        if (bar === seedBar) st.value = st.sum / period;
      }
      bar++;
      return st.value;
    },
  };
}
