/**
 * One trade: pendingEntry → open → pendingExit → closed, with partial fills and SL/TP watched on live
 * prices. Every order goes recordingIntent → submitting (inv. 4: the intent row with its cl_ord_id is
 * written before the send); an outcome not heard (ack timeout, transport error, a restart mid-order)
 * goes to reconciling, which asks the venue by cl_ord_id and never resends. Accounting is src/trading's
 * applyFill on this position's holding (inv. 1). Fills are deduplicated by trade id.
 */
import { and, assign, enqueueActions, fromCallback, fromPromise, setup, type EventObject } from 'xstate';
import type { ExitReason, Fill, OrderStatus, Pair, Position, Side } from '../src/contract/index.ts';
import { applyFill, createLedger, type ClosedPosition, type Holding } from '../src/trading/portfolio.ts';
import type { OrderAck, VenueOrder } from '../src/trading/venue.ts';
import { announceTo, notProvided, untilDeadline, type DurableRecord, type Resume, type StoreInput } from './shared.ts';

export const POSITION_MACHINE_VERSION = '1';

export interface PositionTimeouts {
  /** No ack this long after the send: outcome unknown → reconciling. */
  ackMs: number;
  /** An acked order not settled this long (fills missing): ask the venue. */
  settleMs: number;
  /** Pause between venue queries that did not find the order. */
  requeryMs: number;
  /** Queries that must all miss before an order is declared never placed. */
  maxQueries: number;
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
  timeouts: PositionTimeouts;
  resumeTo: string | null;
}

/** A persisted state value: 'open', 'closed', or { pendingEntry | pendingExit: substate }. */
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
  | { type: 'store.failed'; message: string };

export type PositionEmitted =
  | { type: 'position.opened'; positionId: string; pair: Pair; quantity: number; entryPrice: number; at: number }
  | { type: 'position.closed'; positionId: string; pair: Pair; pnl: number; fees: number; exitReason: ExitReason; at: number }
  | { type: 'position.abandoned'; positionId: string; pair: Pair; clOrdId: string; status: OrderStatus; at: number }
  | { type: 'position.exitIncomplete'; positionId: string; pair: Pair; remaining: number; status: OrderStatus; at: number }
  | { type: 'order.unknown'; positionId: string; clOrdId: string; at: number }
  | { type: 'position.persistFailed'; positionId: string; message: string; at: number };

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

function timeOf(e: PositionEvent): number {
  if (e.type === 'store.failed') return 0;
  return e.type === 'order.fill' ? e.fill.time : e.time;
}

