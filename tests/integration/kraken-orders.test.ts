import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DeadManSwitch } from '../../src/kraken/dms.ts';
import { KrakenError } from '../../src/kraken/errors.ts';
import type { PlaceOrderRequest } from '../../src/kraken/orders.ts';
import { BalanceSchema } from '../../src/kraken/schemas.ts';
import { startHarness, type Harness } from './kraken-harness.ts';

let h: Harness;
afterEach(async () => h?.close());

/** A BTC limit buy 10 % under the bid: it rests on the book. */
async function restingBuy(): Promise<PlaceOrderRequest> {
  const bid = (await h.drive(h.client.tickers(['BTC/USD']))).get('BTC/USD')!.bid;
  return { clOrdId: randomUUID(), pair: 'BTC/USD', side: 'buy', type: 'limit', volume: 0.001, limitPrice: bid * 0.9 };
}
const venueCopies = (clOrdId: string) => h.sim.engine.orders().filter((o) => o.req.clOrdId === clOrdId);

describe('orders: placement, lookup and cancel', () => {
  it('places a limit order with the caller cl_ord_id, finds it by that id and cancels it once', async () => {
    h = await startHarness();
    const req = await restingBuy();
    const placed = await h.drive(h.orders.place(req));
    expect(placed.outcome).toBe('placed');
    const found = await h.drive(h.orders.findByClOrdId(req.clOrdId));
    expect(found).toMatchObject({ clOrdId: req.clOrdId, pair: 'BTC/USD', side: 'buy', status: 'open', quantity: 0.001, filledQuantity: 0 });
    expect(await h.drive(h.orders.cancel({ clOrdId: req.clOrdId }))).toBe(1);
    expect(await h.drive(h.orders.cancel({ clOrdId: req.clOrdId }))).toBe(0);
    expect((await h.drive(h.orders.findByClOrdId(req.clOrdId)))?.status).toBe('canceled');
  });

  it('sends the price on the tick grid and the volume on the lot grid', async () => {
    h = await startHarness();
    const req = { ...(await restingBuy()), limitPrice: 30_000.123456, volume: 0.1 + 0.2 };
    await h.drive(h.orders.place(req));
    const [order] = venueCopies(req.clOrdId);
    expect(order?.req.price).toBe(30_000.1);
    expect(order?.req.volume).toBe(0.3);
  });

  it('refuses below ordermin or costmin before sending anything', async () => {
    h = await startHarness();
    const req = await restingBuy();
    for (const bad of [
      { ...req, volume: 0.00001 },
      { ...req, limitPrice: 1, volume: 0.1 },
    ]) {
      await expect(h.drive(h.orders.place(bad))).rejects.toMatchObject({ kind: 'rejected', venueCode: 'MINIMUM' });
    }
    expect(venueCopies(req.clOrdId)).toHaveLength(0);
  });

  it('does not send again when lookupFirst finds the order already at the venue', async () => {
    h = await startHarness();
    const req = await restingBuy();
    await h.drive(h.orders.place(req));
    const again = await h.drive(h.orders.place(req, { lookupFirst: true }));
    expect(again.outcome).toBe('found');
    expect(venueCopies(req.clOrdId)).toHaveLength(1);
  });

  it('cancels everything with CancelAll and reports the count', async () => {
    h = await startHarness();
    for (let i = 0; i < 3; i++) await h.drive(h.orders.place(await restingBuy()));
    expect(await h.drive(h.orders.cancelAll())).toBe(3);
  });
});

describe('orders: a lost or failed AddOrder is reconciled by cl_ord_id, never resent (inv. 4)', () => {
  it('finds the order when the connection dies after the venue accepted it', async () => {
    h = await startHarness();
    const req = await restingBuy();
    h.sim.faults.loseResponse({ method: 'AddOrder' });
    const result = await h.drive(h.orders.place(req));
    expect(result.outcome).toBe('found');
    expect(result.outcome === 'found' && result.order.status).toBe('open');
    expect(venueCopies(req.clOrdId)).toHaveLength(1);
  });

  it('finds the order when the reply is held past the client timeout', async () => {
    h = await startHarness();
    const req = await restingBuy();
    h.sim.faults.delayResponse(30_000, { method: 'AddOrder' });
    const pending = h.orders.place(req);
    await h.simEvent((r) => r['msg'] === 'order event' && r['clOrdId'] === req.clOrdId);
    await h.sim.advance(10_000); // the client's 10 s timeout, on the simulated clock
    const result = await h.drive(pending);
    expect(result.outcome).toBe('found');
    await h.sim.advance(30_000); // the held reply finally goes out to a socket nobody reads
    expect(venueCopies(req.clOrdId)).toHaveLength(1);
  });

  it.each([
    ['an HTTP 502', (hh: Harness) => hh.sim.faults.failHttp(502, { method: 'AddOrder' })],
    ['a Cloudflare HTML 503 page', (hh: Harness) => hh.sim.faults.failHttp(503, { method: 'AddOrder', html: true })],
    ['EGeneral:Internal error', (hh: Harness) => hh.sim.faults.failApi('EGeneral:Internal error', { method: 'AddOrder' })],
  ])('after %s it looks through the grace period, reports notFound and sends nothing more', async (_name, inject) => {
    h = await startHarness();
    const req = await restingBuy();
    inject(h);
    const result = await h.drive(h.orders.place(req));
    expect(result.outcome).toBe('notFound');
    expect(result.outcome === 'notFound' && result.cause.kind).toBe('orderMayExist');
    expect(venueCopies(req.clOrdId)).toHaveLength(0);
  });

  it('retries AddOrder after errors that prove it was not placed (rate limit, unavailable, bad nonce)', async () => {
    h = await startHarness();
    for (const error of ['EAPI:Rate limit exceeded', 'EService:Unavailable', 'EService:Busy', 'EAPI:Invalid nonce']) {
      const req = await restingBuy();
      h.sim.faults.failApi(error, { method: 'AddOrder' });
      expect((await h.drive(h.orders.place(req))).outcome).toBe('placed');
      expect(venueCopies(req.clOrdId)).toHaveLength(1);
    }
  });
});

