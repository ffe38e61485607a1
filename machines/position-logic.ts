/**
 * Pure functions behind the position machine's guards and assigns: context builders, order bookkeeping
 * and fill booking with the portfolio's own formula (inv. 1). No xstate, no clock, no I/O: each takes
 * the context (or a piece of it) and returns a value or a context patch.
 */
import type { ExitReason, Fill, OrderStatus, Position, Side } from '../src/contract/index.ts';
import { applyFill, createLedger, type ClosedPosition, type Holding } from '../src/trading/portfolio.ts';
import type { OrderAck, VenueOrder } from '../src/trading/venue.ts';
import type {
  FillAnomaly,
  OrderSpec,
  PositionContext,
  PositionEmitted,
  PositionEvent,
  PositionInput,
  PositionTimeouts,
  WorkingOrder,
} from './position-types.ts';
import { toErrorInfo } from '../src/contract/errors.ts';

const DEFAULT_TIMEOUTS: PositionTimeouts = { ackMs: 15_000, settleMs: 30_000, requeryMs: 5_000, maxQueries: 3, maxExitRefusals: 3 };
const FINAL: readonly OrderStatus[] = ['filled', 'canceled', 'expired', 'rejected'];
/** Below Kraken's smallest lot (8 decimals): float noise between vol_exec and the sum of the fills. */
const EPS = 1e-9;

/** Books one fill on this position's holding with the portfolio's own formula. */
export function bookFill(h: Holding | null, fill: Fill): { holding: Holding | null; closed: ClosedPosition | null } {
  const ledger = createLedger(0);
  if (h) {
    ledger.holdings[h.pair] = { ...h };
    ledger.openCount = 1;
  }
  const closed = applyFill(ledger, fill);
  return { holding: ledger.holdings[fill.pair] ?? null, closed };
}

/** The positions-table row for this machine's context. */
export function positionRow(c: PositionContext, status: Position['status']): Position {
  const h = c.holding;
  return {
    id: c.positionId,
    pair: c.pair,
    status,
    quantity: h?.quantity ?? 0,
    entryPrice: h?.entryPrice ?? c.closed?.entryPrice ?? 0,
    entryFees: c.entryFees,
    exitFees: c.exitFees,
    realizedPnl: c.closed?.pnl ?? h?.realizedPnl ?? 0,
    stopLoss: c.stopLoss,
    takeProfit: c.takeProfit,
    strategyVersion: c.strategyVersion,
    openedAt: c.openedAt,
    closedAt: status === 'closed' ? c.now : null,
    exitReason: c.exitReason,
  };
}

export function orderSpec(c: PositionContext): OrderSpec {
  const o = c.order!;
  return { clOrdId: o.clOrdId, positionId: c.positionId, pair: c.pair, side: o.side, quantity: o.quantity, reason: o.reason };
}

function newOrder(c: PositionContext, side: Side, quantity: number, reason: string): Partial<PositionContext> {
  const orderSeq = c.orderSeq + 1;
  const clOrdId = `${c.positionId}-${orderSeq}`;
  const order: WorkingOrder = { clOrdId, side, quantity, reason, status: 'intent', venueOrderId: null, venueFilled: 0, filled: 0, deadline: null, queries: 0 };
  return { orderSeq, order, clOrdIds: [...c.clOrdIds, clOrdId] };
}

/** Dotted form of a persisted state value, e.g. 'pendingEntry.working'. */
function dotted(value: string | Record<string, string>): string {
  if (typeof value === 'string') return value;
  const [k, v] = Object.entries(value)[0] ?? ['closed', ''];
  return `${k}.${v}`;
}

/** A fresh position with its entry order in intent, or a restored one remembering where to resume. */
export function initialContext(input: PositionInput): PositionContext {
  const { resume } = input;
  if (resume) {
    // Rows written before exit refusals were counted lack those fields: they start at none.
    const c: PositionContext = { ...resume.context, exitRefusals: resume.context.exitRefusals ?? 0, lastRefusal: resume.context.lastRefusal ?? null };
    return { ...c, timeouts: { ...DEFAULT_TIMEOUTS, ...c.timeouts }, now: Math.max(c.now, resume.now), resumeTo: dotted(resume.value) };
  }
  const base: PositionContext = {
    positionId: input.positionId,
    pair: input.pair,
    strategyVersion: input.strategyVersion,
    now: input.now,
    openedAt: input.now,
    holding: null,
    closed: null,
    stopLoss: input.entry.stopLoss,
    takeProfit: input.entry.takeProfit,
    entryFees: 0,
    exitFees: 0,
    exitReason: null,
    closeRequested: null,
    orderSeq: 0,
    order: null,
    clOrdIds: [],
    fills: [],
    exitRefusals: 0,
    lastRefusal: null,
    timeouts: { ...DEFAULT_TIMEOUTS, ...input.timeouts },
    resumeTo: null,
  };
  return { ...base, ...newOrder(base, 'buy', input.entry.quantity, input.entry.reason) };
}

