/**
 * An independent client agrees with the simulator: ccxt's kraken class (its own signing, parsing and
 * WS v2 code) pointed at the loopback URLs. ccxt is heavy (~2 s to import), so it is loaded lazily and
 * kept to this one file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_TEST_ACCOUNT, type KrakenSim } from '../../src/sim/index.ts';
import { DAY_ONE, startSim } from './helpers.ts';

describe('ccxt kraken against the simulator', () => {
  let sim: KrakenSim;
  let ex: any;
  beforeAll(async () => {
    sim = await startSim();
    const ccxt = (await import('ccxt')).default as any;
    ex = new ccxt.pro.kraken({ apiKey: SIM_TEST_ACCOUNT.key, secret: SIM_TEST_ACCOUNT.secret, enableRateLimit: false, timeout: 5000 });
    ex.urls.api.public = ex.urls.api.private = sim.restUrl;
    for (const k of Object.keys(ex.urls.api.ws)) ex.urls.api.ws[k] = sim.wsPublicUrl;
    ex.urls.api.ws.privateV2 = sim.wsPrivateUrl;
    await ex.loadHttpProxyAgent();
  }, 30_000);
  afterAll(async () => {
    await ex?.close();
    await sim.close();
  });

  it('fetches the time, the markets with their limits, OHLC and a ticker', async () => {
    expect(await ex.fetchTime()).toBe(DAY_ONE);
    const markets = await ex.loadMarkets();
    expect(markets['BTC/USD']).toMatchObject({ id: 'XXBTZUSD', base: 'BTC', quote: 'USD' });
    expect(markets['BTC/USD'].limits.amount.min).toBe(0.00005);
    expect(markets['DOGE/USD'].id).toBe('XDGUSD');
    const candles = await ex.fetchOHLCV('BTC/USD', '5m', DAY_ONE - 3600_000);
    expect(candles[0][0]).toBe(DAY_ONE - 3600_000);
    expect(candles[candles.length - 1][0]).toBe(DAY_ONE);
    const ticker = await ex.fetchTicker('ETH/USD');
    expect(ticker.bid).toBeLessThan(ticker.ask);
  });

  it('reads the balance and places then cancels a limit order, proving the signature check', async () => {
    const balance = await ex.fetchBalance();
    expect(balance.USD).toMatchObject({ free: 10000, used: 0, total: 10000 });
    const price = Math.floor((await ex.fetchTicker('BTC/USD')).bid - 1000);
    const order = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.001, price);
    expect(order.id).toMatch(/^O[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{6}$/);
    expect((await ex.fetchBalance()).USD.used).toBeCloseTo(price * 0.001 * 1.004, 3);
    const open = await ex.fetchOpenOrders('BTC/USD');
    expect(open.map((o: any) => o.id)).toEqual([order.id]);
    await ex.cancelOrder(order.id);
    expect(sim.engine.orders().find((o) => o.txid === order.id)?.status).toBe('canceled');
  });

  it('receives candles over WebSocket v2', async () => {
    const first = await ex.watchOHLCV('SOL/USD', '1m');
    expect(first.length).toBeGreaterThan(0);
    const next = ex.watchOHLCV('SOL/USD', '1m');
    await sim.advance(120_000);
    const candles = await next;
    const last = candles[candles.length - 1];
    expect(last[0] % 60_000).toBe(0);
    expect(last[4]).toBeGreaterThan(0);
  });
});
