import { afterEach, describe, expect, it } from 'vitest';
import type { KrakenSim } from '../../src/sim/index.ts';
import { isChannel, isMethod, restClient, startSim, wsClient, wsToken, type Json } from './helpers.ts';

let sim: KrakenSim;
afterEach(() => sim?.close());

async function privateClient() {
  sim = await startSim();
  const token = await wsToken(sim);
  const c = await wsClient(sim.wsPrivateUrl);
  await c.take(isChannel('status'));
  return { c, token };
}

const execs = (m: Json) => m.channel === 'executions' && m.type === 'update';

describe('WebSocket v2 private', () => {
  it('refuses a bad token with ESession:Invalid session, and public channels on the private host', async () => {
    const { c } = await privateClient();
    c.send({ method: 'subscribe', params: { channel: 'executions', token: 'forged' }, req_id: 1 });
    expect(await c.take(isMethod('subscribe', 1))).toMatchObject({ success: false, error: 'ESession:Invalid session' });
    c.send({ method: 'add_order', params: { token: 'forged', order_type: 'market', side: 'buy', order_qty: 0.001, symbol: 'BTC/USD' }, req_id: 2 });
    expect(await c.take(isMethod('add_order', 2))).toMatchObject({ success: false, error: 'ESession:Invalid session' });
    c.send({ method: 'subscribe', params: { channel: 'ticker', symbol: ['BTC/USD'] }, req_id: 3 });
    expect((await c.take(isMethod('subscribe', 3))).error).toBe('Public market data subscriptions are unavailable on this endpoint. Try ws.kraken.com');
    c.close();
  });

  it('a market order goes pending_new → new → trade → filled with increasing sequence numbers, and balances update', async () => {
    const { c, token } = await privateClient();
    c.send({ method: 'subscribe', params: { channel: 'executions', token }, req_id: 1 });
    expect((await c.take(isMethod('subscribe', 1))).result).toMatchObject({ channel: 'executions', maxratecount: 125 });
    const snap = await c.take(isChannel('executions', 'snapshot'));
    c.send({ method: 'subscribe', params: { channel: 'balances', token }, req_id: 2 });
    const bal = await c.take(isChannel('balances', 'snapshot'));
    expect(bal.data).toEqual([{ asset: 'USD', asset_class: 'currency', balance: 10000, wallets: [{ type: 'spot', id: 'main', balance: 10000 }] }]);
    c.send({
      method: 'add_order',
      params: { token, order_type: 'market', side: 'buy', order_qty: 0.01, symbol: 'BTC/USD', cl_ord_id: 'my-order-1' },
      req_id: 3,
    });
    const ack = await c.take(isMethod('add_order', 3));
    expect(ack).toMatchObject({ success: true, result: { cl_ord_id: 'my-order-1' } });
    const events = [await c.take(execs), await c.take(execs), await c.take(execs), await c.take(execs)];
    expect(events.map((e) => e.data[0].exec_type)).toEqual(['pending_new', 'new', 'trade', 'filled']);
    expect(events.map((e) => e.sequence)).toEqual([snap.sequence + 1, snap.sequence + 2, snap.sequence + 3, snap.sequence + 4]);
    const fill = events[2]!.data[0];
    expect(fill).toMatchObject({ order_id: ack.result.order_id, liquidity_ind: 't', last_qty: 0.01, order_status: 'partially_filled' });
    expect(fill.fees[0].asset).toBe('USD');
    expect(events[3]!.data[0]).toMatchObject({ order_status: 'filled', cum_qty: 0.01 });
    const upd = [await c.take(isChannel('balances', 'update')), await c.take(isChannel('balances', 'update'))];
    expect(upd.map((u) => u.data[0].asset).sort()).toEqual(['BTC', 'USD']);
    c.close();
  });

  it('a limit order rests, shows in the executions snapshot of a new subscriber, and cancel_order cancels it', async () => {
    const { c, token } = await privateClient();
    const bid = Number((await restClient(sim).get('Ticker', { pair: 'XBTUSD' })).result.XXBTZUSD.b[0]);
    c.send({
      method: 'add_order',
      params: { token, order_type: 'limit', side: 'buy', order_qty: 0.001, limit_price: bid - 1000, symbol: 'BTC/USD', order_userref: 9 },
      req_id: 1,
    });
    const id = (await c.take(isMethod('add_order', 1))).result.order_id;
    c.send({ method: 'subscribe', params: { channel: 'executions', token, snap_orders: true }, req_id: 2 });
    const snap = await c.take(isChannel('executions', 'snapshot'));
    expect(snap.data).toMatchObject([{ order_id: id, order_status: 'new', limit_price: bid - 1000, order_userref: 9 }]);
    c.send({ method: 'cancel_order', params: { token, order_id: [id, 'OBOGUS-XXXXX-XXXXXX'] }, req_id: 3 });
    const answers = [await c.take(isMethod('cancel_order', 3)), await c.take(isMethod('cancel_order', 3))];
    expect(answers.find((a) => a.success)?.result).toEqual({ order_id: id });
    expect(answers.find((a) => !a.success)?.error).toBe('EOrder:Unknown order');
    const canceled = await c.take((m) => execs(m) && m.data[0].exec_type === 'canceled');
    expect(canceled.data[0]).toMatchObject({ order_id: id, order_status: 'canceled', reason: 'User requested' });
    c.close();
  });

  it('cancel_all and cancel_all_orders_after work over WS; the switch fires on the simulated clock', async () => {
    const { c, token } = await privateClient();
    const bid = Number((await restClient(sim).get('Ticker', { pair: 'XBTUSD' })).result.XXBTZUSD.b[0]);
    const add = (req_id: number) =>
      c.send({
        method: 'add_order',
        params: { token, order_type: 'limit', side: 'buy', order_qty: 0.001, limit_price: bid - 1000, symbol: 'BTC/USD' },
        req_id,
      });
    add(1);
    add(2);
    await c.take(isMethod('add_order', 2));
    c.send({ method: 'cancel_all', params: { token }, req_id: 3 });
    expect((await c.take(isMethod('cancel_all', 3))).result).toEqual({ count: 2 });
    add(4);
    await c.take(isMethod('add_order', 4));
    c.send({ method: 'cancel_all_orders_after', params: { token, timeout: 30 }, req_id: 5 });
    const dms = (await c.take(isMethod('cancel_all_orders_after', 5))).result;
    expect(Date.parse(dms.triggerTime) - Date.parse(dms.currentTime)).toBe(30_000);
    await sim.advance(31_000);
    expect(sim.engine.orders().filter((o) => o.status === 'open')).toEqual([]);
    c.send({ method: 'add_order', params: { token, order_type: 'limit', side: 'buy', order_qty: 0.00001, limit_price: bid, symbol: 'BTC/USD' }, req_id: 6 });
    expect(await c.take(isMethod('add_order', 6))).toMatchObject({ success: false, error: 'EOrder:Order minimum not met' });
    c.close();
  });
});
