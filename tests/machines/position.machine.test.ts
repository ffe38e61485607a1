import { describe, expect, it } from 'vitest';
import { fillOf, INPUT, openPosition, startPosition, T0 } from './position.fixtures.ts';

const types = (e: { type: string }[]) => e.map((x) => x.type);

describe('position machine: entry', () => {
  it('inv. 4: writes the intent row before the order is sent', async () => {
    const p = startPosition();
    await p.until({ pendingEntry: 'working' });
    expect(p.calls).toEqual(['recordIntent p1-1 buy 1', 'submitOrder p1-1']);
  });

  it('a partial fill stays pendingEntry and records the filled quantity', async () => {
    const p = startPosition();
    await p.until({ pendingEntry: 'working' });
    p.fill('buy', 3_000, 0.4, 'partial');
    expect(p.value()).toEqual({ pendingEntry: 'working' });
    expect(p.order().filled).toBeCloseTo(0.4);
    expect(p.context().holding?.quantity).toBeCloseTo(0.4);
  });

  it('partial fills that complete the order open the position at the volume-weighted price', async () => {
    const p = startPosition();
    await p.until({ pendingEntry: 'working' });
    p.fill('buy', 3_000, 0.4, 'partial', 0.4);
    p.fill('buy', 3_010, 0.6, 'filled', 1);
    expect(p.value()).toBe('open');
    expect(p.context().holding?.entryPrice).toBeCloseTo(3_006);
    expect(p.emitted).toMatchObject([{ type: 'position.opened', quantity: 1 }]);
  });

  it('the same fill heard twice is booked once', async () => {
    const p = startPosition();
    await p.until({ pendingEntry: 'working' });
    const f = fillOf('p1-1', 'buy', 3_000, 0.5);
    p.send({ type: 'order.fill', fill: f });
    p.send({ type: 'order.fill', fill: f });
    expect(p.context().holding?.quantity).toBeCloseTo(0.5);
  });

  it('fills heard before the ack settle the order once the final status is in', async () => {
    const p = startPosition();
    p.venue.mode = 'silent';
    await p.until({ pendingEntry: 'submitting' });
    p.fill('buy', 3_000, 1);
    expect(p.value()).toBe('open');
  });

  it('a refused order abandons the position without holding anything', async () => {
    const p = startPosition();
    p.venue.mode = 'refuse';
    await p.until('closed');
    expect(p.emitted).toMatchObject([{ type: 'position.abandoned', clOrdId: 'p1-1', status: 'rejected' }]);
  });
});

describe('position machine: outcome unknown → reconciling (inv. 4)', () => {
  it('an order with no ack after ackTimeout goes to reconciling, is found by cl_ord_id, never resent, and its found fill is announced for the ledger', async () => {
    const p = startPosition();
    p.venue.mode = 'silent';
    await p.until({ pendingEntry: 'submitting' });
    p.venue.known.set('p1-1', { clOrdId: 'p1-1', venueOrderId: 'V1', status: 'filled', filledQuantity: 1, fills: [fillOf('p1-1', 'buy', 3_000, 1)] });
    p.clock.increment(10_000);
    await p.until('open');
    expect(p.calls).toEqual(['recordIntent p1-1 buy 1', 'submitOrder p1-1', 'queryOrder p1-1']);
    expect(types(p.emitted)).toEqual(['order.unknown', 'position.fillFound', 'position.opened']);
  });

  it('a transport error on send reconciles instead of resending', async () => {
    const p = startPosition();
    p.venue.mode = 'error';
    await p.until({ pendingEntry: 'requerying' });
    expect(p.calls.filter((c) => c.startsWith('submitOrder'))).toHaveLength(1);
    // The venue's failure reaches the supervisor whole: its code, and that resending cannot help.
    expect(p.emitted).toContainEqual(
      expect.objectContaining({
        type: 'order.unknown',
        clOrdId: 'p1-1',
        error: { code: 'venue.unknown_outcome', message: 'socket closed mid-send', retryable: false },
      }),
    );
  });

  it('an order the venue never saw after maxQueries queries is declared never placed', async () => {
    const p = startPosition();
    p.venue.mode = 'error';
    await p.until({ pendingEntry: 'requerying' });
    p.clock.increment(5_000);
    await p.until({ pendingEntry: 'requerying' });
    p.clock.increment(5_000);
    await p.until('closed');
    expect(p.calls.filter((c) => c.startsWith('queryOrder'))).toHaveLength(3);
    expect(p.emitted.at(-1)).toMatchObject({ type: 'position.abandoned', status: 'expired' });
  });

  it('an acked order whose fills never arrive is queried after settleTimeout', async () => {
    const p = startPosition();
    await p.until({ pendingEntry: 'working' });
    p.venue.known.set('p1-1', { clOrdId: 'p1-1', venueOrderId: 'V1', status: 'filled', filledQuantity: 1, fills: [fillOf('p1-1', 'buy', 3_000, 1)] });
    p.clock.increment(20_000);
    await p.until('open');
  });
});

