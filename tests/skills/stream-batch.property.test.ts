/**
 * Batch == streaming, bit for bit (Object.is, so NaN positions count too), for every indicator on
 * random series and candles, with random periods from 1 up; plus the warm-up contract: NaN for
 * exactly `lookback` bars, then finite values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as sk from '../../strategy/skills/index.ts';
import type { Stream } from '../../strategy/skills/index.ts';
import { candlesArb, seriesArb, type Candles } from './arbitraries.ts';

type Out = Record<string, ArrayLike<number>>;
interface Spec<D> {
  readonly name: string;
  readonly minPeriod: number;
  /** Whether the first output is finite from `lookback` on (false where zero volume gives NaN). */
  readonly alwaysFinite: boolean;
  stream(period: number): Stream<never, unknown>;
  batch(data: D, period: number): Out;
}
const one = (a: Float64Array): Out => ({ value: a });

const seriesSpecs: Array<Spec<number[]>> = [
  { name: 'ema', minPeriod: 1, alwaysFinite: true, stream: (p) => sk.emaStream(p), batch: (d, p) => one(sk.ema(d, p)) },
  { name: 'sma', minPeriod: 1, alwaysFinite: true, stream: (p) => sk.smaStream(p), batch: (d, p) => one(sk.sma(d, p)) },
  { name: 'rsi', minPeriod: 2, alwaysFinite: true, stream: (p) => sk.rsiStream(p), batch: (d, p) => one(sk.rsi(d, p)) },
  { name: 'macd', minPeriod: 1, alwaysFinite: true, stream: (p) => sk.macdStream(p, p + 3, p), batch: (d, p) => sk.macd(d, p, p + 3, p) },
  { name: 'bollinger', minPeriod: 1, alwaysFinite: true, stream: (p) => sk.bollingerStream(p, 2), batch: (d, p) => sk.bollinger(d, p, 2) },
  { name: 'volumeRatio', minPeriod: 1, alwaysFinite: true, stream: (p) => sk.volumeRatioStream(p), batch: (d, p) => one(sk.volumeRatio(d, p)) },
];
const candleSpecs: Array<Spec<Candles>> = [
  { name: 'atr', minPeriod: 1, alwaysFinite: true, stream: (p) => sk.atrStream(p), batch: (d, p) => one(sk.atr(d.columns, p)) },
  { name: 'adx', minPeriod: 2, alwaysFinite: true, stream: (p) => sk.adxStream(p), batch: (d, p) => sk.adx(d.columns, p) },
  { name: 'rollingVwap', minPeriod: 1, alwaysFinite: false, stream: (p) => sk.rollingVwapStream(p), batch: (d, p) => one(sk.rollingVwap(d.columns, p)) },
  { name: 'sessionVwap', minPeriod: 1, alwaysFinite: false, stream: () => sk.sessionVwapStream(), batch: (d) => one(sk.sessionVwap(d.columns)) },
];

/** Streams `inputs` one at a time and returns the outputs as columns named like the batch's. */
function streamed(stream: Stream<never, unknown>, inputs: readonly unknown[]): { cols: Record<string, number[]>; lastValueOk: boolean } {
  const cols: Record<string, number[]> = {};
  let last: unknown;
  for (const x of inputs) {
    last = stream.next(x as never);
    const fields = typeof last === 'number' ? { value: last } : (last as Record<string, number>);
    for (const [k, v] of Object.entries(fields)) (cols[k] ??= []).push(v);
  }
  return { cols, lastValueOk: inputs.length === 0 || Object.is(stream.value, last) };
}

function checkSpec<D>(spec: Spec<D>, data: D, inputs: readonly unknown[], period: number): void {
  const batch = spec.batch(data, period);
  const s = spec.stream(period);
  const { cols, lastValueOk } = streamed(s, inputs);
  expect(lastValueOk).toBe(true);
  for (const [k, col] of Object.entries(batch)) {
    expect(col.length).toBe(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      if (!Object.is(col[i], cols[k]![i])) expect.fail(`${spec.name}.${k}[${i}]: batch ${col[i]} != stream ${cols[k]![i]}`);
    }
  }
  const first = Object.values(batch)[0]!;
  for (let i = 0; i < inputs.length; i++) {
    if (i < s.lookback) expect(first[i]).toBeNaN();
    else if (spec.alwaysFinite) expect(Number.isFinite(first[i])).toBe(true);
  }
}

const periodArb = (min: number): fc.Arbitrary<number> => fc.integer({ min, max: 40 });

describe('batch and streaming forms agree exactly', () => {
  for (const spec of seriesSpecs) {
    it(`${spec.name}: batch equals stream on random and constant series, NaN for exactly lookback bars`, () => {
      fc.assert(
        fc.property(seriesArb, periodArb(spec.minPeriod), (d, p) => checkSpec(spec, d, d, p)),
        { numRuns: 150 },
      );
    });
  }
  for (const spec of candleSpecs) {
    it(`${spec.name}: batch equals stream on random candles`, () => {
      fc.assert(
        fc.property(candlesArb, periodArb(spec.minPeriod), (d, p) => checkSpec(spec, d, d.bars, p)),
        { numRuns: 150 },
      );
    });
  }
  it('regime: batch equals stream on random candles with short periods', () => {
    const params = { adxPeriod: 3, fastPeriod: 2, slowPeriod: 5, atrPeriod: 3, atrAvgPeriod: 4 };
    fc.assert(
      fc.property(candlesArb, (d) => {
        const s = sk.regimeStream(params);
        const streamedRegimes = d.bars.map((b) => s.next(b));
        expect(sk.regime(d.columns, params)).toEqual(streamedRegimes);
        expect(streamedRegimes.slice(0, s.lookback).every((r) => r === 'unknown')).toBe(true);
        expect(streamedRegimes.slice(s.lookback).includes('unknown')).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});
