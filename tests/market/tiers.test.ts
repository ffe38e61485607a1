import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Candle } from '../../src/contract/index.ts';
import { compact, compactStep } from '../../src/market/tiers.ts';
import { aggregateCandles } from '../../src/market/aggregate.ts';
import { MarketDataError } from '../../src/market/errors.ts';
import { retentionFromConfig } from '../../src/market/types.ts';
import { candle, fakeCandleDb } from './fakes.ts';

const M5 = 300_000;
const H1 = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const retention = { fineDays: 2, hourlyDays: 5 };

const candleArb = fc
  .record({
    slot: fc.integer({ min: 0, max: 8 * 288 - 1 }),
    o: fc.double({ min: 1, max: 100, noNaN: true }),
    c: fc.double({ min: 1, max: 100, noNaN: true }),
    v: fc.integer({ min: 0, max: 1000 }),
  })
  .map(({ slot, o, c, v }): Candle => ({ time: T0 + slot * M5, open: o, close: c, high: Math.max(o, c) * 1.01, low: Math.min(o, c) * 0.99, volume: v }));

const volumeOf = (cs: readonly Candle[]) => cs.reduce((a, c) => a + c.volume, 0);

describe('tiered candle store', () => {
  it('aggregation never loses a candle: every folded 5m candle is inside its 1h/1d candle and volume is conserved', () => {
    fc.assert(
      fc.property(fc.uniqueArray(candleArb, { selector: (c) => c.time, maxLength: 300 }), (raw) => {
        const sources = [...raw].sort((a, b) => a.time - b.time);
        const db = fakeCandleDb();
        db.repo.upsertMany('BTC/USD', '5m', sources);
        const now = T0 + 8 * DAY;
        compact(db, ['BTC/USD'], retention, now);
        const m5 = db.all('BTC/USD', '5m');
        const h1 = db.all('BTC/USD', '1h');
        const d1 = db.all('BTC/USD', '1d');
        expect(volumeOf(m5) + volumeOf(h1) + volumeOf(d1)).toBeCloseTo(volumeOf(sources), 6);
        for (const s of sources) {
          const kept = m5.find((c) => c.time === s.time);
          const holder = kept ?? h1.find((c) => c.time === Math.floor(s.time / H1) * H1) ?? d1.find((c) => c.time === Math.floor(s.time / DAY) * DAY);
          expect(holder, `candle at ${new Date(s.time).toISOString()} lost`).toBeDefined();
          expect(holder!.high).toBeGreaterThanOrEqual(s.high);
          expect(holder!.low).toBeLessThanOrEqual(s.low);
        }
        expect(m5.every((c) => c.time >= now - 2 * DAY - H1)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('writes the aggregate before deleting sources in one transaction: a failed delete leaves the store as it was', () => {
    const db = fakeCandleDb();
    const sources = Array.from({ length: 24 }, (_, i) => candle(T0 + i * M5, 100 + i));
    db.repo.upsertMany('ETH/USD', '5m', sources);
    db.failNext('deleteRange');
    expect(() => compactStep(db, 'ETH/USD', { source: '5m', target: '1h', keepDays: 1 }, T0 + 3 * DAY)).toThrow(/injected deleteRange/);
    expect(db.all('ETH/USD', '5m')).toHaveLength(24);
    expect(db.all('ETH/USD', '1h')).toHaveLength(0);
  });

  it('folds 5m into 1h with first open, max high, min low, last close and summed volume', () => {
    const cs = [candle(T0, 10, 1), candle(T0 + M5, 12, 2), candle(T0 + 11 * M5, 9, 3), candle(T0 + H1, 20, 4)];
    expect(aggregateCandles(cs, '1h')).toEqual([
      { time: T0, open: 10, high: 12 * 1.01, low: 9 * 0.99, close: 9, volume: 6 },
      { time: T0 + H1, open: 20, high: 20 * 1.01, low: 20 * 0.99, close: 20, volume: 4 },
    ]);
  });

  it('keeps an existing native 1h candle that saw more trades than the 5m candles folding into it', () => {
    const db = fakeCandleDb();
    const native = { time: T0, open: 10, high: 11, low: 9, close: 10.5, volume: 50 };
    db.repo.upsertMany('SOL/USD', '1h', [native]);
    db.repo.upsertMany('SOL/USD', '5m', [{ time: T0 + M5, open: 10, high: 11.5, low: 10, close: 10, volume: 3 }]);
    compactStep(db, 'SOL/USD', { source: '5m', target: '1h', keepDays: 1 }, T0 + 2 * DAY);
    expect(db.all('SOL/USD', '1h')).toEqual([{ ...native, high: 11.5 }]);
    expect(db.all('SOL/USD', '5m')).toHaveLength(0);
  });

  it('prunes by folding: 1h older than the hourly window becomes 1d, and 1d is kept forever', () => {
    const db = fakeCandleDb();
    db.repo.upsertMany(
      'XRP/USD',
      '1h',
      Array.from({ length: 48 }, (_, i) => candle(T0 + i * H1)),
    );
    db.repo.upsertMany('XRP/USD', '1d', [candle(T0 - 400 * DAY)]);
    compact(db, ['XRP/USD'], retention, T0 + 10 * DAY);
    expect(db.all('XRP/USD', '1h')).toHaveLength(0);
    expect(db.all('XRP/USD', '1d').map((c) => c.time)).toEqual([T0 - 400 * DAY, T0, T0 + DAY]);
  });

  it('rejects a retention where fine candles outlive hourly ones, naming both values', () => {
    const db = fakeCandleDb();
    expect(() => compact(db, ['BTC/USD'], { fineDays: 10, hourlyDays: 5 }, T0)).toThrow(MarketDataError);
    expect(() => compact(db, ['BTC/USD'], { fineDays: 10, hourlyDays: 5 }, T0)).toThrow(/fineDays=10, hourlyDays=5, dailyDays=Infinity/);
  });
});

describe('retention from config', () => {
  it('reads "forever" as never folding or deleting, and deletes 1d candles only past a finite 1d window', () => {
    expect(retentionFromConfig({ candles5mDays: 90, candles1hDays: 'forever', candles1dDays: 'forever' })).toEqual({
      fineDays: 90,
      hourlyDays: Infinity,
      dailyDays: Infinity,
    });
    const db = fakeCandleDb();
    db.repo.upsertMany('BTC/USD', '1h', [candle(T0)]);
    db.repo.upsertMany('BTC/USD', '1d', [candle(T0 - 100 * DAY), candle(T0)]);
    compact(db, ['BTC/USD'], { fineDays: 1, hourlyDays: Infinity }, T0 + 50 * DAY);
    expect(db.all('BTC/USD', '1h')).toHaveLength(1);
    const steps = compact(db, ['BTC/USD'], { fineDays: 1, hourlyDays: 10, dailyDays: 60 }, T0 + 50 * DAY);
    expect(db.all('BTC/USD', '1d').map((c) => c.time)).toEqual([T0]);
    expect(steps.at(-1)).toEqual({ pair: 'BTC/USD', source: '1d', target: '1d', folded: 1, written: 0 });
  });
});
