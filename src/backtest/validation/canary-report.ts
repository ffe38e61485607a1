/**
 * The three canaries as one report (DESIGN inv. 2: the judge is tested before it judges), computed once
 * per dataset and cost model in a process and, with a cache, once across processes (canary-cache.ts).
 */
import type { EngineConfig, MarketData } from '../engine-types.ts';
import { cachedCanaryRun, type CanaryCacheSetup } from './canary-cache.ts';
import { buyAndHoldCanary, lookAheadCanary, randomEntriesCanary, type BuyAndHoldCanary, type LookAheadCanary, type RandomEntriesCanary } from './canaries.ts';

export interface CanaryReport {
  readonly passed: boolean;
  readonly buyAndHold: BuyAndHoldCanary;
  readonly randomEntries: RandomEntriesCanary;
  readonly lookAhead: LookAheadCanary;
}

/**
 * Reports per dataset and cost model. The canaries judge the evaluator on these candles with these
 * costs and nothing of the candidate (canaryConfig replaces its limits, window and warm-up; no canary
 * reads params), yet they cost more than the rest of a candidate's gates together (~2.9 s of ~5.4 s
 * on the 9-pair year): the evolver gates hundreds of candidates over the same MarketData object, so
 * each dataset and cost model is judged once. MarketData is never mutated (prepareMarket keys on it too).
 */
const judged = new WeakMap<MarketData, Map<string, Promise<CanaryReport>>>();

function costModelKey(config: EngineConfig, seed: number): string {
  return JSON.stringify([config.initialCash, config.slippage, config.fees, config.rules, seed]);
}

/**
 * All three canaries: run them with every backtest invocation set; a failure means the judge is broken.
 * Computed once per dataset and cost model (see `judged`); the same report object comes back after that.
 * With `cache`, a report is also kept on disk by content across processes (canary-cache.ts).
 */
export function runCanaries(data: MarketData, config: EngineConfig, opts: { seed?: number; cache?: CanaryCacheSetup } = {}): Promise<CanaryReport> {
  const seed = opts.seed ?? 7;
  const byCost = judged.get(data) ?? new Map<string, Promise<CanaryReport>>();
  judged.set(data, byCost);
  const key = costModelKey(config, seed);
  let report = byCost.get(key);
  if (!report) {
    report = cachedCanaryRun(opts.cache, data, config, seed, () => judgeEvaluator(data, config, seed));
    byCost.set(key, report);
    report.catch(() => byCost.delete(key));
  }
  return report;
}

async function judgeEvaluator(data: MarketData, config: EngineConfig, seed: number): Promise<CanaryReport> {
  const buyAndHold = buyAndHoldCanary(data, config);
  const randomEntries = randomEntriesCanary(data, config, seed);
  const lookAhead = await lookAheadCanary(data, config);
  return { passed: buyAndHold.passed && randomEntries.passed && lookAhead.passed, buyAndHold, randomEntries, lookAhead };
}
