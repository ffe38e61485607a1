/**
 * The client against what Kraken really sends: payloads written from Kraken's documentation
 * (../shared/reference/kraken-api.md §3, §4.3, §6) and the shapes public SDK test suites recorded
 * (Kraken.Net's TradesHistory page without `count`, its top-tier TradeVolume with null next fees),
 * served by a loopback server so the real transport, envelope and schemas parse them.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { KrakenClient } from '../../src/kraken/client.ts';
import { KrakenError } from '../../src/kraken/errors.ts';
import { OrderApi } from '../../src/kraken/orders.ts';
import { TimeSchema } from '../../src/kraken/schemas.ts';
import { LiveVenue } from '../../src/venues/live.ts';
import { loopback } from './loopback.ts';

type Reply = { body: unknown } | ((params: URLSearchParams) => { body: unknown });

const calls: string[] = [];

/** Answers /0/public/<M> and /0/private/<M> from `routes[M]`; records each method called. */
async function serve(routes: Record<string, Reply>): Promise<string> {
  calls.length = 0;
  const { url } = await loopback((req, form) => {
    const path = new URL(req.url ?? '/', 'http://x');
    const method = path.pathname.split('/').at(-1)!;
    calls.push(method);
    const route = routes[method];
    const reply =
      route === undefined
        ? { body: { error: ['EGeneral:Unknown method'] } }
        : typeof route === 'function'
          ? route(new URLSearchParams(form || path.search))
          : route;
    return { body: JSON.stringify(reply.body) };
  });
  return url;
}

const ok = (result: unknown) => ({ body: { error: [], result } });

/** What the client logged, as parsed pino records. */
function capturedLogger() {
  const records: Record<string, unknown>[] = [];
  return { records, logger: pino({ level: 'info' }, { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) }) };
}

// §4.3, BTC/USD as documented (fee tables trimmed to two tiers).
const ASSET_PAIRS = {
  XXBTZUSD: {
    altname: 'XBTUSD',
    wsname: 'XBT/USD',
    aclass_base: 'currency',
    base: 'XXBT',
    aclass_quote: 'currency',
    quote: 'ZUSD',
    lot: 'unit',
    cost_decimals: 5,
    pair_decimals: 1,
    lot_decimals: 8,
    lot_multiplier: 1,
    leverage_buy: [2, 3, 4, 5],
    leverage_sell: [2, 3, 4, 5],
    fees: [
      [0, 0.4],
      [10000, 0.35],
    ],
    fees_maker: [
      [0, 0.25],
      [10000, 0.2],
    ],
    fee_volume_currency: 'ZUSD',
    margin_call: 80,
    margin_stop: 40,
    ordermin: '0.00005',
    costmin: '0.5',
    tick_size: '0.1',
    status: 'online',
    long_position_limit: 350,
    short_position_limit: 250,
  },
};

/** §6's order object: a market buy of 0.02 BTC, closed, with our cl_ord_id. */
function order(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    refid: null,
    userref: 0,
    cl_ord_id: 'bt-entry-1',
    status: 'closed',
    opentm: 1688666559.8974,
    closetm: 1688666560.1,
    starttm: 0,
    expiretm: 0,
    descr: { pair: 'XBTUSD', type: 'buy', ordertype: 'market', price: '0', price2: '0', leverage: 'none', order: 'buy 0.02000000 XBTUSD @ market', close: '' },
    vol: '0.02000000',
    vol_exec: '0.02000000',
    cost: '600.20000',
    fee: '2.40080',
    price: '30010.0',
    stopprice: '0.00000',
    limitprice: '0.00000',
    misc: '',
    oflags: 'fciq',
    reason: null,
    ...over,
  };
}

/** §6's TradesHistory value, for the order above. */
function trade(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ordertxid: 'OQCLML-BW3P3-BUCMWZ',
    postxid: 'TKH2SE-M7IF5-CFI7LT',
    pair: 'XXBTZUSD',
    time: 1688666560.0,
    type: 'buy',
    ordertype: 'market',
    price: '30010.00000',
    cost: '300.10000',
    fee: '1.20040',
    vol: '0.01000000',
    margin: '0.00000',
    misc: '',
    trade_id: 40274859,
    maker: false,
    ...over,
  };
}

