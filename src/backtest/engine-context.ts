/**
 * What the strategy sees, built without per-bar allocation (DESIGN inv. 2: no look-ahead by
 * construction). Each pair's candles are compacted once (gaps dropped); per run, `history` exposes
 * views of the pair's RevealedColumns, whose buffers never hold a candle past the current one,
 * revealed lazily and only for the columns the strategy reads. One BarContext per pair is reused
 * across bars: a strategy must not keep it (the bar it gets is fresh and may be kept).
 */
import type { Bar, BarContext, CandleColumns, FeeRates, Pair, PairRules, Params, PositionView } from '../contract/index.ts';
import type { MarketData } from './engine-types.ts';
import { SeriesCache } from './indicators.ts';

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
}

// The sandbox keeps one MarketData loaded across many runs; compact it once per object.
const prepared = new WeakMap<MarketData, PreparedMarket>();

export function prepareMarket(data: MarketData): PreparedMarket {
  let p = prepared.get(data);
  if (!p) {
    p = compactAll(data);
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
    let count = 0;
    for (let s = 0; s < n; s++) rows[s] = Number.isNaN(cols.open[s]!) ? -1 : count++;
    // Without gaps the pair's own columns already are the compact form (only read from here on).
    const out = count === n ? cols : emptyColumns(count, 0);
    // Column by column with a typed source and target: a keyed `cols[k][s]` per value was ~0.25 s
    // of a cold 1-year run, paid again on each side of the sandbox.
    if (out !== cols) {
      for (const k of COLUMNS) {
        const src = cols[k];
        const dst = out[k];
        for (let s = 0; s < n; s++) {
          const r = rows[s]!;
          if (r >= 0) dst[r] = src[s]!;
        }
      }
    }
    compact.push(out);
    rowOf.push(rows);
  }
  return { compact, rowOf, interleaved: compact.map(() => null) };
}

// Registered-indicator series: one byte-capped cache for the whole realm (the sandbox child's memory
// is capped, and it may hold several datasets), scoped per prepared dataset.
const seriesCache = new SeriesCache();
const seriesScopes = new WeakMap<PreparedMarket, number>();
let nextScope = 0;

/** The realm's series cache and the scope of `market`'s entries in it. */
export function seriesCacheOf(market: PreparedMarket): { cache: SeriesCache; scope: number } {
  let scope = seriesScopes.get(market);
  if (scope === undefined) {
    scope = nextScope++;
    seriesScopes.set(market, scope);
  }
  return { cache: seriesCache, scope };
}

/** Frees the cached series of a dataset that is being dropped. */
export function forgetSeries(data: MarketData): void {
  const market = prepared.get(data);
  const scope = market && seriesScopes.get(market);
  if (scope !== undefined) seriesCache.forget(scope);
}

/** Pair `p`'s interleaved rows, built on first use. */
export function barsOf(market: PreparedMarket, p: number): Float64Array {
  const done = market.interleaved[p];
  if (done) return done;
  const cols = market.compact[p]!;
  const count = cols.time.length;
  const bars = new Float64Array(count * 6);
  COLUMNS.forEach((k, i) => {
    const src = cols[k];
    for (let r = 0; r < count; r++) bars[r * 6 + i] = src[r]!;
  });
  market.interleaved[p] = bars;
  return bars;
}

/** A literal object (not Object.fromEntries) so V8 gives it a fast shape: the engine reads these per bar. */
export function emptyColumns(n: number, fill = Number.NaN): CandleColumns {
  // New typed arrays are already zeroed: skip that pass over up to ~8 MB per column.
  const col = () => (fill === 0 ? new Float64Array(n) : new Float64Array(n).fill(fill));
  return { time: col(), open: col(), high: col(), low: col(), close: col(), volume: col() };
}

/**
 * One pair's candles as the strategy may see them. The backing buffers start zeroed; the engine
 * moves `limit` to the just-closed row, and a column's rows up to `limit` are copied in from the
 * full data when the strategy first reads that column on this bar (a strategy that never reads
 * history costs nothing). So every buffer reachable from a BarContext, a view's `.buffer`
 * included, holds nothing later than the current candle. The strategy cannot reach this object:
 * HistoryView keeps it in a #private field, and only the engine moves `limit`.
 */
export class RevealedColumns {
  readonly columns: CandleColumns;
  readonly #full: CandleColumns;
  /** Per column: rows [0, next) are copied in. */
  readonly #next = new Int32Array(6);
  #limit = -1;

  constructor(full: CandleColumns) {
    const n = full.time.length;
    this.#full = full;
    this.columns = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
    // These buffers are pooled across runs and reachable from a view's .buffer: nothing may hang on them.
    for (const col of Object.values(this.columns)) Object.freeze(col.buffer);
  }

