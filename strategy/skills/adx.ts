/**
 * ADX with +DI and −DI (Wilder), TA-Lib's algorithm and seeding:
 *  - directional movement: up = high − prevHigh, down = prevLow − low; +DM = up when up > 0 and
 *    up > down, −DM = down when down > 0 and down > up, else 0;
 *  - +DM, −DM and TR are Wilder sums: the plain sum over bars 1..period−1, then
 *    S = S − S/period + x from bar `period` on;
 *  - ±DI = 100 × DM/TR from bar `period` (0 when TR is 0);
 *  - DX = 100 × |+DI − −DI| / (+DI + −DI); ADX = mean of DX over bars period..2·period−1, first
 *    value at bar 2·period − 1, then ADX = (ADX × (period − 1) + DX) / period.
 * A bar whose DX is undefined (TR or +DI + −DI is 0) leaves ADX unchanged, as in TA-Lib. TA-Lib
 * tests "is 0" as |x| < 1e-14 in absolute terms; here it is exact 0, which is scale-free (identical
 * unless a smoothed TR falls below 1e-14).
 */
import { mapRowsFields } from './batch.ts';
import { trueRange } from './atr.ts';
import { checkInt, type HLC, type HLCColumns, type Stream } from './types.ts';

export interface AdxPoint {
  readonly adx: number;
  readonly plusDI: number;
  readonly minusDI: number;
}
export type AdxSeries = Record<keyof AdxPoint, Float64Array>;
const IN_KEYS = ['high', 'low', 'close'] as const;
const OUT_KEYS = ['adx', 'plusDI', 'minusDI'] as const;
const EMPTY: AdxPoint = { adx: NaN, plusDI: NaN, minusDI: NaN };

export function adxStream(period = 14): Stream<HLC, AdxPoint> {
  checkInt('adx', 'period', period, 2);
  const adxStart = 2 * period - 1;
  let bar = 0;
  let prevHigh = NaN;
  let prevLow = NaN;
  let prevClose = NaN;
  let plusDM = 0;
  let minusDM = 0;
  let tr = 0;
  let adx = NaN;
  let sumDX = 0;
  let value = EMPTY;

  const smooth = (high: number, low: number, _close: number): void => {
    const up = high - prevHigh;
    const down = prevLow - low;
    const range = trueRange(high, low, prevClose);
    if (bar >= period) {
      minusDM -= minusDM / period;
      plusDM -= plusDM / period;
      tr = tr - tr / period + range;
    } else {
      tr += range;
    }
    if (down > 0 && up < down) minusDM += down;
    else if (up > 0 && up > down) plusDM += up;
  };

  const updateAdx = (plusDI: number, minusDI: number): void => {
    const diSum = plusDI + minusDI;
    if (tr === 0 || diSum === 0) {
      if (bar === adxStart) adx = sumDX / period;
      return;
    }
    const dx = 100 * (Math.abs(minusDI - plusDI) / diSum);
    if (bar < adxStart) sumDX += dx;
    else if (bar === adxStart) adx = (sumDX + dx) / period;
    else adx = (adx * (period - 1) + dx) / period;
  };

  return {
    lookback: adxStart,
    get value() {
      return value;
    },
    next({ high, low, close }) {
      if (bar > 0) smooth(high, low, close);
      if (bar >= period) {
        const plusDI = tr === 0 ? 0 : 100 * (plusDM / tr);
        const minusDI = tr === 0 ? 0 : 100 * (minusDM / tr);
        updateAdx(plusDI, minusDI);
        value = { adx, plusDI, minusDI };
      }
      prevHigh = high;
      prevLow = low;
      prevClose = close;
      bar++;
      return value;
    },
  };
}

export function adx(candles: HLCColumns, period = 14): AdxSeries {
  return mapRowsFields('adx', adxStream(period), candles, IN_KEYS, OUT_KEYS);
}
