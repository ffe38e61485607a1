/** The regime classifier on constructed markets with a known answer, and on the real candles. */
import { describe, expect, it } from 'vitest';
import type { Regime } from '../../src/contract/intent.ts';
import { DEFAULT_REGIME_PARAMS, regime, regimeStream } from '../../strategy/skills/index.ts';
import { loadCandles, realCandleFiles } from './helpers.ts';

const N = 400;
const WARMUP = 63; // max(ADX 2·14−1, EMA 50−1, ATR 14 + 50 − 1) with the default parameters

/** Candles around `closes` whose high/low sit `range(i)` (a fraction) either side of the close. */
function market(closes: (i: number) => number, range: (i: number) => number = () => 0.002) {
  const close = Array.from({ length: N }, (_, i) => closes(i));
  return { close, high: close.map((c, i) => c * (1 + range(i))), low: close.map((c, i) => c * (1 - range(i))) };
}
const wobble = (i: number): number => 1 + 0.002 * Math.sin(i * 1.7);
const after = (rs: Regime[], from = WARMUP): Set<Regime> => new Set(rs.slice(from));

describe('regime classifier', () => {
  it('reports unknown for exactly the warm-up bars', () => {
    const rs = regime(market((i) => 100 * wobble(i)));
    expect(regimeStream().lookback).toBe(WARMUP);
    expect(after(rs.slice(0, WARMUP), 0)).toEqual(new Set(['unknown']));
    expect(rs[WARMUP]).not.toBe('unknown');
  });

  it('calls a steady climb with noise trending_up', () => {
    expect(after(regime(market((i) => 100 * 1.003 ** i * wobble(i))))).toEqual(new Set(['trending_up']));
  });

  it('calls a steady decline with noise trending_down', () => {
    expect(after(regime(market((i) => 100 * 0.997 ** i * wobble(i))))).toEqual(new Set(['trending_down']));
  });

  it('calls a fast oscillation around a fixed level ranging', () => {
    expect(after(regime(market((i) => 100 * (1 + 0.01 * Math.sin((i * 2 * Math.PI) / 8)))))).toEqual(new Set(['ranging']));
  });

  it('calls a calm market ranging and switches to volatile within two bars of a tenfold range expansion', () => {
    const rs = regime(
      market(
        (i) => 100 * (1 + 0.003 * Math.sin(i * 0.9)),
        (i) => (i >= 300 ? 0.02 : 0.002),
      ),
    );
    expect(after(rs.slice(0, 300))).toEqual(new Set(['ranging']));
    expect(after(rs.slice(302, 320), 0)).toEqual(new Set(['volatile']));
  });

  it('honours its thresholds: an unreachable ADX level never reports a trend', () => {
    const rs = regime(
      market((i) => 100 * 1.003 ** i * wobble(i)),
      { trendAdx: 100.5 },
    );
    expect(after(rs)).toEqual(new Set(['ranging']));
    expect(DEFAULT_REGIME_PARAMS.trendAdx).toBe(25);
  });

  it.each(realCandleFiles())('classifies every real bar of %s after warm-up, mostly ranging, every regime present', (file) => {
    const rs = regime(loadCandles(file));
    const counts = new Map<Regime, number>();
    for (const r of rs.slice(WARMUP)) counts.set(r, (counts.get(r) ?? 0) + 1);
    const share = (r: Regime): number => (counts.get(r) ?? 0) / (rs.length - WARMUP);
    expect(counts.has('unknown')).toBe(false);
    expect(share('ranging')).toBeGreaterThan(0.4);
    expect(share('ranging')).toBeLessThan(0.8);
    for (const r of ['trending_up', 'trending_down', 'volatile'] as const) expect(share(r)).toBeGreaterThan(0.03);
  });
});
