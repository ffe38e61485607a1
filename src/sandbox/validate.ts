/**
 * What the host does with a guest decision: strict zod (contract DecisionSchema), then semantic checks
 * against the HOST's state (the guest's idea of its position is never trusted). Refusals are values with
 * a typed reason; only an accepted decision becomes an Intent for the risk engine (DESIGN inv. 3).
 */
import { z } from 'zod';
import { DecisionSchema, IntentSchema, type Decision, type Intent } from '../contract/intent.ts';
import type { Pair } from '../contract/pairs.ts';

export type RejectionReason =
  | 'guest_error'
  | 'schema'
  | 'sell_when_flat'
  | 'buy_when_long'
  | 'stop_loss_not_below_price'
  | 'take_profit_not_above_price'
  | 'stop_loss_out_of_band'
  | 'take_profit_out_of_band'
  | 'size_above_cap';

export interface SemanticLimits {
  /** Largest sizeFraction a buy may ask for (the risk engine sizes again afterwards). */
  maxSizeFraction: number;
  /** Allowed distance of stopLoss below the price, as fractions of the price. */
  stopBand: readonly [min: number, max: number];
  /** Allowed distance of takeProfit above the price, as fractions of the price. */
  takeProfitBand: readonly [min: number, max: number];
}

export const DEFAULT_SEMANTIC_LIMITS: SemanticLimits = { maxSizeFraction: 1, stopBand: [0.002, 0.2], takeProfitBand: [0.002, 0.5] };

export interface DecisionState {
  pair: Pair;
  candleTime: number;
  refPrice: number;
  strategyVersion: string;
  /** The host's position on this pair. */
  isLong: boolean;
}

export type Verdict = { ok: true; intent: Intent } | { ok: false; reason: RejectionReason; message: string };

function semantic(d: Decision, s: DecisionState, lim: SemanticLimits): Verdict | null {
  const no = (reason: RejectionReason, message: string): Verdict => ({ ok: false, reason, message: `${s.pair}: ${message}` });
  if ((d.action === 'sell' || d.action === 'close') && !s.isLong) return no('sell_when_flat', `${d.action} while flat`);
  if (d.action !== 'buy') return null;
  if (s.isLong) return no('buy_when_long', 'buy while a position is already open (long only, one position per pair)');
  if (d.sizeFraction > lim.maxSizeFraction) return no('size_above_cap', `sizeFraction ${d.sizeFraction} > cap ${lim.maxSizeFraction}`);
  const p = s.refPrice;
  if (d.stopLoss !== undefined) {
    if (d.stopLoss >= p) return no('stop_loss_not_below_price', `stopLoss ${d.stopLoss} is not below price ${p}`);
    const dist = (p - d.stopLoss) / p;
    if (dist < lim.stopBand[0] || dist > lim.stopBand[1])
      return no(
        'stop_loss_out_of_band',
        `stopLoss ${d.stopLoss} is ${(dist * 100).toFixed(2)} % below ${p}; allowed ${lim.stopBand[0] * 100}–${lim.stopBand[1] * 100} %`,
      );
  }
  if (d.takeProfit !== undefined) {
    if (d.takeProfit <= p) return no('take_profit_not_above_price', `takeProfit ${d.takeProfit} is not above price ${p}`);
    const dist = (d.takeProfit - p) / p;
    if (dist < lim.takeProfitBand[0] || dist > lim.takeProfitBand[1])
      return no(
        'take_profit_out_of_band',
        `takeProfit ${d.takeProfit} is ${(dist * 100).toFixed(2)} % above ${p}; allowed ${lim.takeProfitBand[0] * 100}–${lim.takeProfitBand[1] * 100} %`,
      );
  }
  return null;
}

/** Validates one raw guest decision for one pair; `hold` passes as an intent too (it is logged). */
export function checkDecision(raw: unknown, state: DecisionState, limits: SemanticLimits = DEFAULT_SEMANTIC_LIMITS): Verdict {
  const parsed = DecisionSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'schema', message: `${state.pair}: ${z.prettifyError(parsed.error).slice(0, 500)}` };
  const refused = semantic(parsed.data, state, limits);
  if (refused) return refused;
  const intent = IntentSchema.parse({
    pair: state.pair,
    candleTime: state.candleTime,
    refPrice: state.refPrice,
    strategyVersion: state.strategyVersion,
    decision: parsed.data,
  });
  return { ok: true, intent };
}
