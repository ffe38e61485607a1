/**
 * Volume ratio: this bar's volume divided by the mean volume of the `period` bars BEFORE it (the
 * current bar is excluded, so a spike is measured against the quiet bars that preceded it and is
 * not diluted by itself). First value at bar `period`. NaN when that mean is 0 (no trades at all in
 * the window: the ratio is undefined, and NaN compares false with any threshold).
 */
import { mapSeries } from './batch.ts';
import { checkInt, type Series, type Stream } from './types.ts';
import { rollingWindow } from './window.ts';

export function volumeRatioStream(period = 20): Stream<number, number> {
  checkInt('volumeRatio', 'period', period, 1);
  const win = rollingWindow(period);
  const last = { value: NaN }; // an object field, not a closure slot (see window.ts)
  return {
    lookback: period,
    get value() {
      return last.value;
    },
    next(volume) {
      if (win.isFull()) {
        const mean = win.mean();
        last.value = mean === 0 ? NaN : volume / mean;
      }
      win.push(volume);
      return last.value;
    },
  };
}

export function volumeRatio(volume: Series, period = 20): Float64Array {
  return mapSeries(volumeRatioStream(period), volume);
}
