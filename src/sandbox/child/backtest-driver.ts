/**
 * Trusted backtest driver inside the child: the whole loop runs here (data crossed once), calling the
 * strategy's onBar from src/backtest's pure engine. The strategy shares this realm and could tamper
 * with the result, so the host replays the returned intents log through its own engine: that is the
 * number that counts.
 */
import { runEngine, type EngineConfig, type MarketData } from '../../backtest/engine.ts';
import { moduleDecider } from '../../backtest/strategy-decider.ts';
import type { Params, StrategyModule } from '../../contract/strategy.ts';

export type MarketDataLike = MarketData;

/** NaN (absent SL/TP) is not JSON: encode as null. */
function nums(a: ArrayLike<number>): Array<number | null> {
  return Array.from(a, (v) => (Number.isFinite(v) ? v : null));
}

export function runBacktest(mod: StrategyModule, data: MarketData, params: Params, cfg: unknown): unknown {
  // Frozen as in the live scan: ctx.params is this object.
  const config = { ...(cfg as EngineConfig), params: Object.freeze({ ...params }) };
  const result = runEngine(config, data, moduleDecider(mod, data.pairs, config.params));
  const log = result.intents;
  return {
    kind: 'backtest',
    intents: {
      length: log.length,
      step: Array.from(log.step),
      pairIndex: Array.from(log.pairIndex),
      action: Array.from(log.action),
      sizeFraction: nums(log.sizeFraction),
      stopLoss: nums(log.stopLoss),
      takeProfit: nums(log.takeProfit),
      outcome: Array.from(log.outcome),
    },
    summary: result.summary,
  };
}
