/**
 * In-process StrategyRunners for TRUSTED code (canaries, tests, benches, reference strategies).
 * Candidates run in the sandbox (src/sandbox/backtest.ts sandboxRunner). Either way the caller
 * replays the claim through replayedRun, so trusted and sandboxed runs are judged alike.
 */
import type { Params, StrategyModule } from '../contract/index.ts';
import { runEngine } from './engine.ts';
import type { DecideFn, EngineConfig, MarketData } from './engine-types.ts';
import type { StrategyRunner } from './replay.ts';
import { moduleDecider } from './strategy-decider.ts';

/**
 * Builds a fresh decider (fresh strategy state) for one engine run with these params. It gets the
 * run's data, so a deliberately broken reference (the look-ahead canary) can precompute from it.
 */
export type DeciderFactory = (params: Params, data: MarketData, config: EngineConfig) => DecideFn;

export function deciderRunner(factory: DeciderFactory, versionId = 'in-process'): StrategyRunner {
  return { versionId, decide: async (data, config) => runEngine(config, data, factory(config.params, data, config)) };
}

/** A strategy module run in this process through the same adapter the sandbox driver uses. */
export function inProcessRunner(mod: StrategyModule, versionId: string): StrategyRunner {
  return deciderRunner((params, data) => moduleDecider(mod, data.pairs, params), versionId);
}