describe('position machine: exits', () => {
  it('a price at the stop-loss sells everything and closes with the net P&L', async () => {
    const p = await openPosition(3_000);
    p.send({ type: 'market.price', pair: 'ETH/USD', price: 2_890, time: T0 + 60_000 });
    await p.until({ pendingExit: 'working' });
    expect(p.calls.slice(-2)).toEqual(['recordIntent p1-2 sell 1', 'submitOrder p1-2']);
    p.fill('sell', 2_890, 1);
    expect(p.value()).toBe('closed');
    const closed = p.emitted.at(-1);
    expect(closed).toMatchObject({ type: 'position.closed', exitReason: 'stop_loss' });
    expect((closed as { pnl: number }).pnl).toBeCloseTo(-110 - 3_000 * 0.004 - 2_890 * 0.004);
    expect(p.actor.getSnapshot().output).toMatchObject({ positionId: 'p1', exitReason: 'stop_loss' });
  });

  it('a price at the take-profit exits with reason take_profit; other pairs and prices in range do nothing', async () => {
    const p = await openPosition(3_000);
    p.send({ type: 'market.price', pair: 'BTC/USD', price: 99_000, time: T0 + 1 });
    p.send({ type: 'market.price', pair: 'ETH/USD', price: 3_100, time: T0 + 2 });
    expect(p.value()).toBe('open');
    p.send({ type: 'market.price', pair: 'ETH/USD', price: 3_300, time: T0 + 3 });
    expect(p.context().exitReason).toBe('take_profit');
  });

  it('an exit that settles with a remainder goes back to open and says so', async () => {
    const p = await openPosition(3_000);
    p.send({ type: 'position.close', reason: 'signal', time: T0 + 5 });
    await p.until({ pendingExit: 'working' });
    const f = fillOf('p1-2', 'sell', 3_050, 0.3);
    p.send({ type: 'order.fill', fill: f });
    p.send({ type: 'order.update', clOrdId: 'p1-2', status: 'canceled', venueOrderId: 'V2', filledQuantity: 0.3, time: f.time });
    expect(p.value()).toBe('open');
    expect(p.emitted.at(-1)).toMatchObject({ type: 'position.exitIncomplete', status: 'canceled' });
    expect(p.context().holding?.quantity).toBeCloseTo(0.7);
  });

  it('a close asked while the entry is working exits as soon as the entry settles', async () => {
    const p = startPosition();
    await p.until({ pendingEntry: 'working' });
    p.send({ type: 'position.close', reason: 'emergency', time: T0 + 1 });
    p.fill('buy', 3_000, 1);
    await p.until({ pendingExit: 'working' });
    expect(p.context().exitReason).toBe('emergency');
  });
});

describe('position machine: restart', () => {
  const roundTrip = (s: unknown) => JSON.parse(JSON.stringify(s)) as { value: never; context: never };

  it('persist → JSON → resume → persist gives the same state value and context', async () => {
    const p = await openPosition(3_000);
    const saved = roundTrip(p.actor.getPersistedSnapshot());
    const again = startPosition({ resume: { value: saved.value, context: saved.context, now: T0 + 2_000 } });
    expect(again.value()).toBe('open');
    const back = roundTrip(again.actor.getPersistedSnapshot()) as { value: unknown; context: Record<string, unknown> };
    expect(back.value).toEqual((saved as { value: unknown }).value);
    expect({ ...back.context, now: 0 }).toEqual({ ...(saved.context as object), now: 0 });
  });

  it('inv. 4: a restart while the order was in flight reconciles by cl_ord_id and never resends', async () => {
    const p = startPosition();
    p.venue.mode = 'silent';
    await p.until({ pendingEntry: 'submitting' });
    const saved = roundTrip(p.actor.getPersistedSnapshot());
    p.actor.stop();
    const atVenue = { clOrdId: 'p1-1', venueOrderId: 'V1', status: 'filled' as const, filledQuantity: 1, fills: [fillOf('p1-1', 'buy', 3_000, 1)] };
    const again = startPosition({ resume: { value: saved.value, context: saved.context, now: T0 + 60_000 } }, [atVenue]);
    await again.until('open');
    expect(again.calls).toEqual(['queryOrder p1-1']);
  });

  it('a restart before the intent row was confirmed writes it again (idempotently) and then sends', async () => {
    const p = startPosition({ positionId: INPUT.positionId });
    const saved = roundTrip({ value: { pendingEntry: 'recordingIntent' }, context: p.context() });
    p.actor.stop();
    const again = startPosition({ resume: { value: saved.value, context: saved.context, now: T0 } });
    await again.until({ pendingEntry: 'working' });
    expect(again.calls).toEqual(['recordIntent p1-1 buy 1', 'submitOrder p1-1']);
  });
});
