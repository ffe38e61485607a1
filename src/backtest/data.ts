/**
 * Building the engine's MarketData: per-pair candles aligned on one time grid (the union of all
 * candle times), NaN where a pair has no candle. Gaps are NOT filled: a missing candle means no
 * trades, so the strategy simply gets no bar for that pair on that step. Pure, no I/O.
 */
import type { Candle, CandleColumns, Pair } from '../contract/index.ts';
import { emptyColumns, prepareMarket } from './prepared-market.ts';
import { EngineError, type MarketData } from './engine-types.ts';

const KEYS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

export interface PairSeries {
  readonly pair: Pair;
  readonly columns: CandleColumns;
}

export function columnsFromCandles(candles: readonly Candle[]): CandleColumns {
  const out = emptyColumns(candles.length, 0);
  candles.forEach((c, i) => {
    for (const k of KEYS) out[k][i] = c[k];
  });
  return out;
}

export function alignMarketData(series: readonly PairSeries[]): MarketData {
  const union = unionOfTimes(series);
  const n = union.length;
  const grid = packedGrid(n, series.length);
  const time = grid.subarray(0, n);
  time.set(union);
  const columns = series.map((s, p): CandleColumns => {
    const t = s.columns.time;
    const prices = packedColumns(grid, n, p);
    // A series with a candle on every step of the grid (the usual case) is copied as it is.
    if (t.length === n) {
      for (const k of PRICE_KEYS) prices[k].set(s.columns[k]);
      return { time: t.slice(), ...prices };
    }
    const out: CandleColumns = { time: new Float64Array(n).fill(Number.NaN), ...prices };
    for (const k of PRICE_KEYS) prices[k].fill(Number.NaN);
    // Both ascending: one walk finds every candle's step.
    const steps = new Int32Array(t.length);
    for (let i = 0, step = 0; i < t.length; i++) {
      while (time[step]! < t[i]!) step++;
      steps[i] = step;
    }
    for (const k of KEYS) {
      const from = s.columns[k];
      const to = out[k];
      for (let i = 0; i < steps.length; i++) to[steps[i]!] = from[i]!;
    }
    return out;
  });
  return { pairs: series.map((s) => s.pair), time, columns };
}

const PRICE_KEYS = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * One buffer for a grid of `steps` × `pairs`: time[steps], then per pair open, high, low, close,
 * volume. The sandbox child keeps a dataset in this layout, so aligned data crosses to it as it is.
 */
function packedGrid(steps: number, pairs: number): Float64Array {
  return new Float64Array(steps * (1 + pairs * PRICE_KEYS.length));
}

/** Pair `p`'s price columns: views of the packed grid. */
export function packedColumns(grid: Float64Array, steps: number, p: number): Omit<CandleColumns, 'time'> {
  const base = steps * (1 + p * PRICE_KEYS.length);
  const col = (k: number) => grid.subarray(base + k * steps, base + (k + 1) * steps);
  return { open: col(0), high: col(1), low: col(2), close: col(3), volume: col(4) };
}

/** `data`'s time and price columns as one packed grid (see packedGrid): the buffer they already share, else a copy. */
export function packedMarketData(data: MarketData): Float64Array {
  const n = data.time.length;
  const buffer = data.time.buffer;
  const length = n * (1 + data.pairs.length * PRICE_KEYS.length);
  const at = (a: Float64Array, index: number) => a.buffer === buffer && a.byteOffset === index * 8 && a.length === n;
  const shared =
    buffer.byteLength === length * 8 &&
    at(data.time, 0) &&
    data.columns.every((c, p) => PRICE_KEYS.every((k, j) => at(c[k], n * (1 + p * PRICE_KEYS.length + j))));
  if (shared) return new Float64Array(buffer, 0, length);
  const grid = packedGrid(n, data.pairs.length);
  grid.set(data.time, 0);
  data.columns.forEach((c, p) => {
    const to = packedColumns(grid, n, p);
    for (const k of PRICE_KEYS) to[k].set(c[k]);
  });
  return grid;
}

/** Every candle time of every series, ascending, each once; checks each series is strictly ascending. */
function unionOfTimes(series: readonly PairSeries[]): Float64Array {
  let union: Float64Array = new Float64Array(0);
  for (const s of series) {
    const t = s.columns.time;
    for (let i = 1; i < t.length; i++) {
      if (!(t[i]! > t[i - 1]!))
        throw new EngineError('invalid_data', `${s.pair} candle times must be strictly ascending; row ${i} has ${t[i]} after ${t[i - 1]}`);
    }
    union = mergeAscending(union, t);
  }
  return union;
}

/** Two strictly ascending arrays merged into one, each time once: a linear walk (sorting the concatenation took ~0.1 s for a 9-pair 5m year). */
function mergeAscending(a: Float64Array, b: Float64Array): Float64Array {
  // The first series, or the same times (pairs on one grid, the usual case): nothing to merge.
  if (a.length === 0) return b;
  if (sameTimes(a, b)) return a;
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    out[n++] = x <= y ? x : y;
    if (x <= y) i++;
    if (y <= x) j++;
  }
  while (i < a.length) out[n++] = a[i++]!;
  while (j < b.length) out[n++] = b[j++]!;
  return n === out.length ? out : out.slice(0, n);
}

/** Equal element by element. A plain loop: `every` with a callback took 2–5 ms more over a 9-pair 5m year. */
function sameTimes(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Steps [from, to) as a COPY: the copy's buffers hold nothing past `to`, so a strategy that reads
 * beyond its history view (e.g. through `.buffer`) sees no future in a truncated run.
 */
export function sliceMarketData(data: MarketData, from: number, to: number): MarketData {
  const columns = data.columns.map((c): CandleColumns => {
    const cut = (k: (typeof KEYS)[number]) => c[k].slice(from, to);
    return { time: cut('time'), open: cut('open'), high: cut('high'), low: cut('low'), close: cut('close'), volume: cut('volume') };
  });
  return { pairs: data.pairs, time: data.time.slice(from, to), columns };
}

/** The sub-grid of some pairs (by index), as a copy; steps where none of them has a candle are dropped. */
export function selectPairs(data: MarketData, pairIndexes: readonly number[]): MarketData {
  const { compact } = prepareMarket(data);
  return alignMarketData(pairIndexes.map((p) => ({ pair: data.pairs[p]!, columns: compact[p]! })));
}
