/**
 * Position sizing: the strategy asks for a fraction of equity; the limits decide how much it gets.
 * Clamps, in order of the binding cap: max position fraction, per-pair exposure, total exposure,
 * and cash (kept for the taker fee and slippage so the fill cannot overdraw).
 */
import type { RiskLimits } from '../contract/index.ts';
import type { RiskView } from './breaker.ts';

export type ClampReason = 'position_limit' | 'pair_exposure_limit' | 'total_exposure_limit' | 'insufficient_cash';

export interface EntrySize {
  /** USD to buy; ≤ 0 means a cap leaves no room (clampedBy says which). */
  readonly notional: number;
  readonly clampedBy: ClampReason | null;
}

/**
 * `reduce` halves the request before clamping (breaker `reducing`).
 * `costRate` = taker fee + slippage, as fractions: the cash a fill will really need per USD of notional.
 */
export function entryNotional(sizeFraction: number, view: RiskView, limits: RiskLimits, reduce: boolean, costRate: number): EntrySize {
  const caps: readonly [number, ClampReason][] = [
    [limits.maxPositionFraction * view.equity, 'position_limit'],
    [limits.maxPairExposureFraction * view.equity - view.pairExposure, 'pair_exposure_limit'],
    [limits.maxTotalExposureFraction * view.equity - view.totalExposure, 'total_exposure_limit'],
    [view.cash / (1 + costRate), 'insufficient_cash'],
  ];
  let notional = sizeFraction * view.equity * (reduce ? 0.5 : 1);
  let clampedBy: ClampReason | null = null;
  for (const [limit, reason] of caps) {
    if (limit < notional) {
      notional = limit;
      clampedBy = reason;
    }
  }
  return { notional, clampedBy };
}