async function clientFor(routes: Record<string, Reply>, logger?: pino.Logger) {
  const baseUrl = await serve({
    AssetPairs: ok(ASSET_PAIRS),
    TradeVolume: ok({ currency: 'ZUSD', volume: '0.0000', fees: null, fees_maker: null }),
    ...routes,
  });
  const clock = simulatedClock(1_688_666_600_000);
  const client = new KrakenClient({
    baseUrl,
    clock,
    credentials: { key: 'k', secret: Buffer.from('secret').toString('base64') },
    fallbackFees: { maker: 0.0025, taker: 0.004 },
    retries: 0,
    ...(logger ? { logger } : {}),
  });
  await client.loadPairs();
  const venue = new LiveVenue({ client, orders: new OrderApi(client, clock), ...(logger ? { logger } : {}) });
  return { client, venue };
}

describe("Kraken errors in the venue's own words (§3)", () => {
  it('surfaces "Something went wrong" with a null result as that text, not as an unexpected shape', async () => {
    const baseUrl = await serve({ Time: { body: { error: ['Something went wrong'], result: null } } });
    const client = new KrakenClient({ baseUrl, clock: simulatedClock(0), fallbackFees: { maker: 0, taker: 0 }, retries: 0 });
    const err = (await client.rest.publicCall('Time', {}, TimeSchema).catch((e: unknown) => e)) as KrakenError;
    expect(err).toBeInstanceOf(KrakenError);
    expect(err.message).toContain('Kraken Time failed: Something went wrong');
    expect(err.message).not.toContain('unexpected shape');
    expect(err).toMatchObject({ venueCode: 'Something went wrong', kind: 'retryable' });
  });

  it('treats the same text on AddOrder as "the order may exist": reconcile by cl_ord_id, never resend', async () => {
    const { client } = await clientFor({ AddOrder: { body: { error: ['Something went wrong'] } } });
    const err = await client.rest.privateCall('AddOrder', { pair: 'XBTUSD' }, TimeSchema, { placesOrder: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ venueCode: 'Something went wrong', kind: 'orderMayExist' });
  });

  it('keeps a result that comes with a warning and logs the warning', async () => {
    const { records, logger } = capturedLogger();
    const baseUrl = await serve({ Time: { body: { error: ['WGeneral:Deprecated'], result: { unixtime: 1688669448 } } } });
    const client = new KrakenClient({ baseUrl, clock: simulatedClock(0), fallbackFees: { maker: 0, taker: 0 }, logger });
    await expect(client.serverTime()).resolves.toBe(1688669448000);
    expect(records).toContainEqual(expect.objectContaining({ method: 'Time', warnings: ['WGeneral:Deprecated'] }));
  });
});

describe('TradeVolume (§6)', () => {
  it('accepts fees: null and falls back to the AssetPairs tier table', async () => {
    const { client } = await clientFor({});
    expect(client.pairs.get('BTC/USD')).toMatchObject({ feeSource: 'assetPairs', fees: { maker: 0.0025, taker: 0.004 } });
  });

  it('reads the top tier, where nextfee and nextvolume are null', async () => {
    const top = { fee: '0.1000', minfee: '0.1000', maxfee: '0.2600', nextfee: null, nextvolume: null, tiervolume: '10000000.0000' };
    const { client } = await clientFor({
      TradeVolume: ok({ currency: 'ZUSD', volume: '200709587.4223', fees: { XXBTZUSD: top }, fees_maker: { XXBTZUSD: { ...top, fee: '0.0000' } } }),
    });
    expect(client.pairs.get('BTC/USD')).toMatchObject({ feeSource: 'tradeVolume', fees: { maker: 0, taker: 0.001 } });
  });
});

