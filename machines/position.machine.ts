/**
 * One trade: pendingEntry → open → pendingExit → closed, with partial fills and SL/TP watched on live
 * prices. Every order goes recordingIntent → submitting (inv. 4: the intent row with its cl_ord_id is
 * written before the send); an outcome not heard (ack timeout, transport error, a restart mid-order)
 * goes to reconciling, which asks the venue by cl_ord_id and never resends. Accounting is src/trading's
 * applyFill on this position's holding (inv. 1). Fills are deduplicated by trade id; one that cannot be
 * booked as heard (oversell, wrong pair/side, conflicting trade id) is booked in part or not at all and
 * announced as position.fillAnomaly, never thrown: an exception in an action would crash the actor.
 * The pure work behind guards and assigns is in position-logic.ts; the data types in position-types.ts.
 */
import { and, assign, enqueueActions, fromCallback, fromPromise, not, setup, type EventObject } from 'xstate';
import type { ExitReason } from '../src/contract/index.ts';
import type { OrderAck, VenueOrder } from '../src/trading/venue.ts';
import * as logic from './position-logic.ts';
import type { OrderSpec, PositionContext, PositionEmitted, PositionEvent, PositionInput, PositionOutput, QueryOutput } from './position-types.ts';
import { announceTo, notProvided, untilDeadline, type StoreInput } from './shared.ts';

export { bookFill, orderSpec, positionRow } from './position-logic.ts';
export type * from './position-types.ts';

export const POSITION_MACHINE_VERSION = '1';

