/**
 * Candle series for a backtest, from the store or straight from a CSV folder (`--data dir`, no
 * database needed). Returns per-pair columns in [from, to); the backtest aligns them on one grid.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CandleColumns, Pair, Timeframe } from '../contract/index.ts';
import { parseCandleColumns } from './csv.ts';
import { MarketDataError } from './errors.ts';
import type { CandleRepo } from './types.ts';

export interface SeriesRequest {
  readonly pairs: readonly Pair[];
  readonly timeframe: Timeframe;
  readonly from: number;
  readonly to: number;
}

export interface LoadedSeries {
  readonly pair: Pair;
  readonly columns: CandleColumns;
}

export function seriesFromStore(repo: CandleRepo, req: SeriesRequest): LoadedSeries[] {
  return req.pairs.map((pair) => ({ pair, columns: repo.rangeColumns(pair, req.timeframe, req.from, req.to) }));
}

/** `<dir>/<BASE>-<QUOTE>_<tf>.csv` per pair, e.g. data/sample/ETH-USD_5m.csv. */
export function csvPathFor(dir: string, pair: Pair, timeframe: Timeframe): string {
  return join(dir, `${pair.replace('/', '-')}_${timeframe}.csv`);
}

export async function seriesFromCsvDir(dir: string, req: SeriesRequest): Promise<LoadedSeries[]> {
  const files = req.pairs.map((pair) => csvPathFor(dir, pair, req.timeframe));
  // Read all files at once (the disk works while the previous file parses), parse one by one.
  const reads = files.map((file, p) =>
    readFile(file).catch((cause: unknown) => {
      throw new MarketDataError('csv_name', `no candles for ${req.pairs[p]} ${req.timeframe}: cannot read ${file}; drop the pair or add the file`, { cause });
    }),
  );
  for (const r of reads) r.catch(() => undefined);
  const out: LoadedSeries[] = [];
  for (const [p, pair] of req.pairs.entries()) {
    out.push({ pair, columns: withinRange(parseCandleColumns(await reads[p]!, files[p]!, req.timeframe), req.from, req.to) });
    // One file per turn of the event loop (~50 ms for a 5m year): what runs alongside (brain backtest
    // starting its sandbox child, which waits on esbuild and a spawn) is not held up by the whole folder.
    await new Promise((next) => setImmediate(next));
  }
  return out;
}

/** Rows with time in [from, to) of ascending columns (the same arrays when all rows are in). */
export function withinRange(c: CandleColumns, from: number, to: number): CandleColumns {
  const lo = lowerBound(c.time, from);
  const hi = lowerBound(c.time, to);
  if (lo === 0 && hi === c.time.length) return c;
  const cut = (x: Float64Array) => x.slice(lo, hi);
  return { time: cut(c.time), open: cut(c.open), high: cut(c.high), low: cut(c.low), close: cut(c.close), volume: cut(c.volume) };
}

/** First index with arr[i] >= value (arr ascending). */
export function lowerBound(arr: Float64Array, value: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
