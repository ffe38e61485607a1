/**
 * Pure functions behind the position machine's guards and assigns: context builders, order bookkeeping
 * and fill booking with the portfolio's own formula (inv. 1). No xstate, no clock, no I/O: each takes
 * the context (or a piece of it) and returns a value or a context patch.
 */
import type { ExitReason, Fill, OrderStatus, Position, Side } from '../src/contract/index.ts';
import { applyFill, createLedger, type ClosedPosition, type Holding } from '../src/trading/portfolio.ts';
import type { OrderAck, VenueOrder } from '../src/trading/venue.ts';
import type { OrderSpec, PositionContext, PositionEmitted, PositionEvent, PositionInput, PositionTimeouts, WorkingOrder } from './position-types.ts';

const DEFAULT_TIMEOUTS: PositionTimeouts = { ackMs: 15_000, settleMs: 30_000, requeryMs: 5_000, maxQueries: 3 };
const FINAL: readonly OrderStatus[] = ['filled', 'canceled', 'expired', 'rejected'];
const EPS = 1e-12;

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
    id: c.positionId, pair: c.pair, status, quantity: h?.quantity ?? 0, entryPrice: h?.entryPrice ?? c.closed?.entryPrice ?? 0,
    entryFees: c.entryFees, exitFees: c.exitFees, realizedPnl: c.closed?.pnl ?? h?.realizedPnl ?? 0, stopLoss: c.stopLoss,
    takeProfit: c.takeProfit, strategyVersion: c.strategyVersion, openedAt: c.openedAt, closedAt: status === 'closed' ? c.now : null,
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
  if (resume) return { ...resume.context, now: Math.max(resume.context.now, resume.now), resumeTo: dotted(resume.value) };
  const base: PositionContext = {
    positionId: input.positionId, pair: input.pair, strategyVersion: input.strategyVersion, now: input.now, openedAt: input.now,
    holding: null, closed: null, stopLoss: input.entry.stopLoss, takeProfit: input.entry.takeProfit, entryFees: 0, exitFees: 0,
    exitReason: null, closeRequested: null, orderSeq: 0, order: null, clOrdIds: [], fills: [],
    timeouts: { ...DEFAULT_TIMEOUTS, ...input.timeouts }, resumeTo: null,
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

export function isOwnNewFill(c: PositionContext, fill: Fill): boolean {
  return c.clOrdIds.includes(fill.clOrdId) && !c.fills.some((f) => f.tradeId === fill.tradeId);
}

/** The context after booking `fill`: holding, closed trade, the order's own progress, fees. */
export function withFill(c: PositionContext, fill: Fill): Partial<PositionContext> {
  const { holding, closed } = bookFill(c.holding, fill);
  const o = c.order;
  const order = o?.clOrdId === fill.clOrdId ? { ...o, filled: o.filled + fill.quantity } : o;
  const fees = fill.side === 'buy' ? { entryFees: c.entryFees + fill.fee } : { exitFees: c.exitFees + fill.fee };
  return { holding, closed: closed ?? c.closed, order, fills: [...c.fills, fill], ...fees };
}

export function isSettled(o: WorkingOrder | null): boolean {
  return o !== null && FINAL.includes(o.status) && o.filled >= o.venueFilled - EPS;
}

export function withUpdate(o: WorkingOrder, u: { status: OrderStatus; venueOrderId: string | null; filledQuantity: number }): WorkingOrder {
  return { ...o, status: u.status, venueOrderId: u.venueOrderId ?? o.venueOrderId, venueFilled: Math.max(o.venueFilled, u.filledQuantity) };
}

/** An ack never downgrades a final status heard first on the execution feed. */
export function withAck(o: WorkingOrder, ack: OrderAck): WorkingOrder {
  return { ...o, status: FINAL.includes(o.status) ? o.status : ack.status, venueOrderId: ack.venueOrderId ?? o.venueOrderId };
}

/** The venue's fills this position has not heard yet (replayed as order.fill events). */
export function unheardFills(c: PositionContext, v: VenueOrder): Fill[] {
  return v.fills.filter((fill) => !c.fills.some((f) => f.tradeId === fill.tradeId));
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

export function unknownEvent(c: PositionContext): PositionEmitted {
  return { type: 'order.unknown', positionId: c.positionId, clOrdId: c.order!.clOrdId, at: c.now };
}

/** A persister failure arrives as store.failed (after start) or as the invoke's error event (at start). */
export function persistFailedEvent(c: PositionContext, event: { type: string; message?: string; error?: unknown }): PositionEmitted {
  const message = event.type === 'store.failed' ? String(event.message) : String(event.error);
  return { type: 'position.persistFailed', positionId: c.positionId, message, at: c.now };
}
