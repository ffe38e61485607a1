/**
 * The execution venue as the position machine's actors see it: paper (simulated fills on live prices)
 * and live (Kraken through src/kraken) implement it later (DESIGN inv. 1: only the venue differs).
 * Every call names the order by OUR client order id, so after a timeout or a crash the outcome is
 * found by asking, never by sending again (inv. 4).
 */
import type { Fill, OrderStatus, OrderType, Pair, Side } from '../contract/index.ts';

export interface OrderRequest {
  readonly clOrdId: string;
  readonly pair: Pair;
  readonly side: Side;
  readonly type: OrderType;
  /** Base units, lot-rounded. */
  readonly quantity: number;
  readonly limitPrice: number | null;
}

/** What the venue said about an order it received: accepted (open/filled) or a definite refusal. */
export interface OrderAck {
  readonly clOrdId: string;
  readonly venueOrderId: string | null;
  /** 'rejected' is a definite refusal; anything else means the venue has the order. */
  readonly status: OrderStatus;
  readonly reason: string | null;
}

/** The venue's view of one order: status and every fill so far. */
export interface VenueOrder {
  readonly clOrdId: string;
  readonly venueOrderId: string | null;
  readonly status: OrderStatus;
  readonly filledQuantity: number;
  readonly fills: readonly Fill[];
}

export interface Venue {
  /**
   * Sends the order. Resolves with the ack (a refusal included); rejects with VenueError only when
   * the outcome is unknown (timeout, dropped line): the caller must then reconcile by clOrdId.
   */
  submitOrder(req: OrderRequest, signal?: AbortSignal): Promise<OrderAck>;
  /** The order as the venue knows it, or null when the venue has never seen this clOrdId. */
  queryOrder(clOrdId: string, signal?: AbortSignal): Promise<VenueOrder | null>;
  /** Cancels what is left of the order; resolves with its state after the cancel. */
  cancelOrder(clOrdId: string, signal?: AbortSignal): Promise<VenueOrder | null>;
}

export type VenueErrorCode = 'unknown_outcome' | 'unavailable' | 'rate_limited';

export class VenueError extends Error {
  override readonly name = 'VenueError';
  constructor(
    readonly code: VenueErrorCode,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
