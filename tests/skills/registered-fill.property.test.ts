/**
 * A backtest computes a registered one-input indicator's series with its `input.fill` (one loop per
 * indicator kind, so V8 can inline the stream); the live scan feeds `start()` candle by candle. Both
 * must give the same numbers bit for bit (Object.is: NaN positions count), from any first row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REGISTERED, type RegisteredIndicator } from '../../strategy/skills/registered.ts';
import { candlesArb } from './arbitraries.ts';

const ONE_INPUT: Array<[string, (period: number) => RegisteredIndicator]> = [
  ['ema', (p) => REGISTERED.ema(p)],
  ['ema of highs', (p) => REGISTERED.ema(p, 'high')],
  ['sma', (p) => REGISTERED.sma(p)],
  ['rsi', (p) => REGISTERED.rsi(p + 1)],
  ['volumeRatio', (p) => REGISTERED.volumeRatio(p)],
];

describe('registered indicators: input.fill equals the live updater', () => {
  for (const [name, make] of ONE_INPUT) {
    it(`${name}: the same values from any first row, written at its slot of a strided table`, () => {
      fc.assert(
        fc.property(candlesArb, fc.integer({ min: 1, max: 30 }), fc.nat(20), fc.integer({ min: 1, max: 4 }), ({ columns, bars }, period, skip, stride) => {
          const ind = make(period);
          const from = Math.min(skip, bars.length);
          const slot = stride - 1;
          const out = new Float64Array(bars.length * stride).fill(-1);
          ind.input!.fill(columns[ind.input!.source], from, out, stride, slot);
          const live = ind.start();
          bars.slice(from).forEach((bar, i) => expect(Object.is(out[(from + i) * stride + slot], live(bar))).toBe(true));
          // Rows before `from` and the other slots are not written.
          for (let r = 0; r < from; r++) expect(out[r * stride + slot]).toBe(-1);
          if (stride > 1) expect(out.filter((_, i) => i % stride !== slot).every((v) => v === -1)).toBe(true);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('every one-input indicator of the catalogue has a fill (the multi-output ones read whole candles)', () => {
    expect(ONE_INPUT.map(([, make]) => make(5).input?.fill)).not.toContain(undefined);
    expect(REGISTERED.atr(5).input).toBeUndefined();
  });
});
