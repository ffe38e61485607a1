import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KrakenSim } from '../../src/sim/index.ts';
import { DAY_ONE, restClient, startSim } from './helpers.ts';

describe('REST public endpoints', () => {
  let sim: KrakenSim;
  let rest: ReturnType<typeof restClient>;
  beforeAll(async () => {
    sim = await startSim();
    rest = restClient(sim);
    await sim.advance(2 * 60_000 + 30_000);
  });
  afterAll(() => sim.close());

  it('Time reports replay time in seconds and rfc1123', async () => {
    const r = await rest.get('Time');
    expect(r.result).toEqual({ unixtime: DAY_ONE / 1000 + 150, rfc1123: 'Wed, 04 Sep 24 00:02:30 +0000' });
  });

  it('SystemStatus says online with an RFC3339 timestamp', async () => {
    expect((await rest.get('SystemStatus')).result).toEqual({ status: 'online', timestamp: '2024-09-04T00:02:30Z' });
  });

  it('AssetPairs lists all nine pairs keyed by REST key with string minimums and fee tables', async () => {
    const r = await rest.get('AssetPairs');
    expect(Object.keys(r.result).sort()).toEqual(['ADAUSD', 'AVAXUSD', 'DOTUSD', 'LINKUSD', 'SOLUSD', 'XDGUSD', 'XETHZUSD', 'XXBTZUSD', 'XXRPZUSD']);
    const btc = r.result.XXBTZUSD;
    expect(btc).toMatchObject({
      altname: 'XBTUSD',
      wsname: 'XBT/USD',
      base: 'XXBT',
      quote: 'ZUSD',
      pair_decimals: 1,
      lot_decimals: 8,
      cost_decimals: 5,
      ordermin: '0.00005',
      costmin: '0.5',
      tick_size: '0.1',
      status: 'online',
    });
    expect(btc.fees[0]).toEqual([0, 0.4]);
    expect(btc.fees_maker[0]).toEqual([0, 0.25]);
    expect(r.result.XDGUSD).toMatchObject({ base: 'XXDG', wsname: 'XDG/USD', pair_decimals: 7, tick_size: '0.0000001', ordermin: '50' });
  });

  it('AssetPairs filters by key or altname and refuses an unknown pair', async () => {
    expect(Object.keys((await rest.get('AssetPairs', { pair: 'XBTUSD,XETHZUSD' })).result)).toEqual(['XXBTZUSD', 'XETHZUSD']);
    expect(await rest.get('AssetPairs', { pair: 'FOOUSD' })).toEqual({ error: ['EQuery:Unknown asset pair'] });
    expect((await rest.get('AssetPairs', { pair: 'XBTUSD', info: 'fees' })).result.XXBTZUSD).toHaveProperty('fees_maker');
  });

  it('Assets lists asset ids with altnames', async () => {
    const r = await rest.get('Assets');
    expect(r.result.XXBT).toMatchObject({ aclass: 'currency', altname: 'XBT', decimals: 10 });
    expect(r.result.ZUSD.altname).toBe('USD');
    expect((await rest.get('Assets', { asset: 'NOPE' })).error).toEqual(['EQuery:Unknown asset']);
  });

  it('Ticker gives string prices, int trade counts and a bid below the ask', async () => {
    const t = (await rest.get('Ticker', { pair: 'XBTUSD' })).result.XXBTZUSD;
    expect(t.a).toHaveLength(3);
    expect(Number(t.b[0])).toBeLessThan(Number(t.a[0]));
    expect(typeof t.c[0]).toBe('string');
    expect(Number.isInteger(t.t[1])).toBe(true);
    expect(t.t[1]).toBeGreaterThan(200);
    expect(Number(t.l[1])).toBeLessThanOrEqual(Number(t.h[1]));
    expect((await rest.get('Ticker', { pair: 'ADAUSD' })).error).toEqual(['EQuery:Unknown asset pair']);
  });

  it('OHLC caps at 720 rows with the forming candle last and `last` one interval before it', async () => {
    const r = (await rest.get('OHLC', { pair: 'XBTUSD', interval: '5' })).result;
    const rows = r.XXBTZUSD as unknown[][];
    expect(rows.length).toBe(720);
    const forming = rows[rows.length - 1]!;
    expect(forming[0]).toBe(DAY_ONE / 1000);
    expect(r.last).toBe(DAY_ONE / 1000 - 300);
    expect(rows[0]![0]).toBe(DAY_ONE / 1000 - 719 * 300);
    expect(typeof forming[1]).toBe('string');
    expect(typeof forming[7]).toBe('number');
    expect(rows.every((row, i) => i === 0 || (row[0] as number) > (rows[i - 1]![0] as number))).toBe(true);
  });

  it('OHLC `since` keeps rows after it and always the forming row', async () => {
    const since = DAY_ONE / 1000 - 15 * 60;
    const rows = (await rest.get('OHLC', { pair: 'XXBTZUSD', interval: '5', since: String(since) })).result.XXBTZUSD as number[][];
    expect(rows.map((r) => r[0])).toEqual([since + 300, since + 600, DAY_ONE / 1000]);
    const future = (await rest.get('OHLC', { pair: 'XXBTZUSD', interval: '5', since: String(DAY_ONE / 1000 + 9999) })).result.XXBTZUSD;
    expect(future).toHaveLength(1);
  });

  it('OHLC forming candle only contains trades up to now, never the rest of the candle', async () => {
    const rows = (await rest.get('OHLC', { pair: 'XBTUSD', interval: '5' })).result.XXBTZUSD as string[][];
    const partial = Number(rows[rows.length - 1]![6]);
    await sim.advance(150_000);
    const after = (await rest.get('OHLC', { pair: 'XBTUSD', interval: '5' })).result.XXBTZUSD as string[][];
    const committed = after[after.length - 2]!;
    expect(committed[0]).toBe(DAY_ONE / 1000);
    expect(Number(committed[6])).toBeGreaterThan(partial);
    expect(Number(committed[6])).toBeCloseTo(93.31436, 4); // the bundled CSV volume of that candle
  });

  it('OHLC refuses a bad interval and a missing pair', async () => {
    expect((await rest.get('OHLC', { pair: 'XBTUSD', interval: '7' })).error).toEqual(['EGeneral:Invalid arguments:interval']);
    expect((await rest.get('OHLC')).error).toEqual(['EGeneral:Invalid arguments:pair']);
  });

  it('Depth clamps count to 1..500, asks ascending and bids descending as [price, volume, time]', async () => {
    const d = (await rest.get('Depth', { pair: 'ETHUSD', count: '5' })).result.XETHZUSD;
    expect(d.asks).toHaveLength(5);
    const askPrices = d.asks.map((a: string[]) => Number(a[0]));
    const bidPrices = d.bids.map((b: string[]) => Number(b[0]));
    expect(askPrices).toEqual([...askPrices].sort((a, b) => a - b));
    expect(bidPrices).toEqual([...bidPrices].sort((a, b) => b - a));
    expect(typeof d.asks[0][2]).toBe('number');
    expect((await rest.get('Depth', { pair: 'ETHUSD', count: '9999' })).result.XETHZUSD.asks).toHaveLength(500);
    expect((await rest.get('Depth', { pair: 'ETHUSD', count: '0' })).result.XETHZUSD.asks.length).toBeGreaterThanOrEqual(1);
  });
});
