/**
 * Trusted backtest driver inside the child: the whole loop runs here (data crossed once), calling the
 * strategy's onBar from src/backtest's pure engine. The strategy shares this realm and could tamper
 * with the result, so the host replays the returned intents log through its own engine: that is the
 * number that counts. The log is streamed as the run goes (`progress` frames every PROGRESS_STEPS
 * steps), so the host replays each chunk on its own core while this one computes the next.
 */
import { runEngine, type EngineConfig, type IntentsLog, type MarketData } from '../../backtest/engine.ts';
import { moduleDecider } from '../../backtest/strategy-decider.ts';
import type { Params, StrategyModule } from '../../contract/strategy.ts';
import { INTENT_COLUMNS, type BacktestProgress } from '../protocol.ts';

export type MarketDataLike = MarketData;

/** Writes one frame to the host (a progress header and its intents columns). */
export type EmitFrame = (header: BacktestProgress, payload: Float64Array) => void;

/** ~13 chunks per 5m year: small enough to overlap, large enough that frames cost nothing. */
const PROGRESS_STEPS = 8192;

function packIntents(rows: IntentsLog): Float64Array {
  const m = rows.length;
  const out = new Float64Array(m * INTENT_COLUMNS.length);
  INTENT_COLUMNS.forEach((k, c) => out.set(rows[k], c * m));
  return out;
}

export function runBacktest(mod: StrategyModule, data: MarketData, params: Params, cfg: unknown, emit: EmitFrame): unknown {
  // Frozen as in the live scan: ctx.params is this object.
  const config = { ...(cfg as EngineConfig), params: Object.freeze({ ...params }) };
  const result = runEngine(config, data, moduleDecider(mod, data.pairs, config.params), {
    every: PROGRESS_STEPS,
    report: (throughStep, rows) => emit({ kind: 'progress', throughStep, rows: rows.length }, packIntents(rows)),
  });
  return { kind: 'backtest', length: result.intents.length, summary: result.summary };
}
