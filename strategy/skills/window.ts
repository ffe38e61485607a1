/**
 * Fixed-size rolling window with O(1) amortised sum, mean and population variance.
 *
 * Why not a plain running sum (TA-Lib's way): add-new/subtract-old leaves rounding residue that
 * never goes away, so a window of zeros after large values reads as ±1e-10 instead of 0 and
 * E[x²]−mean² cancels catastrophically. Here the sum is compensated (Neumaier), the squared
 * deviations are updated with the sliding Welford formula, and both are recomputed exactly from the
 * buffer once every `capacity` evictions, which bounds any drift to one window's worth of updates.
 */
import { checkInt, type Stream } from './types.ts';

export interface RollingWindow {
  /** Appends x, evicting the oldest value once the window holds `capacity` values. */
  push(x: number): void;
  /** Values currently held (0..capacity). */
  size(): number;
  isFull(): boolean;
  sum(): number;
  /** Mean of the held values; NaN when empty. */
  mean(): number;
  /** Population variance (divides by capacity); NaN until full, never negative. */
  variance(): number;
}

export function rollingWindow(capacity: number): RollingWindow {
  checkInt('rollingWindow', 'capacity', capacity, 1);
  const buf = new Float64Array(capacity);
  let head = 0; // index of the oldest value once full, next write slot while filling
  let count = 0;
  let nonZero = 0;
  let hi = 0; // compensated sum = hi + lo
  let lo = 0;
  let m2 = 0; // sum of squared deviations from the mean, valid once full
  let sinceSync = 0;

  const add = (x: number): void => {
    const t = hi + x;
    lo += Math.abs(hi) >= Math.abs(x) ? hi - t + x : x - t + hi;
    hi = t;
  };
  const total = (): number => (nonZero === 0 ? 0 : hi + lo);
  const resync = (): void => {
    hi = 0;
    lo = 0;
    for (let i = 0; i < capacity; i++) add(buf[(head + i) % capacity]!);
    const mean = total() / capacity;
    m2 = 0;
    for (let i = 0; i < capacity; i++) {
      const d = buf[i]! - mean;
      m2 += d * d;
    }
    sinceSync = 0;
  };

  return {
    push(x) {
      if (count < capacity) {
        buf[head] = x;
        head = (head + 1) % capacity;
        count++;
        if (x !== 0) nonZero++;
        add(x);
        if (count === capacity) resync();
        return;
      }
      const old = buf[head]!;
      buf[head] = x;
      head = (head + 1) % capacity;
      const oldMean = total() / capacity;
      if (nonZero === 0) {
        // An all-zero window sums to exactly 0; drop any residue left by values that have gone.
        hi = 0;
        lo = 0;
      }
      nonZero += (x !== 0 ? 1 : 0) - (old !== 0 ? 1 : 0);
      add(x);
      add(-old);
      const newMean = total() / capacity;
      const before = m2;
      m2 += (x - old) * (x - newMean + old - oldMean);
      // A collapse of m2 (a spike leaving a calm window) leaves residue as large as the spike's
      // rounding error, so recompute exactly then too; it is rare, so still O(1) amortised.
      if (++sinceSync >= capacity || m2 < before * 1e-4) resync();
    },
    size: () => count,
    isFull: () => count === capacity,
    sum: total,
    mean: () => (count === 0 ? NaN : total() / count),
    variance: () => (count < capacity ? NaN : nonZero === 0 || m2 <= 0 ? 0 : m2 / capacity),
  };
}

/**
 * A stream over the last `period` inputs: `empty` until the window is full, then `compute(window)`
 * on every bar. SMA and Bollinger are this with different `compute`.
 */
export function windowStream<Out>(period: number, empty: Out, compute: (win: RollingWindow) => Out): Stream<number, Out> {
  const win = rollingWindow(period);
  let value = empty;
  return {
    lookback: period - 1,
    get value() {
      return value;
    },
    next(x) {
      win.push(x);
      if (win.isFull()) value = compute(win);
      return value;
    },
  };
}
