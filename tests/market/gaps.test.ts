import { describe, expect, it } from 'vitest';
import { backfill, findGaps } from '../../src/market/gaps.ts';
import { syncFromKraken, syncSeries } from '../../src/market/sync.ts';
import { KRAKEN_OHLC_CAP } from '../../src/market/types.ts';
import { candle, fakeCandleDb, fakeFetcher } from './fakes.ts';

const M5 = 300_000;
const T0 = Date.UTC(2024, 6, 1);
/** `n` consecutive 5m candles from T0, skipping the given indexes. */
const series = (n: number, skip: readonly number[] = []) =>
  Array.from({ length: n }, (_, i) => i)
    .filter((i) => !skip.includes(i))
    .map((i) => candle(T0 + i * M5, 100 + i));

describe('gap detection', () => {
  it('reports each run of missing intervals with its length', () => {
    const times = series(10, [2, 3, 7]).map((c) => c.time);
    expect(findGaps(times, '5m', T0, T0 + 10 * M5)).toEqual([
      { from: T0 + 2 * M5, to: T0 + 4 * M5, missing: 2 },
      { from: T0 + 7 * M5, to: T0 + 8 * M5, missing: 1 },
    ]);
  });

  it('reports missing intervals at both ends of the window and an empty series as one gap', () => {
    const times = series(10, [0, 9]).map((c) => c.time);
    expect(findGaps(times, '5m', T0, T0 + 10 * M5).map((g) => g.missing)).toEqual([1, 1]);
    expect(findGaps([], '5m', T0, T0 + 10 * M5)).toEqual([{ from: T0, to: T0 + 10 * M5, missing: 10 }]);
  });
});

describe('back-fill through the injected OHLC fetcher', () => {
  it('fills holes Kraken still serves and counts intervals Kraken has no candle for as no-trade', async () => {
    const venue = series(100, [50]); // nobody traded in interval 50
    const db = fakeCandleDb();
    db.repo.upsertMany('ETH/USD', '5m', series(100, [40, 41, 50]));
    const now = T0 + 100 * M5;
    const report = await backfill(db, fakeFetcher(venue), 'ETH/USD', '5m', { from: T0, to: now }, now);
    expect(report).toMatchObject({ gaps: 2, filled: 2, noTradeIntervals: 1, unfillable: [] });
    expect(db.repo.count('ETH/USD', '5m')).toBe(99);
  });

  it('reports holes older than the 720-candle window as unfillable without fetching them', async () => {
    const db = fakeCandleDb();
    const stored = series(1000, [10, 11, 900]);
    db.repo.upsertMany('SOL/USD', '5m', stored);
    const fetcher = fakeFetcher(series(1000));
    const now = T0 + 1000 * M5;
    const report = await backfill(db, fetcher, 'SOL/USD', '5m', { from: T0, to: now }, now);
    expect(report.filled).toBe(1);
    expect(report.unfillable).toEqual([{ from: T0 + 10 * M5, to: T0 + 12 * M5, missing: 2 }]);
    expect(fetcher.calls[0]!.since).toBeGreaterThanOrEqual(T0 + (1000 - KRAKEN_OHLC_CAP) * M5 - 1);
  });
});

describe('bootstrap and catch-up from Kraken OHLC', () => {
  it('bootstraps an empty series with the newest 720 closed candles and reports the cap', async () => {
    const db = fakeCandleDb();
    // The venue also has the still-forming candle at index 1000 (now falls inside it).
    const fetcher = fakeFetcher(series(1001));
    const now = T0 + 1000 * M5 + 60_000;
    const [report] = await syncFromKraken(db, fetcher, ['BTC/USD'], now, ['5m']);
    expect(report).toMatchObject({ mode: 'bootstrap', stored: KRAKEN_OHLC_CAP - 1, capped: true });
    expect(db.repo.latestTime('BTC/USD', '5m')).toBe(T0 + 999 * M5);
  });

  it('catches up from the latest stored candle after a restart and is not capped for a short outage', async () => {
    const db = fakeCandleDb();
    db.repo.upsertMany('BTC/USD', '5m', series(900));
    const fetcher = fakeFetcher(series(1001));
    const report = await syncSeries(db, fetcher, 'BTC/USD', '5m', T0 + 1000 * M5 + 1);
    expect(fetcher.calls[0]!.since).toBe(T0 + 899 * M5);
    expect(report).toMatchObject({ mode: 'catchUp', stored: 100, capped: false });
    expect(db.repo.count('BTC/USD', '5m')).toBe(1000);
  });

  it('wraps a fetch failure in a retryable MarketDataError naming the pair and timeframe', async () => {
    const db = fakeCandleDb();
    const failing = { fetchOhlc: () => Promise.reject<never>(new Error('ECONNRESET')) };
    await expect(syncSeries(db, failing, 'XRP/USD', '1h', T0)).rejects.toMatchObject({
      code: 'fetch_failed',
      retryable: true,
      message: expect.stringContaining('XRP/USD 1h'),
    });
  });
});
