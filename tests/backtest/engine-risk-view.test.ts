/**
 * The engine keeps the ledger's holdings list (heldList) in step with its fills instead of listing the
 * holdings again for every decision's risk view. The list must be the ledger's own, in its order, at
 * every decision, and a run with it bit-identical to one that lists the holdings for each decision.
 */
import { describe, expect, it } from 'vitest';
import { RiskLimitsSchema, type BarContext, type DecisionInput, type RiskLimits } from '../../src/contract/index.ts';
import { takeRevealed } from '../../src/backtest/engine-context.ts';
import { EngineRun } from '../../src/backtest/engine-run.ts';
import { validateRun, windowOf } from '../../src/backtest/engine-support.ts';
import { runEngine, type DecideFn, type EngineConfig, type MarketData } from '../../src/backtest/engine.ts';
import { sliceMarketData } from '../../src/backtest/data.ts';
import { prepareMarket } from '../../src/backtest/prepared-market.ts';
import { mulberry32 } from '../../src/sim/rng.ts';
import { defaultPairRules, heldList, STARTER_FEES, type Holding } from '../../src/trading/index.ts';
import { loadShared } from './engine-fixtures.ts';

/** The engine as it was before the list was kept: the holdings listed again for every decision. */
class ListingEveryDecision extends EngineRun {
  protected override holdingsInOrder(): readonly Holding[] {
    return heldList(this.ledger);
  }
}

/** The engine as it is, counting the decisions whose kept list is not the ledger's own, element for element and in order. */
class CheckingTheList extends EngineRun {
  asked = 0;
  differed = 0;
  protected override holdingsInOrder(): readonly Holding[] {
    const kept = super.holdingsInOrder();
    const listed = heldList(this.ledger);
    this.asked += 1;
    if (kept.length !== listed.length || kept.some((h, i) => h !== listed[i])) this.differed += 1;
    return kept;
  }
}

function runOn<R extends EngineRun>(
  make: new (...args: ConstructorParameters<typeof EngineRun>) => R,
  config: EngineConfig,
  data: MarketData,
  decide: DecideFn,
) {
  validateRun(config, data);
  const market = prepareMarket(data);
  const run = new make(config, data, market, takeRevealed(market), windowOf(config, data), decide);
  try {
    run.advance(run.end);
    return { run, result: run.finish() };
  } finally {
    run.release();
  }
}

/**
 * Buys, add-ons, partial sells and closes at random on every pair, sized on the equity: with the
 * exposure caps binding, a risk view summed over a stale holdings list would size or refuse differently.
 */
function churning(seed: number): DecideFn {
  const rnd = mulberry32(seed);
  return (_p: number, _s: number, ctx: BarContext): DecisionInput => {
    const x = rnd();
    if (x < 0.04) return { action: 'buy', sizeFraction: 0.05 + rnd() * 0.3 };
    if (ctx.position && x < 0.06) return { action: 'sell', sizeFraction: 0.5 };
    if (ctx.position && x < 0.08) return { action: 'close' };
    return { action: 'hold' };
  };
}

const data = sliceMarketData(loadShared(['BTC/USD', 'ETH/USD', 'SOL/USD', 'XRP/USD', 'DOGE/USD']), 0, 6000);

/** Starter fees and default pair rules; no daily-loss, drawdown or losing-streak halt, so the run trades to the end. */
function configWith(limits: Partial<RiskLimits>): EngineConfig {
  const risk = RiskLimitsSchema.parse({ dailyLossFraction: 1, maxDrawdownFraction: 1, maxConsecutiveLosses: 100, resume: 'auto', ...limits });
  return { initialCash: 10_000, slippage: 0.0005, params: {}, fees: data.pairs.map(() => STARTER_FEES), rules: data.pairs.map(defaultPairRules), limits: risk };
}

describe('engine: the holdings list kept between fills', () => {
  it.each([
    ['binding exposure caps', { maxPairExposureFraction: 0.3, maxTotalExposureFraction: 0.6, maxOpenPositions: 4 }],
    ['loose limits', { maxPairExposureFraction: 1, maxTotalExposureFraction: 1, maxPositionFraction: 1, maxOpenPositions: 5 }],
  ])('gives the same run, bit for bit, as listing the holdings for every decision (%s)', (_name, limits) => {
    const config = configWith(limits);
    const kept = runEngine(config, data, churning(3));
    const listed = runOn(ListingEveryDecision, config, data, churning(3)).result;
    // Enough of every kind for the comparison to mean something: many positions open at once, opened and closed in every order.
    expect(kept.trades.length).toBeGreaterThan(300);
    expect(kept.summary.rejectedIntents).toBeGreaterThan(0);
    expect(kept).toStrictEqual(listed);
  });

  it("is the ledger's holdings in the ledger's order at every decision", () => {
    const config = configWith({ maxOpenPositions: 5 });
    const { run } = runOn(CheckingTheList, config, data, churning(5));
    expect(run.asked).toBeGreaterThan(1000);
    expect(run.differed).toBe(0);
  });
});
