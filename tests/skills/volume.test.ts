/**
 * VWAP and volume ratio on the real candles. TA-Lib has neither: session VWAP is checked against
 * technicalindicators' cumulative VWAP restarted at every UTC midnight (same definition, so exact),
 * rolling VWAP and volume ratio against plain reference loops.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { rollingVwap, sessionVwap, volumeRatio } from '../../strategy/skills/index.ts';
import { loadCandles, mismatch, realCandleFiles } from './helpers.ts';

const ti = createRequire(import.meta.url)('technicalindicators') as {
  VWAP: { calculate(input: { high: number[]; low: number[]; close: number[]; volume: number[] }): number[] };
};
const DAY_MS = 86_400_000;

/** Bar index ranges [start, end) of each UTC day. */
function dayRanges(time: Float64Array): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i <= time.length; i++) {
    if (i === time.length || Math.floor(time[i]! / DAY_MS) !== Math.floor(time[start]! / DAY_MS)) {
      ranges.push([start, i]);
      start = i;
    }
  }
  return ranges;
}

describe.each(realCandleFiles())('volume indicators on %s', (file) => {
  const c = loadCandles(file);
  const n = c.close.length;

  it('session VWAP equals technicalindicators VWAP restarted at each UTC midnight, bit for bit', () => {
    const ours = sessionVwap(c);
    const expected = new Float64Array(n);
    const ranges = dayRanges(c.time);
    for (const [a, b] of ranges) {
      const slice = (col: Float64Array): number[] => Array.from(col.subarray(a, b));
      expected.set(ti.VWAP.calculate({ high: slice(c.high), low: slice(c.low), close: slice(c.close), volume: slice(c.volume) }), a);
    }
    expect(ranges.length).toBeGreaterThan(80);
    expect(mismatch(ours, expected, 0)).toBeNull();
  });

  it('rolling 48-bar VWAP equals a direct sum over the window', () => {
    const period = 48;
    const expected = new Float64Array(n).fill(NaN);
    for (let i = period - 1; i < n; i++) {
      let pv = 0;
      let v = 0;
      for (let j = i - period + 1; j <= i; j++) {
        pv += c.volume[j]! * ((c.high[j]! + c.low[j]! + c.close[j]!) / 3);
        v += c.volume[j]!;
      }
      expected[i] = pv / v;
    }
    expect(mismatch(rollingVwap(c, period), expected, 1e-12)).toBeNull();
  });

  it('volume ratio divides each volume by the mean of the 20 volumes before it', () => {
    const period = 20;
    const expected = new Float64Array(n).fill(NaN);
    for (let i = period; i < n; i++) {
      let sum = 0;
      for (let j = i - period; j < i; j++) sum += c.volume[j]!;
      expected[i] = c.volume[i]! / (sum / period);
    }
    expect(mismatch(volumeRatio(c.volume, period), expected, 1e-12)).toBeNull();
  });
});
