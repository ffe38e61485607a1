/**
 * How the engine drives a StrategyModule: one state per pair from `init`, then `onBar` with the
 * engine's just-closed bar. The ONE adapter, used by the sandbox child's driver and by the host's
 * in-process runner, so a module behaves the same wherever it runs. Pure (bundled into the child).
 */
import type { Pair, Params, StrategyModule } from '../contract/index.ts';
import type { DecideFn } from './engine-types.ts';

export function moduleDecider(mod: StrategyModule, pairs: readonly Pair[], params: Params): DecideFn {
  const frozen = Object.freeze({ ...params });
  const states = pairs.map((p) => mod.init(p, frozen));
  return (p, _step, ctx) => mod.onBar(states[p], ctx.bar, ctx);
}
