/**
 * Issue 12, the supervisor's side of the venue account: balances reconciled with the ledger (a mismatch is
 * an alert and the breaker held at reducing, never a correction), order states routed to their position,
 * a fill no live position owns reported, and a blocked exit alerting and asking for a balance check.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { bootState, startSupervisor, T0 } from './supervisor.fixtures.ts';
import { applyFill, createLedger } from '../../src/trading/portfolio.ts';

const breakerOf = (s: ReturnType<typeof startSupervisor>) => s.actor.getSnapshot().children['breaker']!;

describe('supervisor: balance reconciliation', () => {
  it('venue balances equal to the ledger are reported reconciled, without alert, and the breaker stays active', async () => {
    const s = startSupervisor();
    await s.running();
    s.port.venue!({ type: 'venue.balances', balances: { USD: 10_000.004, BTC: 0 }, at: T0 });
    expect(s.emitted.filter((e) => e.type === 'balances.reconciled')).toMatchObject([{ mismatches: [] }]);
    expect(s.emitted.some((e) => e.type === 'supervisor.alert')).toBe(false);
    expect(s.actor.getSnapshot().context.breaker).toBe('active');
  });

  it('a holding at the venue the ledger does not know is an alert and puts the breaker in reducing; the ledger is not changed', async () => {
    const s = startSupervisor();
    await s.running();
    s.port.venue!({ type: 'venue.balances', balances: { USD: 9_000, BTC: 0.01 }, at: T0 });
    const reconciled = s.emitted.find((e) => e.type === 'balances.reconciled');
    expect(reconciled).toMatchObject({
      mismatches: [
        { asset: 'USD', venue: 9_000, ledger: 10_000 },
        { asset: 'BTC', venue: 0.01, ledger: 0 },
      ],
    });
    expect(s.emitted.find((e) => e.type === 'supervisor.alert')).toMatchObject({ message: expect.stringContaining('BTC: venue 0.01, ledger 0') });
    await waitFor(breakerOf(s), (b) => (b as unknown as { value: string }).value === 'reducing');
    expect(s.actor.getSnapshot().context.breaker).toBe('reducing');
    expect(s.actor.getSnapshot().context.ledger.cash).toBe(10_000);
    expect(s.actor.getSnapshot().context.ledger.holdings['BTC/USD']).toBeUndefined();
  });

  it('a later check that agrees (the mismatch explained) releases the breaker', async () => {
    const s = startSupervisor();
    await s.running();
    s.port.venue!({ type: 'venue.balances', balances: { USD: 9_000 }, at: T0 });
    await waitFor(s.actor, (x) => x.context.breaker === 'reducing');
    s.port.venue!({ type: 'venue.balances', balances: { USD: 10_000 }, at: T0 + 1 });
    await waitFor(s.actor, (x) => x.context.breaker === 'active');
  });

  it('a ledger holding the venue no longer has is a mismatch too', async () => {
    const ledger = createLedger(10_000);
    applyFill(ledger, { tradeId: 'T0', clOrdId: 'Pold-1', pair: 'ETH/USD', side: 'buy', price: 100, quantity: 1, fee: 0, liquidity: 'taker', time: T0 - 1 });
    const s = startSupervisor({ boot: bootState({ ledger, bookedTradeIds: ['T0'] }) });
    await s.running();
    s.port.venue!({ type: 'venue.balances', balances: { USD: 9_900 }, at: T0 });
    expect(s.emitted.find((e) => e.type === 'balances.reconciled')).toMatchObject({ mismatches: [{ asset: 'ETH', venue: 0, ledger: 1 }] });
  });
});

describe('supervisor: the venue account', () => {
  it('an order state heard without a fill goes to its position as order.update', async () => {
    const s = startSupervisor();
    await s.running();
    await s.signal('BTC/USD', 'buy', 100);
    const [buy] = await s.sentOrder('buy');
    s.port.venue!({ type: 'venue.orderUpdate', clOrdId: buy!.clOrdId, status: 'canceled', venueOrderId: 'V', filledQuantity: 0, time: T0 + 1 });
    await waitFor(s.actor, (x) => x.context.slots.length === 0);
    expect(s.emitted.find((e) => e.type === 'position.abandoned')).toMatchObject({ clOrdId: buy!.clOrdId, status: 'canceled' });
  });

  it('a fill of a position that is no longer live is booked and alerted (nothing manages it)', async () => {
    const s = startSupervisor();
    await s.running();
    const fill = {
      tradeId: 'TX',
      clOrdId: 'Pgone-2',
      pair: 'BTC/USD' as const,
      side: 'buy' as const,
      price: 100,
      quantity: 0.1,
      fee: 0.04,
      liquidity: 'taker' as const,
      time: T0,
    };
    s.port.venue!({ type: 'venue.fill', fill, order: { clOrdId: 'Pgone-2', venueOrderId: 'V', status: 'filled', filledQuantity: 0.1, fills: [fill] } });
    expect(s.actor.getSnapshot().context.ledger.holdings['BTC/USD']?.quantity).toBeCloseTo(0.1);
    expect(s.emitted.find((e) => e.type === 'supervisor.alert')).toMatchObject({ message: expect.stringContaining('position Pgone, which is no longer live') });
  });

  it('a blocked exit is alerted, its pair refuses further sells, and a balance check is asked for', async () => {
    const s = startSupervisor();
    await s.running();
    const buy = await s.openPosition('BTC/USD', 100);
    s.actor.send({
      type: 'position.exitBlocked',
      positionId: buy.positionId,
      pair: 'BTC/USD',
      remaining: 0.5,
      refusals: 3,
      reason: 'EOrder:Insufficient funds',
      at: T0,
    });
    expect(s.emitted.find((e) => e.type === 'supervisor.alert')).toMatchObject({ message: expect.stringContaining('refused 3 exits') });
    expect(s.commands).toEqual([{ type: 'venue.checkBalances' }]);
    const rec = await s.signal('BTC/USD', 'close', 100);
    expect(rec.signal?.verdict).toMatchObject({ outcome: 'rejected', rejectReason: 'position_blocked' });
  });
});
