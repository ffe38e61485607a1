/**
 * The rollback watch's ladder (docs/evolution.md), fastest rung first, as one pure function over what
 * the daemon observed since the version was deployed and what the version promised (expectations.ts):
 * 1. operational: sandbox/scan failures in 24 h, the share of orders the venue rejected,
 *    reconciliation mismatches;
 * 2. execution: mean entry slippage and fee rate against the assumptions the backtest charged;
 * 3. statistical: a lower CUSUM of per-trade returns against the backtest's mean (bootstrap-calibrated
 *    threshold), a sequential z-test of the mean return, drawdown since deploy beyond the Monte Carlo
 *    p95, time under water beyond `underwaterFactor` × the backtest's longest.
 * The first rung that fires names the trigger; its numbers go into the ledger row of the rollback.
 */
import type { RollbackLimits, RollbackTrigger } from '../contract/risk.ts';
import type { Expectations } from './expectations.ts';
import { cusumMax, meanOf } from './stats.ts';

export type { RollbackTrigger, TriggerRung } from '../contract/risk.ts';

export interface Observations {
  /** When the watched version was deployed, and the time of the last observation. */
  readonly since: number;
  readonly now: number;
  /** Times of sandbox / scan failures of this version. */
  readonly runtimeFailures: readonly number[];
  readonly orders: number;
  readonly rejects: number;
  readonly reconcileMismatches: number;
  /** Per entry fill: adverse slippage as a fraction of the decision's reference price, and fee / notional. */
  readonly fills: ReadonlyArray<{ slippage: number; feeRate: number }>;
  /** Net return of each closed trade of this version, in order. */
  readonly tradeReturns: readonly number[];
  /** Equity since the deploy: its peak, the last value, and when that peak was made. */
  readonly equity: { peak: number; last: number; peakAt: number } | null;
}

const DAY_MS = 86_400_000;

function operational(o: Observations, l: RollbackLimits): RollbackTrigger | null {
  const failures = o.runtimeFailures.filter((t) => t > o.now - DAY_MS).length;
  if (failures >= l.maxRuntimeFailuresPerDay) {
    return {
      rung: 'operational',
      trigger: 'runtimeFailures',
      value: failures,
      threshold: l.maxRuntimeFailuresPerDay,
      detail: 'sandbox or scan failures in the last 24 h',
    };
  }
  if (o.reconcileMismatches >= l.maxReconcileMismatches) {
    return {
      rung: 'operational',
      trigger: 'reconcileMismatches',
      value: o.reconcileMismatches,
      threshold: l.maxReconcileMismatches,
      detail: "fills the venue reported that the shell's records could not book",
    };
  }
  if (o.orders >= l.minOrdersForRates && o.rejects / o.orders > l.maxRejectShare) {
    return {
      rung: 'operational',
      trigger: 'rejectShare',
      value: o.rejects / o.orders,
      threshold: l.maxRejectShare,
      detail: `${o.rejects} of ${o.orders} orders rejected by the venue`,
    };
  }
  return null;
}

function execution(o: Observations, e: Pick<Expectations, 'slippage' | 'takerFee'>, l: RollbackLimits): RollbackTrigger | null {
  if (o.fills.length < l.minOrdersForRates) return null;
  const slip = meanOf(o.fills.map((f) => f.slippage));
  if (slip > l.maxSlippageFactor * e.slippage) {
    return {
      rung: 'execution',
      trigger: 'slippage',
      value: slip,
      threshold: l.maxSlippageFactor * e.slippage,
      detail: `mean entry slippage over ${o.fills.length} fills vs the assumed ${e.slippage}`,
    };
  }
  const fee = meanOf(o.fills.map((f) => f.feeRate));
  if (fee > l.maxFeeFactor * e.takerFee) {
    return {
      rung: 'execution',
      trigger: 'fees',
      value: fee,
      threshold: l.maxFeeFactor * e.takerFee,
      detail: `mean fee rate over ${o.fills.length} fills vs the assumed taker ${e.takerFee}`,
    };
  }
  return null;
}

function statistical(o: Observations, e: Expectations, l: RollbackLimits): RollbackTrigger | null {
  const r = o.tradeReturns;
  if (e.cusum && r.length > 0) {
    const s = cusumMax(r, e.cusum.target, e.cusum.slack);
    if (s > e.cusum.threshold)
      return {
        rung: 'statistical',
        trigger: 'cusum',
        value: s,
        threshold: e.cusum.threshold,
        detail: `CUSUM of ${r.length} trade returns below the backtest mean ${e.cusum.target.toPrecision(3)}`,
      };
  }
  if (r.length >= l.minTradesForComparison && e.sdReturn > 0) {
    const z = ((meanOf(r) - e.meanReturn) / e.sdReturn) * Math.sqrt(r.length);
    if (z < -l.expectancyZ)
      return {
        rung: 'statistical',
        trigger: 'expectancy',
        value: z,
        threshold: -l.expectancyZ,
        detail: `mean trade return ${meanOf(r).toPrecision(3)} vs ${e.meanReturn.toPrecision(3)} over ${r.length} trades (z)`,
      };
  }
  if (o.equity && o.equity.peak > 0) {
    const dd = (o.equity.peak - o.equity.last) / o.equity.peak;
    if (dd > e.mcDrawdown.p95 && dd > 0)
      return {
        rung: 'statistical',
        trigger: 'drawdown',
        value: dd,
        threshold: e.mcDrawdown.p95,
        detail: 'drawdown since the deploy beyond the Monte Carlo p95',
      };
    const under = o.equity.last < o.equity.peak ? o.now - o.equity.peakAt : 0;
    const limit = l.underwaterFactor * e.longestUnderwaterMs;
    if (e.longestUnderwaterMs > 0 && under > limit)
      return {
        rung: 'statistical',
        trigger: 'underwater',
        value: under,
        threshold: limit,
        detail: `time under water vs ${l.underwaterFactor} × the backtest's longest`,
      };
  }
  return null;
}

/** The first rung that fires, or null. Without expectations (a seeded version) only rungs 1 and 2 apply. */
export function evaluateTriggers(
  o: Observations,
  e: Expectations | null,
  assumed: Pick<Expectations, 'slippage' | 'takerFee'>,
  l: RollbackLimits,
): RollbackTrigger | null {
  return operational(o, l) ?? execution(o, e ?? assumed, l) ?? (e ? statistical(o, e, l) : null);
}
