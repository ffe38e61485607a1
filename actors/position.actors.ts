/**
 * The position machine's I/O (inv. 4). recordIntent writes the order row before anything is sent and
 * is idempotent for the same cl_ord_id (a restart re-runs it). submitOrder marks the row sent, then the
 * venue, idempotent by cl_ord_id, places the order only when it has never seen it (a restored send runs
 * again); an actor stopped while it waited writes nothing, since its machine has moved on.
 * queryOrder only asks. The persister mirrors the machine into positions and orders; fills are written by
 * the supervisor's journal only (a found fill is announced to it as position.fillFound).
 */
import type { Logger } from 'pino';
import { fromPromise } from 'xstate';
import { POSITION_MACHINE_VERSION, positionRow, type OrderSpec, type PositionRecord, type QueryOutput } from '../machines/position.machine.ts';
import type { Clock } from '../src/clock/clock.ts';
import type { Order } from '../src/contract/index.ts';
import type { MachineSnapshotsRepo, OrdersRepo, PositionsRepo } from '../src/db/index.ts';
import type { OrderAck, Venue } from '../src/trading/venue.ts';
import { persistOwnerState } from './durable.actors.ts';
import { BrainError } from '../src/contract/errors.ts';

export interface PositionActorDeps {
  venue: Venue;
  orders: OrdersRepo;
  positions: PositionsRepo;
  snapshots: MachineSnapshotsRepo;
  clock: Clock;
  log: Logger;
}

export class OrderConflictError extends BrainError<'cl_ord_id_conflict'> {
  override readonly name = 'OrderConflictError';
  constructor(message: string) {
    super(message, { domain: 'position', code: 'cl_ord_id_conflict', retryable: false });
  }
}

function sameOrder(row: Order, o: OrderSpec): boolean {
  return row.pair === o.pair && row.side === o.side && row.quantity === o.quantity && row.positionId === o.positionId;
}

type Status = PositionRecord['context']['order'];

/** Mirrors the record into positions and the current order row (fills are the supervisor's journal's: one writer). */
function mirrorPosition(deps: PositionActorDeps, record: PositionRecord, now: number): void {
  const top = typeof record.value === 'string' ? record.value : Object.keys(record.value)[0]!;
  const status = top === 'resuming' ? 'pendingEntry' : (top as 'pendingEntry' | 'open' | 'pendingExit' | 'closed');
  const c = record.context;
  deps.positions.save(positionRow(c, status));
  mirrorOrder(deps, c.order, now);
}

function mirrorOrder(deps: PositionActorDeps, o: Status, now: number): void {
  // Until the ack, the row's status is the actors' (sent, unknown); the machine still says 'intent'.
  if (!o || o.status === 'intent') return;
  // The row keeps what the VENUE executed: a final row with more than its booked fills is completed at the next sweep or boot.
  const executed = Math.max(o.venueFilled, o.filled);
  const row = deps.orders.byClOrdId(o.clOrdId);
  if (!row || (row.status === o.status && row.filledQuantity === executed)) return;
  deps.orders.updateStatus(o.clOrdId, { status: o.status, filledQuantity: executed, venueOrderId: o.venueOrderId ?? undefined, updatedAt: now });
}

export function positionActors(deps: PositionActorDeps) {
  const { venue, orders, clock } = deps;
  return {
    recordIntent: fromPromise<{ at: number }, OrderSpec>(async ({ input: o }) => {
      const existing = orders.byClOrdId(o.clOrdId);
      if (existing && !sameOrder(existing, o)) {
        throw new OrderConflictError(
          `cl_ord_id ${o.clOrdId} already names a different order (${existing.side} ${existing.quantity} ${existing.pair}); position ids must be unique`,
        );
      }
      if (!existing) {
        orders.insertIntent({
          clOrdId: o.clOrdId,
          pair: o.pair,
          side: o.side,
          type: 'market',
          quantity: o.quantity,
          limitPrice: null,
          positionId: o.positionId,
          reason: o.reason,
          createdAt: clock.now(),
        });
      }
      return { at: clock.now() };
    }),
    submitOrder: fromPromise<{ at: number; ack: OrderAck }, OrderSpec>(async ({ input: o, signal }) => {
      const log = deps.log.child({ clOrdId: o.clOrdId, pair: o.pair, positionId: o.positionId });
      orders.updateStatus(o.clOrdId, { status: 'sent', updatedAt: clock.now() });
      log.info({ side: o.side, quantity: o.quantity, reason: o.reason }, 'order sent');
      try {
        // The venue looks the cl_ord_id up before placing it (a send that ran before a restart comes back as its ack).
        const ack = await venue.submitOrder({ clOrdId: o.clOrdId, pair: o.pair, side: o.side, type: 'market', quantity: o.quantity, limitPrice: null }, signal);
        if (ack.status === 'rejected') log.warn({ side: o.side, reason: ack.reason }, 'order refused by the venue');
        else log.info({ side: o.side, status: ack.status, venueOrderId: ack.venueOrderId, filled: ack.filledQuantity }, 'order accepted');
        // Stopped meanwhile (its fills on the feed settled it first): the machine has mirrored a later status.
        if (!signal.aborted)
          orders.updateStatus(o.clOrdId, {
            status: ack.status,
            venueOrderId: ack.venueOrderId ?? undefined,
            filledQuantity: ack.filledQuantity,
            updatedAt: clock.now(),
          });
        return { at: clock.now(), ack };
      } catch (err) {
        // Aborted: the position settled the order from the venue's own reports (its fills came over the private
        // line before this reply) and stopped waiting; the row holds what the mirror wrote, not 'unknown'.
        if (signal.aborted) throw err;
        orders.updateStatus(o.clOrdId, { status: 'unknown', updatedAt: clock.now() });
        log.warn({ err }, 'order outcome unknown: reconciling by cl_ord_id');
        throw err;
      }
    }),
    queryOrder: fromPromise<QueryOutput, { clOrdId: string }>(async ({ input, signal }) => ({
      at: clock.now(),
      // The order in flight waits on this answer: it goes ahead of background sweeps.
      order: await venue.queryOrder(input.clOrdId, signal, 'order'),
    })),
    persistState: persistOwnerState<PositionRecord['value'], PositionRecord['context']>({
      snapshots: deps.snapshots,
      clock,
      log: deps.log.child({ actor: 'position' }),
      machine: 'position',
      machineVersion: POSITION_MACHINE_VERSION,
      mirror: (record, now) => mirrorPosition(deps, record, now),
      isFinal: (record) => record.value === 'closed',
    }),
  };
}
