import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import { positionActors } from '../../actors/position.actors.ts';
import { positionMachine, type PositionInput, type PositionRecord } from '../../machines/position.machine.ts';
import type { OrderAck, OrderRequest } from '../../src/trading/venue.ts';
import { FakeVenue, T0, world } from './fixtures.ts';

const INPUT: PositionInput = {
  positionId: 'p7',
  pair: 'ETH/USD',
  strategyVersion: 'v001',
  now: T0,
  entry: { quantity: 2, stopLoss: 2_900, takeProfit: 3_300, reason: 'breakout' },
};

function start(w: ReturnType<typeof world>, venue: FakeVenue, input: Partial<PositionInput> = {}) {
  const { orders, positions, machineSnapshots: snapshots } = w.repos;
  const machine = positionMachine.provide({ actors: positionActors({ venue, orders, positions, snapshots, clock: w.clock, log: w.log }) });
  const actor = createActor(machine, { input: { ...INPUT, ...input }, clock: w.clock });
  actor.start();
  return actor;
}
const fill = (clOrdId: string, side: 'buy' | 'sell', price: number, tradeId: string) => ({
  tradeId,
  clOrdId,
  pair: 'ETH/USD' as const,
  side,
  price,
  quantity: 2,
  fee: 1,
  liquidity: 'taker' as const,
  time: T0 + 1,
});

