/**
 * Fixtures for position machine tests: fake actors that record what they were asked (in call order),
 * a venue whose answer each test sets, a SimulatedClock, and the emitted log.
 */
import { afterEach } from 'vitest';
import { createActor, fromCallback, fromPromise, SimulatedClock, waitFor, type Actor, type EventObject } from 'xstate';
import {
  positionMachine,
  type OrderSpec,
  type PositionEmitted,
  type PositionEvent,
  type PositionInput,
  type QueryOutput,
} from '../../machines/position.machine.ts';
import type { StoreInput } from '../../machines/shared.ts';
import type { Fill, Side } from '../../src/contract/index.ts';
import { VenueError, type OrderAck, type VenueOrder } from '../../src/trading/venue.ts';

export const T0 = Date.UTC(2025, 0, 6, 12);

export const INPUT: PositionInput = {
  positionId: 'p1',
  pair: 'ETH/USD',
  strategyVersion: 'v001',
  entry: { quantity: 1, stopLoss: 2_900, takeProfit: 3_300, reason: 'breakout' },
  now: T0,
  timeouts: { ackMs: 10_000, settleMs: 20_000, requeryMs: 5_000, maxQueries: 3 },
};

let trade = 0;
export function fillOf(clOrdId: string, side: Side, price: number, quantity: number, time = T0 + 1_000): Fill {
  trade += 1;
  return { tradeId: `T${trade}`, clOrdId, pair: 'ETH/USD', side, price, quantity, fee: price * quantity * 0.004, liquidity: 'taker', time };
}

/** How the fake venue answers a send: an ack, a refusal, silence, or a transport error. */
export type SendMode = 'ack' | 'refuse' | 'silent' | 'error';

const started: Actor<typeof positionMachine>[] = [];
afterEach(() => {
  for (const a of started.splice(0)) a.stop();
});

export function startPosition(input: Partial<PositionInput> = {}, known: VenueOrder[] = []) {
  const clock = new SimulatedClock();
  clock.set(input.resume?.now ?? T0);
  const calls: string[] = [];
  /** `answer` replaces fields of the ack a send gets (e.g. a recovered ack of a filled order). */
  const venue = { mode: 'ack' as SendMode, known: new Map(known.map((o) => [o.clOrdId, o])), answer: {} as Partial<OrderAck> };
  const machine = positionMachine.provide({
    actors: {
      recordIntent: fromPromise<{ at: number }, OrderSpec>(async ({ input: o }) => {
        calls.push(`recordIntent ${o.clOrdId} ${o.side} ${o.quantity}`);
        return { at: clock.now() };
      }),
      submitOrder: fromPromise<{ at: number; ack: OrderAck }, OrderSpec>(({ input: o }) => {
        calls.push(`submitOrder ${o.clOrdId}`);
        if (venue.mode === 'silent') return new Promise(() => undefined);
        if (venue.mode === 'error') return Promise.reject(new VenueError('unknown_outcome', 'socket closed mid-send', false));
        const status = venue.mode === 'refuse' ? 'rejected' : 'open';
        const ack: OrderAck = {
          clOrdId: o.clOrdId,
          venueOrderId: `V-${o.clOrdId}`,
          status,
          reason: venue.mode === 'refuse' ? 'EOrder:Insufficient funds' : null,
          filledQuantity: 0,
          fills: [],
          ...venue.answer,
        };
        return Promise.resolve({ at: clock.now(), ack });
      }),
      queryOrder: fromPromise<QueryOutput, { clOrdId: string }>(async ({ input: q }) => {
        calls.push(`queryOrder ${q.clOrdId}`);
        return { at: clock.now(), order: venue.known.get(q.clOrdId) ?? null };
      }),
      persistState: fromCallback<EventObject, StoreInput>(() => undefined),
    },
  });
  const actor = createActor(machine, { input: { ...INPUT, ...input }, clock });
  const emitted: PositionEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  started.push(actor);
  const send = (e: PositionEvent) => actor.send(e);
  const value = () => actor.getSnapshot().value;
  const until = (v: unknown) => waitFor(actor, (s) => JSON.stringify(s.value) === JSON.stringify(v));
  const order = () => actor.getSnapshot().context.order!;
  /** Plays the venue: a fill and the order's status after it. */
  const fill = (side: Side, price: number, quantity: number, status: 'partial' | 'filled' = 'filled', filledQuantity = quantity) => {
    const f = fillOf(order().clOrdId, side, price, quantity);
    send({ type: 'order.fill', fill: f });
    send({ type: 'order.update', clOrdId: f.clOrdId, status, venueOrderId: `V-${f.clOrdId}`, filledQuantity, time: f.time });
    return f;
  };
  return { actor, clock, calls, venue, emitted, send, value, until, order, fill, context: () => actor.getSnapshot().context };
}

/** Drives a fresh position to `open` with one full fill at `price`. */
export async function openPosition(price = 3_000) {
  const p = startPosition();
  await p.until({ pendingEntry: 'working' });
  p.fill('buy', price, 1);
  await p.until('open');
  return p;
}
