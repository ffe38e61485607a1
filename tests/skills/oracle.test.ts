/**
 * Every indicator against TA-Lib 1.1.6 (the real C library) on the real 5m candles of every pair in
 * the shared data set: the same warm-up (first value at TA-Lib's begIndex) and 1e-9 relative after.
 */
import { describe, expect, it } from 'vitest';
import { adx, atr, bollinger, ema, macd, rsi, sma } from '../../strategy/skills/index.ts';
import { firstValue, loadCandles, mismatch, realCandleFiles, talibRun } from './helpers.ts';

const files = realCandleFiles();

describe.each(files)('indicators on %s agree with TA-Lib', (file) => {
  const c = loadCandles(file);
  const n = c.close.length;
  const hlc = { high: c.high, low: c.low, close: c.close };

  it.each([5, 20, 50])('EMA(%i) matches EMA from the first bar TA-Lib outputs', (period) => {
    const ref = talibRun('EMA', n, { inReal: c.close, optInTimePeriod: period });
    const ours = ema(c.close, period);
    expect(firstValue(ours)).toBe(ref.begIndex);
    expect(mismatch(ours, ref.out.outReal!)).toBeNull();
  });

  it.each([2, 20, 200])('SMA(%i) matches SMA', (period) => {
    const ref = talibRun('SMA', n, { inReal: c.close, optInTimePeriod: period });
    expect(mismatch(sma(c.close, period), ref.out.outReal!)).toBeNull();
  });

  it.each([2, 14, 30])('RSI(%i) with Wilder smoothing matches RSI', (period) => {
    const ref = talibRun('RSI', n, { inReal: c.close, optInTimePeriod: period });
    const ours = rsi(c.close, period);
    expect(firstValue(ours)).toBe(ref.begIndex);
    expect(mismatch(ours, ref.out.outReal!)).toBeNull();
  });

  it.each([
    [12, 26, 9],
    [5, 35, 5],
  ])('MACD(%i,%i,%i) line, signal and histogram match MACD, judged against price', (fast, slow, signal) => {
    const ref = talibRun('MACD', n, { inReal: c.close, optInFastPeriod: fast, optInSlowPeriod: slow, optInSignalPeriod: signal });
    const ours = macd(c.close, fast, slow, signal);
    expect(firstValue(ours.macd)).toBe(ref.begIndex);
    expect(mismatch(ours.macd, ref.out.outMACD!, 1e-9, c.close)).toBeNull();
    expect(mismatch(ours.signal, ref.out.outMACDSignal!, 1e-9, c.close)).toBeNull();
    expect(mismatch(ours.hist, ref.out.outMACDHist!, 1e-9, c.close)).toBeNull();
  });

  it.each([
    [20, 2],
    [50, 2.5],
  ])('Bollinger(%i, %f) bands match BBANDS with an SMA middle', (period, k) => {
    const ref = talibRun('BBANDS', n, { inReal: c.close, optInTimePeriod: period, optInNbDevUp: k, optInNbDevDn: k, optInMAType: 0 });
    const ours = bollinger(c.close, period, k);
    expect(firstValue(ours.middle)).toBe(ref.begIndex);
    expect(mismatch(ours.upper, ref.out.outRealUpperBand!)).toBeNull();
    expect(mismatch(ours.middle, ref.out.outRealMiddleBand!)).toBeNull();
    expect(mismatch(ours.lower, ref.out.outRealLowerBand!)).toBeNull();
  });

  it.each([1, 14, 30])('ATR(%i) skips bar 0 and matches ATR', (period) => {
    const ref = talibRun('ATR', n, { ...hlc, optInTimePeriod: period });
    const ours = atr(hlc, period);
    expect(firstValue(ours)).toBe(ref.begIndex);
    expect(mismatch(ours, ref.out.outReal!)).toBeNull();
  });

  it.each([2, 14, 30])('ADX(%i), +DI and -DI match ADX, PLUS_DI and MINUS_DI', (period) => {
    const ours = adx(hlc, period);
    const refAdx = talibRun('ADX', n, { ...hlc, optInTimePeriod: period });
    const refPlus = talibRun('PLUS_DI', n, { ...hlc, optInTimePeriod: period });
    const refMinus = talibRun('MINUS_DI', n, { ...hlc, optInTimePeriod: period });
    expect([firstValue(ours.adx), firstValue(ours.plusDI), firstValue(ours.minusDI)]).toEqual([refAdx.begIndex, refPlus.begIndex, refMinus.begIndex]);
    expect(mismatch(ours.adx, refAdx.out.outReal!)).toBeNull();
    expect(mismatch(ours.plusDI, refPlus.out.outReal!)).toBeNull();
    expect(mismatch(ours.minusDI, refMinus.out.outReal!)).toBeNull();
  });
});
