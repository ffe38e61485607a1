import { afterEach, describe, expect, it } from 'vitest';
import { SIM_TEST_ACCOUNT, type KrakenSim } from '../../src/sim/index.ts';
import { restClient, startSim, type Json } from './helpers.ts';

let sim: KrakenSim;
afterEach(() => sim?.close());

async function setup(opts: Parameters<typeof startSim>[0] = {}) {
  sim = await startSim(opts);
  const rest = restClient(sim);
  const ticker = (await rest.get('Ticker', { pair: 'XBTUSD' })).result.XXBTZUSD;
  return { rest, ask: Number(ticker.a[0]), bid: Number(ticker.b[0]), last: Number(ticker.c[0]) };
}

async function order(rest: ReturnType<typeof restClient>, txid: string): Promise<Json> {
  return (await rest.post('QueryOrders', { txid, trades: 'true' })).result[txid];
}

/** Advances in 5-minute steps until `done` or the budget runs out. */
async function advanceUntil(done: () => Promise<boolean>, maxMs: number): Promise<void> {
  for (let t = 0; t < maxMs && !(await done()); t += 300_000) await sim.advance(300_000);
}

describe('order lifecycles', () => {
  it('a market buy fills at the ask as taker with the 0.40 % fee and moves both balances', async () => {
    const { rest, ask } = await setup();
    const r = await rest.post('AddOrder', { pair: 'XBTUSD', type: 'buy', ordertype: 'market', volume: '0.01' });
    expect(r.result.descr.order).toBe('buy 0.01000000 XBTUSD @ market');
    const o = await order(rest, r.result.txid[0]);
    expect(o).toMatchObject({ status: 'closed', vol_exec: '0.01000000', price: ask.toFixed(1) });
    expect(Number(o.fee)).toBeCloseTo(ask * 0.01 * 0.004, 4);
    const bal = (await rest.post('Balance')).result;
    expect(Number(bal.XXBT)).toBeCloseTo(0.01, 10);
    expect(Number(bal.ZUSD)).toBeCloseTo(10_000 - ask * 0.01 * 1.004, 3);
    const trades = (await rest.post('TradesHistory')).result;
    expect(trades.count).toBe(1);
    expect(Object.values(trades.trades)[0]).toMatchObject({ pair: 'XXBTZUSD', type: 'buy', maker: false, vol: '0.01000000' });
  });

  it('a resting limit buy holds quote, then fills as maker at its price with the 0.25 % fee', async () => {
    const { rest, bid } = await setup();
    const price = (bid - 50).toFixed(1);
    const txid = (await rest.post('AddOrder', { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '0.02', price })).result.txid[0];
    const ex = (await rest.post('BalanceEx')).result.ZUSD;
    expect(Number(ex.hold_trade)).toBeCloseTo(Number(price) * 0.02 * 1.004, 3);
    expect(Object.keys((await rest.post('OpenOrders')).result.open)).toEqual([txid]);
    await advanceUntil(async () => (await order(rest, txid)).status === 'closed', 48 * 3600_000);
    const o = await order(rest, txid);
    expect(o).toMatchObject({ status: 'closed', price, vol_exec: '0.02000000' });
    expect(Number(o.fee)).toBeCloseTo(Number(price) * 0.02 * 0.0025, 4);
    expect(Number((await rest.post('BalanceEx')).result.ZUSD.hold_trade)).toBe(0);
    expect(Object.values((await rest.post('TradesHistory')).result.trades).every((t: any) => t.maker === true)).toBe(true);
  });

  it('a resting order larger than the replayed trade volume fills partially over several trades', async () => {
    const { rest, bid } = await setup({ participation: 0.0005, accounts: [{ ...SIM_TEST_ACCOUNT, balances: { ZUSD: '100000' } }] });
    const txid = (await rest.post('AddOrder', { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '0.5', price: (bid - 20).toFixed(1) })).result.txid[0];
    let sawPartial = false;
    const view = () => sim.engine.orders().find((o) => o.txid === txid)!;
    for (let t = 0; t < 48 * 3600_000 && view().status === 'open'; t += 10_000) {
      await sim.advance(10_000);
      if (view().status === 'open' && view().volExec > 0) sawPartial = true;
    }
    const o = await order(rest, txid);
    expect(sawPartial).toBe(true);
    expect(o.status).toBe('closed');
    expect(o.trades.length).toBeGreaterThan(1);
  });

  it('a post-only limit that would cross is accepted then cancelled; one that rests stays open', async () => {
    const { rest, ask, bid } = await setup();
    const crossing = (
      await rest.post('AddOrder', { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '0.001', price: (ask + 10).toFixed(1), oflags: 'post' })
    ).result.txid[0];
    expect(await order(rest, crossing)).toMatchObject({ status: 'canceled', reason: 'Post only order', vol_exec: '0.00000000' });
    const resting = (
      await rest.post('AddOrder', { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '0.001', price: (bid - 10).toFixed(1), oflags: 'post' })
    ).result.txid[0];
    expect((await order(rest, resting)).status).toBe('open');
    expect((await order(rest, resting)).oflags).toContain('post');
  });

  it('an IOC limit takes what the book offers up to its price and expires the rest', async () => {
    const { rest, ask } = await setup({ accounts: [{ ...SIM_TEST_ACCOUNT, balances: { ZUSD: '100000000' } }] });
    const txid = (await rest.post('AddOrder', { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '100', price: ask.toFixed(1), timeinforce: 'IOC' }))
      .result.txid[0];
    const o = await order(rest, txid);
    expect(o).toMatchObject({ status: 'expired', price: ask.toFixed(1) });
    expect(Number(o.vol_exec)).toBeGreaterThan(0);
    expect(Number(o.vol_exec)).toBeLessThan(100);
    expect(Number((await rest.post('BalanceEx')).result.ZUSD.hold_trade)).toBe(0);
  });

  it('a stop-loss sell triggers when the price falls to it and sells at market', async () => {
    const { rest, bid } = await setup({ accounts: [{ key: 'k', secret: 'c2VjcmV0', balances: { ZUSD: '1000', XXBT: '0.01' } }] });
    const r = restClient(sim, { key: 'k', secret: 'c2VjcmV0', balances: {} });
    const txid = (await r.post('AddOrder', { pair: 'XBTUSD', type: 'sell', ordertype: 'stop-loss', volume: '0.01', price: (bid - 100).toFixed(1) })).result
      .txid[0];
    expect((await r.post('BalanceEx')).result.XXBT.hold_trade).toBe('0.0100000000');
    await advanceUntil(async () => (await order(r, txid)).status !== 'open', 72 * 3600_000);
    const o = await order(r, txid);
    expect(o).toMatchObject({ status: 'closed', vol_exec: '0.01000000', stopprice: (bid - 100).toFixed(1) });
    expect(Number(o.price)).toBeLessThanOrEqual(bid - 100);
    void rest;
  });

  it('a take-profit sell triggers when the price rises to it', async () => {
    await setup({ accounts: [{ key: 'k', secret: 'c2VjcmV0', balances: { XXBT: '0.01' } }] });
    const r = restClient(sim, { key: 'k', secret: 'c2VjcmV0', balances: {} });
    const last = Number((await r.get('Ticker', { pair: 'XBTUSD' })).result.XXBTZUSD.c[0]);
    const txid = (await r.post('AddOrder', { pair: 'XBTUSD', type: 'sell', ordertype: 'take-profit', volume: '0.01', price: (last + 100).toFixed(1) })).result
      .txid[0];
    await advanceUntil(async () => (await order(r, txid)).status !== 'open', 72 * 3600_000);
    expect((await order(r, txid)).status).toBe('closed');
    expect(Number((await r.post('Balance')).result.ZUSD)).toBeGreaterThan(0);
  });

  it('validate=true describes the order and places nothing', async () => {
    const { rest, bid } = await setup();
    const r = await rest.post('AddOrder', { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '0.001', price: bid.toFixed(1), validate: 'true' });
    expect(r.result).toEqual({ descr: { order: `buy 0.00100000 XBTUSD @ limit ${bid.toFixed(1)}` } });
    expect((await rest.post('OpenOrders')).result.open).toEqual({});
  });

  it('refuses orders with Kraken errors: arguments, pair, ordermin, tick, costmin, funds', async () => {
    const { rest, bid } = await setup();
    const add = async (p: Record<string, string>) =>
      (await rest.post('AddOrder', { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '0.001', price: bid.toFixed(1), ...p })).error;
    expect(await add({ volume: 'abc' })).toEqual(['EGeneral:Invalid arguments:volume']);
    expect(await add({ type: 'short' })).toEqual(['EGeneral:Invalid arguments:type']);
    expect(await add({ volume: '0.000000001' })).toEqual(['EGeneral:Invalid arguments:volume']);
    expect(await add({ pair: 'FOOBAR' })).toEqual(['EQuery:Unknown asset pair']);
    expect(await add({ volume: '0.00001' })).toEqual(['EOrder:Order minimum not met']);
    expect(await add({ price: '57000.05' })).toEqual(['EOrder:Tick size check failed']);
    expect(await add({ volume: '0.0001', price: '1000.0' })).toEqual(['EOrder:Cost minimum not met']);
    expect(await add({ volume: '1' })).toEqual(['EOrder:Insufficient funds']);
    expect(await add({ cl_ord_id: 'abc', userref: '5' })).toEqual(['EGeneral:Invalid arguments:cl_ord_id']);
  });

  it('finds and cancels orders by cl_ord_id, userref and txid; an unknown one is EOrder:Unknown order', async () => {
    const { rest, bid } = await setup();
    const p = { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '0.001', price: (bid - 500).toFixed(1) };
    await rest.post('AddOrder', { ...p, cl_ord_id: '6d1b345e-2821-40e2-ad83-4ecb18a06876' });
    await rest.post('AddOrder', { ...p, userref: '77' });
    const third = (await rest.post('AddOrder', p)).result.txid[0];
    const byCl = (await rest.post('OpenOrders', { cl_ord_id: '6d1b345e-2821-40e2-ad83-4ecb18a06876' })).result.open;
    expect(Object.values(byCl)).toMatchObject([{ cl_ord_id: '6d1b345e-2821-40e2-ad83-4ecb18a06876' }]);
    expect((await rest.post('CancelOrder', { cl_ord_id: '6d1b345e-2821-40e2-ad83-4ecb18a06876' })).result).toEqual({ count: 1, pending: false });
    expect((await rest.post('CancelOrder', { txid: '77' })).result.count).toBe(1);
    expect((await rest.post('CancelOrder', { txid: third })).result.count).toBe(1);
    expect((await rest.post('CancelOrder', { txid: third })).error).toEqual(['EOrder:Unknown order']);
    const closed = (await rest.post('ClosedOrders')).result;
    expect(closed.count).toBe(3);
    expect(Object.values(closed.closed).every((o: any) => o.status === 'canceled' && o.reason === 'User requested')).toBe(true);
    expect((await rest.post('QueryOrders', { txid: 'ONOPE-NOPE-NOPE' })).error).toEqual(['EOrder:Unknown order']);
  });

  it('the dead-man switch cancels every open order when it expires, and re-arming postpones it', async () => {
    const { rest, bid } = await setup();
    const p = { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '0.001', price: (bid - 2000).toFixed(1) };
    await rest.post('AddOrder', p);
    await rest.post('AddOrder', p);
    const armed = (await rest.post('CancelAllOrdersAfter', { timeout: '60' })).result;
    expect(Date.parse(armed.triggerTime) - Date.parse(armed.currentTime)).toBe(60_000);
    await sim.advance(50_000);
    await rest.post('CancelAllOrdersAfter', { timeout: '60' });
    await sim.advance(50_000);
    expect(Object.keys((await rest.post('OpenOrders')).result.open)).toHaveLength(2);
    await sim.advance(11_000);
    expect((await rest.post('OpenOrders')).result.open).toEqual({});
    expect(Object.values((await rest.post('ClosedOrders')).result.closed).every((o: any) => o.status === 'canceled')).toBe(true);
    expect((await rest.post('CancelAllOrdersAfter', { timeout: '0' })).result.triggerTime).toBe('0');
  });

  it('CancelAll cancels everything and reports the count', async () => {
    const { rest, bid } = await setup();
    const p = { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '0.001', price: (bid - 2000).toFixed(1) };
    await rest.post('AddOrder', p);
    await rest.post('AddOrder', p);
    expect((await rest.post('CancelAll')).result).toEqual({ count: 2, pending: false });
  });
});