  /** The just-closed row; the engine's call alone. */
  advance(row: number): void {
    this.#limit = row;
  }

  get limit(): number {
    return this.#limit;
  }

  /** Column `i` (COLUMNS order) revealed up to and including `limit`. */
  column(i: number): Float64Array {
    const k = COLUMNS[i]!;
    const out = this.columns[k];
    const from = this.#next[i]!;
    if (from <= this.#limit) {
      out.set(this.#full[k].subarray(from, this.#limit + 1), from);
      this.#next[i] = this.#limit + 1;
    }
    return out;
  }

  /** Hides every row again (zeroes what was revealed): a buffer a strategy kept from an earlier run shows no candle. */
  reset(): void {
    COLUMNS.forEach((k, i) => this.columns[k].fill(0, 0, this.#next[i]));
    this.#next.fill(0);
    this.#limit = -1;
  }
}

// Per-run buffers are recycled: allocating ~45 MB per 1-year 9-pair run, then collecting it, cost
// more than the run itself. A run takes a set and gives it back hidden again (reset), so a buffer a
// strategy stashed in module state during one run never shows another run's candles; a nested run
// gets a fresh set.
const revealedPool = new WeakMap<PreparedMarket, (readonly RevealedColumns[])[]>();

export function takeRevealed(market: PreparedMarket): readonly RevealedColumns[] {
  return revealedPool.get(market)?.pop() ?? market.compact.map((full) => new RevealedColumns(full));
}

export function giveBackRevealed(market: PreparedMarket, set: readonly RevealedColumns[]): void {
  for (const r of set) r.reset();
  const pool = revealedPool.get(market) ?? [];
  pool.push(set);
  revealedPool.set(market, pool);
}

/** Closed candles [0, limit] of one pair as lazily revealed, cached subarray views. */
export class HistoryView implements CandleColumns {
  readonly #rev: RevealedColumns;
  readonly #cache: (Float64Array | null)[] = [null, null, null, null, null, null];
  #cachedLimit = -2;

  constructor(rev: RevealedColumns) {
    this.#rev = rev;
  }

  #view(i: number): Float64Array {
    const limit = this.#rev.limit;
    if (this.#cachedLimit !== limit) {
      this.#cache.fill(null);
      this.#cachedLimit = limit;
    }
    return (this.#cache[i] ??= this.#rev.column(i).subarray(0, limit + 1));
  }

  get time(): Float64Array { return this.#view(0); }
  get open(): Float64Array { return this.#view(1); }
  get high(): Float64Array { return this.#view(2); }
  get low(): Float64Array { return this.#view(3); }
  get close(): Float64Array { return this.#view(4); }
  get volume(): Float64Array { return this.#view(5); }
}


export type MutablePositionView = { -readonly [K in keyof PositionView]: PositionView[K] };

/**
 * The reused per-pair context object handed to `decide`; everything it references is revealed
 * data or config. Its fields are the strategy's to misuse only against itself: what it sees is
 * bounded by the engine-held RevealedColumns, not by anything here.
 */
export class EngineBarContext implements BarContext {
  index = 0;
  position: PositionView | null = null;
  equity = 0;
  readonly history: HistoryView;
  /** Filled in place by the engine whenever the pair's holding changes. */
  readonly positionSlot: MutablePositionView = { quantity: 0, entryPrice: 0, entryTime: 0, stopLoss: null, takeProfit: null };

  constructor(
    readonly pair: Pair,
    revealed: RevealedColumns,
    readonly params: Readonly<Params>,
    readonly fees: FeeRates,
    readonly rules: PairRules,
  ) {
    this.history = new HistoryView(revealed);
  }

  /** Points the context at the just-closed candle (its row, already revealed by the engine). */
  at(row: number, equity: number): this {
    this.index = row;
    this.equity = equity;
    return this;
  }
}

// Handed to strategies, which share the child's realm with every run: a prototype they could write
// to would carry state from one run (and module instance) into the next.
Object.freeze(HistoryView.prototype);
Object.freeze(EngineBarContext.prototype);

/**
 * A fresh copy of one candle from interleaved rows: it holds numbers, not a reference into the data.
 * Call it from the engine loop, where it is inlined: built inside a getter or a context method it ran
 * 2-3x slower under Deno's V8 (Maglev deopt loop on the literal's number fields).
 */
export function barAt(b: Float64Array, row: number): Bar {
  const i = row * 6;
  return { time: b[i]!, open: b[i + 1]!, high: b[i + 2]!, low: b[i + 3]!, close: b[i + 4]!, volume: b[i + 5]! };
}
