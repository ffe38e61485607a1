/**
 * The position machine's data: its context (what a persisted snapshot holds, so a change of shape is a
 * change of POSITION_MACHINE_VERSION), its input, the events it takes and announces, and the order row
 * its actors write. position.machine.ts re-exports all of them; import from there.
 */
import type { ExitReason, Fill, OrderStatus, Pair, Side } from '../src/contract/index.ts';
import type { ClosedPosition, Holding } from '../src/trading/portfolio.ts';
import type { VenueOrder } from '../src/trading/venue.ts';
import type { DurableRecord, Resume } from './shared.ts';
import type { ErrorInfo } from '../src/contract/errors.ts';

export interface PositionTimeouts {
  /** No ack this long after the send: outcome unknown → reconciling. */
  ackMs: number;
  /** An acked order not settled this long (fills missing): ask the venue. */
  settleMs: number;
  /** Pause between venue queries that did not find the order. */
  requeryMs: number;
  /** Queries that must all miss before an order is declared never placed. */
  maxQueries: number;
  /** Exits the venue refuses in a row before the position stops sending them (exitBlocked). */
  maxExitRefusals: number;
}

export interface WorkingOrder {
  clOrdId: string;
  side: Side;
  quantity: number;
  reason: string;
  status: OrderStatus;
  venueOrderId: string | null;
  /** Quantity the venue reports filled; our own sum of fills must catch up before the order settles. */
  venueFilled: number;
  filled: number;
  /** Absolute ms: ack or settle deadline of the current step. */
  deadline: number | null;
  queries: number;
}

export interface PositionContext {
  positionId: string;
  pair: Pair;
  strategyVersion: string;
  now: number;
  openedAt: number;
  holding: Holding | null;
  closed: ClosedPosition | null;
  stopLoss: number | null;
  takeProfit: number | null;
  entryFees: number;
  exitFees: number;
  exitReason: ExitReason | null;
  /** A close asked for while the entry was still working: exit as soon as it settles. */
  closeRequested: ExitReason | null;
  orderSeq: number;
  order: WorkingOrder | null;
  clOrdIds: string[];
  /** Every fill booked, for dedup by trade id and for the fills table (the persister writes them). */
  fills: Fill[];
  /** Exits refused by the venue since the last sell fill, and the venue's last reason. */
  exitRefusals: number;
  lastRefusal: string | null;
  timeouts: PositionTimeouts;
  resumeTo: string | null;
}

/** A persisted state value: 'open', 'exitBlocked', 'closed', or { pendingEntry | pendingExit: substate }. */
export type PositionValue = string | Record<string, string>;
export type PositionRecord = DurableRecord<PositionValue, PositionContext>;

export interface PositionEntry {
  quantity: number;
  stopLoss: number | null;
  takeProfit: number | null;
  reason: string;
}

export interface PositionInput {
  /** Unique and short (≤ 15 chars): cl_ord_ids are `${positionId}-${n}` (Kraken: ≤ 18 chars). */
  positionId: string;
  pair: Pair;
  strategyVersion: string;
  entry: PositionEntry;
  now: number;
  timeouts?: Partial<PositionTimeouts>;
  resume?: Resume<PositionValue, PositionContext>;
}

export type PositionEvent =
  | { type: 'order.fill'; fill: Fill }
  | { type: 'order.update'; clOrdId: string; status: OrderStatus; venueOrderId: string | null; filledQuantity: number; time: number }
  | { type: 'market.price'; pair: Pair; price: number; time: number }
  | { type: 'position.close'; reason: ExitReason; time: number; quantity?: number }
  /** From the persister: a write failed after start. */
  | { type: 'store.failed'; error: ErrorInfo };

export type PositionEmitted =
  | { type: 'position.opened'; positionId: string; pair: Pair; quantity: number; entryPrice: number; at: number }
  | { type: 'position.closed'; positionId: string; pair: Pair; pnl: number; fees: number; exitReason: ExitReason; at: number }
  | { type: 'position.abandoned'; positionId: string; pair: Pair; clOrdId: string; status: OrderStatus; at: number }
  | { type: 'position.exitIncomplete'; positionId: string; pair: Pair; remaining: number; status: OrderStatus; at: number }
  /** The venue refused `refusals` exits in a row (the holding is not there?): the position sends no more until an operator closes it. */
  | { type: 'position.exitBlocked'; positionId: string; pair: Pair; remaining: number; refusals: number; reason: string; at: number }
  /** `error`: the send or query failure that left the outcome unknown (a VenueError, a KrakenError); null when the ack deadline passed. */
  | { type: 'order.unknown'; positionId: string; clOrdId: string; error: ErrorInfo | null; at: number }
  /** A fill the position learnt by asking the venue (not heard as it happened): the supervisor books and journals it. */
  | { type: 'position.fillFound'; positionId: string; fill: Fill; at: number }
  | { type: 'position.persistFailed'; positionId: string; error: ErrorInfo; at: number }
  /** A fill booked only in part (bookedQuantity) or not at all; the venue's fill as heard is in `fill`. */
  | ({ type: 'position.fillAnomaly'; positionId: string; pair: Pair; fill: Fill; heldQuantity: number; at: number } & FillAnomaly);

/**
 * Why a fill could not be booked as heard. oversell: a sell for more than held (the held part is booked);
 * wrongOrder: a pair or side other than its order's (nothing booked); tradeIdConflict: a trade id heard
 * before with other numbers (the first kept); invalid: quantity or price not > 0, or a negative fee.
 */
export type FillAnomalyKind = 'oversell' | 'wrongOrder' | 'tradeIdConflict' | 'invalid';

export interface FillAnomaly {
  kind: FillAnomalyKind;
  bookedQuantity: number;
  /** What was wrong, with the numbers, and what to check. */
  detail: string;
}

export interface PositionOutput {
  positionId: string;
  closed: ClosedPosition | null;
  exitReason: ExitReason | null;
}

/** What recordIntent writes and submitOrder sends: the order row's content. */
export interface OrderSpec {
  clOrdId: string;
  positionId: string;
  pair: Pair;
  side: Side;
  quantity: number;
  reason: string;
}

export type QueryOutput = { at: number; order: VenueOrder | null };
