/** fast-check generators for the skills property tests: price series and well-formed candles. */
import fc from 'fast-check';
import type { CandleColumns } from '../../src/contract/candle.ts';

const price = fc.double({ min: 1e-3, max: 1e5, noNaN: true, noDefaultInfinity: true });

/** Random prices, constant runs, and the empty series. */
export const seriesArb: fc.Arbitrary<number[]> = fc.oneof(
  fc.array(price, { maxLength: 150 }),
  fc.tuple(price, fc.integer({ min: 0, max: 150 })).map(([v, n]) => new Array<number>(n).fill(v)),
);

export interface Candles {
  readonly columns: CandleColumns;
  /** The same candles as one object per bar, the way a stream receives them. */
  readonly bars: ReadonlyArray<{ time: number; open: number; high: number; low: number; close: number; volume: number }>;
}

const barArb = fc.record({
  close: price,
  up: fc.double({ min: 0, max: 0.05, noNaN: true }),
  down: fc.double({ min: 0, max: 0.05, noNaN: true }),
  volume: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e6, noNaN: true, noDefaultInfinity: true })),
});

/** Candles with low <= close <= high, some zero volumes, spaced 5 min to 9 h so sessions roll over. */
export const candlesArb: fc.Arbitrary<Candles> = fc
  .tuple(fc.array(barArb, { maxLength: 150 }), fc.constantFrom(300_000, 3_600_000, 32_400_000), fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }))
  .map(([raw, step, startSec]) => {
    const bars = raw.map((b, i) => ({
      time: startSec * 1000 + i * step,
      open: b.close,
      high: b.close * (1 + b.up),
      low: b.close * (1 - b.down),
      close: b.close,
      volume: b.volume,
    }));
    const col = (k: keyof (typeof bars)[number]): Float64Array => Float64Array.from(bars, (b) => b[k]);
    const columns = { time: col('time'), open: col('open'), high: col('high'), low: col('low'), close: col('close'), volume: col('volume') };
    return { columns, bars };
  });
