/**
 * Batch forms are the streaming forms run over arrays, so both agree bit for bit by construction
 * (same code, same float operation order). These helpers do the running.
 */
import type { Series, Stream } from './types.ts';

type Fields<K extends string> = Readonly<Record<K, number>>;

/** Runs a scalar stream over a series. */
export function mapSeries(stream: Stream<number, number>, values: Series): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = stream.next(values[i]!);
  return out;
}

/** Runs a stream with an object output over a series: one Float64Array per output field. */
export function mapSeriesFields<Out extends string>(
  stream: Stream<number, Fields<Out>>,
  values: Series,
  outKeys: readonly Out[],
): Record<Out, Float64Array> {
  const out = outputColumns(outKeys, values.length);
  for (let i = 0; i < values.length; i++) storeFields(out, outKeys, i, stream.next(values[i]!));
  return out;
}

/**
 * Feeds row i of `columns` (the fields in `keys`) to `step` for every row. The row object is reused
 * between calls, so `step` must read it at once and not keep it.
 */
export function forEachRow<K extends string>(
  indicator: string,
  columns: Readonly<Record<K, Series>>,
  keys: readonly K[],
  step: (row: Fields<K>, i: number) => void,
): void {
  const n = columns[keys[0]!].length;
  for (const k of keys) {
    if (columns[k].length !== n) {
      throw new RangeError(`${indicator}: column '${k}' has ${columns[k].length} rows but '${keys[0]!}' has ${n}`);
    }
  }
  const row = {} as Record<K, number>;
  for (let i = 0; i < n; i++) {
    for (const k of keys) row[k] = columns[k][i]!;
    step(row, i);
  }
}

/** Runs a bar stream with a scalar output over columns. */
export function mapRows<In extends string>(
  indicator: string,
  stream: Stream<Fields<In>, number>,
  columns: Readonly<Record<In, Series>>,
  inKeys: readonly In[],
): Float64Array {
  const out = new Float64Array(columns[inKeys[0]!].length);
  forEachRow(indicator, columns, inKeys, (row, i) => {
    out[i] = stream.next(row);
  });
  return out;
}

/** Runs a bar stream with an object output over columns: one Float64Array per output field. */
export function mapRowsFields<In extends string, Out extends string>(
  indicator: string,
  stream: Stream<Fields<In>, Fields<Out>>,
  columns: Readonly<Record<In, Series>>,
  inKeys: readonly In[],
  outKeys: readonly Out[],
): Record<Out, Float64Array> {
  const out = outputColumns(outKeys, columns[inKeys[0]!].length);
  forEachRow(indicator, columns, inKeys, (row, i) => storeFields(out, outKeys, i, stream.next(row)));
  return out;
}

function outputColumns<K extends string>(keys: readonly K[], n: number): Record<K, Float64Array> {
  const out = {} as Record<K, Float64Array>;
  for (const k of keys) out[k] = new Float64Array(n);
  return out;
}

function storeFields<K extends string>(out: Record<K, Float64Array>, keys: readonly K[], i: number, v: Fields<K>): void {
  for (const k of keys) out[k][i] = v[k];
}
