/**
 * The execution venue as the position machine's actors see it: paper (simulated fills on live prices)
 * and live (Kraken through src/kraken) implement it later (DESIGN inv. 1: only the venue differs).
 * Every call names the order by OUR client order id, so after a timeout or a crash the outcome is
 * found by asking, never by sending again (inv. 4).
 */
import type { Fill, OrderStatus, OrderType, Pair, Side } from '../contract/index.ts';
import { BrainError } from '../contract/errors.ts';

export interface OrderRequest {
  readonly clOrdId: string;
  readonly pair: Pair;
  readonly side: Side;
  readonly type: OrderType;
  /** Base units, lot-rounded. */
  readonly quantity: number;
  readonly limitPrice: number | null;
}

/** The venue's view of one order: status, the quantity it executed, and every fill of it found so far. */
export interface VenueOrder {
  readonly clOrdId: string;
  readonly venueOrderId: string | null;
  readonly status: OrderStatus;
  /** What the venue says it executed (Kraken vol_exec); the fills may not add up to it yet. */
  readonly filledQuantity: number;
  /** Each with its fee. */
  readonly fills: readonly Fill[];
}

/**
 * What the venue said about an order it received: accepted (open/filled) or a definite refusal. A fresh
 * placement has executed nothing yet; an ack recovered by cl_ord_id (the reply was lost, or the order
 * was already there) carries what the venue executed and the fills it could find, fees included.
 */
export interface OrderAck extends VenueOrder {
  /** Why the venue refused the order; null when it has it. 'rejected' is a definite refusal. */
  readonly reason: string | null;
}

/** Whether an order waits on a venue call ('order') or it is bookkeeping that may wait ('background'). */
export type VenuePriority = 'order' | 'background';

export interface Venue {
  /**
   * Sends the order, idempotent by clOrdId: an order the venue already has (a send that ran before a
   * restart) comes back as its ack and is never placed twice. Resolves with the ack (a refusal included);
   * rejects with VenueError only when the outcome is unknown (timeout, dropped line): the caller must
   * then reconcile by clOrdId.
   */
  submitOrder(req: OrderRequest, signal?: AbortSignal): Promise<OrderAck>;
  /**
   * The order as the venue knows it, or null when the venue has never seen this clOrdId. `priority`:
   * 'order' (default) when an order in flight waits on the answer, 'background' for a sweep, which then
   * waits behind every order's calls (src/kraken/lanes.ts).
   */
  queryOrder(clOrdId: string, signal?: AbortSignal, priority?: VenuePriority): Promise<VenueOrder | null>;
  /** Cancels what is left of the order; resolves with its state after the cancel. */
  cancelOrder(clOrdId: string, signal?: AbortSignal): Promise<VenueOrder | null>;
}

/** unknown_outcome is never retryable: sending again could double the order; reconcile by clOrdId instead. */
export type VenueErrorCode = 'unknown_outcome' | 'unavailable' | 'rate_limited';

export class VenueError extends BrainError<VenueErrorCode> {
  override readonly name = 'VenueError';
  constructor(code: VenueErrorCode, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, { domain: 'venue', code, retryable, cause: options?.cause });
  }
}
