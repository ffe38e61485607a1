/**
 * Look-ahead / recursion check (DESIGN inv. 2). Re-runs the strategy on the data cut at K points
 * and confirms every decision made before a cut is the same as in the full run. The engine already
 * hides later candles from `decide` by construction; this check is the second line: it catches
 * whatever still reaches beyond the history (a series precomputed from the whole data, a driver
 * bug), because with the future absent from the run's data such code decides differently.
 * A cut is a prefix VIEW of the data (prefixView), not a copy: its arrays end at the cut, and the
 * sandbox child runs it on the candles it already holds instead of receiving a truncated copy of
 * the year per cut (and evicting the full data to make room for it).
 */
import type { EngineConfig, IntentsLog, MarketData } from '../engine-types.ts';
import { prefixView } from '../prepared-market.ts';
import { compareIntents, replayedRun, type RunMismatch, type StrategyRunner } from '../replay.ts';

export interface LookAheadOptions {
  /** Number of cut points, spread evenly over the run (default 5). */
  readonly cuts?: number;
  /** The full run's intents when the caller has them already (the backtest the gates judge): not run again. */
  readonly full?: IntentsLog;
}

export interface LookAheadCut {
  readonly step: number;
  readonly mismatches: readonly RunMismatch[];
}

export interface LookAheadResult {
  readonly passed: boolean;
  readonly cuts: readonly LookAheadCut[];
}

/** The log's entries decided before `step` (the log is in step order). */
function prefix(log: IntentsLog, step: number): IntentsLog {
  let k = 0;
  while (k < log.length && log.step[k]! < step) k++;
  const cut = <T extends Int32Array | Uint8Array | Float64Array>(a: T) => a.subarray(0, k) as T;
  return {
    length: k,
    step: cut(log.step),
    pairIndex: cut(log.pairIndex),
    action: cut(log.action),
    sizeFraction: cut(log.sizeFraction),
    stopLoss: cut(log.stopLoss),
    takeProfit: cut(log.takeProfit),
    outcome: cut(log.outcome),
  };
}

export async function lookAheadCheck(data: MarketData, config: EngineConfig, runner: StrategyRunner, opts: LookAheadOptions = {}): Promise<LookAheadResult> {
  const k = opts.cuts ?? 5;
  const start = config.start ?? 0;
  const end = config.end ?? data.time.length;
  const full = opts.full ?? (await replayedRun(runner, data, config)).intents;
  const cuts: LookAheadCut[] = [];
  for (let i = 1; i <= k; i++) {
    const step = start + Math.floor(((end - start) * i) / (k + 1));
    if (step <= start) continue;
    const truncated = (await replayedRun(runner, prefixView(data, step), { ...config, end: step })).intents;
    cuts.push({ step, mismatches: compareIntents(prefix(full, step), truncated) });
  }
  return { passed: cuts.every((c) => c.mismatches.length === 0), cuts };
}
