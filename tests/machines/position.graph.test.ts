import { describe, expect, it } from 'vitest';
import { fromCallback, fromPromise, type EventObject } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { positionMachine, type OrderSpec, type PositionEvent, type QueryOutput } from '../../machines/position.machine.ts';
import type { StoreInput } from '../../machines/shared.ts';
import type { OrderAck } from '../../src/trading/venue.ts';
import { fillOf, INPUT, T0 } from './position.fixtures.ts';

const never = <T>() => new Promise<T>(() => undefined);
const machine = positionMachine.provide({
  actors: {
    recordIntent: fromPromise<{ at: number }, OrderSpec>(never),
    submitOrder: fromPromise<{ at: number; ack: OrderAck }, OrderSpec>(never),
    queryOrder: fromPromise<QueryOutput, { clOrdId: string }>(never),
    persistState: fromCallback<EventObject, StoreInput>(() => undefined),
  },
});

const ack = (clOrdId: string, status: 'open' | 'rejected') => ({
  at: T0,
  ack: { clOrdId, venueOrderId: 'V', status, reason: null, filledQuantity: 0, fills: [] },
});
const ev = (type: string, extra: object = {}) => ({ type, ...extra }) as unknown as PositionEvent;
const after = (state: string) => ev(`xstate.after.untilOrderDeadline.position.${state}`);

/** Done/error events of every actor, the deadlines, and the venue's fills for entry (p1-1) and exit (p1-2). */
const events: PositionEvent[] = [
  ev('xstate.done.actor.recordIntent', { output: { at: T0 } }),
  ev('xstate.error.actor.recordIntent', { error: new Error('disk full') }),
  ev('xstate.done.actor.submitOrder', { output: ack('p1-1', 'open') }),
  ev('xstate.done.actor.submitOrder', { output: ack('p1-1', 'rejected') }),
  ev('xstate.error.actor.submitOrder', { error: new Error('socket closed') }),
  ev('xstate.done.actor.queryOrder', { output: { at: T0, order: null } }),
  ev('xstate.error.actor.queryOrder', { error: new Error('timeout') }),
  ...['pendingEntry.submitting', 'pendingEntry.working', 'pendingExit.submitting', 'pendingExit.working'].map(after),
  ev('xstate.after.requery.position.pendingEntry.requerying'),
  ev('xstate.after.requery.position.pendingExit.requerying'),
  { type: 'order.fill', fill: { ...fillOf('p1-1', 'buy', 3_000, 1), tradeId: 'E1' } },
  { type: 'order.update', clOrdId: 'p1-1', status: 'filled', venueOrderId: 'V', filledQuantity: 1, time: T0 },
  { type: 'order.fill', fill: { ...fillOf('p1-2', 'sell', 3_100, 1), tradeId: 'X1' } },
  { type: 'order.update', clOrdId: 'p1-2', status: 'filled', venueOrderId: 'V', filledQuantity: 1, time: T0 },
  { type: 'market.price', pair: 'ETH/USD', price: 2_000, time: T0 },
  { type: 'position.close', reason: 'signal', time: T0 },
];

// The graph is about state, order progress, holding and refused exits, not about timestamps.
type Ctx = {
  holding: { quantity: number } | null;
  order: { status: string; queries: number; filled: number } | null;
  closeRequested: unknown;
  exitRefusals: number;
};
const serializeState = (s: { value: unknown; context: Ctx }) =>
  JSON.stringify([
    s.value,
    s.context.holding?.quantity ?? 0,
    s.context.order?.status,
    s.context.order?.queries,
    s.context.order?.filled,
    s.context.closeRequested,
    s.context.exitRefusals,
  ]);

const paths = getShortestPaths(machine, { events, input: INPUT, serializeState, limit: 50_000 });
/** The order's own events only: every way an order can go, without the fills that multiply paths. */
const orderEvents = events.filter((e) => e.type.startsWith('xstate.') && !e.type.includes('pendingExit'));
const orderSerialize = (s: { value: unknown; context: { order: { status: string; queries: number } | null } }) =>
  JSON.stringify([s.value, s.context.order?.status, s.context.order?.queries]);
const simple = getSimplePaths(machine, { events: orderEvents, input: INPUT, serializeState: orderSerialize, limit: 50_000 });
const names = (v: unknown): string => (typeof v === 'string' ? v : Object.entries(v as object).map(([k, x]) => `${k}.${names(x)}`)[0]!);

describe('position machine: path coverage (xstate/graph)', () => {
  it('reaches every state of the lifecycle', () => {
    const reached = new Set(paths.map((p) => names(p.state.value)));
    expect(simple.length).toBeGreaterThan(5);
    for (const s of [
      'pendingEntry.recordingIntent',
      'pendingEntry.submitting',
      'pendingEntry.working',
      'pendingEntry.reconciling',
      'pendingEntry.requerying',
      'open',
      'pendingExit.submitting',
      'pendingExit.working',
      'pendingExit.reconciling',
      'exitBlocked',
      'closed',
    ]) {
      expect(reached).toContain(s);
    }
  });

  it('inv. 4: every simple path into submitting passes recordingIntent first', () => {
    let checked = 0;
    for (const p of [...simple, ...paths]) {
      const seq = [...p.steps.map((s) => names(s.state.value)), names(p.state.value)];
      seq.forEach((state, i) => {
        if (!state.endsWith('.submitting') || seq[i - 1]?.endsWith('.submitting')) return;
        checked += 1;
        expect(seq[i - 1]).toBe(state.replace('submitting', 'recordingIntent'));
      });
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('inv. 4: no path sends an order again after reconciling (submitting never follows reconciling for the same order)', () => {
    expect(simple.some((p) => p.steps.some((s) => names(s.state.value) === 'pendingEntry.reconciling'))).toBe(true);
    for (const p of simple) {
      const seq = p.steps.map((s) => names(s.state.value));
      const i = seq.indexOf('pendingEntry.reconciling');
      if (i >= 0) expect(seq.slice(i)).not.toContain('pendingEntry.submitting');
    }
  });
});