const positionSetup = setup({
  types: {
    context: {} as PositionContext,
    events: {} as PositionEvent,
    input: {} as PositionInput,
    emitted: {} as PositionEmitted,
    output: {} as PositionOutput,
  },
  actors: {
    /** Writes the intent row (status 'intent'); idempotent for the same cl_ord_id. */
    recordIntent: fromPromise<{ at: number }, OrderSpec>(notProvided('position.recordIntent')),
    /** Queries by cl_ord_id first (a restored promise runs again), sends only when the venue has no such order. */
    submitOrder: fromPromise<{ at: number; ack: OrderAck }, OrderSpec>(notProvided('position.submitOrder')),
    queryOrder: fromPromise<QueryOutput, { clOrdId: string }>(notProvided('position.queryOrder')),
    persistState: fromCallback<EventObject, StoreInput>(notProvided('position.persistState')),
  },
  delays: {
    untilOrderDeadline: ({ context }) => untilDeadline(context.order?.deadline ?? null, context.now),
    requery: ({ context }) => context.timeouts.requeryMs,
  },
  guards: {
    resumingTo: ({ context }, p: { to: string }) => context.resumeTo === p.to,
    resumingUnder: ({ context }, p: { state: string }) => context.resumeTo?.startsWith(`${p.state}.`) ?? false,
    isNewFill: ({ context, event }) =>
      event.type === 'order.fill' && context.clOrdIds.includes(event.fill.clOrdId) && !context.fills.some((f) => f.tradeId === event.fill.tradeId),
    isOwnUpdate: ({ context, event }) => event.type === 'order.update' && event.clOrdId === context.order?.clOrdId,
    ackRefused: ({ event }) => (event as { output?: { ack: OrderAck } }).output?.ack.status === 'rejected',
    orderSettled: ({ context: { order: o } }) => o !== null && FINAL.includes(o.status) && o.filled >= o.venueFilled - EPS,
    venueNeverSawIt: ({ event }) => (event as { output?: QueryOutput }).output?.order === null,
    queriesLeft: ({ context }) => (context.order?.queries ?? 0) + 1 < context.timeouts.maxQueries,
    isHolding: ({ context }) => (context.holding?.quantity ?? 0) > 0,
    closeRequested: ({ context }) => context.closeRequested !== null,
    stopHit: ({ context, event }) => event.type === 'market.price' && event.pair === context.pair && context.stopLoss !== null && event.price <= context.stopLoss,
    targetHit: ({ context, event }) =>
      event.type === 'market.price' && event.pair === context.pair && context.takeProfit !== null && event.price >= context.takeProfit,
  },
  actions: {
    tick: assign({ now: ({ context, event }) => Math.max(context.now, timeOf(event)) }),
    tickAt: assign({ now: ({ context, event }) => Math.max(context.now, (event as { output?: { at: number } }).output?.at ?? context.now) }),
    clearResumeTo: assign({ resumeTo: null }),
    startEntry: assign(({ context }, p: PositionEntry) => newOrder(context, 'buy', p.quantity, p.reason)),
    startExit: assign(({ context, event }, p: { reason: ExitReason }) => {
      const held = context.holding?.quantity ?? 0;
      const asked = event.type === 'position.close' && event.quantity !== undefined ? Math.min(event.quantity, held) : held;
      return { ...newOrder(context, 'sell', asked, p.reason), exitReason: p.reason, closeRequested: null };
    }),
    requestClose: assign({ closeRequested: ({ event, context }) => (event.type === 'position.close' ? event.reason : context.closeRequested) }),
    applyFill: assign(({ context, event }) => {
      if (event.type !== 'order.fill') return {};
      const f = event.fill;
      const { holding, closed } = bookFill(context.holding, f);
      const own = context.order?.clOrdId === f.clOrdId ? { ...context.order, filled: context.order.filled + f.quantity } : context.order;
      const fees = f.side === 'buy' ? { entryFees: context.entryFees + f.fee } : { exitFees: context.exitFees + f.fee };
      return { holding, closed: closed ?? context.closed, order: own, fills: [...context.fills, f], ...fees };
    }),
    applyUpdate: assign({
      order: ({ context: { order: o }, event }) =>
        event.type === 'order.update' && o
          ? { ...o, status: event.status, venueOrderId: event.venueOrderId ?? o.venueOrderId, venueFilled: Math.max(o.venueFilled, event.filledQuantity) }
          : o,
    }),
    armDeadline: assign({
      order: ({ context: { order: o, now, timeouts } }, p: { ms: 'ackMs' | 'settleMs' }) => (o ? { ...o, deadline: now + timeouts[p.ms] } : o),
    }),
    /** An ack never downgrades a final status heard first on the execution feed. */
    acceptAck: assign({
      order: ({ context: { order: o }, event }) => {
        const ack = (event as { output?: { ack: OrderAck } }).output?.ack;
        if (!o || !ack) return o;
        return { ...o, status: FINAL.includes(o.status) ? o.status : ack.status, venueOrderId: ack.venueOrderId ?? o.venueOrderId };
      },
    }),
    countMiss: assign({ order: ({ context: { order: o } }) => (o ? { ...o, queries: o.queries + 1 } : o) }),
    markNeverPlaced: assign({ order: ({ context: { order: o } }) => (o ? { ...o, status: 'expired' as const } : o) }),
    markNotSent: assign({ order: ({ context: { order: o } }) => (o ? { ...o, status: 'rejected' as const } : o) }),
    /** The venue's word: status and filled quantity; its fills are replayed as events (deduplicated). */
    applyVenueOrder: enqueueActions(({ context: { order: o, fills }, event, enqueue }) => {
      const v = (event as { output?: QueryOutput }).output?.order;
      if (!o || !v) return;
      enqueue.assign({ order: { ...o, status: v.status, venueOrderId: v.venueOrderId ?? o.venueOrderId, venueFilled: Math.max(o.venueFilled, v.filledQuantity) } });
      for (const fill of v.fills) if (!fills.some((f) => f.tradeId === fill.tradeId)) enqueue.raise({ type: 'order.fill', fill });
    }),
    announceOpened: enqueueActions(({ context: c, enqueue, self }) => {
      const h = c.holding!;
      announceTo<PositionEmitted>(self, enqueue, { type: 'position.opened', positionId: c.positionId, pair: c.pair, quantity: h.quantity, entryPrice: h.entryPrice, at: c.now });
    }),
    announceClosed: enqueueActions(({ context: c, enqueue, self }) => {
      const pnl = c.closed?.pnl ?? 0;
      const event = { type: 'position.closed' as const, positionId: c.positionId, pair: c.pair, pnl, fees: c.entryFees + c.exitFees };
      announceTo<PositionEmitted>(self, enqueue, { ...event, exitReason: c.exitReason ?? 'manual', at: c.now });
    }),
    announceAbandoned: enqueueActions(({ context: c, enqueue, self }) => {
      const { clOrdId, status } = c.order!;
      announceTo<PositionEmitted>(self, enqueue, { type: 'position.abandoned', positionId: c.positionId, pair: c.pair, clOrdId, status, at: c.now });
    }),
    announceExitIncomplete: enqueueActions(({ context: c, enqueue, self }) => {
      const remaining = c.holding?.quantity ?? 0;
      announceTo<PositionEmitted>(self, enqueue, { type: 'position.exitIncomplete', positionId: c.positionId, pair: c.pair, remaining, status: c.order!.status, at: c.now });
    }),
    announceUnknown: enqueueActions(({ context: c, enqueue, self }) => {
      announceTo<PositionEmitted>(self, enqueue, { type: 'order.unknown', positionId: c.positionId, clOrdId: c.order!.clOrdId, at: c.now });
    }),
    reportPersistFailure: enqueueActions(({ context: c, event, enqueue, self }) => {
      const message = event.type === 'store.failed' ? event.message : String((event as { error?: unknown }).error);
      announceTo<PositionEmitted>(self, enqueue, { type: 'position.persistFailed', positionId: c.positionId, message, at: c.now });
    }),
  },
});

