/**
 * The pure risk gate every intent passes, in backtest, paper and live alike (DESIGN inv. 1, 3).
 * Exits (sell/close) ALWAYS pass: no limit and no breaker level may keep a position open.
 * Entries: refused by the hard limits (daily loss, drawdown, losing streak), a halted breaker, or
 * max open positions; otherwise sized by `entryNotional`, halved when the breaker is `reducing`
 * (the machine's level or the rule's, whichever is stricter), then checked against min order and
 * Kraken's ordermin/costmin. A refusal is a value with a typed reason, never an exception.
 */
import type { FeeRates, IntentAction, Pair, PairRules, RiskLimits, Side } from '../contract/index.ts';
import { breakerTrigger, stricterLevel, type BreakerLevel, type BreakerReason, type RiskView } from './breaker.ts';
import { minimumViolation, roundDownToLot } from './market-rules.ts';
import { entryNotional, type ClampReason } from './sizing.ts';

export const REJECT_REASONS = [
  'breaker_halted',
  'daily_loss_limit',
  'drawdown_limit',
  'consecutive_losses',
  'max_open_positions',
  'position_limit',
  'pair_exposure_limit',
  'total_exposure_limit',
  'insufficient_cash',
  'below_min_order',
  'below_ordermin',
  'below_costmin',
  'invalid_stop',
  'no_position',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface RiskIntent {
  readonly pair: Pair;
  readonly action: Exclude<IntentAction, 'hold'>;
  readonly sizeFraction: number;
  /** Close of the candle the decision was made on (or the live price). */
  readonly refPrice: number;
  readonly stopLoss?: number | null | undefined;
  readonly takeProfit?: number | null | undefined;
}

export interface RiskSettings {
  readonly limits: RiskLimits;
  readonly rules: PairRules;
  readonly fees: FeeRates;
  readonly slippage: number;
}

export interface RiskOrder {
  readonly pair: Pair;
  readonly side: Side;
  /** Base units, lot-rounded. */
  readonly quantity: number;
  readonly refPrice: number;
  readonly notional: number;
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
  /** Which cap shrank the requested size, if any. */
  readonly clampedBy: ClampReason | null;
  /** True when the breaker's `reducing` level halved the request. */
  readonly reduced: boolean;
}

export type RiskVerdict = { readonly verdict: 'accept'; readonly order: RiskOrder } | { readonly verdict: 'reject'; readonly reason: RejectReason };

const HALT_REASON: Record<BreakerReason, RejectReason> = {
  daily_loss: 'daily_loss_limit',
  drawdown: 'drawdown_limit',
  consecutive_losses: 'consecutive_losses',
  reducing_drawdown: 'breaker_halted',
};

export function evaluateIntent(intent: RiskIntent, view: RiskView, s: RiskSettings, breaker: BreakerLevel): RiskVerdict {
  return intent.action === 'buy' ? evaluateEntry(intent, view, s, breaker) : evaluateExit(intent, view, s.rules);
}

function reject(reason: RejectReason): RiskVerdict {
  return { verdict: 'reject', reason };
}

function evaluateExit(intent: RiskIntent, view: RiskView, rules: PairRules): RiskVerdict {
  const held = view.heldQuantity;
  if (!(held > 0)) return reject('no_position');
  let quantity = intent.action === 'close' ? held : roundDownToLot(held * intent.sizeFraction, rules.lotDecimals);
  // A partial sell that Kraken would refuse, or that would strand an unsellable remainder, sells everything.
  const p = intent.refPrice;
  if (quantity >= held || minimumViolation(quantity, p, rules) || minimumViolation(held - quantity, p, rules)) quantity = held;
  return {
    verdict: 'accept',
    order: {
      pair: intent.pair,
      side: 'sell',
      quantity,
      refPrice: p,
      notional: quantity * p,
      stopLoss: null,
      takeProfit: null,
      clampedBy: null,
      reduced: false,
    },
  };
}

function evaluateEntry(intent: RiskIntent, view: RiskView, s: RiskSettings, breaker: BreakerLevel): RiskVerdict {
  const ref = intent.refPrice;
  const stopLoss = intent.stopLoss ?? null;
  const takeProfit = intent.takeProfit ?? null;
  if ((stopLoss !== null && stopLoss >= ref) || (takeProfit !== null && takeProfit <= ref)) return reject('invalid_stop');
  const trigger = breakerTrigger(view, s.limits);
  if (trigger.level === 'halted' && trigger.reason) return reject(HALT_REASON[trigger.reason]);
  const level = stricterLevel(breaker, trigger.level);
  if (level === 'halted') return reject('breaker_halted');
  const isNew = !(view.heldQuantity > 0) && !(view.pairExposure > 0);
  if (isNew && view.openPositions >= s.limits.maxOpenPositions) return reject('max_open_positions');
  const reduced = level === 'reducing';
  const size = entryNotional(intent.sizeFraction, view, s.limits, reduced, s.fees.taker + s.slippage);
  if (!(size.notional > 0)) return reject(size.clampedBy ?? 'insufficient_cash');
  if (size.notional < s.limits.minOrderUsd) return reject('below_min_order');
  const quantity = roundDownToLot(size.notional / ref, s.rules.lotDecimals);
  const violation = minimumViolation(quantity, ref, s.rules);
  if (violation) return reject(violation);
  return {
    verdict: 'accept',
    order: { pair: intent.pair, side: 'buy', quantity, refPrice: ref, notional: quantity * ref, stopLoss, takeProfit, clampedBy: size.clampedBy, reduced },
  };
}
