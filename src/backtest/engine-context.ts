/**
 * What the strategy sees, built without per-bar allocation (DESIGN inv. 2: no look-ahead by
 * construction). Each pair's candles are compacted once (gaps dropped) and `history` exposes
 * subarray views that END at the current candle, created lazily and only for the columns the
 * strategy reads. One BarContext per pair is reused across bars: a strategy must not keep it.
 *
 * Caveat: a view's `.buffer` is the whole compacted column. The look-ahead check (validation/)
 * re-runs on truncated COPIES, so a strategy that peeks through `.buffer` is caught there.
 */
import type { Bar, BarContext, CandleColumns, FeeRates, Pair, PairRules, Params, PositionView } from '../contract/index.ts';
import type { MarketData } from './engine-types.ts';

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

export interface PreparedMarket {
  /** Per pair: only the rows where the pair has a candle. */
  readonly compact: readonly CandleColumns[];
  /** Per pair: row in `compact` for each step, −1 when the pair has no candle at that step. */
  readonly rowOf: readonly Int32Array[];
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
    const out = emptyColumns(count, 0);
    for (let s = 0; s < n; s++) {
      const r = rows[s]!;
      if (r < 0) continue;
      for (const k of COLUMNS) out[k][r] = cols[k][s]!;
    }
    compact.push(out);
    rowOf.push(rows);
  }
  return { compact, rowOf };
}

/** A literal object (not Object.fromEntries) so V8 gives it a fast shape: the engine reads these per bar. */
export function emptyColumns(n: number, fill = Number.NaN): CandleColumns {
  const col = () => new Float64Array(n).fill(fill);
  return { time: col(), open: col(), high: col(), low: col(), close: col(), volume: col() };
}

/** Closed candles [0, end) of one pair as lazily created, cached subarray views. */
export class HistoryView implements CandleColumns {
  end = 0;
  private readonly cache: (Float64Array | null)[] = [null, null, null, null, null, null];
  private cachedEnd = -1;

  constructor(private readonly src: CandleColumns) {}

  private view(i: number): Float64Array {
    if (this.cachedEnd !== this.end) {
      this.cache.fill(null);
      this.cachedEnd = this.end;
    }
    return (this.cache[i] ??= this.src[COLUMNS[i]!].subarray(0, this.end));
  }

  get time(): Float64Array { return this.view(0); }
  get open(): Float64Array { return this.view(1); }
  get high(): Float64Array { return this.view(2); }
  get low(): Float64Array { return this.view(3); }
  get close(): Float64Array { return this.view(4); }
  get volume(): Float64Array { return this.view(5); }
}

export type MutablePositionView = { -readonly [K in keyof PositionView]: PositionView[K] };

/** The candle at `row`, read on access: filling six fields per bar eagerly cost more than the whole loop. */
export class BarView implements Bar {
  row = 0;
  constructor(private readonly src: CandleColumns) {}
  get time(): number { return this.src.time[this.row]!; }
  get open(): number { return this.src.open[this.row]!; }
  get high(): number { return this.src.high[this.row]!; }
  get low(): number { return this.src.low[this.row]!; }
  get close(): number { return this.src.close[this.row]!; }
  get volume(): number { return this.src.volume[this.row]!; }
}

/** The reused per-pair context object handed to `decide`. */
export class EngineBarContext implements BarContext {
  index = 0;
  position: PositionView | null = null;
  equity = 0;
  readonly history: HistoryView;
  /**
   * The just-closed candle (= history's last row), a reused view. Drivers should read this rather
   * than `history.x[index]`, which creates a subarray per column per bar. Copy it to keep it.
   */
  readonly bar: BarView;
  /** Filled in place by the engine whenever the pair's holding changes. */
  readonly positionSlot: MutablePositionView = { quantity: 0, entryPrice: 0, entryTime: 0, stopLoss: null, takeProfit: null };

  constructor(
    readonly pair: Pair,
    src: CandleColumns,
    readonly params: Readonly<Params>,
    readonly fees: FeeRates,
    readonly rules: PairRules,
  ) {
    this.history = new HistoryView(src);
    this.bar = new BarView(src);
  }

  /** Points the context at compact row `row` (the just-closed candle). */
  at(row: number, equity: number): this {
    this.index = row;
    this.history.end = row + 1;
    this.equity = equity;
    this.bar.row = row;
    return this;
  }
}
