/**
 * Trusted backtest driver inside the child: the whole loop runs here (data crossed once), calling the
 * strategy's onBar from src/backtest's pure engine. The strategy shares this realm and could tamper
 * with the result, so the host replays the returned intents log through its own engine: that is the
 * number that counts.
 */
import { runEngine, type EngineConfig, type MarketData } from '../../backtest/engine.ts';
import type { BarContext, Params, StrategyModule } from '../../contract/strategy.ts';

export type MarketDataLike = MarketData;

function barOf(ctx: BarContext): StrategyModuleBar {
  const h = ctx.history;
  const i = ctx.index;
  return Object.freeze({ time: h.time[i]!, open: h.open[i]!, high: h.high[i]!, low: h.low[i]!, close: h.close[i]!, volume: h.volume[i]! });
}
type StrategyModuleBar = Parameters<StrategyModule['onBar']>[1];

/** NaN (absent SL/TP) is not JSON: encode as null. */
function nums(a: ArrayLike<number>): Array<number | null> {
  return Array.from(a, (v) => (Number.isFinite(v) ? v : null));
}

export function runBacktest(mod: StrategyModule, data: MarketData, params: Params, cfg: unknown): unknown {
  const config = { ...(cfg as EngineConfig), params };
  const frozen = Object.freeze({ ...params });
  const states = data.pairs.map((p) => mod.init(p, frozen));
  const result = runEngine(config, data, (p, _step, ctx) => mod.onBar(states[p], barOf(ctx), ctx));
  const log = result.intents;
  return {
    kind: 'backtest',
    intents: {
      length: log.length,
      step: Array.from(log.step.subarray(0, log.length)),
      pairIndex: Array.from(log.pairIndex.subarray(0, log.length)),
      action: Array.from(log.action.subarray(0, log.length)),
      sizeFraction: nums(log.sizeFraction.subarray(0, log.length)),
      stopLoss: nums(log.stopLoss.subarray(0, log.length)),
      takeProfit: nums(log.takeProfit.subarray(0, log.length)),
      outcome: Array.from(log.outcome.subarray(0, log.length)),
    },
    summary: result.summary,
  };
}
