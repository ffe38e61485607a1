/** Simple moving average over the last `period` values, first value at bar period − 1. */
import { mapSeries } from './batch.ts';
import { checkInt, type Series, type Stream } from './types.ts';
import { rollingWindow } from './window.ts';

export function smaStream(period: number): Stream<number, number> {
  checkInt('sma', 'period', period, 1);
  const win = rollingWindow(period);
  let value = NaN;
  return {
    lookback: period - 1,
    get value() {
      return value;
    },
    next(x) {
      win.push(x);
      if (win.isFull()) value = win.mean();
      return value;
    },
  };
}

export function sma(values: Series, period: number): Float64Array {
  return mapSeries(smaStream(period), values);
}
