/**
 * The backtest engine: pure, no I/O, no node:* (bundled into the Deno sandbox child; the host
 * replays the child's intents through this same module). DESIGN inv. 1: fills, fees, slippage,
 * rounding, accounting and risk are src/trading's, exactly as in paper and live. Inv. 2: the
 * strategy sees only closed candles by construction: the only candle buffers `decide` can reach
 * are filled up to the current candle and no further (RevealedColumns, engine-context.ts). Inv. 3: every decision passes
 * evaluateIntent; exits always pass.
 *
 * Timing, per step and pair:
 * 1. an order queued on the pair's previous candle fills at this candle's OPEN (ref = open);
 * 2. SL/TP are checked inside this candle, the entry candle included: a gap through the stop
 *    fills at the open; otherwise if the low touches the stop it fills at the stop, checked
 *    BEFORE the target (when both are touched we assume the worse came first); a gap above the
 *    target fills at the open, else a touched target fills at the target;
 * 3. after every pair's fills, equity is marked at the closes and `decide` runs for each pair
 *    with a closed candle. Exits are evaluated on every candle, the entry candle included
 *    (grademark skips that bar; inv. 3 says exits always pass, and the live scanner runs on every
 *    candle). SL/TP come from the buy that opened or added to the position.
 * Positions still open after the last step close at the pair's last close ('end_of_data').
 *
 * This file is the entry points; a run is an EngineRun (engine-run.ts: the step loop and the run's life)
 * over its EngineBook (engine-book.ts: orders, fills, positions), the types are engine-types.ts; the host
 * builds a config with engine-config.ts (not re-exported here: it needs zod, which the child must not bundle).
 */
import { takeRevealed } from './engine-context.ts';
import { EngineRun } from './engine-run.ts';
import { validateRun, windowOf } from './engine-support.ts';
import type { DecideFn, EngineConfig, EngineProgress, EngineResult, EngineStepper, MarketData } from './engine-types.ts';
import { prepareMarket } from './prepared-market.ts';

export * from './engine-types.ts';

export function runEngine(config: EngineConfig, data: MarketData, decide: DecideFn, progress?: EngineProgress): EngineResult {
  const run = startEngine(config, data, decide);
  try {
    const every = progress?.every ?? Infinity;
    while (run.next < run.end) {
      const from = run.intentCount;
      run.advance(run.next + every);
      progress?.report(run.next, run.intentsFrom(from));
    }
    return run.finish();
  } finally {
    run.release();
  }
}

export function startEngine(config: EngineConfig, data: MarketData, decide: DecideFn): EngineStepper {
  validateRun(config, data);
  const market = prepareMarket(data);
  return new EngineRun(config, data, market, takeRevealed(market), windowOf(config, data), decide);
}
