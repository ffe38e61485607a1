/** Shared builders for the trading tests: a default risk view and settings, overridable per test. */
import { RiskLimitsSchema, type Fill, type Pair, type RiskLimits } from '../../src/contract/index.ts';
import { defaultPairRules, STARTER_FEES, type RiskSettings, type RiskView } from '../../src/trading/index.ts';

export const LIMITS: RiskLimits = RiskLimitsSchema.parse({});

export function view(over: Partial<RiskView> = {}): RiskView {
  return {
    equity: 10_000,
    cash: 10_000,
    peakEquity: 10_000,
    dayStartEquity: 10_000,
    consecutiveLosses: 0,
    lastLossAt: Number.NaN,
    now: 0,
    openPositions: 0,
    pairExposure: 0,
    totalExposure: 0,
    heldQuantity: 0,
    ...over,
  };
}

export function settings(pair: Pair = 'ETH/USD', limits: Partial<RiskLimits> = {}): RiskSettings {
  return { limits: { ...LIMITS, ...limits }, rules: defaultPairRules(pair), fees: STARTER_FEES, slippage: 0.0005 };
}

let n = 0;
export function fill(pair: Pair, side: 'buy' | 'sell', price: number, quantity: number, fee: number, time = 0): Fill {
  n += 1;
  return { tradeId: `t${n}`, clOrdId: `c${n}`, pair, side, price, quantity, fee, liquidity: 'taker', time };
}
