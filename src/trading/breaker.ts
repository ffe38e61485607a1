/**
 * The circuit breaker's trigger rule, pure (DESIGN inv. 3). The live breaker machine (issue 8)
 * persists the level and handles manual resume; the backtest engine evaluates this rule at every
 * decision. Levels: active → reducing (entries at half size) → halted (no entries; exits pass).
 */
import type { RiskLimits } from '../contract/index.ts';

export type BreakerLevel = 'active' | 'reducing' | 'halted';
export type BreakerReason = 'daily_loss' | 'drawdown' | 'consecutive_losses' | 'reducing_drawdown';

/** The account figures every risk rule reads. Built by the caller from its ledger (plus pending orders). */
export interface RiskView {
  /** Marked-to-market equity now. */
  equity: number;
  /** Cash a new buy may spend (cash minus what pending buys reserve). */
  cash: number;
  peakEquity: number;
  /** Equity at 00:00 UTC today. */
  dayStartEquity: number;
  consecutiveLosses: number;
  /** Exit time of the last losing trade, NaN if none. */
  lastLossAt: number;
  /** Decision time, ms. */
  now: number;
  /** Pairs held or with a pending entry. */
  openPositions: number;
  /** USD in the intent's pair: held × mark plus pending buys. */
  pairExposure: number;
  /** USD in all pairs, same basis. */
  totalExposure: number;
  /** Base units held in the intent's pair. */
  heldQuantity: number;
}

export interface BreakerTrigger {
  readonly level: BreakerLevel;
  readonly reason: BreakerReason | null;
}

const ACTIVE: BreakerTrigger = Object.freeze({ level: 'active', reason: null });
const RANK: Record<BreakerLevel, number> = { active: 0, reducing: 1, halted: 2 };

export function drawdownFraction(view: RiskView): number {
  return view.peakEquity > 0 ? Math.max(0, (view.peakEquity - view.equity) / view.peakEquity) : 0;
}

export function dailyLossFraction(view: RiskView): number {
  return view.dayStartEquity > 0 ? Math.max(0, (view.dayStartEquity - view.equity) / view.dayStartEquity) : 0;
}

/**
 * A losing streak halts entries. With `resume: 'auto'` the halt lifts once the cool-down has passed
 * since the last loss; the live machine then resets the streak, and a backtest does the same through
 * streakAfterCoolDown.
 */
export function lossStreakHalts(view: RiskView, limits: RiskLimits): boolean {
  if (view.consecutiveLosses < limits.maxConsecutiveLosses) return false;
  if (limits.resume !== 'auto') return true;
  return !(view.now - view.lastLossAt >= limits.autoResumeAfterMinutes * 60_000);
}

/**
 * The streak after an automatic resume: the live breaker resets it when its cool-down ends, so a loss
 * after the resume starts a new streak instead of halting again at once. A backtest, which has no
 * breaker machine, applies this to its ledger before each decision and fill (DESIGN inv. 1).
 */
export function streakAfterCoolDown(streak: number, lastLossAt: number, now: number, limits: RiskLimits): number {
  const cooledDown = limits.resume === 'auto' && streak >= limits.maxConsecutiveLosses && now - lastLossAt >= limits.autoResumeAfterMinutes * 60_000;
  return cooledDown ? 0 : streak;
}

export function breakerTrigger(view: RiskView, limits: RiskLimits): BreakerTrigger {
  if (dailyLossFraction(view) >= limits.dailyLossFraction) return { level: 'halted', reason: 'daily_loss' };
  const dd = drawdownFraction(view);
  if (dd >= limits.maxDrawdownFraction) return { level: 'halted', reason: 'drawdown' };
  if (lossStreakHalts(view, limits)) return { level: 'halted', reason: 'consecutive_losses' };
  if (dd >= limits.reducingDrawdownFraction) return { level: 'reducing', reason: 'reducing_drawdown' };
  return ACTIVE;
}

/** The stricter of two levels (the persisted machine state and the rule evaluated now). */
export function stricterLevel(a: BreakerLevel, b: BreakerLevel): BreakerLevel {
  return RANK[a] >= RANK[b] ? a : b;
}