export function timeOf(e: PositionEvent): number {
  if (e.type === 'store.failed') return 0;
  return e.type === 'order.fill' ? e.fill.time : e.time;
}

/** A sell of `quantity` (all of the holding when absent; never more than held). */
export function exitOrder(c: PositionContext, reason: ExitReason, quantity?: number): Partial<PositionContext> {
  const held = c.holding?.quantity ?? 0;
  const asked = quantity !== undefined ? Math.min(quantity, held) : held;
  return { ...newOrder(c, 'sell', asked, reason), exitReason: reason, closeRequested: null };
}

/** Ours, and not an exact repeat of a fill already heard (a repeat with other numbers is an anomaly). */
export function isOwnNewFill(c: PositionContext, fill: Fill): boolean {
  return c.clOrdIds.includes(fill.clOrdId) && !isRepeat(c, fill);
}

function isRepeat(c: PositionContext, fill: Fill): boolean {
  return c.fills.some((f) => f.tradeId === fill.tradeId && describe(f) === describe(fill));
}

/** The numbers a trade id must keep (time and liquidity may be reported differently by feed and query). */
function describe(f: Fill): string {
  return `${f.side} ${f.quantity} ${f.pair} @ ${f.price} fee ${f.fee} on ${f.clOrdId}`;
}

// The ledger's own tolerance for float noise in a sell of everything (portfolio.ts sellFrom).
const DUST = 1e-12;

/**
 * The context after hearing `fill`, and what was wrong with it. Never throws (an exception in an action
 * would crash the actor): what cannot be booked is reported instead. A fill the venue executed against
 * our order counts toward the order's progress even when the holding cannot take it, or the order could
 * never settle and would be reconciled forever.
 */
export function takeFill(c: PositionContext, fill: Fill): { patch: Partial<PositionContext>; anomaly: FillAnomaly | null } {
  if (isRepeat(c, fill)) return { patch: {}, anomaly: null };
  const refused = unusable(c, fill);
  if (refused) return { patch: {}, anomaly: { ...refused, bookedQuantity: 0 } };
  const wrong = wrongOrder(c, fill);
  const book = wrong ? null : withinHolding(c, fill);
  const patch = withFill(c, fill, book);
  if (wrong) return { patch, anomaly: { kind: 'wrongOrder', bookedQuantity: 0, detail: wrong } };
  if (book === fill) return { patch, anomaly: null };
  const booked = book?.quantity ?? 0;
  const detail = `sell ${fill.tradeId} of ${fill.quantity} ${fill.pair} exceeds the ${booked} this position held: booked ${booked}; reconcile the ${fill.pair} balance with the venue`;
  return { patch, anomaly: { kind: 'oversell', bookedQuantity: booked, detail } };
}

/** A fill nothing can be done with: nothing is booked or remembered. */
function unusable(c: PositionContext, fill: Fill): Omit<FillAnomaly, 'bookedQuantity'> | null {
  const earlier = c.fills.find((f) => f.tradeId === fill.tradeId);
  if (earlier) {
    return {
      kind: 'tradeIdConflict',
      detail: `trade ${fill.tradeId} was heard as ${describe(earlier)} and now as ${describe(fill)}: the first is kept; compare with the venue's trade history`,
    };
  }
  const valid =
    Number.isFinite(fill.quantity) && fill.quantity > 0 && Number.isFinite(fill.price) && fill.price > 0 && Number.isFinite(fill.fee) && fill.fee >= 0;
  return valid ? null : { kind: 'invalid', detail: `fill ${fill.tradeId} must have quantity and price > 0 and fee ≥ 0, got ${describe(fill)}: nothing booked` };
}

/** Why the fill does not match its order's pair and side, or null. */
function wrongOrder(c: PositionContext, fill: Fill): string | null {
  // Only the current order is kept; the entry is always the first cl_ord_id and every later one an exit.
  const side = c.order?.clOrdId === fill.clOrdId ? c.order.side : fill.clOrdId === c.clOrdIds[0] ? 'buy' : 'sell';
  if (fill.pair === c.pair && fill.side === side) return null;
  return `fill ${fill.tradeId} is a ${fill.side} of ${fill.pair} but order ${fill.clOrdId} is a ${side} of ${c.pair}: nothing booked; check the venue's trade history for ${fill.clOrdId}`;
}

/** The fill itself, or a sell cut to the held quantity (its fee pro rata), or null when nothing is held. */
function withinHolding(c: PositionContext, fill: Fill): Fill | null {
  const held = c.holding?.quantity ?? 0;
  if (fill.side === 'buy' || fill.quantity <= held * (1 + DUST)) return fill;
  return held > 0 ? { ...fill, quantity: held, fee: (fill.fee * held) / fill.quantity } : null;
}

