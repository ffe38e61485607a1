/**
 * Issue 12: an order the venue executed more of than the fills booked for it is completed from the venue
 * by cl_ord_id, at boot (fills written before the ledger is rebuilt) and by the sweeps (fills handed on).
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fill } from '../../../src/contract/index.ts';
import { createRepositories, openDatabase, type Repositories } from '../../../src/db/index.ts';
import { ledgerFromFills, reconcileOrders } from '../../../actors/supervisor/reconcile.ts';
import { ordersToRecover, recoverFills } from '../../../actors/supervisor/recovery.ts';
import { VenueError, type OrderAck, type Venue, type VenueOrder } from '../../../src/trading/venue.ts';

const T0 = Date.UTC(2025, 0, 6);
const log = pino({ level: 'silent' });
const opened: Repositories[] = [];
afterEach(() => opened.splice(0).forEach((r) => r.db.close()));

function repos(): Repositories {
  const r = createRepositories(openDatabase({ path: ':memory:', now: () => T0 }));
  opened.push(r);
  return r;
}

const fill = (clOrdId: string, tradeId: string, quantity = 0.5): Fill => ({
  tradeId,
  clOrdId,
  pair: 'BTC/USD',
  side: 'buy',
  price: 100,
  quantity,
  fee: 0.2,
  liquidity: 'taker',
  time: T0 + 1,
});

class Venue1 implements Venue {
  readonly asked: string[] = [];
  constructor(
    readonly known: Map<string, VenueOrder>,
    readonly down = false,
  ) {}
  async submitOrder(): Promise<OrderAck> {
    throw new Error('recovery never sends');
  }
  async queryOrder(clOrdId: string): Promise<VenueOrder | null> {
    this.asked.push(clOrdId);
    if (this.down) throw new VenueError('unavailable', 'Kraken unreachable', true);
    return this.known.get(clOrdId) ?? null;
  }
  async cancelOrder(): Promise<VenueOrder | null> {
    return null;
  }
}

/** A buy row as the position left it: `status`, the venue's executed quantity, and the fills booked. */
function order(r: Repositories, clOrdId: string, status: 'filled' | 'sent' | 'canceled', executed: number, booked: Fill[] = []) {
  r.orders.insertIntent({
    clOrdId,
    pair: 'BTC/USD',
    side: 'buy',
    type: 'market',
    quantity: 1,
    limitPrice: null,
    positionId: clOrdId.split('-')[0]!,
    reason: 'test',
    createdAt: T0,
  });
  r.orders.updateStatus(clOrdId, { status, filledQuantity: executed, updatedAt: T0 });
  for (const f of booked) r.fills.insert(f);
}

describe('orders to recover', () => {
  it('open orders, and final orders whose booked fills do not cover what the venue executed; covered ones are left alone', () => {
    const r = repos();
    order(r, 'Pa-1', 'filled', 1, [fill('Pa-1', 'T1', 0.5), fill('Pa-1', 'T2', 0.5)]);
    order(r, 'Pb-1', 'filled', 1, [fill('Pb-1', 'T3', 0.5)]);
    order(r, 'Pc-1', 'filled', 0);
    order(r, 'Pd-1', 'sent', 0);
    order(r, 'Pe-1', 'canceled', 0);
    expect(ordersToRecover(r).map((o) => o.clOrdId)).toEqual(['Pb-1', 'Pc-1', 'Pd-1']);
  });
});

describe('recovery at boot', () => {
  it('a filled order with its fills missing (the reply and the feed were both lost) is completed before the ledger is rebuilt', async () => {
    const r = repos();
    order(r, 'Pb-1', 'filled', 1, [fill('Pb-1', 'T3', 0.5)]);
    const fills = [fill('Pb-1', 'T3', 0.5), fill('Pb-1', 'T4', 0.5)];
    const venue = new Venue1(new Map([['Pb-1', { clOrdId: 'Pb-1', venueOrderId: 'V1', status: 'filled', filledQuantity: 1, fills }]]));
    const report = await reconcileOrders(r, venue, T0 + 5, log);
    expect(report).toMatchObject({ asked: 1, fills: 2 });
    expect(r.fills.byClOrdId('Pb-1').map((f) => f.tradeId)).toEqual(['T3', 'T4']);
    expect(ledgerFromFills(r, 1_000).holdings['BTC/USD']?.quantity).toBeCloseTo(1);
    expect(ordersToRecover(r)).toEqual([]);
  });

  it('the venue unreachable at boot fails the boot (nothing is traded on a ledger that may be wrong)', async () => {
    const r = repos();
    order(r, 'Pd-1', 'sent', 0);
    await expect(reconcileOrders(r, new Venue1(new Map(), true), T0, log)).rejects.toThrow('Kraken unreachable');
  });
});

describe('recovery sweep', () => {
  it('hands each fill on with the order, updates the row, and counts an order it cannot ask now without stopping', async () => {
    const r = repos();
    order(r, 'Pb-1', 'filled', 1, []);
    order(r, 'Pd-1', 'sent', 0);
    const found = { clOrdId: 'Pd-1', venueOrderId: 'V2', status: 'filled' as const, filledQuantity: 1, fills: [fill('Pd-1', 'T9', 1)] };
    const venue = new Venue1(new Map([['Pd-1', found]]));
    const handed: string[] = [];
    const report = await recoverFills({ repos: r, venue, now: () => T0 + 9, log }, (f, o) => handed.push(`${f.tradeId} ${o.status}`));
    expect(handed).toEqual(['T9 filled']);
    expect(report).toMatchObject({ asked: 2, unknown: 1, fills: 1, updated: 1, failed: 0 });
    expect(r.orders.byClOrdId('Pd-1')).toMatchObject({ status: 'filled', filledQuantity: 1, venueOrderId: 'V2' });
    const down = await recoverFills({ repos: r, venue: new Venue1(new Map(), true), now: () => T0, log }, () => undefined);
    expect(down.failed).toBe(2);
  });
});
