/** Trusted backtest driver inside the child (replaced by the engine-backed driver once src/backtest/engine.ts lands). */
import type { CandleColumns } from '../../contract/candle.ts';
import type { Pair } from '../../contract/pairs.ts';
import type { Params, StrategyModule } from '../../contract/strategy.ts';

export interface MarketDataLike {
  pairs: Pair[];
  time: Float64Array;
  columns: CandleColumns[];
}

export function runBacktest(_mod: StrategyModule, _data: MarketDataLike, _params: Params, _cfg: unknown): unknown {
  throw new Error('backtest engine is not bundled in this build');
}
