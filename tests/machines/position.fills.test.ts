import { describe, expect, it } from 'vitest';
import type { PositionEmitted } from '../../machines/position.machine.ts';
import { fillOf, openPosition, startPosition, T0 } from './position.fixtures.ts';

type Anomaly = Extract<PositionEmitted, { type: 'position.fillAnomaly' }>;
const anomalies = (e: PositionEmitted[]) => e.filter((x): x is Anomaly => x.type === 'position.fillAnomaly');

/** An open position of 1 ETH with its exit order (p1-2) working. */
async function exiting() {
  const p = await openPosition(3_000);
  p.send({ type: 'position.close', reason: 'signal', time: T0 + 5 });
  await p.until({ pendingExit: 'working' });
  return p;
}

describe('position machine: fills that cannot be booked as heard', () => {
  it('a sell fill for more than held books the held quantity, reports an oversell and still closes the trade', async () => {
    const p = await exiting();
    const f = fillOf('p1-2', 'sell', 3_100, 1.5);
    p.send({ type: 'order.fill', fill: f });
    p.send({ type: 'order.update', clOrdId: 'p1-2', status: 'filled', venueOrderId: 'V2', filledQuantity: 1.5, time: f.time });
    expect(p.actor.getSnapshot().status).toBe('done');
    expect(p.value()).toBe('closed');
    expect(anomalies(p.emitted)).toMatchObject([{ kind: 'oversell', bookedQuantity: 1, heldQuantity: 1, fill: f, positionId: 'p1', pair: 'ETH/USD' }]);
    expect(p.context().closed?.quantity).toBe(1);
    expect(p.context().exitFees).toBeCloseTo(f.fee / 1.5);
    expect(p.emitted.at(-1)).toMatchObject({ type: 'position.closed', exitReason: 'signal' });
  });

  it('a sell fill after everything was sold books nothing and the order still settles', async () => {
    const p = await exiting();
    p.send({ type: 'order.fill', fill: fillOf('p1-2', 'sell', 3_100, 1) });
    const extra = fillOf('p1-2', 'sell', 3_100, 0.2);
    p.send({ type: 'order.fill', fill: extra });
    expect(anomalies(p.emitted)).toMatchObject([{ kind: 'oversell', bookedQuantity: 0, heldQuantity: 0 }]);
    expect(p.context().closed?.quantity).toBe(1);
    p.send({ type: 'order.update', clOrdId: 'p1-2', status: 'filled', venueOrderId: 'V2', filledQuantity: 1.2, time: extra.time });
    expect(p.value()).toBe('closed');
  });

  it('a fill of the wrong side for its order books nothing, is reported and counts toward the order so it settles', async () => {
    const p = startPosition();
    await p.until({ pendingEntry: 'working' });
    const f = fillOf('p1-1', 'sell', 3_000, 1);
    p.send({ type: 'order.fill', fill: f });
    expect(p.context().holding).toBeNull();
    expect(anomalies(p.emitted)).toMatchObject([{ kind: 'wrongOrder', bookedQuantity: 0, fill: f }]);
    p.send({ type: 'order.update', clOrdId: 'p1-1', status: 'filled', venueOrderId: 'V1', filledQuantity: 1, time: f.time });
    expect(p.value()).toBe('closed');
    expect(p.emitted.at(-1)).toMatchObject({ type: 'position.abandoned', clOrdId: 'p1-1' });
  });

  it('a fill of another pair than the position books nothing and is reported', async () => {
    const p = startPosition();
    await p.until({ pendingEntry: 'working' });
    p.send({ type: 'order.fill', fill: { ...fillOf('p1-1', 'buy', 95_000, 0.01), pair: 'BTC/USD' } });
    expect(p.context().holding).toBeNull();
    expect(p.context().entryFees).toBe(0);
    expect(anomalies(p.emitted)).toMatchObject([{ kind: 'wrongOrder', detail: expect.stringContaining('BTC/USD') }]);
    expect(p.value()).toEqual({ pendingEntry: 'working' });
  });

  it('a trade id heard again with other numbers keeps the first booking and is reported; an exact repeat is silent', async () => {
    const p = startPosition();
    await p.until({ pendingEntry: 'working' });
    const f = fillOf('p1-1', 'buy', 3_000, 0.5);
    p.send({ type: 'order.fill', fill: f });
    p.send({ type: 'order.fill', fill: f });
    expect(anomalies(p.emitted)).toEqual([]);
    p.send({ type: 'order.fill', fill: { ...f, quantity: 0.7 } });
    expect(p.context().holding?.quantity).toBeCloseTo(0.5);
    expect(p.order().filled).toBeCloseTo(0.5);
    expect(anomalies(p.emitted)).toMatchObject([{ kind: 'tradeIdConflict', bookedQuantity: 0, fill: { tradeId: f.tradeId, quantity: 0.7 } }]);
  });

  it('a fill with a zero quantity or a negative fee books nothing and is reported instead of crashing the actor', async () => {
    const p = startPosition();
    await p.until({ pendingEntry: 'working' });
    p.send({ type: 'order.fill', fill: { ...fillOf('p1-1', 'buy', 3_000, 1), quantity: 0 } });
    p.send({ type: 'order.fill', fill: { ...fillOf('p1-1', 'buy', 3_000, 1), fee: -1 } });
    expect(p.actor.getSnapshot().status).toBe('active');
    expect(p.context().holding).toBeNull();
    expect(anomalies(p.emitted).map((a) => a.kind)).toEqual(['invalid', 'invalid']);
    p.fill('buy', 3_000, 1);
    expect(p.value()).toBe('open');
  });

  it('a venue query that returns a booked trade id with other numbers reports the conflict', async () => {
    const p = startPosition();
    await p.until({ pendingEntry: 'working' });
    const f = fillOf('p1-1', 'buy', 3_000, 1);
    p.send({ type: 'order.fill', fill: f });
    p.venue.known.set('p1-1', { clOrdId: 'p1-1', venueOrderId: 'V1', status: 'filled', filledQuantity: 1, fills: [{ ...f, price: 3_001 }] });
    p.clock.increment(20_000);
    await p.until('open');
    expect(anomalies(p.emitted)).toMatchObject([{ kind: 'tradeIdConflict', fill: { tradeId: f.tradeId, price: 3_001 } }]);
    expect(p.context().holding?.entryPrice).toBe(3_000);
  });

  it('a late sell fill of an earlier exit that sells the rest while open closes the position', async () => {
    const p = await exiting();
    const part = fillOf('p1-2', 'sell', 3_050, 0.3);
    p.send({ type: 'order.fill', fill: part });
    p.send({ type: 'order.update', clOrdId: 'p1-2', status: 'canceled', venueOrderId: 'V2', filledQuantity: 0.3, time: part.time });
    expect(p.value()).toBe('open');
    p.send({ type: 'order.fill', fill: fillOf('p1-2', 'sell', 3_050, 0.7) });
    expect(p.value()).toBe('closed');
    expect(anomalies(p.emitted)).toEqual([]);
    expect(p.emitted.at(-1)).toMatchObject({ type: 'position.closed', exitReason: 'signal' });
  });
});
