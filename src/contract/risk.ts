/**
 * Risk limits: enforced by the shell outside the strategy (DESIGN inv. 3). Fractions, not percents.
 * Defaults live here and are mirrored, commented, in config/risk_limits.toml.
 */
import { z } from 'zod';

const fraction = z.number().finite().gt(0).max(1);

export const RiskLimitsSchema = z.strictObject({
  /** Max size of one position as a fraction of equity at entry. */
  maxPositionFraction: fraction.default(0.1),
  /** Max simultaneous open positions across all pairs. */
  maxOpenPositions: z.number().int().min(1).max(50).default(3),
  /** Max exposure to one pair as a fraction of equity. */
  maxPairExposureFraction: fraction.default(0.2),
  /** Max total exposure across all positions as a fraction of equity. */
  maxTotalExposureFraction: fraction.default(0.6),
  /** Smallest order the shell will send, in USD (Kraken's costmin still applies on top). */
  minOrderUsd: z.number().finite().min(0).default(10),
  /** Loss since 00:00 UTC, as a fraction of that day's opening equity, that halts new entries. */
  dailyLossFraction: fraction.default(0.03),
  /** Drawdown from peak equity that halts trading. */
  maxDrawdownFraction: fraction.default(0.15),
  /** Drawdown from peak at which the breaker moves to `reducing` (entries at half size). */
  reducingDrawdownFraction: fraction.default(0.08),
  /** Consecutive losing trades that halt new entries. */
  maxConsecutiveLosses: z.number().int().min(1).max(100).default(5),
  /** How a halted breaker comes back: `manual` (operator /resume) or `auto` after the cool-down. */
  resume: z.enum(['manual', 'auto']).default('manual'),
  autoResumeAfterMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(24 * 60),
});
export type RiskLimits = z.infer<typeof RiskLimitsSchema>;

/** Thresholds that revert a freshly deployed strategy when live results break the backtest's promise. */
export const RollbackLimitsSchema = z.strictObject({
  /** Live drawdown beyond this Monte Carlo percentile of the backtest triggers a rollback. */
  drawdownPercentile: z.number().min(50).max(100).default(95),
  /** Live losing streak beyond this Monte Carlo percentile triggers a rollback. */
  losingStreakPercentile: z.number().min(50).max(100).default(95),
  /** Minimum trades before win-rate/expectancy comparisons are made. */
  minTradesForComparison: z.number().int().min(1).max(1000).default(10),
  /** Roll back if live expectancy falls below backtest expectancy by this many standard errors. */
  expectancyZ: z.number().min(0.5).max(10).default(2),
  /** Sandbox failures (crash, timeout, invalid output) in 24 h that trigger a rollback. */
  maxRuntimeFailuresPerDay: z.number().int().min(1).max(1000).default(5),
  /** Share of orders the venue rejects (after minOrdersForRates orders) that rolls back. */
  maxRejectShare: z.number().finite().gt(0).max(1).default(0.2),
  /** Reconciliation mismatches (a position abandoned after asking the venue) that roll back. */
  maxReconcileMismatches: z.number().int().min(1).max(100).default(1),
  /** Orders (fills, for slippage and fees) needed before the rates are compared. */
  minOrdersForRates: z.number().int().min(1).max(1000).default(10),
  /** Mean live slippage beyond this multiple of the assumption rolls back. */
  maxSlippageFactor: z.number().finite().min(1).max(100).default(3),
  /** Mean live fee rate beyond this multiple of the assumed taker fee rolls back. */
  maxFeeFactor: z.number().finite().min(1).max(100).default(1.5),
  /** False alarms per 100 trades the CUSUM threshold is calibrated to (bootstrap of the backtest trades). */
  cusumFalseAlarm: z.number().finite().min(0.001).max(0.2).default(0.01),
  /** Time under water beyond this multiple of the backtest's longest rolls back (the "triple penance" rule: 3). */
  underwaterFactor: z.number().finite().min(1).max(20).default(3),
  /** Hours after a rollback or deploy before the watch may roll back again (no flapping). */
  cooldownHours: z.number().finite().min(0).max(720).default(24),
});
export type RollbackLimits = z.infer<typeof RollbackLimitsSchema>;

/** The rung of the rollback ladder a trigger belongs to (src/evolution/triggers.ts evaluates them). */
export type TriggerRung = 'operational' | 'execution' | 'statistical';

/** Why a deployed version is being rolled back: the rung, the trigger's name, its value against the threshold. */
export interface RollbackTrigger {
  readonly rung: TriggerRung;
  readonly trigger: string;
  readonly value: number;
  readonly threshold: number;
  readonly detail: string;
}
