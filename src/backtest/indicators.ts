/**
 * Registered indicators on the runtime side (the strategy side is IndicatorRegistry in the contract,
 * the catalogue is strategy/skills/registered.ts). Pure, bundled into the sandbox child.
 *
 * One PairIndicators per pair and run: `init` registers through its `registry`, then the driver
 * supplies the values. The backtest engine binds a row-major matrix of whole series (`bindSeries`),
 * computed once per dataset and kept in a byte-capped cache, and points the readings at the
 * just-closed candle's row (`moveTo`); the live scan feeds each candle through the updaters (`feed`).
 * A Reading yields only that row's value: the series, which hold later candles, sit behind #private
 * fields no strategy code can reach (DESIGN inv. 2 holds by construction, as for RevealedColumns).
 */
import type { Bar, CandleColumns, IndicatorRegistry, Pair, Reading } from '../contract/index.ts';
import { REGISTERED, type RegisteredIndicator } from '../../strategy/skills/registered.ts';

/** Where a pair's readings point: `values[base + slot]`. Trusted code only: it holds later candles. */
interface Cursor {
  values: Float64Array;
  base: number;
}

/**
 * A reading resolves its value on access from the pair's cursor, so the driver moves one integer per
 * candle instead of writing every reading (writing a double into each reading's field cost ~6 ns a
 * value, a fifth of a year run). The cursor sits in a #private field: no strategy code can reach it.
 */
class IndicatorReading implements Reading {
  readonly #cursor: Cursor;
  readonly #slot: number;

  constructor(cursor: Cursor, slot: number) {
    this.#cursor = cursor;
    this.#slot = slot;
    Object.freeze(this);
  }

  get value(): number {
    const c = this.#cursor;
    return c.values[c.base + this.#slot]!;
  }
}

// Readings are handed to strategies, which share the child's realm with every run (see engine-context.ts).
Object.freeze(IndicatorReading.prototype);

export class PairIndicators {
  readonly registry: IndicatorRegistry;
  readonly #list: RegisteredIndicator[] = [];
  readonly #readings: IndicatorReading[] = [];
  readonly #slots = new Map<string, number>();
  readonly #cursor: Cursor = { values: new Float64Array(0), base: 0 };
  #open = true;
  #updaters: ((bar: Bar) => number)[] | null = null;

  constructor(readonly pair: Pair) {
    this.registry = registryFor(this, pair);
  }

  get count(): number {
    return this.#list.length;
  }

  get indicators(): readonly RegisteredIndicator[] {
    return this.#list;
  }

