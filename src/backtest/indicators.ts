/**
 * Registered indicators on the runtime side (the strategy side is IndicatorRegistry in the contract,
 * the catalogue is strategy/skills/registered.ts). Pure, bundled into the sandbox child.
 *
 * One PairIndicators per pair and run: `init` registers through its `registry`, then the driver
 * supplies the values. The backtest engine binds a row-major table of whole series (`bindSeries`),
 * computed once per dataset and kept in the realm's series cache (series-cache.ts), and points the readings at the
 * just-closed candle's row (`moveTo`); the live scan feeds each candle through the updaters (`feed`).
 * A Reading yields only that row's value: the series, which hold later candles, sit behind #private
 * fields no strategy code can reach (DESIGN inv. 2 holds by construction, as for RevealedColumns).
 */
import type { Bar, IndicatorRegistry, Pair, Reading } from '../contract/index.ts';
import { REGISTERED, type RegisteredIndicator } from '../../strategy/skills/registered.ts';
import { EngineError } from './engine-types.ts';

/**
 * Where a pair's readings point: a reading shows `values[base + its slot]`, base = row × stride.
 * Trusted code only: it holds later candles.
 */
interface Cursor {
  values: Float64Array;
  base: number;
  stride: number;
  slots: Int32Array;
}

/** Points a reading at its slot of the bound table (set by the class below): module-private, no strategy reaches it. */
let pointAt: (r: IndicatorReading, slot: number) => void;

/**
 * A reading resolves its value on access from the pair's cursor, so the driver moves one integer per
 * candle instead of writing every reading (writing a double into each reading's field cost ~6 ns a
 * value, a fifth of a year run). The cursor sits in a #private field: no strategy code can reach it.
 * Its slot in the table is a field of its own, set when the engine binds a table: looking it up in
 * the cursor's slot list on every read cost ~10 ms a year run.
 */
class IndicatorReading implements Reading {
  readonly #cursor: Cursor;
  #slot: number;

  static {
    pointAt = (r, slot) => {
      r.#slot = slot;
    };
  }

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
  readonly #cursor: Cursor = { values: new Float64Array(0), base: 0, stride: 0, slots: new Int32Array(0) };
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

  /** Registration is for `init`; afterwards the set is fixed (the engine binds its series by it). */
  register(ind: RegisteredIndicator): Reading {
    if (!this.#open)
      throw new EngineError('indicator_after_init', `indicator ${ind.key} for ${this.pair} was registered after init; register every indicator in init`);
    const slot = this.#slots.get(ind.key);
    if (slot !== undefined) return this.#readings[slot]!;
    const r = new IndicatorReading(this.#cursor, this.#list.length);
    this.#slots.set(ind.key, this.#list.length);
    this.#list.push(ind);
    this.#readings.push(r);
    return r;
  }

  /** Ends registration; every reading is NaN until the driver supplies values (one row, in registration order). */
  close(): this {
    this.#open = false;
    const n = this.#list.length;
    this.bindSeries(
      new Float64Array(n).fill(Number.NaN),
      n,
      Int32Array.from({ length: n }, (_, i) => i),
    );
    return this;
  }

  /** Engine: row r's value of the i-th registered indicator is `values[r × stride + slots[i]]`. */
  bindSeries(values: Float64Array, stride: number, slots: Int32Array): void {
    Object.assign(this.#cursor, { values, base: 0, stride, slots });
    this.#readings.forEach((r, i) => pointAt(r, slots[i]!));
  }

  /** Engine: the readings show the just-closed candle's row of the bound series. */
  moveTo(row: number): void {
    this.#cursor.base = row * this.#cursor.stride;
  }

  /** Live scan: advances every indicator by one closed candle (call before onBar). */
  feed(bar: Bar): void {
    const up = (this.#updaters ??= this.#list.map((i) => i.start()));
    const { values, slots } = this.#cursor;
    for (let i = 0; i < up.length; i++) values[slots[i]!] = up[i]!(bar);
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
  const guard =
    <A extends unknown[], R>(name: string, f: (...a: A) => R) =>
    (...a: A): R => {
      try {
        return f(...a);
      } catch (err) {
        if (err instanceof EngineError) throw err;
        // A bad argument from the strategy, reported as a built-in would: the sandbox counts it as the module's failure (guest_error).
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