describe('position actors against the database and a fake venue', () => {
  it('inv. 4: the intent row with its cl_ord_id is in the database when the order is sent', async () => {
    const w = world();
    const venue = new FakeVenue();
    const seen: (string | undefined)[] = [];
    venue.onSend = (req) => seen.push(w.repos.orders.byClOrdId(req.clOrdId)?.status);
    const p = start(w, venue);
    await waitFor(p, (s) => s.matches({ pendingEntry: 'working' }));
    expect(seen).toEqual(['sent']);
    expect(w.repos.orders.byClOrdId('p7-1')).toMatchObject({ status: 'open', venueOrderId: 'V-p7-1', positionId: 'p7', quantity: 2 });
    p.stop();
  });

  it('an order the venue already has is not sent again (a restored promise re-runs)', async () => {
    const w = world();
    const venue = new FakeVenue();
    venue.known.set('p7-1', { clOrdId: 'p7-1', venueOrderId: 'V-old', status: 'open', filledQuantity: 0, fills: [] });
    const p = start(w, venue);
    await waitFor(p, (s) => s.matches({ pendingEntry: 'working' }));
    expect(venue.sent).toEqual([]);
    p.stop();
  });

  it('an ack that arrives after the fills on the feed settled the order does not rewrite its row (the stopped sender writes nothing)', async () => {
    const w = world();
    const venue = new FakeVenue();
    let reply!: () => void;
    venue.replyGate = new Promise<void>((resolve) => (reply = resolve));
    const sent = new Promise<void>((resolve) => (venue.onSend = () => resolve()));
    const p = start(w, venue);
    await sent;
    p.send({ type: 'order.fill', fill: fill('p7-1', 'buy', 3_000, 'TB') });
    p.send({ type: 'order.update', clOrdId: 'p7-1', status: 'filled', venueOrderId: 'V-p7-1', filledQuantity: 2, time: T0 + 1 });
    await waitFor(p, (s) => s.matches('open'));
    reply();
    await new Promise((resolve) => setImmediate(resolve));
    expect(w.repos.orders.byClOrdId('p7-1')).toMatchObject({ status: 'filled', filledQuantity: 2 });
    p.stop();
  });

  it('a full trade leaves the position closed, the orders filled, no fill row of its own (the journal is the only fills writer), and no snapshot to resume', async () => {
    const w = world();
    const venue = new FakeVenue();
    const p = start(w, venue);
    await waitFor(p, (s) => s.matches({ pendingEntry: 'working' }));
    const buy = fill('p7-1', 'buy', 3_000, 'TB');
    p.send({ type: 'order.fill', fill: buy });
    p.send({ type: 'order.fill', fill: buy });
    p.send({ type: 'order.update', clOrdId: 'p7-1', status: 'filled', venueOrderId: 'V-p7-1', filledQuantity: 2, time: T0 + 1 });
    expect(w.repos.positions.byId('p7')).toMatchObject({ status: 'open', quantity: 2, entryPrice: 3_000 });
    expect(w.repos.machineSnapshots.get('p7')?.snapshot).toMatchObject({ value: 'open' });
    p.send({ type: 'market.price', pair: 'ETH/USD', price: 3_300, time: T0 + 2 });
    await waitFor(p, (s) => s.matches({ pendingExit: 'working' }));
    p.send({ type: 'order.fill', fill: fill('p7-2', 'sell', 3_300, 'TS') });
    p.send({ type: 'order.update', clOrdId: 'p7-2', status: 'filled', venueOrderId: 'V-p7-2', filledQuantity: 2, time: T0 + 3 });
    expect(p.getSnapshot().status).toBe('done');
    expect(w.repos.positions.byId('p7')).toMatchObject({ status: 'closed', exitReason: 'take_profit', realizedPnl: 598 });
    expect(w.repos.fills.byClOrdId('p7-1')).toEqual([]);
    expect(w.repos.orders.byPosition('p7').map((o) => o.status)).toEqual(['filled', 'filled']);
    expect(w.repos.machineSnapshots.get('p7')).toBeUndefined();
  });

  it("an order settled by the venue's reports before its AddOrder reply keeps its filled row (the stopped send does not mark it unknown)", async () => {
    const w = world();
    // The reply never comes: the send waits until the position stops waiting for it.
    const venue = new (class extends FakeVenue {
      override submitOrder(_req: OrderRequest, signal?: AbortSignal): Promise<OrderAck> {
        return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('This operation was aborted'))));
      }
    })();
    const p = start(w, venue);
    await waitFor(p, (s) => s.matches({ pendingEntry: 'submitting' }));
    p.send({ type: 'order.fill', fill: fill('p7-1', 'buy', 3_000, 'ETH/USD:TB') });
    p.send({ type: 'order.update', clOrdId: 'p7-1', status: 'filled', venueOrderId: 'V-p7-1', filledQuantity: 2, time: T0 + 1 });
    await waitFor(p, (s) => s.matches('open'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(w.repos.orders.byClOrdId('p7-1')).toMatchObject({ status: 'filled', filledQuantity: 2 });
    p.stop();
  });

  it('a restart re-spawned from its machine_snapshots row reconciles and never resends', async () => {
    const w = world();
    const venue = new FakeVenue();
    const first = start(w, venue);
    await waitFor(first, (s) => s.matches({ pendingEntry: 'working' }));
    first.stop();
    const row = w.repos.machineSnapshots.get('p7')!.snapshot as PositionRecord;
    const second = start(w, venue, { resume: { ...row, now: T0 + 60_000 } });
    await waitFor(second, (s) => s.matches({ pendingEntry: 'working' }));
    expect(venue.sent).toHaveLength(1);
    second.stop();
  });

  it('issue 12: a conflicting cl_ord_id never rewrites the row it names (a filled order stays filled)', async () => {
    const w = world();
    const venue = new FakeVenue();
    w.repos.orders.insertIntent({
      clOrdId: 'p7-1',
      pair: 'ETH/USD',
      side: 'buy',
      type: 'market',
      quantity: 5,
      limitPrice: null,
      positionId: 'p7',
      reason: 'old',
      createdAt: T0 - 1,
    });
    w.repos.orders.updateStatus('p7-1', { status: 'filled', filledQuantity: 5, venueOrderId: 'V-old', updatedAt: T0 - 1 });
    const p = start(w, venue);
    await waitFor(p, (s) => s.status === 'done');
    expect(venue.sent).toEqual([]);
    expect(w.repos.orders.byClOrdId('p7-1')).toMatchObject({ status: 'filled', filledQuantity: 5, venueOrderId: 'V-old', quantity: 5 });
  });

  it('a cl_ord_id that names a different order is refused, and nothing is sent', async () => {
    const w = world();
    const venue = new FakeVenue();
    w.repos.orders.insertIntent({
      clOrdId: 'p7-1',
      pair: 'BTC/USD',
      side: 'buy',
      type: 'market',
      quantity: 1,
      limitPrice: null,
      positionId: 'other',
      reason: '',
      createdAt: T0,
    });
    const p = start(w, venue);
    await waitFor(p, (s) => s.status === 'done');
    expect(venue.sent).toEqual([]);
    expect(p.getSnapshot().output).toMatchObject({ positionId: 'p7', closed: null });
  });
});
