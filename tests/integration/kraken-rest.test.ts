import { afterEach, describe, expect, it } from 'vitest';
import { KrakenClient } from '../../src/kraken/client.ts';
import { KrakenError } from '../../src/kraken/errors.ts';
import { fetchCandles } from '../../src/kraken/ohlc.ts';
import { BalanceSchema } from '../../src/kraken/schemas.ts';
import { SIM_TEST_ACCOUNT } from '../../src/sim/index.ts';
import { startHarness, type Harness } from './kraken-harness.ts';

let h: Harness;
afterEach(async () => h?.close());

describe('Kraken REST client against the simulator', () => {
  it('authenticates private calls with API-Sign the simulator verifies', async () => {
    h = await startHarness();
    const balances = await h.drive(h.client.balances());
    expect(balances.spot['USD']).toEqual({ total: 10_000, available: 10_000 });
  });

  it('reports a wrong secret as an auth error without leaking the secret', async () => {
    h = await startHarness();
    const secret = Buffer.from('not the right secret at all').toString('base64');
    const bad = new KrakenClient({
      baseUrl: h.sim.restUrl,
      clock: h.sim.clock,
      credentials: { key: 'sim-test-key', secret },
      fallbackFees: { maker: 0, taker: 0 },
    });
    const err = await h.drive(bad.rest.privateCall('Balance', {}, BalanceSchema)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KrakenError);
    expect((err as KrakenError).kind).toBe('auth');
    expect((err as KrakenError).venueCode).toBe('EAPI:Invalid signature');
    expect((err as KrakenError).message).not.toContain(secret);
  });

  it('delivers 20 concurrent private calls on one key in nonce order (no EAPI:Invalid nonce)', async () => {
    h = await startHarness();
    const calls = Array.from({ length: 20 }, () => h.client.rest.privateCall('Balance', {}, BalanceSchema, { retries: 0 }));
    const results = await h.drive(Promise.all(calls));
    expect(results).toHaveLength(20);
    results.forEach((r) => expect(r['ZUSD']).toBeDefined());
  });

  it('waits for the rate counter instead of hitting EAPI:Rate limit exceeded under a burst of 50 calls', async () => {
    h = await startHarness();
    const start = h.sim.clock.now();
    const calls = Array.from({ length: 50 }, () => h.client.rest.privateCall('Balance', {}, BalanceSchema, { retries: 0 }));
    await expect(h.drive(Promise.all(calls))).resolves.toHaveLength(50);
    // intermediate tier: 19 at once, then 0.5 per second → about 62 s of simulated time for the rest
    expect(h.sim.clock.now() - start).toBeGreaterThanOrEqual(60_000);
  });

  it('builds the pair table: v2 symbols, REST keys, altnames, asset ids, grid, minimums and account fees', async () => {
    h = await startHarness();
    const t = h.client.pairs;
    const btc = t.get('BTC/USD');
    expect([btc.key, btc.altname, btc.wsname, btc.baseId, btc.baseCode, btc.quoteCode]).toEqual(['XXBTZUSD', 'XBTUSD', 'XBT/USD', 'XXBT', 'BTC', 'USD']);
    expect(btc.rules).toMatchObject({ tickSize: 0.1, priceDecimals: 1, lotDecimals: 8, orderMin: 0.00005, costMin: 0.5 });
    expect(btc.feeSource).toBe('tradeVolume');
    expect(btc.fees).toEqual({ maker: 0.0025, taker: 0.004 });
    expect(t.find('XXBTZUSD')?.symbol).toBe('BTC/USD');
    expect(t.assetCode('ZUSD')).toBe('USD');
    expect(t.formatPrice('BTC/USD', 30_300.14)).toBe('30300.1');
    expect(t.formatVolume('BTC/USD', 0.1 + 0.2)).toBe('0.30000000');
  });

  it('reads tickers by v2 symbol', async () => {
    h = await startHarness();
    const tickers = await h.drive(h.client.tickers(['BTC/USD', 'ETH/USD']));
    const btc = tickers.get('BTC/USD');
    expect(btc && btc.ask >= btc.bid).toBe(true);
    expect([...tickers.keys()].sort()).toEqual(['BTC/USD', 'ETH/USD']);
  });

  it('fetches committed OHLC candles: forming candle dropped, since honoured, 720 cap reported', async () => {
    h = await startHarness();
    await h.sim.advance(3 * 86_400_000);
    const now = h.sim.clock.now();
    const latest = await h.drive(fetchCandles(h.client, 'BTC/USD', '5m'));
    expect(latest.candles.length).toBeLessThanOrEqual(720);
    const newest = latest.candles.at(-1)!.time;
    expect(newest + 5 * 60_000).toBeLessThanOrEqual(now);
    const recent = await h.drive(fetchCandles(h.client, 'BTC/USD', '5m', newest - 10 * 300_000));
    expect(recent.candles.map((c) => c.time)).toEqual(Array.from({ length: 11 }, (_, i) => newest - (10 - i) * 300_000));
    expect(recent.complete).toBe(true);
    const tooOld = await h.drive(fetchCandles(h.client, 'BTC/USD', '5m', now - 4 * 86_400_000));
    expect(tooOld.complete).toBe(false);
    expect(tooOld.reachedFrom).toBeGreaterThan(now - 4 * 86_400_000);
    expect(tooOld.candles).toHaveLength(719);
  });

  it('keeps suffixed earn/staking/margin balances served by the simulator out of spendable spot', async () => {
    const balances = { ZUSD: '1000', XXBT: '0.5', 'XXBT.F': '2', 'ETH2.S': '3', 'USD.M': '500' };
    h = await startHarness({ sim: { accounts: [{ ...SIM_TEST_ACCOUNT, balances }] } });
    const b = await h.drive(h.client.balances());
    expect(b.spot).toEqual({ USD: { total: 1000, available: 1000 }, BTC: { total: 0.5, available: 0.5 } });
    expect(b.locked).toEqual({ 'XXBT.F': 2, 'ETH2.S': 3, 'USD.M': 500 });
  });
});
