import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookChecksum, type KrakenSim } from '../../src/sim/index.ts';
import { isChannel, isMethod, startSim, wsClient, type Json } from './helpers.ts';

describe('WebSocket v2 public', () => {
  let sim: KrakenSim;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(() => sim.close());

  it('sends status on connect and answers ping with pong', async () => {
    const c = await wsClient(sim.wsPublicUrl);
    const status = await c.take(isChannel('status'));
    expect(status.data[0]).toMatchObject({ system: 'online', api_version: 'v2' });
    c.send({ method: 'ping', req_id: 101 });
    const pong = await c.take(isMethod('pong', 101));
    expect(pong).toHaveProperty('time_in');
    c.close();
  });

  it('acks each symbol separately and refuses the legacy wsname', async () => {
    const c = await wsClient(sim.wsPublicUrl);
    c.send({ method: 'subscribe', params: { channel: 'ticker', symbol: ['BTC/USD', 'ETH/USD', 'XBT/USD'] }, req_id: 1 });
    const acks = [await c.take(isMethod('subscribe', 1)), await c.take(isMethod('subscribe', 1)), await c.take(isMethod('subscribe', 1))];
    expect(acks.map((a) => a.result?.symbol ?? a.symbol)).toEqual(['BTC/USD', 'ETH/USD', 'XBT/USD']);
    expect(acks[2]).toMatchObject({ success: false, error: 'Currency pair not supported XBT/USD' });
    const snap = await c.take(isChannel('ticker', 'snapshot'));
    expect(typeof snap.data[0].last).toBe('number');
    await sim.advance(60_000);
    const update = await c.take(isChannel('ticker', 'update'));
    expect(update.data[0].bid).toBeLessThan(update.data[0].ask);
    c.send({ method: 'unsubscribe', params: { channel: 'ticker', symbol: ['BTC/USD'] }, req_id: 2 });
    expect((await c.take(isMethod('unsubscribe', 2))).result).toMatchObject({ channel: 'ticker', symbol: 'BTC/USD' });
    c.close();
  });

  it('streams the forming ohlc candle on every trade, with interval_begin and numbers', async () => {
    const c = await wsClient(sim.wsPublicUrl);
    c.send({ method: 'subscribe', params: { channel: 'ohlc', symbol: ['SOL/USD'], interval: 5 }, req_id: 3 });
    expect((await c.take(isMethod('subscribe', 3))).result).toMatchObject({ channel: 'ohlc', symbol: 'SOL/USD', interval: 5 });
    const snap = await c.take(isChannel('ohlc', 'snapshot'));
    expect(snap.data.length).toBeGreaterThan(100);
    await sim.advance(5 * 60_000);
    const u1 = await c.take(isChannel('ohlc', 'update'));
    const u2 = await c.take(isChannel('ohlc', 'update'));
    expect(u1.data[0]).toMatchObject({ symbol: 'SOL/USD', interval: 5 });
    expect(typeof u1.data[0].close).toBe('number');
    expect(u2.data[0].trades).toBeGreaterThanOrEqual(u1.data[0].trades);
    expect(Date.parse(u1.data[0].timestamp) - Date.parse(u1.data[0].interval_begin)).toBe(300_000);
    c.close();
  });

  it('an ohlc snapshot carries as many closed candles as configured: none leaves only the forming one (Kraken v1)', async () => {
    const v1 = await startSim({ ohlcSnapshotCandles: 0 });
    try {
      const c = await wsClient(v1.wsPublicUrl);
      c.send({ method: 'subscribe', params: { channel: 'ohlc', symbol: ['SOL/USD'], interval: 5 }, req_id: 3 });
      const snap = await c.take(isChannel('ohlc', 'snapshot'));
      expect(snap.data).toHaveLength(1);
      expect(Date.parse(snap.data[0].interval_begin)).toBe(Math.floor(v1.clock.now() / 300_000) * 300_000);
      c.close();
    } finally {
      await v1.close();
    }
  });

  it('streams trades and the instrument catalogue', async () => {
    const c = await wsClient(sim.wsPublicUrl);
    c.send({ method: 'subscribe', params: { channel: 'trade', symbol: ['DOGE/USD'] }, req_id: 4 });
    c.send({ method: 'subscribe', params: { channel: 'instrument' }, req_id: 5 });
    const inst = await c.take(isChannel('instrument', 'snapshot'));
    expect(inst.data.pairs.find((p: Json) => p.symbol === 'DOGE/USD')).toMatchObject({ base: 'DOGE', price_precision: 7, qty_min: 50 });
    await sim.advance(5 * 60_000);
    const t = await c.take(isChannel('trade', 'update'));
    expect(t.data[0]).toMatchObject({ symbol: 'DOGE/USD', ord_type: 'market' });
    expect(['buy', 'sell']).toContain(t.data[0].side);
    c.close();
  });

  it('a client maintaining the book from snapshot and updates always matches the checksum', async () => {
    const c = await wsClient(sim.wsPublicUrl);
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 10 }, req_id: 6 });
    const snap = (await c.take(isChannel('book', 'snapshot'))).data[0];
    const book = { asks: new Map<number, number>(), bids: new Map<number, number>() };
    const apply = (side: 'asks' | 'bids', levels: Json[]) => levels.forEach((l) => (l.qty === 0 ? book[side].delete(l.price) : book[side].set(l.price, l.qty)));
    const top = (side: 'asks' | 'bids') =>
      [...book[side]]
        .map(([price, qty]) => ({ price, qty }))
        .sort((a, b) => (side === 'asks' ? a.price - b.price : b.price - a.price))
        .slice(0, 10);
    apply('asks', snap.asks);
    apply('bids', snap.bids);
    expect(bookChecksum(top('asks'), top('bids'), 1, 8)).toBe(snap.checksum);
    await sim.advance(30 * 60_000);
    c.send({ method: 'ping', req_id: 60 });
    await c.take(isMethod('pong', 60)); // ordered stream: every update sent before the pong has arrived
    const updates = c.messages.filter(isChannel('book', 'update'));
    expect(updates.length).toBeGreaterThan(5);
    for (const u of updates) {
      apply('asks', u.data[0].asks);
      apply('bids', u.data[0].bids);
      for (const side of ['asks', 'bids'] as const) book[side] = new Map(top(side).map((l) => [l.price, l.qty]));
      expect(bookChecksum(top('asks'), top('bids'), 1, 8)).toBe(u.data[0].checksum);
    }
    c.close();
  });

  it('sends heartbeats about once a second of quiet once subscribed', async () => {
    const c = await wsClient(sim.wsPublicUrl);
    c.send({ method: 'subscribe', params: { channel: 'trade', symbol: ['ETH/USD'], snapshot: false }, req_id: 7 });
    await c.take(isMethod('subscribe', 7));
    await sim.advance(10_000);
    await c.take(isChannel('heartbeat'));
    c.close();
  });

  it('refuses private channels and trading on the public endpoint', async () => {
    const c = await wsClient(sim.wsPublicUrl);
    c.send({ method: 'subscribe', params: { channel: 'executions', token: 'x' }, req_id: 8 });
    c.send({ method: 'add_order', params: { token: 'x' }, req_id: 9 });
    const msg = 'Private data and trading are unavailable on this endpoint. Try ws-auth.kraken.com';
    expect(await c.take(isMethod('subscribe', 8))).toMatchObject({ success: false, error: msg });
    expect(await c.take(isMethod('add_order', 9))).toMatchObject({ success: false, error: msg });
    c.close();
  });
});
