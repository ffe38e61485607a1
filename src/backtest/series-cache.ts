/**
 * Registered-indicator series, kept between runs: the nightly evolver runs hundreds of candidates
 * over the same candles, and most share their indicator settings. A series depends only on the
 * pair's candles from `firstRow` on, so the series of one (dataset scope, pair, firstRow) live side by
 * side in one row-major TABLE, one slot per series (its `key`, e.g. `ema(9):close`), which a run reads
 * directly: a handful of separate columns per pair, × 9 pairs, are more memory streams per step than
 * the prefetcher follows (~20 ms more per year run). Pure (bundled into the sandbox child).
 *
 * A new indicator setting computes its series straight into a free or least recently used slot of
 * the table: no allocation, no copy, no garbage. Before, each setting got a matrix of its own
 * (3.4 MB a pair, every series copied in), and a candidate's jitter pushed ~280 MB of them through
 * a 96 MiB cache: a new period cost +55 ms CPU a run, and the churn kept the child's memory moving.
 * A run LEASES the slots it reads, and a leased slot is never overwritten: two runs alive at once
 * each keep their values.
 */
import type { Bar, CandleColumns } from '../contract/index.ts';
import type { RegisteredIndicator } from '../../strategy/skills/registered.ts';

/**
 * Tables kept for the realm. v001's for a 9-pair 5m year take 30 MB (4 slots); the cap is there for
 * a strategy registering many more series (16 for 9 pairs take 121 MB). The child's RLIMIT_DATA
 * (1 GiB, of which Deno itself reserves ~570 MiB) also holds the datasets and their interleaved bars
 * (~85 MB per 9-pair year).
 */
export const SERIES_CACHE_BYTES = 128 * 1024 * 1024;
/**
 * Least slots per table row (more when a run registers more). Every run reads whole rows, so spare
 * slots cost bandwidth on every run: 8 slots made v001's year run ~4 ms slower than 4, more than
 * recomputing the series a jitter's new setting evicts.
 */
export const TABLE_SLOTS = 4;

/** A run's view of its series: row r's value of the i-th requested indicator is `values[r × stride + slots[i]]`. */
export interface SeriesLease {
  readonly values: Float64Array;
  readonly stride: number;
  readonly slots: Int32Array;
  /** Frees the slots for reuse; call once the run is over (a second call does nothing). */
  release(): void;
}

class SeriesTable {
  readonly values: Float64Array;
  readonly keys: (string | null)[];
  readonly leases: Int32Array;
  /** Per slot, when it was last leased (a counter): the least recent unleased slot is reused first. */
  readonly used: Float64Array;

  constructor(
    readonly rows: number,
    readonly stride: number,
    readonly firstRow: number,
  ) {
    this.values = new Float64Array(rows * stride);
    // Rows before the series start are never read; NaN, as a reading before its data would be.
    if (firstRow > 0) this.values.fill(Number.NaN, 0, Math.min(rows, firstRow) * stride);
    this.keys = Array.from({ length: stride }, () => null);
    this.leases = new Int32Array(stride);
    this.used = new Float64Array(stride);
  }

  slotOf(key: string): number {
    return this.keys.indexOf(key);
  }

  /** A slot to compute a new series into: empty first, else the least recently used one nobody leases or wants. */
  victim(wanted: Int32Array): number {
    let best = -1;
    for (let s = 0; s < this.stride; s++) {
      if (this.leases[s]! > 0 || wanted.includes(s)) continue;
      if (this.keys[s] === null) return s;
      if (best < 0 || this.used[s]! < this.used[best]!) best = s;
    }
    return best;
  }

  fill(slot: number, ind: RegisteredIndicator, candles: CandleColumns): void {
    this.keys[slot] = null;
    computeSeries(ind, candles, this.firstRow, this.values, this.stride, slot);
    this.keys[slot] = ind.key;
  }
}

export class SeriesCache {
  readonly #tables = new Map<string, SeriesTable>();
  #bytes = 0;
  #clock = 0;
  /** Series found in a table / computed. */
  hits = 0;
  misses = 0;

  constructor(
    readonly maxBytes = SERIES_CACHE_BYTES,
    readonly slotsPerRow = TABLE_SLOTS,
  ) {}

