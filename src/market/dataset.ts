/**
 * Candle series for a backtest, from the store or straight from a CSV folder (`--data dir`, no
 * database needed). Returns per-pair columns in [from, to); the backtest aligns them on one grid.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { columnsFromCandles } from '../backtest/data.ts';
import type { CandleColumns, Pair, Timeframe } from '../contract/index.ts';
import { parseCandleCsv } from './csv.ts';
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
  const out: LoadedSeries[] = [];
  for (const pair of req.pairs) {
    const file = csvPathFor(dir, pair, req.timeframe);
    const text = await readFile(file, 'utf8').catch((cause: unknown) => {
      throw new MarketDataError('csv_name', `no candles for ${pair} ${req.timeframe}: cannot read ${file}; drop the pair or add the file`, { cause });
    });
    const candles = parseCandleCsv(text, file, req.timeframe).filter((c) => c.time >= req.from && c.time < req.to);
    out.push({ pair, columns: columnsFromCandles(candles) });
  }
  return out;
}
