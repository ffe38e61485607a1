/**
 * What the strategy sees, built without per-bar allocation (DESIGN inv. 2: no look-ahead by
 * construction). Each pair's candles are compacted once (gaps dropped); per run, the engine copies
 * each candle into the pair's RevealedColumns when its step is processed, and `history` exposes
 * subarray views of THOSE that end at the current candle, created lazily and only for the columns
 * the strategy reads. One BarContext per pair is reused across bars: a strategy must not keep it.
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

/**
 * One pair's candles as the strategy may see them. The backing buffers start zeroed and a row is
 * copied in from the full data only when its step is processed, so every buffer reachable from a
 * BarContext (a view's `.buffer` included) holds nothing later than the current candle. The full
 * columns stay in this object, which the engine never hands to `decide`.
 */
export class RevealedColumns {
  readonly columns: CandleColumns;
  private next = 0;

  constructor(private readonly full: CandleColumns) {
    // new Float64Array is zeroed lazily by the allocator, so only revealed pages are ever touched.
    const n = full.time.length;
    this.columns = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  }

  /** Reveals every row up to and including `row` (6 floats per candle). */
  upTo(row: number): void {
    const f = this.full;
    const c = this.columns;
    for (let r = this.next; r <= row; r++) {
      c.time[r] = f.time[r]!;
      c.open[r] = f.open[r]!;
      c.high[r] = f.high[r]!;
      c.low[r] = f.low[r]!;
      c.close[r] = f.close[r]!;
      c.volume[r] = f.volume[r]!;
    }
    if (row >= this.next) this.next = row + 1;
  }
}

/** Closed candles [0, end) of one pair as lazily created, cached subarray views of the revealed columns. */
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

/** The reused per-pair context object handed to `decide`; everything it references is revealed data or config. */
export class EngineBarContext implements BarContext {
  index = 0;
  position: PositionView | null = null;
  equity = 0;
  readonly history: HistoryView;
  /**
   * The just-closed candle (= history's last row), a fresh plain object per bar, exactly like the
   * live scan's (a strategy may keep it as "the previous bar"). Drivers pass this to onBar.
   */
  bar: Bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  /** Filled in place by the engine whenever the pair's holding changes. */
  readonly positionSlot: MutablePositionView = { quantity: 0, entryPrice: 0, entryTime: 0, stopLoss: null, takeProfit: null };

  constructor(
    readonly pair: Pair,
    private readonly revealed: CandleColumns,
    readonly params: Readonly<Params>,
    readonly fees: FeeRates,
    readonly rules: PairRules,
  ) {
    this.history = new HistoryView(revealed);
  }

  /** Points the context at revealed row `row` (the just-closed candle). */
  at(row: number, equity: number): this {
    const c = this.revealed;
    this.index = row;
    this.history.end = row + 1;
    this.equity = equity;
    this.bar = { time: c.time[row]!, open: c.open[row]!, high: c.high[row]!, low: c.low[row]!, close: c.close[row]!, volume: c.volume[row]! };
    return this;
  }
}