/** One order's life, the same for the entry and the exit; the compound state's onDone routes the result. */
const orderStates = {
  recordingIntent: {
    description: 'Writes the intent row with its cl_ord_id BEFORE anything is sent (inv. 4); a restart here writes it again, idempotently.',
    invoke: {
      id: 'recordIntent',
      src: 'recordIntent',
      input: ({ context }: { context: PositionContext }) => orderSpec(context),
      onDone: { target: 'submitting', actions: ['tickAt', { type: 'armDeadline', params: { ms: 'ackMs' } }] },
      onError: { target: 'failed', actions: 'markNotSent' },
    },
  },
  submitting: {
    description: 'The order is on its way; no ack by the deadline, or a transport error, means the outcome is unknown.',
    always: { guard: 'orderSettled', target: 'settled' },
    invoke: {
      id: 'submitOrder',
      src: 'submitOrder',
      input: ({ context }: { context: PositionContext }) => orderSpec(context),
      onDone: [
        { guard: 'ackRefused', target: 'settled', actions: ['tickAt', 'acceptAck'] },
        { target: 'working', actions: ['tickAt', 'acceptAck', { type: 'armDeadline', params: { ms: 'settleMs' } }] },
      ],
      onError: { target: 'reconciling' },
    },
    after: { untilOrderDeadline: 'reconciling' },
  },
  working: {
    description: 'Acked; fills and status updates arrive as events. Settled when final and every reported fill is booked.',
    always: { guard: 'orderSettled', target: 'settled' },
    after: { untilOrderDeadline: 'reconciling' },
  },
  reconciling: {
    description: 'Outcome unknown: asks the venue by cl_ord_id and NEVER resends. A miss is retried; maxQueries misses mean never placed.',
    entry: 'announceUnknown',
    invoke: {
      id: 'queryOrder',
      src: 'queryOrder',
      input: ({ context }: { context: PositionContext }) => ({ clOrdId: context.order!.clOrdId }),
      onDone: [
        { guard: and(['venueNeverSawIt', 'queriesLeft']), target: 'requerying', actions: ['tickAt', 'countMiss'] },
        { guard: 'venueNeverSawIt', target: 'settled', actions: ['tickAt', 'countMiss', 'markNeverPlaced'] },
        { target: 'working', actions: ['tickAt', 'applyVenueOrder', { type: 'armDeadline', params: { ms: 'settleMs' } }] },
      ],
      onError: { target: 'requerying' },
    },
  },
  requerying: {
    description: 'Waits before asking the venue again.',
    after: { requery: 'reconciling' },
  },
  settled: { type: 'final', description: 'The order reached a final status with its fills booked.' },
  failed: { type: 'final', description: 'The intent row could not be written, so nothing was sent.' },
} as const;

