import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../src/trading/venue.ts';
import { VenueError } from '../../src/trading/venue.ts';
import { LiveVenue } from '../../src/venues/live.ts';
import { startHarness, type Harness } from './kraken-harness.ts';
import { fillId } from '../../src/trading/fill-id.ts';

let h: Harness;
afterEach(async () => h?.close());

async function start() {
  h = await startHarness();
  return new LiveVenue({ client: h.client, orders: h.orders });
}
const marketBuy = (quantity = 0.001): OrderRequest => ({ clOrdId: randomUUID(), pair: 'BTC/USD', side: 'buy', type: 'market', quantity, limitPrice: null });
const copiesAtVenue = (clOrdId: string) => h.sim.engine.orders().filter((o) => o.req.clOrdId === clOrdId);

describe('live venue against the simulator', () => {
  it('places a market buy with our cl_ord_id and reports its fills with Kraken trade ids, prices and fees', async () => {
    const venue = await start();
    const req = marketBuy();
    const ack = await h.drive(venue.submitOrder(req));
    expect(ack).toMatchObject({ clOrdId: req.clOrdId, status: 'open', reason: null });
    expect(ack.venueOrderId).toMatch(/^O/);
    const order = await h.drive(venue.queryOrder(req.clOrdId));
    expect(order).toMatchObject({ clOrdId: req.clOrdId, venueOrderId: ack.venueOrderId, status: 'filled', filledQuantity: 0.001 });
    const simTrades = h.sim.engine.trades().filter((t) => t.ordertxid === ack.venueOrderId);
    expect(order!.fills.map((f) => f.tradeId)).toEqual(simTrades.map((t) => fillId('BTC/USD', t.tradeId)));
    const qty = order!.fills.reduce((s, f) => s + f.quantity, 0);
    expect(qty).toBeCloseTo(0.001, 12);
    for (const f of order!.fills) {
      expect(f).toMatchObject({ clOrdId: req.clOrdId, pair: 'BTC/USD', side: 'buy', liquidity: 'taker' });
      expect(f.fee).toBeCloseTo(f.price * f.quantity * 0.004, 2);
    }
  });

  it('inv. 4: finds an order whose AddOrder reply was lost by its cl_ord_id and never places it twice', async () => {
    const venue = await start();
    const req = marketBuy();
    h.sim.faults.loseResponse({ method: 'AddOrder' });
    const ack = await h.drive(venue.submitOrder(req));
    expect(ack.status).not.toBe('rejected');
    expect(copiesAtVenue(req.clOrdId)).toHaveLength(1);
    const again = await h.drive(venue.submitOrder(req));
    expect(again.venueOrderId).toBe(ack.venueOrderId);
    expect(copiesAtVenue(req.clOrdId)).toHaveLength(1);
  });

  it('issue 12: the ack of an order whose AddOrder reply was lost carries the executed quantity and the fills, fees included', async () => {
    const venue = await start();
    const req = marketBuy();
    h.sim.faults.loseResponse({ method: 'AddOrder' });
    const ack = await h.drive(venue.submitOrder(req));
    const simTrades = h.sim.engine.trades().filter((t) => t.ordertxid === ack.venueOrderId);
    expect(simTrades.length).toBeGreaterThan(0);
    expect(ack).toMatchObject({ status: 'filled', filledQuantity: 0.001 });
    expect(ack.fills.map((f) => f.tradeId)).toEqual(simTrades.map((t) => fillId('BTC/USD', t.tradeId)));
    expect(ack.fills.reduce((s, f) => s + f.fee, 0)).toBeCloseTo(
      simTrades.reduce((s, t) => s + t.fee, 0),
      4,
    );
  });

  it('issue 12: an order whose trades Kraken does not list is completed from TradesHistory', async () => {
    const venue = await start();
    const req = marketBuy();
    await h.drive(venue.submitOrder(req));
    const order = (await h.drive(h.orders.findByClOrdId(req.clOrdId)))!;
    const trades = await h.drive(h.orders.tradesOf({ ...order, tradeIds: [] }));
    expect(trades.map((t) => t.ordertxid)).toEqual(h.sim.engine.trades().map(() => order.venueOrderId));
    expect(trades.reduce((s, t) => s + Number(t.vol), 0)).toBeCloseTo(0.001, 9);
  });

  it('inv. 4: a 5xx on AddOrder is never resent; the unknown outcome is reported for reconciliation', async () => {
    const venue = await start();
    const req = marketBuy();
    h.sim.faults.failHttp(502, { method: 'AddOrder', html: true });
    const err = await h.drive(venue.submitOrder(req)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).code).toBe('unknown_outcome');
    expect((err as VenueError).retryable).toBe(false);
    expect(h.sim.engine.orders()).toHaveLength(0);
    expect(await h.drive(venue.queryOrder(req.clOrdId))).toBeNull();
  });

  it('returns the venue refusal as a rejected ack with Kraken reason', async () => {
    const venue = await start();
    const ack = await h.drive(venue.submitOrder(marketBuy(5)));
    expect(ack).toMatchObject({ status: 'rejected', reason: 'EOrder:Insufficient funds' });
  });

  it('reports a rate-limited AddOrder and a venue in maintenance as typed errors, with nothing placed', async () => {
    const venue = await start();
    h.sim.faults.failApi('EAPI:Rate limit exceeded', { method: 'AddOrder', times: 10 });
    const limited = await h.drive(venue.submitOrder(marketBuy())).catch((e: unknown) => e);
    expect(limited).toMatchObject({ name: 'VenueError', code: 'rate_limited', retryable: true });
    h.sim.faults.clear();
    h.sim.faults.setSystemStatus('maintenance');
    const down = await h.drive(venue.submitOrder(marketBuy())).catch((e: unknown) => e);
    expect(down).toMatchObject({ name: 'VenueError', code: 'unavailable' });
    expect(h.sim.engine.orders()).toHaveLength(0);
  });

  it('cancels a resting limit order by cl_ord_id and reports it canceled', async () => {
    const venue = await start();
    const bid = (await h.drive(h.client.tickers(['BTC/USD']))).get('BTC/USD')!.bid;
    const req: OrderRequest = { ...marketBuy(), type: 'limit', limitPrice: Math.round(bid * 0.9) };
    expect((await h.drive(venue.submitOrder(req))).status).toBe('open');
    expect(await h.drive(venue.cancelOrder(req.clOrdId))).toMatchObject({ status: 'canceled', filledQuantity: 0, fills: [] });
  });

  it('answers null for a cl_ord_id Kraken has never seen', async () => {
    const venue = await start();
    expect(await h.drive(venue.queryOrder(randomUUID()))).toBeNull();
  });

  it('issue 12: a cl_ord_id Kraken would not accept is refused before anything is sent', async () => {
    const venue = await start();
    const ack = await h.drive(venue.submitOrder({ ...marketBuy(), clOrdId: 'P-far-too-long-for-kraken-1' }));
    expect(ack).toMatchObject({ status: 'rejected', reason: 'INVALID_CL_ORD_ID' });
    expect(h.sim.engine.orders()).toHaveLength(0);
  });

  it('refuses stop orders and a limit without price before anything is sent', async () => {
    const venue = await start();
    expect((await venue.submitOrder({ ...marketBuy(), type: 'stop-loss', limitPrice: 1 })).reason).toMatch(/^unsupported_order_type/);
    expect((await venue.submitOrder({ ...marketBuy(), type: 'limit' })).reason).toMatch(/^limit_price_missing/);
    expect(h.sim.engine.orders()).toHaveLength(0);
  });

  it('inv. 8: offers orders only, no withdrawal, margin or short call', () => {
    const methods = Object.getOwnPropertyNames(LiveVenue.prototype).filter((m) => m !== 'constructor');
    expect(methods.filter((m) => !m.startsWith('guard') && !['fillsOf', 'toFill', 'recovered'].includes(m)).sort()).toEqual([
      'cancelOrder',
      'queryOrder',
      'submitOrder',
    ]);
    expect(methods.some((m) => /withdraw|margin|short|leverage/i.test(m))).toBe(false);
  });
});
