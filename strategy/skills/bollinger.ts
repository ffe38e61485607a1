/**
 * Bollinger Bands like TA-Lib BBANDS with an SMA middle: middle = SMA(period), bands =
 * middle ± stdDevs × population standard deviation of the same window. First value at bar
 * period − 1. The variance is computed without E[x²] − mean² cancellation (see window.ts).
 */
import { mapSeriesFields } from './batch.ts';
import { checkInt, checkPositive, type Series, type Stream } from './types.ts';
import { windowStream } from './window.ts';

export interface BollingerPoint {
  readonly upper: number;
  readonly middle: number;
  readonly lower: number;
}
export type BollingerSeries = Record<keyof BollingerPoint, Float64Array>;
const KEYS = ['upper', 'middle', 'lower'] as const;
const EMPTY: BollingerPoint = { upper: NaN, middle: NaN, lower: NaN };

export function bollingerStream(period = 20, stdDevs = 2): Stream<number, BollingerPoint> {
  checkInt('bollinger', 'period', period, 1);
  checkPositive('bollinger', 'stdDevs', stdDevs);
  return windowStream(period, EMPTY, (win) => {
    const middle = win.mean();
    const width = Math.sqrt(win.variance()) * stdDevs;
    return { upper: middle + width, middle, lower: middle - width };
  });
}

export function bollinger(values: Series, period = 20, stdDevs = 2): BollingerSeries {
  return mapSeriesFields(bollingerStream(period, stdDevs), values, KEYS);
}