const fillsAndUpdates = {
  'store.failed': { actions: 'reportPersistFailure' },
  'order.fill': { guard: 'isNewFill', actions: ['tick', 'applyFill'] },
  'order.update': { guard: 'isOwnUpdate', actions: ['tick', 'applyUpdate'] },
} as const;

const exitOn = (reason: ExitReason) => ({ type: 'startExit' as const, params: { reason } });

export const positionMachine = positionSetup.createMachine({
  id: 'position',
  initial: 'resuming',
  context: ({ input }) => {
    if (input.resume) return { ...input.resume.context, now: Math.max(input.resume.context.now, input.resume.now), resumeTo: dotted(input.resume.value) };
    const base: PositionContext = {
      positionId: input.positionId, pair: input.pair, strategyVersion: input.strategyVersion, now: input.now, openedAt: input.now,
      holding: null, closed: null, stopLoss: input.entry.stopLoss, takeProfit: input.entry.takeProfit, entryFees: 0, exitFees: 0,
      exitReason: null, closeRequested: null, orderSeq: 0, order: null, clOrdIds: [], fills: [],
      timeouts: { ...DEFAULT_TIMEOUTS, ...input.timeouts }, resumeTo: null,
    };
    return { ...base, ...newOrder(base, 'buy', input.entry.quantity, input.entry.reason) };
  },
  invoke: { id: 'store', src: 'persistState', input: ({ context }) => ({ actorId: context.positionId }), onError: { actions: 'reportPersistFailure' } },
  on: fillsAndUpdates,
  output: ({ context }) => ({ positionId: context.positionId, closed: context.closed, exitReason: context.exitReason }),
  states: {
    resuming: {
      description: 'Routes a restored position after venue reconciliation: an order in flight goes to reconciling, never to a resend.',
      always: [
        { guard: { type: 'resumingTo', params: { to: 'pendingEntry.recordingIntent' } }, target: 'pendingEntry.recordingIntent', actions: 'clearResumeTo' },
        { guard: { type: 'resumingUnder', params: { state: 'pendingEntry' } }, target: 'pendingEntry.reconciling', actions: 'clearResumeTo' },
        { guard: { type: 'resumingTo', params: { to: 'pendingExit.recordingIntent' } }, target: 'pendingExit.recordingIntent', actions: 'clearResumeTo' },
        { guard: { type: 'resumingUnder', params: { state: 'pendingExit' } }, target: 'pendingExit.reconciling', actions: 'clearResumeTo' },
        { guard: { type: 'resumingTo', params: { to: 'open' } }, target: 'open', actions: 'clearResumeTo' },
        { guard: { type: 'resumingTo', params: { to: 'closed' } }, target: 'closed', actions: 'clearResumeTo' },
        { target: 'pendingEntry', actions: 'clearResumeTo' },
      ],
    },
    pendingEntry: {
      description: 'The buy order is being recorded, sent, filled (partially, maybe) or reconciled. A close asked now waits for it.',
      initial: 'recordingIntent',
      states: orderStates,
      on: { 'position.close': { actions: ['tick', 'requestClose'] } },
      onDone: [
        { guard: 'isHolding', target: 'open', actions: 'announceOpened' },
        { target: 'closed', actions: 'announceAbandoned' },
      ],
    },
    open: {
      description: 'Holding; stop-loss and take-profit watched on every live price of the pair.',
      always: { guard: 'closeRequested', target: 'pendingExit', actions: { type: 'startExit', params: ({ context }) => ({ reason: context.closeRequested ?? 'manual' }) } },
      on: {
        'market.price': [
          { guard: 'stopHit', target: 'pendingExit', actions: ['tick', exitOn('stop_loss')] },
          { guard: 'targetHit', target: 'pendingExit', actions: ['tick', exitOn('take_profit')] },
          { actions: 'tick' },
        ],
        'position.close': { target: 'pendingExit', actions: ['tick', { type: 'startExit', params: ({ event }) => ({ reason: event.reason }) }] },
      },
    },
    pendingExit: {
      description: 'The sell order is being recorded, sent, filled or reconciled; a remainder after it settles goes back to open.',
      initial: 'recordingIntent',
      states: orderStates,
      onDone: [
        { guard: 'isHolding', target: 'open', actions: 'announceExitIncomplete' },
        { target: 'closed', actions: 'announceClosed' },
      ],
    },
    closed: {
      type: 'final',
      description: 'Flat: the trade is done (or the entry never filled). The output carries the closed trade.',
    },
  },
});
