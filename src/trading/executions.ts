/**
 * The private executions feed's reports as what the supervisor books: a trade report is a fill (named by
 * fill-id.ts, the same identity REST recovery gives it) with its order's progress; a final order state
 * without a fill goes to its position. Pure, so the supervisor translates the private line's reports itself.
 */
import type { ExecutionReport } from '../contract/feed.ts';
import type { Fill, OrderStatus } from '../contract/index.ts';
import { fillId } from './fill-id.ts';
import type { VenueOrder } from './venue.ts';

export type ExecutionOutcome =
  | { type: 'venue.fill'; fill: Fill; order: VenueOrder }
  /** An order's state from the executions feed without a fill (filled, canceled, expired): for its position. */
  | { type: 'venue.orderUpdate'; clOrdId: string; status: OrderStatus; venueOrderId: string | null; filledQuantity: number; time: number };

/**
 * A fill from the private executions feed, in contract form; null for reports that carry none. A trade
 * report without its trade_id gives no fill (an identity REST could not reproduce would book it twice):
 * its order's executed quantity still arrives, and recovery by cl_ord_id finds the fill.
 */
export function fillFromExecution(report: ExecutionReport): Fill | null {
  const f = report.fill;
  if (!f || f.tradeId === null || report.clOrdId === null || report.pair === null || report.side === null) return null;
  return {
    tradeId: fillId(report.pair, f.tradeId),
    clOrdId: report.clOrdId,
    pair: report.pair,
    side: report.side,
    price: f.price,
    quantity: f.quantity,
    fee: f.fee,
    liquidity: f.liquidity,
    time: report.time,
  };
}

/** A private execution report as the event it makes: a fill (booked), an order state (to its position), or nothing. */
export function executionEvent(r: ExecutionReport): ExecutionOutcome | null {
  const fill = fillFromExecution(r);
  if (fill) {
    // A trade report says partially_filled even when it completes the order; cum_qty says how much is done.
    const status = r.status ?? (r.execType === 'filled' ? 'filled' : 'partial');
    return { type: 'venue.fill', fill, order: { clOrdId: fill.clOrdId, venueOrderId: r.venueOrderId, status, filledQuantity: r.cumQty ?? 0, fills: [fill] } };
  }
  if (!r.clOrdId || !r.status || r.status === 'sent' || r.status === 'open') return null;
  return { type: 'venue.orderUpdate', clOrdId: r.clOrdId, status: r.status, venueOrderId: r.venueOrderId, filledQuantity: r.cumQty ?? 0, time: r.time };
}
