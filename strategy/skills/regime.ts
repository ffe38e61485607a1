/**
 * Market-regime classifier. Per bar, in this order:
 *  1. 'unknown'       until every input has warmed up (`lookback` bars);
 *  2. 'volatile'      when ATR% (ATR / close) ≥ volatileRatio × its own mean over the last
 *                     atrAvgPeriod bars (current bar included) and that mean is > 0: volatility
 *                     is expanding, trend readings are unreliable;
 *  3. 'trending_up'   when ADX ≥ trendAdx, EMA(fast) > EMA(slow) and +DI > −DI;
 *  4. 'trending_down' when ADX ≥ trendAdx, EMA(fast) < EMA(slow) and −DI > +DI;
 *  5. 'ranging'       otherwise.
 */
import type { Regime } from '../../src/contract/intent.ts';
import { adxStream } from './adx.ts';
import { atrStream } from './atr.ts';
import { forEachRow } from './batch.ts';
import { emaStream } from './ema.ts';
import { checkInt, checkPositive, type HLC, type HLCColumns, type Stream } from './types.ts';
import { rollingWindow } from './window.ts';

export interface RegimeParams {
  readonly adxPeriod: number;
  /** ADX at or above this means a trend is present (0..100). */
  readonly trendAdx: number;
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly atrPeriod: number;
  readonly atrAvgPeriod: number;
  /** ATR% at or above this multiple of its mean means 'volatile'. */
  readonly volatileRatio: number;
}

export const DEFAULT_REGIME_PARAMS: RegimeParams = Object.freeze({
  adxPeriod: 14,
  trendAdx: 25,
  fastPeriod: 20,
  slowPeriod: 50,
  atrPeriod: 14,
  atrAvgPeriod: 50,
  volatileRatio: 1.5,
});

function resolveParams(overrides: Partial<RegimeParams>): RegimeParams {
  const p: RegimeParams = { ...DEFAULT_REGIME_PARAMS, ...overrides };
  checkInt('regime', 'adxPeriod', p.adxPeriod, 2);
  checkInt('regime', 'fastPeriod', p.fastPeriod, 1);
  checkInt('regime', 'slowPeriod', p.slowPeriod, p.fastPeriod + 1);
  checkInt('regime', 'atrPeriod', p.atrPeriod, 1);
  checkInt('regime', 'atrAvgPeriod', p.atrAvgPeriod, 1);
  checkPositive('regime', 'trendAdx', p.trendAdx);
  checkPositive('regime', 'volatileRatio', p.volatileRatio);
  return p;
}

export function regimeStream(params: Partial<RegimeParams> = {}): Stream<HLC, Regime> {
  const p = resolveParams(params);
  const adx = adxStream(p.adxPeriod);
  const fast = emaStream(p.fastPeriod);
  const slow = emaStream(p.slowPeriod);
  const atr = atrStream(p.atrPeriod);
  const atrPcts = rollingWindow(p.atrAvgPeriod);
  const lookback = Math.max(adx.lookback, slow.lookback, atr.lookback + p.atrAvgPeriod - 1);
  let bar = 0;
  let value: Regime = 'unknown';
  return {
    lookback,
    get value() {
      return value;
    },
    next(candle) {
      const d = adx.next(candle);
      const f = fast.next(candle.close);
      const s = slow.next(candle.close);
      const atrPct = atr.next(candle) / candle.close;
      if (bar >= atr.lookback) atrPcts.push(atrPct);
      if (bar >= lookback) {
        const avgAtrPct = atrPcts.mean();
        if (avgAtrPct > 0 && atrPct >= p.volatileRatio * avgAtrPct) value = 'volatile';
        else if (d.adx >= p.trendAdx && f > s && d.plusDI > d.minusDI) value = 'trending_up';
        else if (d.adx >= p.trendAdx && f < s && d.minusDI > d.plusDI) value = 'trending_down';
        else value = 'ranging';
      }
      bar++;
      return value;
    },
  };
}

export function regime(candles: HLCColumns, params: Partial<RegimeParams> = {}): Regime[] {
  const stream = regimeStream(params);
  const out: Regime[] = [];
  forEachRow('regime', candles, ['high', 'low', 'close'], (row) => {
    out.push(stream.next(row));
  });
  return out;
}
