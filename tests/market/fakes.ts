/**
 * In-memory CandleDb and a fake Kraken OHLC fetcher for the candle-store tests. The fake's
 * transaction snapshots every series and restores it on throw, like SQLite's rollback.
 */
import { columnsFromCandles } from '../../src/backtest/data.ts';
import type { Candle, Pair, Timeframe } from '../../src/contract/index.ts';
import { KRAKEN_OHLC_CAP, type CandleDb, type CandleRepo, type OhlcFetcher } from '../../src/market/types.ts';

type Series = Map<number, Candle>;

export interface FakeCandleDb extends CandleDb {
  all(pair: Pair, tf: Timeframe): Candle[];
  /** Makes the next call of `method` throw (to test rollback). */
  failNext(method: keyof CandleRepo): void;
}

export function fakeCandleDb(): FakeCandleDb {
  let data = new Map<string, Series>();
  let failing: keyof CandleRepo | null = null;
  const series = (p: Pair, tf: Timeframe): Series => {
    const key = `${p}|${tf}`;
    let s = data.get(key);
    if (!s) data.set(key, (s = new Map()));
    return s;
  };
  const trip = (m: keyof CandleRepo) => {
    if (failing === m) {
      failing = null;
      throw new Error(`injected ${m} failure`);
    }
  };
  const sorted = (s: Series) => [...s.values()].sort((a, b) => a.time - b.time);
  const repo: CandleRepo = {
    upsertMany(p, tf, candles) {
      trip('upsertMany');
      const s = series(p, tf);
      for (const c of candles) s.set(c.time, { ...c });
    },
    range: (p, tf, from, to) => sorted(series(p, tf)).filter((c) => c.time >= from && c.time < to),
    rangeColumns(p, tf, from, to) {
      return columnsFromCandles(sorted(series(p, tf)).filter((c) => c.time >= from && c.time < to));
    },
    latestTime: (p, tf) => sorted(series(p, tf)).at(-1)?.time ?? null,
    deleteRange(p, tf, from, to) {
      trip('deleteRange');
      const s = series(p, tf);
      let n = 0;
      for (const t of [...s.keys()]) if (t >= from && t < to && s.delete(t)) n++;
      return n;
    },
    count: (p, tf) => series(p, tf).size,
  };
  return {
    repo,
    transaction<T>(fn: () => T): T {
      const snapshot = new Map([...data].map(([k, s]) => [k, new Map(s)]));
      try {
        return fn();
      } catch (err) {
        data = snapshot;
        throw err;
      }
    },
    all: (p, tf) => sorted(series(p, tf)),
    failNext: (m) => {
      failing = m;
    },
  };
}

/** A venue that has `candles` and answers like Kraken: after `since`, newest 720 only. */
export function fakeFetcher(candles: readonly Candle[]): OhlcFetcher & { calls: { pair: Pair; tf: Timeframe; since: number }[] } {
  const calls: { pair: Pair; tf: Timeframe; since: number }[] = [];
  return {
    calls,
    async fetchOhlc(pair, tf, since) {
      calls.push({ pair, tf, since });
      const served = candles.slice(-KRAKEN_OHLC_CAP);
      return { candles: served.filter((c) => c.time > since), complete: served.length === candles.length || served[0]!.time <= since + 1 };
    },
  };
}

export function candle(time: number, price = 100, volume = 1): Candle {
  return { time, open: price, high: price * 1.01, low: price * 0.99, close: price, volume };
}
