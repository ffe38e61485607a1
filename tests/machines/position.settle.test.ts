/**
 * Issue 12: an order is settled only when the fills booked for it add up to what the venue says it
 * executed, and an exit the venue keeps refusing stops after a few attempts instead of retrying forever.
 */
import { describe, expect, it } from 'vitest';
import { fillOf, openPosition, startPosition, T0 } from './position.fixtures.ts';

const types = (e: { type: string }[]) => e.map((x) => x.type);

describe('position machine: settled only when the booked fills cover the executed quantity', () => {
  it('a recovered ack of a filled order whose fills are not known yet keeps the entry working (no empty close)', async () => {
    const p = startPosition();
    p.venue.answer = { status: 'filled', filledQuantity: 1, fills: [] };
    await p.until({ pendingEntry: 'working' });
    expect(p.order()).toMatchObject({ status: 'filled', venueFilled: 1, filled: 0 });
    expect(types(p.emitted)).not.toContain('position.abandoned');
  });

  it('the fills a recovered ack carries are booked at once and announced for the ledger', async () => {
    const p = startPosition();
    const f = fillOf('p1-1', 'buy', 3_000, 1);
    p.venue.answer = { status: 'filled', filledQuantity: 1, fills: [f] };
    await p.until('open');
    expect(p.context().holding?.quantity).toBe(1);
    expect(p.emitted).toMatchObject([
      { type: 'position.fillFound', fill: { tradeId: f.tradeId } },
      { type: 'position.opened', quantity: 1 },
    ]);
  });

  it('an ack of a filled order with its fills missing asks the venue again and settles once they are found', async () => {
    const p = startPosition();
    p.venue.answer = { status: 'filled', filledQuantity: 1, fills: [] };
    await p.until({ pendingEntry: 'working' });
    p.venue.known.set('p1-1', { clOrdId: 'p1-1', venueOrderId: 'V1', status: 'filled', filledQuantity: 1, fills: [fillOf('p1-1', 'buy', 3_000, 1)] });
    p.clock.increment(20_000);
    await p.until('open');
    expect(p.calls).toContain('queryOrder p1-1');
  });

  it('a final update whose executed quantity exceeds the booked fills does not settle the exit', async () => {
    const p = await openPosition(3_000);
    p.send({ type: 'position.close', reason: 'signal', time: T0 + 5 });
    await p.until({ pendingExit: 'working' });
    p.send({ type: 'order.update', clOrdId: 'p1-2', status: 'filled', venueOrderId: 'V2', filledQuantity: 1, time: T0 + 6 });
    expect(p.value()).toEqual({ pendingExit: 'working' });
    p.fill('sell', 3_050, 1);
    expect(p.value()).toBe('closed');
  });
});

describe('position machine: an exit the venue refuses stops retrying', () => {
  it('after three refused exits the position stops sending, announces exitBlocked and ignores the strategy', async () => {
    const p = await openPosition(3_000);
    p.venue.mode = 'refuse';
    for (let i = 0; i < 10; i++) {
      p.send({ type: 'market.price', pair: 'ETH/USD', price: 2_800, time: T0 + 10 + i });
      p.send({ type: 'position.close', reason: 'signal', time: T0 + 20 + i });
      await new Promise((r) => setImmediate(r));
    }
    expect(p.calls.filter((c) => c.startsWith('submitOrder') && c !== 'submitOrder p1-1')).toHaveLength(3);
    expect(p.value()).toBe('exitBlocked');
    expect(p.emitted.filter((e) => e.type === 'position.exitBlocked')).toMatchObject([
      { positionId: 'p1', pair: 'ETH/USD', remaining: 1, refusals: 3, reason: 'EOrder:Insufficient funds' },
    ]);
  });

  it('an operator close tries once more from exitBlocked', async () => {
    const p = await openPosition(3_000);
    p.venue.mode = 'refuse';
    for (let i = 0; i < 3; i++) {
      p.send({ type: 'position.close', reason: 'signal', time: T0 + 20 + i });
      await new Promise((r) => setImmediate(r));
    }
    await p.until('exitBlocked');
    p.venue.mode = 'ack';
    p.send({ type: 'position.close', reason: 'manual', time: T0 + 100 });
    await p.until({ pendingExit: 'working' });
    p.fill('sell', 3_000, 1);
    expect(p.value()).toBe('closed');
  });

  it('a sell fill resets the count: refusals must be consecutive', async () => {
    const p = await openPosition(3_000);
    for (let i = 0; i < 2; i++) {
      p.venue.mode = 'refuse';
      p.send({ type: 'position.close', reason: 'signal', time: T0 + 20 + i });
      await p.until('open');
    }
    p.venue.mode = 'ack';
    p.send({ type: 'position.close', reason: 'signal', time: T0 + 30, quantity: 0.5 });
    await p.until({ pendingExit: 'working' });
    p.fill('sell', 3_000, 0.5);
    await p.until('open');
    p.venue.mode = 'refuse';
    p.send({ type: 'position.close', reason: 'signal', time: T0 + 40 });
    await p.until('open');
    expect(p.context().exitRefusals).toBe(1);
  });
});
