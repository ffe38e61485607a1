/**
 * Loads replay candles from a folder of CSVs named like ../shared/data/ohlcv (`BTC-USD_5m.csv`, header
 * `time,open,high,low,close,volume`, unix seconds). Times are converted to ms here, at the edge.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CandleColumns } from '../contract/candle.ts';
import type { Pair } from '../contract/pairs.ts';
import { isKnownPair } from './pairs.ts';

/** The contract's columnar candles (times in ms) for one pair at one interval. */
export interface CandleSeries extends CandleColumns {
  readonly pair: Pair;
  readonly intervalMs: number;
}

export class SimDataError extends Error {
  override readonly name = 'SimDataError';
  readonly code = 'SIM_DATA';
}

const FILE = /^([A-Z0-9]+)-USD_(\d+)([mhd])\.csv$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** One series per pair: the finest timeframe found for it in `dir`. */
export function loadCandleDir(dir: string, pairs?: readonly Pair[]): CandleSeries[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (cause) {
    throw new SimDataError(`cannot read candle folder ${dir}; pass --data <dir> with *-USD_5m.csv files`, { cause });
  }
  const finest = new Map<Pair, { file: string; intervalMs: number }>();
  for (const name of names) {
    const m = FILE.exec(name);
    if (!m) continue;
    const pair = `${m[1]}/USD`;
    if (!isKnownPair(pair) || (pairs && !pairs.includes(pair))) continue;
    const intervalMs = Number(m[2]) * UNIT_MS[m[3] as keyof typeof UNIT_MS];
    const prev = finest.get(pair);
    if (!prev || intervalMs < prev.intervalMs) finest.set(pair, { file: join(dir, name), intervalMs });
  }
  const missing = (pairs ?? []).filter((p) => !finest.has(p));
  if (missing.length > 0) throw new SimDataError(`no candle CSV for ${missing.join(', ')} in ${dir} (expected e.g. BTC-USD_5m.csv)`);
  if (finest.size === 0) throw new SimDataError(`no *-USD_<n>m.csv candle files in ${dir}`);
  return [...finest].map(([pair, f]) => parseCandleCsv(pair, f.intervalMs, readFileSync(f.file, 'utf8'), f.file));
}

export function parseCandleCsv(pair: Pair, intervalMs: number, text: string, source: string): CandleSeries {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== 'time,open,high,low,close,volume') {
    throw new SimDataError(`${source}: header must be time,open,high,low,close,volume, got "${lines[0]}"`);
  }
  const n = lines.length - 1;
  const cols = Array.from({ length: 6 }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const cells = lines[i + 1]!.split(',');
    for (let c = 0; c < 6; c++) cols[c]![i] = Number(cells[c]);
    cols[0]![i]! *= 1000;
    if (cells.length < 6 || cols.some((col) => !Number.isFinite(col[i]!))) {
      throw new SimDataError(`${source}: line ${i + 2} is not six numbers: "${lines[i + 1]}"`);
    }
    if (i > 0 && cols[0]![i]! <= cols[0]![i - 1]!) throw new SimDataError(`${source}: line ${i + 2} is not after the previous row`);
  }
  const [time, open, high, low, close, volume] = cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return { pair, intervalMs, time, open, high, low, close, volume };
}
