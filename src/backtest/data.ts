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
  const time = unionOfTimes(series);
  const columns = series.map((s) => {
    const t = s.columns.time;
    // Both ascending: one walk finds every candle's step.
    const steps = new Int32Array(t.length);
    for (let i = 0, step = 0; i < t.length; i++) {
      while (time[step]! < t[i]!) step++;
      steps[i] = step;
    }
    const out = emptyColumns(time.length);
    for (const k of KEYS) {
      const from = s.columns[k];
      const to = out[k];
      for (let i = 0; i < steps.length; i++) to[steps[i]!] = from[i]!;
    }
    return out;
  });
  return { pairs: series.map((s) => s.pair), time, columns };
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
