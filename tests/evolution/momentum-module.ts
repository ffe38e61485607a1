/**
 * A strategy module declaring the evolution fixtures' parameters (k, size): the evolver rewrites its
 * defaults into candidates. The tests judge it with the in-process momentum decider of fixtures.ts.
 */
import type { Bar, BarContext, StrategyModule } from '../../src/contract/strategy.ts';

interface State {
  prev: number;
  rising: number;
  falling: number;
}

const strategy: StrategyModule<State> = {
  meta: {
    name: 'momentum-fixture',
    version: 'f1',
    description: 'Buys after k rising closes, closes after two falling ones.',
    warmup: 2,
    params: {
      k: { default: 3, min: 1, max: 6, integer: true, description: 'rising closes before a buy' },
      size: { default: 0.2, min: 0.05, max: 0.5, integer: false, description: 'fraction of equity per entry' },
    },
  },
  init: () => ({ prev: NaN, rising: 0, falling: 0 }),
  onBar(s: State, bar: Bar, ctx: BarContext) {
    s.rising = bar.close > s.prev ? s.rising + 1 : 0;
    s.falling = bar.close < s.prev ? s.falling + 1 : 0;
    s.prev = bar.close;
    if (ctx.position === null && s.rising >= (ctx.params.k ?? 3)) return { action: 'buy', sizeFraction: ctx.params.size ?? 0.2 };
    if (ctx.position !== null && s.falling >= 2) return { action: 'close' };
    return { action: 'hold' };
  },
};

export default strategy;
