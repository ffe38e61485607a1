/**
 * The engine's per-dataset preparation, done once per MarketData object and kept while it lives: each
 * pair's candles compacted (gaps dropped), their interleaved rows for building bars, and the scope of
 * its registered-indicator series in the realm's cache. A PREFIX VIEW (the first steps of a dataset,
 * what a look-ahead cut runs on) shares all of it with its dataset instead of copying: the sandbox
 * child holds a 9-pair year once, however many cuts are run over it. Pure, no I/O (bundled into the child).
 */
import type { CandleColumns } from '../contract/index.ts';
import type { MarketData } from './engine-types.ts';
import type { RegisteredIndicator } from '../../strategy/skills/registered.ts';
import { SeriesCache, type SeriesLease } from './series-cache.ts';

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

export interface PreparedMarket {
  /** Per pair: only the rows where the pair has a candle. */
  readonly compact: readonly CandleColumns[];
  /** Per pair: row in `compact` for each step, −1 when the pair has no candle at that step. */
  readonly rowOf: readonly Int32Array[];
  /**
   * Per pair: the compact rows interleaved (t,o,h,l,c,v per row), for building each bar. Six
   * separate columns × 9 pairs are 54 memory streams per step, more than the prefetcher follows:
   * reading a bar from them cost more than the rest of the engine loop. Built on the first bar
   * read (barsOf): a replay that never reads a bar never pays for ~45 MB of copies.
   */
  readonly interleaved: (Float64Array | null)[];
  /** The whole dataset's preparation when this is a prefix view of it (its rows are that one's first rows). */
  readonly base: PreparedMarket | null;
}

interface Prefix {
  readonly data: MarketData;
  readonly to: number;
}

/** View → the dataset it is a prefix of; dataset → its views by length (the same cut, the same object). */
const prefixOf = new WeakMap<MarketData, Prefix>();
const viewsOf = new WeakMap<MarketData, Map<number, MarketData>>();

/**
 * Steps [0, to) of `data` as views of its arrays, not a copy. The candles past `to` stay in the
 * buffers underneath, which nothing a strategy is handed ever exposes: its history is the engine's
 * RevealedColumns (own buffers, sized to the run's data), its bar a fresh object of numbers, its
 * indicator readings one row of a series bounded to the view (seriesLease). The same (data, to)
 * gives the same view object, so the sandbox child keeps it, and its preparation, across candidates.
 */
export function prefixView(data: MarketData, to: number): MarketData {
  const parent = prefixOf.get(data);
  if (parent) return prefixView(parent.data, to);
  const n = data.time.length;
  if (!(Number.isInteger(to) && to >= 0 && to <= n)) throw new RangeError(`a prefix view needs 0 <= to <= ${n} steps, got ${to}`);
  if (to === n) return data;
  const views = viewsOf.get(data) ?? new Map<number, MarketData>();
  viewsOf.set(data, views);
  let view = views.get(to);
  if (!view) {
    const cut = (c: CandleColumns): CandleColumns => {
      const out = {} as Record<(typeof COLUMNS)[number], Float64Array>;
      for (const k of COLUMNS) out[k] = c[k].subarray(0, to);
      return out;
    };
    view = { pairs: data.pairs, time: data.time.subarray(0, to), columns: data.columns.map(cut) };
    views.set(to, view);
    prefixOf.set(view, { data, to });
  }
  return view;
}

/** The dataset a prefix view was cut from, and its length; undefined for a dataset in its own right. */
export function prefixParent(view: MarketData): Prefix | undefined {
  return prefixOf.get(view);
}

// The sandbox keeps one MarketData loaded across many runs; prepare it once per object.
const prepared = new WeakMap<MarketData, PreparedMarket>();

export function prepareMarket(data: MarketData): PreparedMarket {
  let p = prepared.get(data);
  if (!p) {
    const parent = prefixOf.get(data);
    p = parent ? prefixOfPrepared(prepareMarket(parent.data), parent.to) : compactAll(data);
    prepared.set(data, p);
  }
  return p;
}

function compactAll(data: MarketData): PreparedMarket {
  const n = data.time.length;
  const compact: CandleColumns[] = [];
  const rowOf: Int32Array[] = [];
  for (const cols of data.columns) {
    const rows = new Int32Array(n);
    const count = indexRows(cols.open, rows);
    // Without gaps the pair's own columns already are the compact form (only read from here on).
    const out = count === n ? cols : emptyColumns(count, 0);
    // Column by column with a typed source and target: a keyed `cols[k][s]` per value was ~0.25 s
    // of a cold 1-year run, paid again on each side of the sandbox.
    if (out !== cols) for (const k of COLUMNS) compactColumn(cols[k], rows, out[k]);
    compact.push(out);
    rowOf.push(rows);
  }
  return { compact, rowOf, interleaved: compact.map(() => null), base: null };
}