describe('order lookups over pages of records (§6)', () => {
  const closedWith = (records: Record<string, unknown>) => ({
    OpenOrders: ok({ open: {} }),
    ClosedOrders: ok({ closed: records, count: Object.keys(records).length }),
  });

  it('finds an order among closed orders whose description Kraken left empty', async () => {
    const { venue } = await clientFor({
      ...closedWith({
        'OEMPTY-AAAAA-BBBBBB': order({ cl_ord_id: null, status: 'canceled', vol_exec: '0.00000000', descr: {} }),
        'OBLANK-AAAAA-CCCCCC': order({ cl_ord_id: null, status: 'canceled', vol_exec: '0.00000000', descr: { pair: '', type: '', ordertype: '', price: '' } }),
        'OQCLML-BW3P3-BUCMWZ': order(),
      }),
      TradesHistory: ok({ trades: { 'THVRQM-33VKH-UCI7BS': trade(), 'TCWJEG-FL4SZ-3FKGH6': trade({ trade_id: 39482674, time: 1688666559.95 }) }, count: 2 }),
    });
    await expect(venue.queryOrder('bt-entry-1')).resolves.toMatchObject({ venueOrderId: 'OQCLML-BW3P3-BUCMWZ', status: 'filled', filledQuantity: 0.02 });
  });

  it("reads an order's fills from a TradesHistory page without count (as Kraken.Net recorded it)", async () => {
    const { venue } = await clientFor({
      ...closedWith({ 'OQCLML-BW3P3-BUCMWZ': order() }),
      TradesHistory: ok({ trades: { 'THVRQM-33VKH-UCI7BS': trade(), 'TCWJEG-FL4SZ-3FKGH6': trade({ trade_id: 39482674, time: 1688666559.95 }) } }),
    });
    const found = await venue.queryOrder('bt-entry-1');
    expect(found?.fills.map((f) => [f.tradeId, f.quantity, f.price, f.fee, f.time])).toEqual([
      ['BTC/USD:39482674', 0.01, 30010, 1.2004, 1688666559950],
      ['BTC/USD:40274859', 0.01, 30010, 1.2004, 1688666560000],
    ]);
    // A short page without count is the last one: one TradesHistory call, not ten.
    expect(calls.filter((m) => m === 'TradesHistory')).toHaveLength(1);
  });

  it('skips one odd order record and logs it; the lookup still finds ours', async () => {
    const { records, logger } = capturedLogger();
    const { venue } = await clientFor(
      {
        ...closedWith({ 'OODDXX-AAAAA-DDDDDD': order({ cl_ord_id: 'other', vol: 'n/a', status: 'settled' }), 'OQCLML-BW3P3-BUCMWZ': order() }),
        TradesHistory: ok({ trades: { 'THVRQM-33VKH-UCI7BS': trade({ vol: '0.02000000', cost: '600.20000', fee: '2.40080' }) }, count: 1 }),
      },
      logger,
    );
    await expect(venue.queryOrder('bt-entry-1')).resolves.toMatchObject({
      status: 'filled',
      filledQuantity: 0.02,
      fills: [{ tradeId: 'BTC/USD:40274859', quantity: 0.02 }],
    });
    expect(records).toContainEqual(
      expect.objectContaining({ method: 'ClosedOrders', record: 'OODDXX-AAAAA-DDDDDD', problem: expect.stringContaining('OODDXX-AAAAA-DDDDDD.status') }),
    );
  });

  it('skips one odd trade in a TradesHistory page and logs it; the other fills stand', async () => {
    const { records, logger } = capturedLogger();
    const { venue } = await clientFor(
      {
        ...closedWith({ 'OQCLML-BW3P3-BUCMWZ': order({ vol_exec: '0.01000000' }) }),
        TradesHistory: ok({ trades: { 'TODDXX-AAAAA-EEEEEE': trade({ price: null }), 'THVRQM-33VKH-UCI7BS': trade() }, count: 2 }),
      },
      logger,
    );
    await expect(venue.queryOrder('bt-entry-1')).resolves.toMatchObject({ filledQuantity: 0.01, fills: [{ tradeId: 'BTC/USD:40274859' }] });
    expect(records).toContainEqual(
      expect.objectContaining({ method: 'TradesHistory', record: 'TODDXX-AAAAA-EEEEEE', problem: expect.stringContaining('price') }),
    );
  });
});
