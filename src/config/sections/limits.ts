/** Descriptions of the risk and rollback limits, whose schemas live in the contract (DESIGN inv. 3). */
import type { z } from 'zod';
import type { RiskLimitsSchema, RollbackLimitsSchema } from '../../contract/risk.ts';

/** The contract's risk schemas carry JSDoc, not .describe(); these texts document them for `brain config --keys`. */
export const RISK_DESCRIPTIONS: Record<keyof z.infer<typeof RiskLimitsSchema>, string> = {
  maxPositionFraction: 'Max size of one position as a fraction of equity at entry (0..1]',
  maxOpenPositions: 'Max simultaneous open positions across all pairs (1..50)',
  maxPairExposureFraction: 'Max exposure to one pair as a fraction of equity (0..1]',
  maxTotalExposureFraction: 'Max total exposure across all positions as a fraction of equity (0..1]',
  minOrderUsd: 'Smallest order the shell sends, USD (>= 0; Kraken costmin applies on top)',
  dailyLossFraction: 'Loss since 00:00 UTC, as a fraction of opening equity, that halts new entries (0..1]',
  maxDrawdownFraction: 'Drawdown from peak equity that halts trading (0..1]',
  reducingDrawdownFraction: 'Drawdown from peak at which entries are halved (0..1], below maxDrawdownFraction',
  maxConsecutiveLosses: 'Consecutive losing trades that halt new entries (1..100)',
  resume: 'How a halted breaker comes back: manual (operator /resume) or auto after the cool-down',
  autoResumeAfterMinutes: 'Cool-down before an automatic resume, minutes (1..10080)',
};
export const ROLLBACK_DESCRIPTIONS: Record<keyof z.infer<typeof RollbackLimitsSchema>, string> = {
  drawdownPercentile: 'Live drawdown beyond this Monte Carlo percentile of the backtest rolls back (50..100)',
  losingStreakPercentile: 'Live losing streak beyond this Monte Carlo percentile rolls back (50..100)',
  minTradesForComparison: 'Trades needed before win-rate/expectancy comparisons (1..1000)',
  expectancyZ: 'Roll back when live expectancy is this many standard errors below the backtest (0.5..10)',
  maxRuntimeFailuresPerDay: 'Sandbox failures (crash, timeout, invalid output) per 24 h that roll back (1..1000)',
  maxRejectShare: 'Share of orders the venue rejects, after minOrdersForRates orders, that rolls back (0..1]',
  maxReconcileMismatches: 'Reconciliation mismatches (positions abandoned after asking the venue) that roll back (1..100)',
  minOrdersForRates: 'Orders (fills for slippage and fees) needed before reject, slippage and fee rates are compared (1..1000)',
  maxSlippageFactor: 'Mean live slippage beyond this multiple of the assumed slippage rolls back (1..100)',
  maxFeeFactor: 'Mean live fee rate beyond this multiple of the assumed taker fee rolls back (1..100)',
  cusumFalseAlarm: 'False-alarm rate per 100 trades the CUSUM threshold is calibrated to by bootstrapping the backtest trades (0.001..0.2)',
  underwaterFactor: "Time under water beyond this multiple of the backtest's longest rolls back (1..20)",
  cooldownHours: 'Hours after a rollback (or a deploy) before the watch may roll back again (0..720)',
};
