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
  let sinceSync = 0;
  // The running doubles live in an object, not in closure variables: V8 boxes every double written
  // to a closure slot in a fresh heap number, while an object's double field is updated in place.
  // Compensated sum = hi + lo; once full, m2 = squared deviations and mean = total() / capacity
  // (kept: the next push and mean() would otherwise divide again for the same value).
  const acc = { hi: 0, lo: 0, m2: 0, mean: 0 };

  /** Neumaier step: acc.hi + acc.lo += x. */
  const add = (x: number): void => {
    const hi = acc.hi;
    const t = hi + x;
    acc.lo += Math.abs(hi) >= Math.abs(x) ? hi - t + x : x - t + hi;
    acc.hi = t;
  };
  const total = (): number => (nonZero === 0 ? 0 : acc.hi + acc.lo);
  const resync = (): void => {
    acc.hi = 0;
    acc.lo = 0;
    // Oldest to newest (head.., then ..head): the order fixes the rounding.
    for (let i = head; i < capacity; i++) add(buf[i]!);
    for (let i = 0; i < head; i++) add(buf[i]!);
    const mean = (acc.mean = total() / capacity);
    let m2 = 0;
    for (let i = 0; i < capacity; i++) {
      const d = buf[i]! - mean;
      m2 += d * d;
    }
    acc.m2 = m2;
    sinceSync = 0;
  };
  const advance = (): void => {
    head = head + 1 === capacity ? 0 : head + 1;
  };

  return {
    push(x) {
      if (count < capacity) {
        buf[head] = x;
        advance();
        count++;
        if (x !== 0) nonZero++;
        add(x);
        if (count === capacity) resync();
        return;
      }
      const old = buf[head]!;
      buf[head] = x;
      advance();
      const oldMean = acc.mean;
      if (nonZero === 0) {
        // An all-zero window sums to exactly 0; drop any residue left by values that have gone.
        acc.hi = 0;
        acc.lo = 0;
      }
      nonZero += (x !== 0 ? 1 : 0) - (old !== 0 ? 1 : 0);
      add(x);
      add(-old);
      const newMean = (acc.mean = total() / capacity);
      const before = acc.m2;
      const m2 = before + (x - old) * (x - newMean + old - oldMean);
      acc.m2 = m2;
      // A collapse of m2 (a spike leaving a calm window) leaves residue as large as the spike's
      // rounding error, so recompute exactly then too; it is rare, so still O(1) amortised.
      if (++sinceSync >= capacity || m2 < before * 1e-4) resync();
    },
    size: () => count,
    isFull: () => count === capacity,
    sum: total,
    mean: () => (count === capacity ? acc.mean : count === 0 ? NaN : total() / count),
    variance: () => (count < capacity ? NaN : nonZero === 0 || acc.m2 <= 0 ? 0 : acc.m2 / capacity),
  };
}

/**
 * A stream over the last `period` inputs: `empty` until the window is full, then `compute(window)`
 * on every bar. SMA and Bollinger are this with different `compute`.
 */
export function windowStream<Out>(period: number, empty: Out, compute: (win: RollingWindow) => Out): Stream<number, Out> {
  const win = rollingWindow(period);
  const last = { value: empty }; // an object field, not a closure slot (see rollingWindow)
  return {
    lookback: period - 1,
    get value() {
      return last.value;
    },
    next(x) {
      win.push(x);
      if (win.isFull()) last.value = compute(win);
      return last.value;
    },
  };
}