  /** Registration is for `init`; afterwards the set is fixed (the engine lays out its matrix by it). */
  register(ind: RegisteredIndicator): Reading {
    if (!this.#open) throw new Error(`indicators for ${this.pair} can only be registered in init, not later`);
    const slot = this.#slots.get(ind.key);
    if (slot !== undefined) return this.#readings[slot]!;
    const r = new IndicatorReading(this.#cursor, this.#list.length);
    this.#slots.set(ind.key, this.#list.length);
    this.#list.push(ind);
    this.#readings.push(r);
    return r;
  }

  /** Ends registration; every reading is NaN until the driver supplies values. */
  close(): this {
    this.#open = false;
    this.#cursor.values = new Float64Array(this.#list.length).fill(Number.NaN);
    return this;
  }

  /** Engine: `matrix` holds row r's values at [r × count, (r + 1) × count). */
  bindSeries(matrix: Float64Array): void {
    this.#cursor.values = matrix;
  }

  /** Engine: the readings show the just-closed candle's row of the bound series. */
  moveTo(row: number): void {
    this.#cursor.base = row * this.#list.length;
  }

  /** Live scan: advances every indicator by one closed candle (call before onBar). */
  feed(bar: Bar): void {
    const up = (this.#updaters ??= this.#list.map((i) => i.start()));
    const values = this.#cursor.values;
    for (let i = 0; i < up.length; i++) values[i] = up[i]!(bar);
  }
}

/** The object `init` receives: the catalogue's constructors, each registering what it builds. */
function registryFor(target: PairIndicators, pair: Pair): IndicatorRegistry {
  const one = (ind: RegisteredIndicator): Reading => target.register(ind);
  const many = <K extends string>(inds: { readonly [P in K]: RegisteredIndicator }): { readonly [P in K]: Reading } => {
    const out = {} as Record<K, Reading>;
    for (const k of Object.keys(inds) as K[]) out[k] = one(inds[k]);
    return Object.freeze(out);
  };
  const guard = <A extends unknown[], R>(name: string, f: (...a: A) => R) => (...a: A): R => {
    try {
      return f(...a);
    } catch (err) {
      throw new RangeError(`indicators.${name} for ${pair}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const registry: IndicatorRegistry = {
    ema: guard('ema', (period, source) => one(REGISTERED.ema(period, source))),
    sma: guard('sma', (period, source) => one(REGISTERED.sma(period, source))),
    rsi: guard('rsi', (period, source) => one(REGISTERED.rsi(period, source))),
    volumeRatio: guard('volumeRatio', (period) => one(REGISTERED.volumeRatio(period))),
    atr: guard('atr', (period) => one(REGISTERED.atr(period))),
    rollingVwap: guard('rollingVwap', (period) => one(REGISTERED.rollingVwap(period))),
    macd: guard('macd', (fast, slow, signal, source) => many(REGISTERED.macd(fast, slow, signal, source))),
    bollinger: guard('bollinger', (period, stdDevs, source) => many(REGISTERED.bollinger(period, stdDevs, source))),
    adx: guard('adx', (period) => many(REGISTERED.adx(period))),
  };
  return Object.freeze(registry);
}

/**
 * Registered-indicator series, kept between runs: the nightly evolver runs hundreds of candidates
 * over the same candles, and most share their indicator settings. A series depends only on the
 * pair's candles from `firstRow` on, so it is keyed by (dataset scope, pair, firstRow, key); the row-major
 * matrix a run reads is kept too, keyed by its series. Least recently used entries go beyond the
 * byte cap (the child's memory is capped as well).
 */
export class SeriesCache {
  readonly #entries = new Map<string, Float64Array>();
  #bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes = SERIES_CACHE_BYTES) {}

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Values of `ind` for rows [firstRow, n) of `candles` (pair `p` of the dataset `scope`), index 0 = firstRow. */
  series(scope: number, p: number, firstRow: number, ind: RegisteredIndicator, candles: CandleColumns): Float64Array {
    return this.#get(`${scope}|${p}|${firstRow}|${ind.key}`, () => computeSeries(ind, candles, firstRow));
  }

  /** Drops every entry of the dataset `scope`. */
  forget(scope: number): void {
    const prefix = `${scope}|`;
    for (const [id, v] of this.#entries) {
      if (!id.startsWith(prefix)) continue;
      this.#entries.delete(id);
      this.#bytes -= v.byteLength;
    }
  }

  /**
   * The pair's series interleaved row by row ([row × k + slot], rows from 0; rows before `firstRow`
   * are NaN and never read). A handful of separate columns per pair, × 9 pairs, are more memory
   * streams per step than the prefetcher follows: reading them cost ~20 ms more per year run.
   */
  matrix(scope: number, p: number, firstRow: number, inds: readonly RegisteredIndicator[], candles: CandleColumns): Float64Array {
    return this.#get(`${scope}|${p}|${firstRow}|[${inds.map((i) => i.key).join('][')}]`, () => {
      const k = inds.length;
      const out = new Float64Array(candles.time.length * k);
      if (firstRow > 0) out.fill(Number.NaN, 0, firstRow * k);
      inds.forEach((ind, slot) => {
        const s = this.series(scope, p, firstRow, ind, candles);
        for (let r = 0; r < s.length; r++) out[(r + firstRow) * k + slot] = s[r]!;
      });
      return out;
    });
  }

  #get(id: string, build: () => Float64Array): Float64Array {
    const kept = this.#entries.get(id);
    if (kept) {
      this.hits += 1;
      this.#entries.delete(id);
      this.#entries.set(id, kept);
      return kept;
    }
    this.misses += 1;
    const out = build();
    this.#entries.set(id, out);
    this.#bytes += out.byteLength;
    for (const [oldId, old] of this.#entries) {
      if (this.#bytes <= this.maxBytes || oldId === id) break;
      this.#entries.delete(oldId);
      this.#bytes -= old.byteLength;
    }
    return out;
  }
}

/**
 * ~115 one-year 5m series, or v001's four series and matrix for 9 pairs 1.5 times over. The child's
 * RLIMIT_DATA (1 GiB, of which Deno itself reserves ~768 MiB) also holds the datasets and the
 * engine's per-dataset buffers (~130 MB per 9-pair year), so this stays modest.
 */
export const SERIES_CACHE_BYTES = 96 * 1024 * 1024;

/** The indicator run over the candles as the live scan runs it: its updater on each row, or its stream on its input column. */
function computeSeries(ind: RegisteredIndicator, c: CandleColumns, firstRow: number): Float64Array {
  const n = c.time.length;
  const out = new Float64Array(Math.max(0, n - firstRow));
  if (ind.input) {
    const stream = ind.input.stream();
    const col = c[ind.input.source];
    for (let r = firstRow; r < n; r++) out[r - firstRow] = stream.next(col[r]!);
    return out;
  }
  const next = ind.start();
  const row: { -readonly [K in keyof Bar]: number } = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (let r = firstRow; r < n; r++) {
    row.time = c.time[r]!;
    row.open = c.open[r]!;
    row.high = c.high[r]!;
    row.low = c.low[r]!;
    row.close = c.close[r]!;
    row.volume = c.volume[r]!;
    out[r - firstRow] = next(row);
  }
  return out;
}