  /** Bytes held by the kept tables. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Series held, over all tables. */
  get size(): number {
    let n = 0;
    for (const t of this.#tables.values()) n += t.keys.filter((k) => k !== null).length;
    return n;
  }

  /**
   * The series of `inds` over rows [firstRow, n) of `candles` (pair `p` of the dataset `scope`), as
   * slots of that table, leased until `release()`. A request the table cannot hold beside its leased
   * slots gets a table of its own, not kept.
   */
  lease(scope: number, p: number, firstRow: number, inds: readonly RegisteredIndicator[], candles: CandleColumns): SeriesLease {
    const table = this.#table(`${scope}|${p}|${firstRow}`, candles.time.length, firstRow, inds.length);
    const slots = new Int32Array(inds.length).fill(-1);
    inds.forEach((ind, i) => (slots[i] = table.slotOf(ind.key)));
    const missing = inds.map((_, i) => i).filter((i) => slots[i]! < 0);
    this.hits += inds.length - missing.length;
    this.misses += missing.length;
    for (const i of missing) {
      const slot = table.victim(slots);
      if (slot < 0) return this.#unkept(firstRow, inds, candles);
      table.fill(slot, inds[i]!, candles);
      slots[i] = slot;
    }
    const tick = ++this.#clock;
    for (const s of slots) {
      table.leases[s] = table.leases[s]! + 1;
      table.used[s] = tick;
    }
    let released = false;
    return {
      values: table.values,
      stride: table.stride,
      slots,
      release: () => {
        if (released) return;
        released = true;
        for (const s of slots) table.leases[s] = table.leases[s]! - 1;
      },
    };
  }

  /** Drops every table of the dataset `scope`. */
  forget(scope: number): void {
    const prefix = `${scope}|`;
    for (const [id, t] of this.#tables) {
      if (!id.startsWith(prefix)) continue;
      this.#tables.delete(id);
      this.#bytes -= t.values.byteLength;
    }
  }

  /** The kept table for `id` (made, or remade wider, as needed), most recently used; older tables go beyond the cap. */
  #table(id: string, rows: number, firstRow: number, width: number): SeriesTable {
    let table = this.#tables.get(id);
    if (table) {
      this.#tables.delete(id);
      // Too narrow for this request: a wider one replaces it (a run holding the old one keeps reading it).
      if (table.stride < width) {
        this.#bytes -= table.values.byteLength;
        table = undefined;
      }
    }
    if (!table) {
      table = new SeriesTable(rows, Math.max(this.slotsPerRow, width), firstRow);
      this.#bytes += table.values.byteLength;
    }
    this.#tables.set(id, table);
    // Dropping a table from the cache is safe even while leased: its runs hold the values themselves.
    for (const [oldId, old] of this.#tables) {
      if (this.#bytes <= this.maxBytes || oldId === id) break;
      this.#tables.delete(oldId);
      this.#bytes -= old.values.byteLength;
    }
    return table;
  }

  /** Every series of the request computed into a table of its own (its slots in order), not kept. */
  #unkept(firstRow: number, inds: readonly RegisteredIndicator[], candles: CandleColumns): SeriesLease {
    const table = new SeriesTable(candles.time.length, inds.length, firstRow);
    inds.forEach((ind, i) => table.fill(i, ind, candles));
    return { values: table.values, stride: table.stride, slots: Int32Array.from(inds, (_, i) => i), release: () => undefined };
  }
}

/**
 * The indicator run over the candles as the live scan runs it: its updater on each row, or its stream
 * on its input column (input.fill), fed one candle at a time in row order (so a row's value depends on
 * earlier rows only). Row r's value goes to `out[r × stride + slot]`.
 */
function computeSeries(ind: RegisteredIndicator, c: CandleColumns, firstRow: number, out: Float64Array, stride: number, slot: number): void {
  const n = c.time.length;
  if (ind.input) {
    ind.input.fill(c[ind.input.source], firstRow, out, stride, slot);
    return;
  }
  const next = ind.start();
  const row: { -readonly [K in keyof Bar]: number } = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (let r = firstRow, o = firstRow * stride + slot; r < n; r++, o += stride) {
    row.time = c.time[r]!;
    row.open = c.open[r]!;
    row.high = c.high[r]!;
    row.low = c.low[r]!;
    row.close = c.close[r]!;
    row.volume = c.volume[r]!;
    out[o] = next(row);
  }
}
