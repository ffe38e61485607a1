/** Degenerate inputs and parameters: constant series, period 1, short series, zero volume, bad periods. */
import { describe, expect, it } from 'vitest';
import * as sk from '../../strategy/skills/index.ts';

const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12 * Math.abs(b);
const last = (a: Float64Array): number => a[a.length - 1]!;
const flat = (n: number, v: number) => {
  const col = new Float64Array(n).fill(v);
  return { time: Float64Array.from({ length: n }, (_, i) => i * 300_000), high: col, low: col, close: col, volume: new Float64Array(n).fill(1) };
};

describe('indicators on degenerate input', () => {
  it('a constant series gives averages equal to the constant, zero band width, RSI 50', () => {
    const xs = new Array<number>(300).fill(0.1);
    expect(near(last(sk.ema(xs, 20)), 0.1)).toBe(true);
    expect(near(last(sk.sma(xs, 20)), 0.1)).toBe(true);
    const bb = sk.bollinger(xs, 20, 2);
    expect(last(bb.upper) - last(bb.lower)).toBeLessThanOrEqual(1e-15);
    expect(last(sk.rsi(xs, 14))).toBe(50);
    const m = sk.macd(xs);
    expect(Math.abs(last(m.macd))).toBeLessThanOrEqual(1e-15);
  });

  it('flat candles give zero ATR, zero DI and ADX, and a ranging regime', () => {
    const c = flat(200, 42);
    expect(last(sk.atr(c, 14))).toBe(0);
    const d = sk.adx(c, 14);
    expect([last(d.adx), last(d.plusDI), last(d.minusDI)]).toEqual([0, 0, 0]);
    expect(sk.regime(c).at(-1)).toBe('ranging');
  });

  it('period 1 reproduces the input for SMA and both Bollinger bands (EMA up to rounding), and ATR(1) is the true range', () => {
    const xs = [3.3, 1.7, 9.1, 0.2, 5.5];
    // TA-Lib's (x - prev) * 1 + prev is not always exactly x; keep its operation order anyway.
    expect(Array.from(sk.ema(xs, 1)).every((v, i) => Math.abs(v - xs[i]!) <= 1e-14)).toBe(true);
    expect(Array.from(sk.sma(xs, 1))).toEqual(xs);
    expect(Array.from(sk.bollinger(xs, 1, 2).upper)).toEqual(xs);
    const c = { high: [10, 12, 11], low: [9, 10, 8], close: [9.5, 11, 8.5] };
    expect(Array.from(sk.atr(c, 1))).toEqual([NaN, sk.trueRange(12, 10, 9.5), sk.trueRange(11, 8, 11)]);
  });

  it('a series shorter than the warm-up is all NaN, and an empty one is empty', () => {
    expect(Array.from(sk.ema([1, 2, 3], 4)).every(Number.isNaN)).toBe(true);
    expect(Array.from(sk.rsi([1, 2, 3, 4], 4)).every(Number.isNaN)).toBe(true);
    expect(Array.from(sk.macd([1, 2, 3]).hist).every(Number.isNaN)).toBe(true);
    expect(sk.sma([], 3).length).toBe(0);
    expect(sk.emaStream(3).value).toBeNaN();
    expect(sk.macdStream().lookback).toBe(33);
    expect(sk.regimeStream().value).toBe('unknown');
  });

  it('volume ratio is NaN, not a huge number, when the previous bars traded nothing after large volumes', () => {
    const vol = [1e9, 1e9, 3, 0, 0, 0, 5];
    expect(Array.from(sk.volumeRatio(vol, 3))).toEqual([NaN, NaN, NaN, 0, 0, 0, NaN]);
  });

  it('session VWAP restarts at UTC midnight and is NaN until volume trades', () => {
    const day = 86_400_000;
    const c = { time: [day - 300_000, day, day + 300_000], high: [10, 20, 30], low: [10, 20, 30], close: [10, 20, 30], volume: [1, 0, 1] };
    expect(Array.from(sk.sessionVwap(c))).toEqual([10, NaN, 30]);
  });

  it('mismatched column lengths are refused with the column named', () => {
    expect(() => sk.atr({ high: [1, 2], low: [1], close: [1, 2] })).toThrow(/column 'low' has 1 rows/);
  });

  it.each([
    ['ema period 0', () => sk.emaStream(0), /ema: period must be an integer >= 1, got 0/],
    ['sma period 2.5', () => sk.sma([1], 2.5), /sma: period must be an integer >= 1, got 2.5/],
    ['rsi period 1', () => sk.rsiStream(1), /rsi: period must be an integer >= 2/],
    ['macd fast above slow', () => sk.macdStream(26, 12), /macd: slow must be an integer >= 26, got 12/],
    ['bollinger stdDevs 0', () => sk.bollingerStream(20, 0), /bollinger: stdDevs must be a finite number > 0, got 0/],
    ['adx period 1', () => sk.adxStream(1), /adx: period must be an integer >= 2/],
    ['regime slow not above fast', () => sk.regimeStream({ fastPeriod: 50, slowPeriod: 50 }), /regime: slowPeriod must be an integer >= 51/],
  ])('a bad parameter (%s) throws a RangeError naming it', (_, make, message) => {
    expect(make).toThrow(RangeError);
    expect(make).toThrow(message);
  });
});

describe('rolling window', () => {
  it('reads exactly 0 sum and variance once large values have left a window of zeros', () => {
    const w = sk.rollingWindow(4);
    for (const x of [1e15, 3.3e14, 7, 0, 0, 0, 0]) w.push(x);
    expect([w.sum(), w.variance()]).toEqual([0, 0]);
  });

  it('sums exactly what enters after an all-zero stretch that followed large values', () => {
    const w = sk.rollingWindow(3);
    for (const x of [1e15, 0.1, 1e15, 0, 0, 0, 0.3]) w.push(x);
    expect(w.sum()).toBe(0.3);
    expect(w.mean()).toBe(0.3 / 3);
  });

  it('reads exactly 0 variance once a spike has left a constant window', () => {
    const w = sk.rollingWindow(5);
    for (const x of [1e12, 1, 1, 1, 1, 1]) w.push(x);
    expect(w.variance()).toBe(0);
    expect(w.mean()).toBe(1);
  });

  it('keeps the mean and population variance of the last values over a long run', () => {
    const w = sk.rollingWindow(7);
    const xs = Array.from({ length: 10_000 }, (_, i) => 60_000 + 50 * Math.sin(i * 0.37) + (i % 13));
    for (const x of xs) w.push(x);
    const tail = xs.slice(-7);
    const mean = tail.reduce((a, b) => a + b, 0) / 7;
    const variance = tail.reduce((a, b) => a + (b - mean) ** 2, 0) / 7;
    expect(Math.abs(w.mean() - mean) / mean).toBeLessThan(1e-14);
    expect(Math.abs(w.variance() - variance) / variance).toBeLessThan(1e-9);
  });
});