// The two loops over every step are functions of their own: inline in compactAll, each was compiled
// mid-loop with no feedback yet for the code after it, thrown out on reaching that code and run
// interpreted again. A cold 9-pair year took ~15 ms instead of ~6 (~60 instead of ~25 with gaps in
// 3 pairs), on each side of the sandbox.

/** Fills `rows` (per step: the pair's compact row, −1 where it has no candle) and returns the candle count. */
function indexRows(open: Float64Array, rows: Int32Array): number {
  let count = 0;
  for (let s = 0; s < rows.length; s++) rows[s] = Number.isNaN(open[s]!) ? -1 : count++;
  return count;
}

function compactColumn(src: Float64Array, rows: Int32Array, dst: Float64Array): void {
  for (let s = 0; s < rows.length; s++) {
    const r = rows[s]!;
    if (r >= 0) dst[r] = src[s]!;
  }
}

/** The first `to` steps of a prepared dataset: its arrays cut short, nothing copied. */
function prefixOfPrepared(base: PreparedMarket, to: number): PreparedMarket {
  const rowOf = base.rowOf.map((rows) => rows.subarray(0, to));
  const compact = base.compact.map((cols, p) => {
    const rows = rowsBefore(base.rowOf[p]!, to);
    const out = {} as Record<(typeof COLUMNS)[number], Float64Array>;
    for (const k of COLUMNS) out[k] = cols[k].subarray(0, rows);
    return out;
  });
  return { compact, rowOf, interleaved: compact.map(() => null), base };
}

/** How many compact rows (candles) a pair has before step `to`. */
function rowsBefore(rowOf: Int32Array, to: number): number {
  for (let s = to - 1; s >= 0; s--) if (rowOf[s]! >= 0) return rowOf[s]! + 1;
  return 0;
}

/** Pair `p`'s interleaved rows, built on first use (a view's are its dataset's, cut short). */
export function barsOf(market: PreparedMarket, p: number): Float64Array {
  const done = market.interleaved[p];
  if (done) return done;
  const count = market.compact[p]!.time.length;
  let bars: Float64Array;
  if (market.base) {
    bars = barsOf(market.base, p).subarray(0, count * 6);
  } else {
    const cols = market.compact[p]!;
    bars = new Float64Array(count * 6);
    COLUMNS.forEach((k, i) => {
      const src = cols[k];
      for (let r = 0; r < count; r++) bars[r * 6 + i] = src[r]!;
    });
  }
  market.interleaved[p] = bars;
  return bars;
}

/** A literal object (not Object.fromEntries) so V8 gives it a fast shape: the engine reads these per bar. */
export function emptyColumns(n: number, fill = Number.NaN): CandleColumns {
  // New typed arrays are already zeroed: skip that pass over up to ~8 MB per column.
  const col = () => (fill === 0 ? new Float64Array(n) : new Float64Array(n).fill(fill));
  return { time: col(), open: col(), high: col(), low: col(), close: col(), volume: col() };
}

// Registered-indicator series: one byte-capped cache for the whole realm (the sandbox child's memory
// is capped, and it may hold several datasets), scoped per prepared dataset.
const seriesCache = new SeriesCache();
const seriesScopes = new WeakMap<PreparedMarket, number>();
let nextScope = 0;

/** The realm's series cache and the scope of `market`'s entries in it (a view's are its dataset's). */
export function seriesCacheOf(market: PreparedMarket): { cache: SeriesCache; scope: number } {
  const own = market.base ?? market;
  let scope = seriesScopes.get(own);
  if (scope === undefined) {
    scope = nextScope++;
    seriesScopes.set(own, scope);
  }
  return { cache: seriesCache, scope };
}

/**
 * Pair `p`'s registered series for a run, leased from the realm's cache (release it when the run is
 * over). A prefix view reads its dataset's table cut to its own rows: a series is computed by
 * feeding the candles to its stream one at a time in row order (computeSeries), so a row's value
 * depends on earlier rows only and the first rows of a series are the series of the first rows; the
 * cut keeps a run on the view from reading a row past its data, as a copy's shorter series would.
 */
export function seriesLease(market: PreparedMarket, p: number, firstRow: number, inds: readonly RegisteredIndicator[]): SeriesLease {
  if (market.base) {
    const whole = seriesLease(market.base, p, firstRow, inds);
    return { ...whole, values: whole.values.subarray(0, market.compact[p]!.time.length * whole.stride) };
  }
  const { cache, scope } = seriesCacheOf(market);
  return cache.lease(scope, p, firstRow, inds, market.compact[p]!);
}

/** Frees the cached series of a dataset that is being dropped (a view has none of its own). */
export function forgetSeries(data: MarketData): void {
  const market = prepared.get(data);
  if (!market || market.base) return;
  const scope = seriesScopes.get(market);
  if (scope !== undefined) seriesCache.forget(scope);
}
