/**
 * Shapes shared by every indicator. Streams and batch functions accept structural types so a
 * strategy can pass `bar` (contract Bar) to a stream and `ctx.history` (CandleColumns) to a batch
 * function without copying.
 */

/** A numeric series: number[] or any typed array. */
export type Series = ArrayLike<number>;

/** One bar as the bar-based streams read it (contract `Bar` satisfies it). */
export interface HLC {
  readonly high: number;
  readonly low: number;
  readonly close: number;
}
export interface HLCV extends HLC {
  readonly volume: number;
}
export interface TimedHLCV extends HLCV {
  /** Candle open time, epoch milliseconds UTC. */
  readonly time: number;
}

/** Column form of the same (contract `CandleColumns` satisfies all three). */
export interface HLCColumns {
  readonly high: Series;
  readonly low: Series;
  readonly close: Series;
}
export interface HLCVColumns extends HLCColumns {
  readonly volume: Series;
}
export interface TimedHLCVColumns extends HLCVColumns {
  readonly time: Series;
}

/**
 * An incremental indicator: O(1) per bar. `next` consumes one bar and returns the output for it;
 * `value` repeats the last output. Outputs are NaN (or hold NaN fields) for the first `lookback`
 * bars; from bar index `lookback` on they are finite for finite inputs.
 */
export interface Stream<In, Out> {
  next(input: In): Out;
  readonly value: Out;
  /** Number of leading bars without a value (TA-Lib's "lookback"). */
  readonly lookback: number;
}

/** Throws when an indicator parameter is not an integer >= min. Called once per factory, never per bar. */
export function checkInt(indicator: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${indicator}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

/** Throws when a real-valued parameter is not finite and > 0. */
export function checkPositive(indicator: string, name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${indicator}: ${name} must be a finite number > 0, got ${String(value)}`);
  }
}
