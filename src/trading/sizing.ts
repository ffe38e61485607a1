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
  let notional = sizeFraction * view.equity * (reduce ? 0.5 : 1);
  let clampedBy: ClampReason | null = null;
  const position = limits.maxPositionFraction * view.equity;
  const pair = limits.maxPairExposureFraction * view.equity - view.pairExposure;
  const total = limits.maxTotalExposureFraction * view.equity - view.totalExposure;
  const cash = view.cash / (1 + costRate);
  if (position < notional) [notional, clampedBy] = [position, 'position_limit'];
  if (pair < notional) [notional, clampedBy] = [pair, 'pair_exposure_limit'];
  if (total < notional) [notional, clampedBy] = [total, 'total_exposure_limit'];
  if (cash < notional) [notional, clampedBy] = [cash, 'insufficient_cash'];
  return { notional, clampedBy };
}
