/**
 * Loads replay candles from a folder of CSVs in the format `brain backtest --data` reads
 * (`BTC-USD_5m.csv`, header `time,open,high,low,close,volume`, unix seconds), through the same parser
 * (src/market/csv.ts): every row checked, times converted to ms at the edge, a bad row named by file
 * and line. Files of another name are not candles and are skipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CandleColumns } from '../contract/candle.ts';
import { timeframeMs, type Pair } from '../contract/pairs.ts';
import { CSV_HEADER, parseCandleColumns, seriesFromFileName } from '../market/csv.ts';
import { isKnownPair } from './pairs.ts';
import { BrainError } from '../contract/errors.ts';

/** The contract's columnar candles (times in ms) for one pair at one interval. */
export interface CandleSeries extends CandleColumns {
  readonly pair: Pair;
  readonly intervalMs: number;
}

export class SimDataError extends BrainError<'bad_data'> {
  override readonly name = 'SimDataError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { domain: 'sim', code: 'bad_data', retryable: false, cause: options?.cause });
  }
}

const FORMAT = `name them <BASE>-USD_<tf>.csv (e.g. BTC-USD_5m.csv) with the header ${CSV_HEADER}, time in unix seconds, as for brain backtest --data`;

/** One series per pair: the finest timeframe found for it in `dir`. */
export function loadCandleDir(dir: string, pairs?: readonly Pair[]): CandleSeries[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (cause) {
    throw new SimDataError(`cannot read candle folder ${dir}; pass --data <dir> with *-USD_5m.csv files`, { cause });
  }
  const finest = new Map<Pair, { file: string; timeframe: ReturnType<typeof seriesFromFileName>['timeframe'] }>();
  for (const name of names) {
    const series = candleFile(name);
    if (!series || !isKnownPair(series.pair) || (pairs && !pairs.includes(series.pair))) continue;
    const prev = finest.get(series.pair);
    if (!prev || timeframeMs(series.timeframe) < timeframeMs(prev.timeframe)) finest.set(series.pair, { file: join(dir, name), timeframe: series.timeframe });
  }
  const missing = (pairs ?? []).filter((p) => !finest.has(p));
  if (missing.length > 0)
    throw new SimDataError(`no candle CSV for ${missing.join(', ')} in ${dir} (expected e.g. ${missing[0]!.replace('/', '-')}_5m.csv); ${FORMAT}`);
  if (finest.size === 0) {
    const found = names.length === 0 ? 'the folder is empty' : `found ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`;
    throw new SimDataError(`no usable candles in ${dir}: no candle file of a known pair (${found}); ${FORMAT}`);
  }
  return [...finest].map(([pair, f]) => {
    const columns = parseCandleColumns(readFileSync(f.file), f.file, f.timeframe);
    if (columns.time.length === 0) throw new SimDataError(`no usable candles in ${f.file}: the file has a header but no rows; ${FORMAT}`);
    return { pair, intervalMs: timeframeMs(f.timeframe), ...columns };
  });
}

function candleFile(name: string): ReturnType<typeof seriesFromFileName> | null {
  if (!name.endsWith('.csv')) return null;
  try {
    return seriesFromFileName(name);
  } catch {
    return null;
  }
}
