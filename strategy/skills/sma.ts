/** Simple moving average over the last `period` values, first value at bar period − 1. */
import { mapSeries } from './batch.ts';
import { checkInt, type Series, type Stream } from './types.ts';
import { windowStream } from './window.ts';

export function smaStream(period: number): Stream<number, number> {
  checkInt('sma', 'period', period, 1);
  return windowStream(period, NaN, (win) => win.mean());
}

export function sma(values: Series, period: number): Float64Array {
  return mapSeries(smaStream(period), values);
}
