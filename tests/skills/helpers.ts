/**
 * Shared by the skills tests: the real candle files, a typed TA-Lib call aligned to bar index, and
 * a tolerance comparison that reports the worst bar.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { CandleColumns } from '../../src/contract/candle.ts';
import { SHARED_OHLCV_DIR, sharedOhlcvDir } from '../../src/paths.ts';

export const DATA_DIR = SHARED_OHLCV_DIR;

/** The 5-minute files of the development set; throws (never skips) when the data is absent. */
export function realCandleFiles(): string[] {
  return readdirSync(sharedOhlcvDir())
    .filter((f) => f.endsWith('_5m.csv'))
    .sort();
}

/** Parses a `time,open,high,low,close,volume` CSV (time in unix seconds) into columns, time in ms. */
export function loadCandles(file: string): CandleColumns {
  const lines = readFileSync(join(DATA_DIR, file), 'utf8').trim().split('\n');
  if (lines[0] !== 'time,open,high,low,close,volume') throw new Error(`${file}: unexpected header '${lines[0]}'`);
  const n = lines.length - 1;
  const cols = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const [t, o, h, l, c, v] = lines[i + 1]!.split(',').map(Number) as [number, number, number, number, number, number];
    cols.time[i] = t * 1000;
    cols.open[i] = o;
    cols.high[i] = h;
    cols.low[i] = l;
    cols.close[i] = c;
    cols.volume[i] = v;
  }
  return cols;
}

interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}
const talib = createRequire(import.meta.url)('talib') as { execute(opts: Record<string, unknown>): TalibResult; version: string };

/** Runs a TA-Lib function over all n bars; every output is returned full length, NaN before begIndex. */
export function talibRun(name: string, n: number, opts: Record<string, unknown>): { begIndex: number; out: Record<string, Float64Array> } {
  const res = talib.execute({ name, startIdx: 0, endIdx: n - 1, ...toArrays(opts) });
  if (!res.result) throw new Error(`talib ${name} failed: ${JSON.stringify(res)}`);
  const out: Record<string, Float64Array> = {};
  for (const [key, values] of Object.entries(res.result)) {
    const full = new Float64Array(n).fill(NaN);
    full.set(values.slice(0, res.nbElement), res.begIndex);
    out[key] = full;
  }
  return { begIndex: res.begIndex, out };
}

function toArrays(opts: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) o[k] = ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v;
  return o;
}

/**
 * Null when `actual` has NaN exactly where `expected` does and agrees elsewhere to `rel` relative
 * (relative to max(|expected|, scale[i]) so series that cross zero are judged against price);
 * otherwise a message naming the first offending bar and the worst error.
 */
export function mismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-9, scale?: ArrayLike<number>): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  let worst = 0;
  let first = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a) && first < 0) first = i;
      continue;
    }
    const err = Math.abs(a - e) / Math.max(Math.abs(e), scale ? Math.abs(scale[i]!) : 0, Number.MIN_VALUE);
    worst = Math.max(worst, err);
    if (err > rel && first < 0) first = i;
  }
  return first < 0 ? null : `first bad bar ${first}: actual ${actual[first]} expected ${expected[first]}; worst relative error ${worst}`;
}

/** Index of the first non-NaN value, or the length when there is none. */
export function firstValue(values: ArrayLike<number>): number {
  let i = 0;
  while (i < values.length && Number.isNaN(values[i]!)) i++;
  return i;
}