/** Books `book` (a fill or its held part) on the holding; the order counts and the fills list keeps `fill` as heard. */
function withFill(c: PositionContext, fill: Fill, book: Fill | null): Partial<PositionContext> {
  const o = c.order;
  const order = o?.clOrdId === fill.clOrdId ? { ...o, filled: o.filled + fill.quantity } : o;
  const remembered = { order, fills: [...c.fills, fill] };
  if (!book) return remembered;
  const { holding, closed } = bookFill(c.holding, book);
  // A sell that fills proves the holding is there: refusals count again from zero.
  const fees = book.side === 'buy' ? { entryFees: c.entryFees + book.fee } : { exitFees: c.exitFees + book.fee, exitRefusals: 0 };
  return { ...remembered, holding, closed: closed ?? c.closed, ...fees };
}

export function isSettled(o: WorkingOrder | null): boolean {
  return o !== null && FINAL.includes(o.status) && o.filled >= o.venueFilled - EPS;
}

export function withUpdate(o: WorkingOrder, u: { status: OrderStatus; venueOrderId: string | null; filledQuantity: number }): WorkingOrder {
  return { ...o, status: u.status, venueOrderId: u.venueOrderId ?? o.venueOrderId, venueFilled: Math.max(o.venueFilled, u.filledQuantity) };
}

/** An ack never downgrades a final status heard first on the execution feed; a recovered one brings the executed quantity. */
export function withAck(o: WorkingOrder, ack: OrderAck): WorkingOrder {
  const status = FINAL.includes(o.status) ? o.status : ack.status;
  return { ...o, status, venueOrderId: ack.venueOrderId ?? o.venueOrderId, venueFilled: Math.max(o.venueFilled, ack.filledQuantity) };
}

/** A refused exit counts toward maxExitRefusals (an entry refusal just abandons the position). */
export function withRefusal(c: PositionContext, ack: OrderAck): Partial<PositionContext> {
  if (c.order?.side !== 'sell') return {};
  return { exitRefusals: c.exitRefusals + 1, lastRefusal: ack.reason ?? ack.status };
}

/** The venue's fills this position has not heard as they are (replayed as order.fill events, judged there). */
export function unheardFills(c: PositionContext, v: VenueOrder): Fill[] {
  return v.fills.filter((fill) => !isRepeat(c, fill));
}

// What the position announces to the supervisor (and to `actor.on` observers), built from its context.

export function openedEvent(c: PositionContext): PositionEmitted {
  const h = c.holding!;
  return { type: 'position.opened', positionId: c.positionId, pair: c.pair, quantity: h.quantity, entryPrice: h.entryPrice, at: c.now };
}

export function closedEvent(c: PositionContext): PositionEmitted {
  const fees = c.entryFees + c.exitFees;
  return { type: 'position.closed', positionId: c.positionId, pair: c.pair, pnl: c.closed?.pnl ?? 0, fees, exitReason: c.exitReason ?? 'manual', at: c.now };
}

export function abandonedEvent(c: PositionContext): PositionEmitted {
  const { clOrdId, status } = c.order!;
  return { type: 'position.abandoned', positionId: c.positionId, pair: c.pair, clOrdId, status, at: c.now };
}

export function exitIncompleteEvent(c: PositionContext): PositionEmitted {
  const remaining = c.holding?.quantity ?? 0;
  return { type: 'position.exitIncomplete', positionId: c.positionId, pair: c.pair, remaining, status: c.order!.status, at: c.now };
}

export function exitBlockedEvent(c: PositionContext): PositionEmitted {
  const remaining = c.holding?.quantity ?? 0;
  return {
    type: 'position.exitBlocked',
    positionId: c.positionId,
    pair: c.pair,
    remaining,
    refusals: c.exitRefusals,
    reason: c.lastRefusal ?? 'refused',
    at: c.now,
  };
}

export function unknownEvent(c: PositionContext, event: { type: string; error?: unknown }): PositionEmitted {
  const error = event.type.startsWith('xstate.error.') ? toErrorInfo(event.error) : null;
  return { type: 'order.unknown', positionId: c.positionId, clOrdId: c.order!.clOrdId, error, at: c.now };
}

export function fillAnomalyEvent(c: PositionContext, fill: Fill, heldQuantity: number, anomaly: FillAnomaly): PositionEmitted {
  return { type: 'position.fillAnomaly', positionId: c.positionId, pair: c.pair, fill, heldQuantity, at: c.now, ...anomaly };
}

/** A persister failure arrives as store.failed (after start) or as the invoke's error event (at start). */
export function persistFailedEvent(c: PositionContext, event: { type: string; error?: unknown }): PositionEmitted {
  return { type: 'position.persistFailed', positionId: c.positionId, error: toErrorInfo(event.error), at: c.now };
}
