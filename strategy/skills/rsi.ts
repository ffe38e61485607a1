/**
 * Relative Strength Index, Wilder smoothing, TA-Lib seeding: the first average gain/loss is the
 * plain mean of the first `period` changes, first value at bar `period`. One deliberate deviation:
 * when average gain and loss are both exactly 0 (a flat window) RSI is 50, not TA-Lib's 0, so a
 * flat market never reads as oversold.
 */
import { mapSeries } from './batch.ts';
import { checkInt, type Series, type Stream } from './types.ts';

export function rsiStream(period = 14): Stream<number, number> {
  checkInt('rsi', 'period', period, 2);
  let bar = 0;
  // Doubles in an object field, updated in place; a closure slot would box each write (window.ts).
  const st = { prev: NaN, gain: 0, loss: 0, value: NaN };
  return {
    lookback: period,
    get value() {
      return st.value;
    },
    next(x) {
      const d = x - st.prev;
      st.prev = x;
      if (bar === 0) {
        bar++;
        return st.value;
      }
      let gain = st.gain;
      let loss = st.loss;
      if (bar > period) {
        // Operation order copied from TA-Lib so results match to the last bits.
        loss *= period - 1;
        gain *= period - 1;
      }
      if (d < 0) loss -= d;
      else gain += d;
      if (bar >= period) {
        loss /= period;
        gain /= period;
        const sum = gain + loss;
        st.value = sum === 0 ? 50 : 100 * (gain / sum);
      }
      st.gain = gain;
      st.loss = loss;
      bar++;
      return st.value;
    },
  };
}

export function rsi(values: Series, period = 14): Float64Array {
  return mapSeries(rsiStream(period), values);
}
