/**
 * What the strategy sees, built without per-bar allocation (DESIGN inv. 2: no look-ahead by
 * construction). Per run, over the dataset's prepared candles (prepared-market.ts), `history` exposes
 * views of the pair's RevealedColumns, whose buffers never hold a candle past the current one,
 * revealed lazily and only for the columns the strategy reads. One BarContext per pair is reused
 * across bars: a strategy must not keep it (the bar it gets is fresh and may be kept).
 */
import type { Bar, BarContext, CandleColumns, FeeRates, Pair, PairRules, Params, PositionView } from '../contract/index.ts';
import type { PreparedMarket } from './prepared-market.ts';

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * One pair's candles as the strategy may see them. The backing buffers start zeroed; the engine
 * moves `limit` to the just-closed row, and a column's rows up to `limit` are copied in from the
 * full data when the strategy first reads that column on this bar (a strategy that never reads
 * history costs nothing). So every buffer reachable from a BarContext, a view's `.buffer`
 * included, holds nothing later than the current candle. The strategy cannot reach this object:
 * HistoryView keeps it in a #private field, and only the engine moves `limit`.
 */
export class RevealedColumns {
  readonly #full: CandleColumns;
  /**
   * Per column, allocated when the strategy first reads it: a strategy that reads no history (v001
   * reads registered indicators and its bar) costs no buffer at all, which keeps the sandbox child's
   * memory to the candles and their series however many datasets and cuts it holds.
   */
  readonly #cols: (Float64Array | null)[] = [null, null, null, null, null, null];
  /** Per column: rows [0, next) are copied in. */
  readonly #next = new Int32Array(6);
  #limit = -1;

  constructor(full: CandleColumns) {
    this.#full = full;
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
    let out = this.#cols[i];
    if (!out) {
      out = this.#cols[i] = new Float64Array(this.#full.time.length);
      // Pooled across runs and reachable from a view's .buffer: nothing may hang on it.
      Object.freeze(out.buffer);
    }
    const from = this.#next[i]!;
    if (from <= this.#limit) {
      out.set(this.#full[k].subarray(from, this.#limit + 1), from);
      this.#next[i] = this.#limit + 1;
    }
    return out;
  }

  /** Hides every row again (zeroes what was revealed): a buffer a strategy kept from an earlier run shows no candle. */
  reset(): void {
    this.#cols.forEach((col, i) => col?.fill(0, 0, this.#next[i]));
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

  get time(): Float64Array {
    return this.#view(0);
  }
  get open(): Float64Array {
    return this.#view(1);
  }
  get high(): Float64Array {
    return this.#view(2);
  }
  get low(): Float64Array {
    return this.#view(3);
  }
  get close(): Float64Array {
    return this.#view(4);
  }
  get volume(): Float64Array {
    return this.#view(5);
  }
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
