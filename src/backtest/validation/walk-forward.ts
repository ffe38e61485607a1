/**
 * Walk-forward: rolling in-sample / out-of-sample windows. In each window the best candidate
 * params on the in-sample part (by return per step) are run on the following out-of-sample part.
 * Degradation ratio = mean OOS score / mean IS score: near 1 the edge holds out of sample, near 0
 * or negative it was fitted to noise. Earlier candles stay available as indicator history.
 */
import type { Params } from '../../contract/index.ts';
import type { EngineConfig, MarketData } from '../engine-types.ts';
import { replayedRun, type StrategyRunner } from '../replay.ts';

export interface WalkForwardOptions {
  /** Steps per in-sample and out-of-sample part. */
  readonly inSample: number;
  readonly outOfSample: number;
  /** Steps the windows move by (default: outOfSample, so OOS parts tile the data). */
  readonly stride?: number;
  /** Params to choose from in each window (default: just config.params). */
  readonly candidates?: readonly Params[];
}

export interface WalkForwardWindow {
  readonly isStart: number;
  readonly oosStart: number;
  readonly oosEnd: number;
  readonly params: Params;
  /** Total return / steps of the part. */
  readonly isScore: number;
  readonly oosScore: number;
  readonly oosTrades: number;
}

export interface WalkForwardResult {
  readonly windows: readonly WalkForwardWindow[];
  readonly meanIsScore: number;
  readonly meanOosScore: number;
  /** meanOos / meanIs; null when the in-sample score is not positive (nothing to degrade from). */
  readonly degradation: number | null;
}

async function score(config: EngineConfig, data: MarketData, runner: StrategyRunner, params: Params, start: number, end: number) {
  const r = await replayedRun(runner, data, { ...config, params, start, end });
  return { score: r.summary.totalReturn / Math.max(1, end - start), trades: r.summary.trades };
}

export async function walkForward(data: MarketData, config: EngineConfig, runner: StrategyRunner, opts: WalkForwardOptions): Promise<WalkForwardResult> {
  const candidates = opts.candidates ?? [config.params];
  const stride = opts.stride ?? opts.outOfSample;
  const windows: WalkForwardWindow[] = [];
  for (let isStart = config.start ?? 0; isStart + opts.inSample + opts.outOfSample <= (config.end ?? data.time.length); isStart += stride) {
    const oosStart = isStart + opts.inSample;
    const oosEnd = oosStart + opts.outOfSample;
    let best = { params: candidates[0]!, score: -Infinity };
    for (const params of candidates) {
      const s = (await score(config, data, runner, params, isStart, oosStart)).score;
      if (s > best.score) best = { params, score: s };
    }
    const oos = await score(config, data, runner, best.params, oosStart, oosEnd);
    windows.push({ isStart, oosStart, oosEnd, params: best.params, isScore: best.score, oosScore: oos.score, oosTrades: oos.trades });
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : 0);
  const meanIsScore = mean(windows.map((w) => w.isScore));
  const meanOosScore = mean(windows.map((w) => w.oosScore));
  return { windows, meanIsScore, meanOosScore, degradation: meanIsScore > 0 ? meanOosScore / meanIsScore : null };
}