type Done<T> = { output?: T };
const outputOf = <T>(event: EventObject): T | undefined => (event as Done<T>).output;
const announce = announceTo<PositionEmitted>;
/** The venue's word on the current order: a recovered ack or a query's answer (both carry its executed quantity and fills). */
const venueWord = (event: EventObject): VenueOrder | null => {
  const out = outputOf<{ ack?: OrderAck; order?: VenueOrder | null }>(event);
  return out?.ack ?? out?.order ?? null;
};

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
    /** Marks the row sent, then sends through the venue, idempotent by cl_ord_id: an order it already has (a restored send) comes back as its ack. */
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
    isNewFill: ({ context, event }) => event.type === 'order.fill' && logic.isOwnNewFill(context, event.fill),
    isOwnUpdate: ({ context, event }) => event.type === 'order.update' && event.clOrdId === context.order?.clOrdId,
    ackRefused: ({ event }) => outputOf<{ ack: OrderAck }>(event)?.ack.status === 'rejected',
    orderSettled: ({ context }) => logic.isSettled(context.order),
    venueNeverSawIt: ({ event }) => outputOf<QueryOutput>(event)?.order === null,
    queriesLeft: ({ context }) => (context.order?.queries ?? 0) + 1 < context.timeouts.maxQueries,
    isHolding: ({ context }) => (context.holding?.quantity ?? 0) > 0,
    closeRequested: ({ context }) => context.closeRequested !== null,
    exitRefusedTooOften: ({ context }) => context.exitRefusals >= context.timeouts.maxExitRefusals,
    byOperator: ({ event }) => event.type === 'position.close' && (event.reason === 'manual' || event.reason === 'emergency'),
    stopHit: ({ context: c, event: e }) => e.type === 'market.price' && e.pair === c.pair && c.stopLoss !== null && e.price <= c.stopLoss,
    targetHit: ({ context: c, event: e }) => e.type === 'market.price' && e.pair === c.pair && c.takeProfit !== null && e.price >= c.takeProfit,
  },
  actions: {
    tick: assign({ now: ({ context, event }) => Math.max(context.now, logic.timeOf(event)) }),
    tickAt: assign({ now: ({ context, event }) => Math.max(context.now, outputOf<{ at: number }>(event)?.at ?? context.now) }),
    clearResumeTo: assign({ resumeTo: null }),
    startExit: assign(({ context, event }, p: { reason: ExitReason }) =>
      logic.exitOrder(context, p.reason, event.type === 'position.close' ? event.quantity : undefined),
    ),
    requestClose: assign({ closeRequested: ({ event, context }) => (event.type === 'position.close' ? event.reason : context.closeRequested) }),
    /** Books what the holding can take and reports the rest: a bad fill must not throw (it would crash the actor). */
    applyFill: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'order.fill') return;
      const { patch, anomaly } = logic.takeFill(context, event.fill);
      enqueue.assign(patch);
      if (anomaly) announce(self, enqueue, logic.fillAnomalyEvent(context, event.fill, context.holding?.quantity ?? 0, anomaly));
    }),
    applyUpdate: assign({ order: ({ context: { order: o }, event }) => (event.type === 'order.update' && o ? logic.withUpdate(o, event) : o) }),
    armDeadline: assign({
      order: ({ context: { order: o, now, timeouts } }, p: { ms: 'ackMs' | 'settleMs' }) => (o ? { ...o, deadline: now + timeouts[p.ms] } : o),
    }),
    /** The ack's status and, for an order found already executed, its executed quantity (its fills: replayFoundFills). */
    acceptAck: assign({
      order: ({ context: { order: o }, event }) => {
        const ack = outputOf<{ ack: OrderAck }>(event)?.ack;
        return o && ack ? logic.withAck(o, ack) : o;
      },
    }),
    countRefusal: assign(({ context, event }) => {
      const ack = outputOf<{ ack: OrderAck }>(event)?.ack;
      return ack ? logic.withRefusal(context, ack) : {};
    }),
    countMiss: assign({ order: ({ context: { order: o } }) => (o ? { ...o, queries: o.queries + 1 } : o) }),
    markNeverPlaced: assign({ order: ({ context: { order: o } }) => (o ? { ...o, status: 'expired' as const } : o) }),
    /** The venue's answer to a query: status and executed quantity (its fills: replayFoundFills). */
    applyVenueOrder: assign({
      order: ({ context: { order: o }, event }) => {
        const v = outputOf<QueryOutput>(event)?.order;
        return o && v ? logic.withUpdate(o, v) : o;
      },
    }),
    /** Fills the venue reported that were not heard as they happened: replayed as events (deduplicated) and announced for the ledger. */
    replayFoundFills: enqueueActions(({ context, event, enqueue, self }) => {
      const v = venueWord(event);
      if (!v) return;
      for (const fill of logic.unheardFills(context, v)) {
        enqueue.raise({ type: 'order.fill', fill });
        announce(self, enqueue, { type: 'position.fillFound', positionId: context.positionId, fill, at: context.now });
      }
    }),
    announceOpened: enqueueActions(({ context, enqueue, self }) => announce(self, enqueue, logic.openedEvent(context))),
    announceClosed: enqueueActions(({ context, enqueue, self }) => announce(self, enqueue, logic.closedEvent(context))),
    announceAbandoned: enqueueActions(({ context, enqueue, self }) => announce(self, enqueue, logic.abandonedEvent(context))),
    announceExitIncomplete: enqueueActions(({ context, enqueue, self }) => announce(self, enqueue, logic.exitIncompleteEvent(context))),
    announceExitBlocked: enqueueActions(({ context, enqueue, self }) => announce(self, enqueue, logic.exitBlockedEvent(context))),
    resetRefusals: assign({ exitRefusals: 0 }),
    announceUnknown: enqueueActions(({ context, event, enqueue, self }) => announce(self, enqueue, logic.unknownEvent(context, event))),
    reportPersistFailure: enqueueActions(({ context, event, enqueue, self }) => announce(self, enqueue, logic.persistFailedEvent(context, event))),
  },
});

