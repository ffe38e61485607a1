/**
 * True range and Average True Range (Wilder), TA-Lib seeding: bar 0 has no previous close so it
 * has no true range and is skipped; the seed is the mean of the true ranges of bars 1..period and
 * the first ATR is at bar `period`; then ATR = (ATR × (period − 1) + TR) / period.
 */
import { mapRows } from './batch.ts';
import { checkInt, type HLC, type HLCColumns, type Stream } from './types.ts';

const HLC_KEYS = ['high', 'low', 'close'] as const;

/** max(high − low, |prevClose − high|, |prevClose − low|), in TA-Lib's comparison order. */
export function trueRange(high: number, low: number, prevClose: number): number {
  let greatest = high - low;
  const up = Math.abs(prevClose - high);
  if (up > greatest) greatest = up;
  const down = Math.abs(prevClose - low);
  if (down > greatest) greatest = down;
  return greatest;
}

export function atrStream(period = 14): Stream<HLC, number> {
  checkInt('atr', 'period', period, 1);
  let bar = 0;
  // Doubles in an object field, updated in place; a closure slot would box each write (window.ts).
  const st = { prevClose: NaN, sum: 0, value: NaN };
  return {
    lookback: period,
    get value() {
      return st.value;
    },
    next({ high, low, close }) {
      if (bar > period) {
        let value = st.value;
        value *= period - 1;
        value += trueRange(high, low, st.prevClose);
        value /= period;
        st.value = value;
      } else if (bar > 0) {
        st.sum += trueRange(high, low, st.prevClose);
        if (bar === period) st.value = st.sum / period;
      }
      st.prevClose = close;
      bar++;
      return st.value;
    },
  };
}

export function atr(candles: HLCColumns, period = 14): Float64Array {
  return mapRows('atr', atrStream(period), candles, HLC_KEYS);
}
