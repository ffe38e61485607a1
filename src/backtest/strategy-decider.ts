/**
 * How the engine drives a StrategyModule: one state per pair from `init`, then `onBar` with the
 * engine's just-closed bar, its registered indicators laid out by the engine. The ONE adapter, used by the sandbox child's driver and by the host's
 * in-process runner, so a module behaves the same wherever it runs. Pure (bundled into the child).
 */
import type { Bar, BarContext, Pair, Params, StrategyModule } from '../contract/index.ts';
import type { DecideFn } from './engine-types.ts';
import { PairIndicators } from './indicators.ts';

export function moduleDecider(mod: StrategyModule, pairs: readonly Pair[], params: Params): DecideFn {
  const frozen = Object.freeze({ ...params });
  const indicators = pairs.map((p) => new PairIndicators(p));
  const states = pairs.map((p, i) => mod.init(p, frozen, indicators[i]!.registry));
  for (const i of indicators) i.close();
  const decide = (p: number, _step: number, ctx: BarContext, bar: Bar) => mod.onBar(states[p], bar, ctx);
  return Object.assign(decide, { indicators });
}