describe('REST faults and recovery', () => {
  it.each([
    ['HTTP 502', (hh: Harness) => hh.sim.faults.failHttp(502, { method: 'Balance' })],
    ['an HTML error page', (hh: Harness) => hh.sim.faults.failHttp(520, { method: 'Balance', html: true })],
    ['EAPI:Rate limit exceeded', (hh: Harness) => hh.sim.faults.failApi('EAPI:Rate limit exceeded', { method: 'Balance' })],
    ['EService:Unavailable', (hh: Harness) => hh.sim.faults.failApi('EService:Unavailable', { method: 'Balance' })],
    ['EService:Busy', (hh: Harness) => hh.sim.faults.failApi('EService:Busy', { method: 'Balance' })],
    ['a lost response', (hh: Harness) => hh.sim.faults.loseResponse({ method: 'Balance' })],
  ])('recovers a read-only call from %s by retrying', async (_name, inject) => {
    h = await startHarness();
    inject(h);
    const balance = await h.drive(h.client.rest.privateCall('Balance', {}, BalanceSchema));
    expect(balance['ZUSD']).toBeDefined();
  });

  it('times out a held read-only call on the injected clock and retries it', async () => {
    h = await startHarness();
    h.sim.faults.delayResponse(60_000, { method: 'Time' });
    const arrived = h.simEvent((r) => r['msg'] === 'rest request' && r['method'] === 'Time');
    const pending = h.client.serverTime();
    await arrived;
    await h.sim.advance(10_000);
    await expect(h.drive(pending)).resolves.toBeGreaterThan(0);
  });

  it('gives up after the retry budget and surfaces the typed error', async () => {
    h = await startHarness();
    h.sim.faults.failHttp(502, { method: 'Balance', times: 10 });
    const err = await h.drive(h.client.rest.privateCall('Balance', {}, BalanceSchema, { retries: 2 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KrakenError);
    expect((err as KrakenError).venueCode).toBe('HTTP_502');
  });

  it.each([
    ['cancel_only', 'unavailable'],
    ['post_only', 'unavailable'],
    ['maintenance', 'unavailable'],
  ] as const)('refuses a new order while the venue is %s, with a typed error', async (status, kind) => {
    h = await startHarness();
    const req = { ...(await restingBuy()) };
    h.sim.faults.setSystemStatus(status);
    const err = await h.drive(h.orders.place(req)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KrakenError);
    expect((err as KrakenError).kind).toBe(kind);
    expect(venueCopies(req.clOrdId)).toHaveLength(0);
    expect(await h.drive(h.client.systemStatus())).toBe(status);
  });
});

describe("dead man's switch", () => {
  it('keeps orders alive while re-armed and lets the venue cancel them once re-arming stops', async () => {
    h = await startHarness();
    const dms = new DeadManSwitch({ arm: (t) => h.orders.cancelAllAfter(t), clock: h.sim.clock, intervalMs: 20_000, timeoutSec: 60 });
    await h.drive(dms.start());
    const req = await restingBuy();
    await h.drive(h.orders.place(req));
    for (let i = 0; i < 6; i++) {
      await h.sim.advance(20_000);
      await h.quiesce();
    }
    expect((await h.drive(h.orders.findByClOrdId(req.clOrdId)))?.status).toBe('open');
    await dms.stop();
    await h.sim.advance(61_000);
    expect((await h.drive(h.orders.findByClOrdId(req.clOrdId)))?.status).toBe('canceled');
  });

  it('refuses a re-arm interval outside 15–30 s', () => {
    expect(
      () => new DeadManSwitch({ arm: async () => undefined, clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined }, intervalMs: 60_000 }),
    ).toThrow(RangeError);
  });
});