/** One order's life, the same for the entry and the exit; the compound state's onDone routes the result. */
const orderStates = {
  recordingIntent: {
    description: 'Writes the intent row with its cl_ord_id BEFORE anything is sent (inv. 4); a restart here writes it again, idempotently.',
    invoke: {
      id: 'recordIntent',
      src: 'recordIntent',
      input: ({ context }: { context: PositionContext }) => logic.orderSpec(context),
      onDone: { target: 'submitting', actions: ['tickAt', { type: 'armDeadline', params: { ms: 'ackMs' } }] },
      // The order stays 'intent' (never sent): any other status would be mirrored onto whatever row holds its cl_ord_id.
      onError: { target: 'failed' },
    },
  },
  submitting: {
    description: 'The order is on its way; no ack by the deadline, or a transport error, means the outcome is unknown.',
    always: { guard: 'orderSettled', target: 'settled' },
    invoke: {
      id: 'submitOrder',
      src: 'submitOrder',
      input: ({ context }: { context: PositionContext }) => logic.orderSpec(context),
      onDone: [
        { guard: 'ackRefused', target: 'settled', actions: ['tickAt', 'acceptAck', 'countRefusal'] },
        { target: 'working', actions: ['tickAt', 'acceptAck', 'replayFoundFills', { type: 'armDeadline', params: { ms: 'settleMs' } }] },
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
        { target: 'working', actions: ['tickAt', 'applyVenueOrder', 'replayFoundFills', { type: 'armDeadline', params: { ms: 'settleMs' } }] },
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

const exitOn = (reason: ExitReason) => ({ type: 'startExit' as const, params: { reason } });
const resumeTo = (to: string, target = to) => ({ guard: { type: 'resumingTo' as const, params: { to } }, target, actions: 'clearResumeTo' as const });
const resumeUnder = (state: string, target: string) => ({
  guard: { type: 'resumingUnder' as const, params: { state } },
  target,
  actions: 'clearResumeTo' as const,
});

export const positionMachine = positionSetup.createMachine({
  id: 'position',
  initial: 'resuming',
  context: ({ input }) => logic.initialContext(input),
  invoke: { id: 'store', src: 'persistState', input: ({ context }) => ({ actorId: context.positionId }), onError: { actions: 'reportPersistFailure' } },
  on: {
    'store.failed': { actions: 'reportPersistFailure' },
    'order.fill': { guard: 'isNewFill', actions: ['tick', 'applyFill'] },
    'order.update': { guard: 'isOwnUpdate', actions: ['tick', 'applyUpdate'] },
  },
  output: ({ context }) => ({ positionId: context.positionId, closed: context.closed, exitReason: context.exitReason }),
  states: {
    resuming: {
      description: 'Routes a restored position after venue reconciliation: an order in flight goes to reconciling, never to a resend.',
      always: [
        resumeTo('pendingEntry.recordingIntent'),
        resumeUnder('pendingEntry', 'pendingEntry.reconciling'),
        resumeTo('pendingExit.recordingIntent'),
        resumeUnder('pendingExit', 'pendingExit.reconciling'),
        resumeTo('open'),
        resumeTo('exitBlocked'),
        resumeTo('closed'),
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
      always: [
        // A late sell fill of an earlier exit can sell the rest while open: flat is closed.
        { guard: not('isHolding'), target: 'closed', actions: 'announceClosed' },
        {
          guard: 'closeRequested',
          target: 'pendingExit',
          actions: { type: 'startExit', params: ({ context }) => ({ reason: context.closeRequested ?? 'manual' }) },
        },
      ],
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
        { guard: and(['isHolding', 'exitRefusedTooOften']), target: 'exitBlocked', actions: 'announceExitBlocked' },
        { guard: 'isHolding', target: 'open', actions: 'announceExitIncomplete' },
        { target: 'closed', actions: 'announceClosed' },
      ],
    },
    exitBlocked: {
      description:
        'The venue refused maxExitRefusals exits in a row (the holding is not there?): nothing more is sent, the supervisor reconciles balances and alerts; only an operator close (manual, emergency) tries again.',
      always: { guard: not('isHolding'), target: 'closed', actions: 'announceClosed' },
      on: {
        'position.close': {
          guard: 'byOperator',
          target: 'pendingExit',
          actions: ['tick', 'resetRefusals', { type: 'startExit', params: ({ event }) => ({ reason: event.reason }) }],
        },
      },
    },
    closed: {
      type: 'final',
      description: 'Flat: the trade is done (or the entry never filled). The output carries the closed trade.',
    },
  },
});
