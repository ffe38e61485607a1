/**
 * How the candles of an evaluation are cut (steps of one MarketData grid), so that nothing used to
 * choose a candidate ever scores it:
 *   [0, start)                  warm-up only
 *   [start, oosStart)           in-sample: the evolver's screen rungs live here (ending at oosStart)
 *   [oosStart, holdoutStart)    the walk-forward's out-of-sample parts: the OOS-difference gate
 *   [holdoutStart, end)         the holdout: never used for selection, scored once at the end
 * The walk-forward tiles [start, holdoutStart) into 3 + W parts; its OOS parts are the last W.
 */
import { DAY_MS } from '../clock/time.ts';
import type { MarketData } from '../backtest/engine.ts';
import { BrainError } from '../contract/errors.ts';

export const IN_SAMPLE_PARTS = 3;

export interface EvaluationWindows {
  readonly start: number;
  readonly oosStart: number;
  readonly holdoutStart: number;
  readonly end: number;
}

export class WindowError extends BrainError<'too_little_data'> {
  override readonly name = 'WindowError';
  constructor(message: string) {
    super(message, { domain: 'evolution', code: 'too_little_data', retryable: false });
  }
}

function firstStepAtOrAfter(time: Float64Array, t: number, from: number, to: number): number {
  let s = from;
  while (s < to && time[s]! < t) s++;
  return s;
}

export function evaluationWindows(data: MarketData, start: number, opts: { holdoutDays: number; walkForwardWindows: number }): EvaluationWindows {
  const end = data.time.length;
  const lastTime = data.time[end - 1] ?? 0;
  const holdoutStart = opts.holdoutDays > 0 ? firstStepAtOrAfter(data.time, lastTime - opts.holdoutDays * DAY_MS + 1, start, end) : end;
  const part = Math.floor((holdoutStart - start) / (IN_SAMPLE_PARTS + opts.walkForwardWindows));
  if (part < 1) {
    throw new WindowError(
      `the candles from ${new Date(data.time[start] ?? 0).toISOString()} leave too little before the ${opts.holdoutDays}-day holdout for ${IN_SAMPLE_PARTS}+${opts.walkForwardWindows} walk-forward parts; load more days or lower evolution.policy.holdoutDays`,
    );
  }
  return { start, oosStart: start + IN_SAMPLE_PARTS * part, holdoutStart, end };
}

/** The last `days` of the in-sample region, ending where the OOS parts begin (longer for later rungs). */
export function screenWindow(data: MarketData, w: EvaluationWindows, days: number): { start: number; end: number } {
  const from = firstStepAtOrAfter(data.time, (data.time[w.oosStart] ?? 0) - days * DAY_MS, w.start, w.oosStart);
  return { start: Math.min(from, w.oosStart - 1), end: w.oosStart };
}
