import { afterEach, describe, expect, it } from 'vitest';
import type { KrakenSim } from '../../src/sim/index.ts';
import { isChannel, isMethod, restClient, startSim, wsClient, wsToken } from './helpers.ts';

let sim: KrakenSim;
afterEach(() => sim?.close());

async function setup() {
  sim = await startSim();
  const rest = restClient(sim);
  const bid = Number((await rest.get('Ticker', { pair: 'XBTUSD' })).result.XXBTZUSD.b[0]);
  const limit = { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', volume: '0.001', price: (bid - 1000).toFixed(1) };
  return { rest, limit };
}

describe('fault injection', () => {
  it('HTTP 5xx and HTML error pages are served instead of the envelope, then service resumes', async () => {
    const { rest } = await setup();
    sim.faults.failHttp(502, { method: 'Time', html: true });
    sim.faults.failHttp(503, { method: 'Time' });
    const page = await fetch(`${sim.restUrl}/0/public/Time`);
    expect(page.status).toBe(502);
    expect(page.headers.get('content-type')).toBe('text/html');
    expect(await page.text()).toContain('<html>');
    expect((await fetch(`${sim.restUrl}/0/public/Time`)).status).toBe(503);
    expect((await rest.get('Time')).error).toEqual([]);
  });

  it('API errors (rate limit, unavailable, busy) come back in the envelope for the chosen method', async () => {
    const { rest } = await setup();
    sim.faults.failApi('EAPI:Rate limit exceeded', { method: 'Balance' });
    sim.faults.failApi('EService:Busy', { method: 'Balance' });
    sim.faults.failApi('EService:Unavailable', { method: 'Balance' });
    expect((await rest.post('Balance')).error).toEqual(['EAPI:Rate limit exceeded']);
    expect((await rest.post('Balance')).error).toEqual(['EService:Busy']);
    expect((await rest.post('Balance')).error).toEqual(['EService:Unavailable']);
    expect((await rest.post('Balance')).error).toEqual([]);
  });

  it('a lost AddOrder response leaves the order placed while the client hears nothing', async () => {
    const { rest, limit } = await setup();
    sim.faults.loseResponse({ method: 'AddOrder' });
    await expect(rest.post('AddOrder', { ...limit, cl_ord_id: 'lost-1' })).rejects.toThrow();
    const open = (await rest.post('OpenOrders', { cl_ord_id: 'lost-1' })).result.open;
    expect(Object.values(open)).toMatchObject([{ cl_ord_id: 'lost-1', status: 'open' }]);
  });

  it('a delayed AddOrder response arrives only after the simulated clock moves on', async () => {
    const { rest, limit } = await setup();
    sim.faults.delayResponse(5_000, { method: 'AddOrder' });
    let answered = false;
    const pending = rest.post('AddOrder', limit).then((r) => ((answered = true), r));
    while (sim.engine.orders().length === 0) await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    await sim.advance(5_000);
    expect((await pending).result.txid).toHaveLength(1);
  });

  it('a held AddOrder reaches the venue only after the simulated clock moves on, and runs then even if its sender is gone', async () => {
    const { rest, limit } = await setup();
    sim.faults.holdRequest(5_000, { method: 'AddOrder' });
    const ac = new AbortController();
    const pending = rest.post('AddOrder', limit, { signal: ac.signal }).catch(() => 'gone');
    // Arrived: the hold is a timer on the simulated clock (nothing else runs one here).
    while (sim.clock.nextTimerAt() !== sim.clock.now() + 5_000) await new Promise((r) => setImmediate(r));
    expect(sim.engine.orders()).toHaveLength(0);
    ac.abort();
    expect(await pending).toBe('gone');
    await sim.advance(5_000);
    expect(sim.engine.orders()).toHaveLength(1);
  });

  it('the real REST counter refuses calls beyond the tier maximum and recovers as it decays', async () => {
    const { rest } = await setup();
    const errors: string[][] = [];
    for (let i = 0; i < 21; i++) errors.push((await rest.post('Balance')).error);
    expect(errors.slice(0, 19).every((e) => e.length === 0)).toBe(true);
    expect(errors[20]).toEqual(['EAPI:Rate limit exceeded']);
    await sim.advance(4_000); // intermediate tier decays 0.5 per second
    expect((await rest.post('Balance')).error).toEqual([]);
  });

  it('system status cancel_only, post_only and maintenance reject the right orders and are announced on WS', async () => {
    const { rest, limit } = await setup();
    const c = await wsClient(sim.wsPublicUrl);
    await c.take(isChannel('status'));
    const placed = (await rest.post('AddOrder', limit)).result.txid[0];
    sim.faults.setSystemStatus('cancel_only');
    expect((await c.take(isChannel('status'))).data[0].system).toBe('cancel_only');
    expect((await rest.get('SystemStatus')).result.status).toBe('cancel_only');
    expect((await rest.post('AddOrder', limit)).error).toEqual(['EService:Market in cancel_only mode']);
    sim.faults.setSystemStatus('post_only');
    expect((await rest.post('AddOrder', limit)).error).toEqual(['EService:Market in post_only mode']);
    expect((await rest.post('AddOrder', { ...limit, oflags: 'post' })).result.txid).toHaveLength(1);
    sim.faults.setSystemStatus('maintenance');
    expect((await rest.post('AddOrder', { ...limit, oflags: 'post' })).error).toEqual(['EService:Unavailable']);
    expect((await rest.post('CancelOrder', { txid: placed })).error).toEqual(['EService:Unavailable']);
    sim.faults.clear();
    expect((await rest.post('CancelOrder', { txid: placed })).result.count).toBe(1);
    c.close();
  });

  it('drops WS connections without a close handshake', async () => {
    await setup();
    const c = await wsClient(sim.wsPublicUrl);
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    expect(sim.faults.dropWs('public')).toBe(1);
    expect(await closed).toBe(1006);
  });

  it('going dark drops every socket and refuses new ones and every REST call until it comes back', async () => {
    const { rest } = await setup();
    const pub = await wsClient(sim.wsPublicUrl);
    const priv = await wsClient(sim.wsPrivateUrl);
    const closed = (c: typeof pub) => new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    const both = Promise.all([closed(pub), closed(priv)]);
    sim.faults.goDark();
    expect(await both).toEqual([1006, 1006]);
    await expect(wsClient(sim.wsPublicUrl)).rejects.toThrow();
    await expect(fetch(`${sim.restUrl}/0/public/Time`)).rejects.toThrow();
    await sim.advance(30 * 60_000);
    sim.faults.comeBack();
    expect((await rest.get('Time')).error).toEqual([]);
    (await wsClient(sim.wsPublicUrl)).close();
  });

  it('a stalled WS connection sends nothing until resumed', async () => {
    await setup();
    const c = await wsClient(sim.wsPublicUrl);
    c.send({ method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD'] }, req_id: 1 });
    await c.take(isMethod('subscribe', 1));
    sim.faults.stallWs('public');
    await sim.advance(60_000);
    sim.faults.resumeWs();
    c.send({ method: 'ping', req_id: 3 });
    await c.take(isMethod('pong', 3));
    expect(c.count(isChannel('trade', 'update'))).toBe(0);
    expect(c.count(isChannel('heartbeat'))).toBe(0);
    await sim.advance(60_000);
    await c.take(isChannel('trade', 'update'));
    c.close();
  });

  it('a corrupted book checksum is sent once, then checksums are right again', async () => {
    await setup();
    const c = await wsClient(sim.wsPublicUrl);
    sim.faults.corruptBookChecksum({ symbol: 'ETH/USD' });
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['ETH/USD'] }, req_id: 1 });
    const bad = (await c.take(isChannel('book', 'snapshot'))).data[0];
    c.send({ method: 'unsubscribe', params: { channel: 'book', symbol: ['ETH/USD'] }, req_id: 2 });
    await c.take(isMethod('unsubscribe', 2));
    c.send({ method: 'subscribe', params: { channel: 'book', symbol: ['ETH/USD'] }, req_id: 3 });
    const good = (await c.take(isChannel('book', 'snapshot'))).data[0];
    expect(good.asks).toEqual(bad.asks);
    expect(good.checksum).not.toBe(bad.checksum);
    c.close();
  });

  it('a lost WS add_order answer still places the order and reports it on executions', async () => {
    await setup();
    const token = await wsToken(sim);
    const c = await wsClient(sim.wsPrivateUrl);
    c.send({ method: 'subscribe', params: { channel: 'executions', token }, req_id: 1 });
    await c.take(isChannel('executions', 'snapshot'));
    sim.faults.loseResponse({ method: 'add_order' });
    c.send({ method: 'add_order', params: { token, order_type: 'market', side: 'buy', order_qty: 0.001, symbol: 'BTC/USD' }, req_id: 2 });
    await c.take((m) => m.channel === 'executions' && m.data[0].exec_type === 'filled');
    expect(c.count(isMethod('add_order', 2))).toBe(0);
    c.close();
  });

  it('thin liquidity fills only its share of the next market order and cancels the rest; the one after fills whole', async () => {
    const { rest } = await setup();
    sim.faults.thinLiquidity(0.4);
    const thin = (await rest.post('AddOrder', { pair: 'XBTUSD', type: 'buy', ordertype: 'market', volume: '0.01' })).result.txid[0];
    const whole = (await rest.post('AddOrder', { pair: 'XBTUSD', type: 'buy', ordertype: 'market', volume: '0.01' })).result.txid[0];
    const orders = (await rest.post('QueryOrders', { txid: `${thin},${whole}` })).result;
    expect(orders[thin]).toMatchObject({ status: 'canceled', vol_exec: '0.00400000', reason: 'Insufficient liquidity' });
    expect(orders[whole]).toMatchObject({ status: 'closed', vol_exec: '0.01000000' });
    expect(() => sim.faults.thinLiquidity(1.5)).toThrow(/0\.\.1, got 1\.5/);
  });

  it("the engine view tells when the account's dead-man switch fires, and null once disarmed", async () => {
    const { rest } = await setup();
    expect(sim.engine.deadmanAt()).toBeNull();
    await rest.post('CancelAllOrdersAfter', { timeout: '60' });
    expect(sim.engine.deadmanAt()).toBe(sim.clock.now() + 60_000);
    await rest.post('CancelAllOrdersAfter', { timeout: '0' });
    expect(sim.engine.deadmanAt()).toBeNull();
  });
});
