import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.ts';
import { candleDbFrom, createCandleStore } from '../../src/market/store.ts';
import { compactStep } from '../../src/market/tiers.ts';
import { candle, fakeFetcher } from './fakes.ts';

const M5 = 300_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

describe('candle store on SQLite', () => {
  let db: Db;
  afterEach(() => db?.close());

  it('folds old 5m candles into 1h in the database and reads the rest back as columns', () => {
    db = openDatabase({ path: ':memory:' });
    const store = createCandleStore({ db: candleDbFrom(db), retention: { fineDays: 1, hourlyDays: 30 } });
    const cdb = candleDbFrom(db);
    cdb.repo.upsertMany(
      'BTC/USD',
      '5m',
      Array.from({ length: 3 * 288 }, (_, i) => candle(T0 + i * M5, 100 + (i % 12))),
    );
    const steps = store.compact(['BTC/USD'], T0 + 3 * DAY);
    expect(steps).toEqual([{ pair: 'BTC/USD', source: '5m', target: '1h', folded: 2 * 288, written: 48 }]);
    const cols = store.columns('BTC/USD', '5m', 0, T0 + 3 * DAY);
    expect(cols.time.length).toBe(288);
    expect(cols.time[0]).toBe(T0 + 2 * DAY);
    expect(cdb.repo.range('BTC/USD', '1h', T0, T0 + 3600_000)[0]).toMatchObject({ open: 100, close: 111, volume: 12 });
  });

  it('rolls back the aggregate when deleting the sources fails, so both tiers are as before', () => {
    db = openDatabase({ path: ':memory:' });
    const real = candleDbFrom(db);
    real.repo.upsertMany(
      'ETH/USD',
      '5m',
      Array.from({ length: 24 }, (_, i) => candle(T0 + i * M5)),
    );
    const failingDelete = {
      ...real,
      repo: {
        ...real.repo,
        deleteRange: () => {
          throw new Error('disk I/O error');
        },
      },
    };
    expect(() => compactStep(failingDelete, 'ETH/USD', { source: '5m', target: '1h', keepDays: 1 }, T0 + 2 * DAY)).toThrow('disk I/O error');
    expect(real.repo.count('ETH/USD', '5m')).toBe(24);
    expect(real.repo.count('ETH/USD', '1h')).toBe(0);
  });

  it('bootstraps through the fetcher it was given, not capped when the venue served everything, and refuses to sync without one', async () => {
    db = openDatabase({ path: ':memory:' });
    const venue = Array.from({ length: 50 }, (_, i) => candle(T0 + i * M5));
    const store = createCandleStore({ db: candleDbFrom(db), fetcher: fakeFetcher(venue) });
    const reports = await store.sync(['SOL/USD'], T0 + 50 * M5);
    expect(reports.find((r) => r.timeframe === '5m')).toMatchObject({ mode: 'bootstrap', stored: 50, capped: false });
    await expect(createCandleStore({ db: candleDbFrom(db) }).sync(['SOL/USD'], T0)).rejects.toThrow(/no OHLC fetcher/);
  });
});
