/**
 * The supervisor's pure decisions about the venue's account (issue 12): an order state heard on the
 * executions feed goes to its position, venue balances are compared with the ledger (a mismatch is an
 * alert and a breaker hold, never a correction), and a fill that no live position owns is reported.
 */
import type { Fill } from '../src/contract/index.ts';
import { positionOfOrder, type PositionSlot } from '../src/trading/routing.ts';
import { balanceMismatches, describeMismatches, type BalanceMismatch } from '../src/trading/balances.ts';
import type { PositionEvent } from './position.machine.ts';
import type { SupervisorContext, SupervisorEvent } from './supervisor-types.ts';

type OrderUpdate = Extract<SupervisorEvent, { type: 'venue.orderUpdate' }>;

/** The working position an order state belongs to, and the update for it. */
export function updateForPosition(slots: readonly PositionSlot[], e: OrderUpdate): { positionId: string; event: PositionEvent } | null {
  const positionId = positionOfOrder(e.clOrdId);
  if (!slots.some((s) => s.positionId === positionId)) return null;
  return {
    positionId,
    event: { type: 'order.update', clOrdId: e.clOrdId, status: e.status, venueOrderId: e.venueOrderId, filledQuantity: e.filledQuantity, time: e.time },
  };
}

/** The ledger against the venue's balances, with the alert to raise when they differ. */
export function balanceVerdict(c: SupervisorContext, balances: Readonly<Record<string, number>>): { mismatches: BalanceMismatch[]; alert: string | null } {
  const mismatches = balanceMismatches(c.ledger, balances, c.pairs, Object.keys(c.seenTrades).length);
  return { mismatches, alert: mismatches.length > 0 ? describeMismatches(mismatches) : null };
}

/** A fill whose position is not live any more: booked on the ledger, but nothing manages what it bought or sold. */
export function orphanFillAlert(slots: readonly PositionSlot[], fill: Fill): string | null {
  const positionId = positionOfOrder(fill.clOrdId);
  if (slots.some((s) => s.positionId === positionId)) return null;
  return `fill ${fill.tradeId} (${fill.side} ${fill.quantity} ${fill.pair} @ ${fill.price}) belongs to position ${positionId}, which is no longer live: the ledger holds it but no position manages it (no stop-loss); close or adopt it by hand`;
}
