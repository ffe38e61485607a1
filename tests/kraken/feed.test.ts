import { describe, expect, it } from 'vitest';
import { FeedTranslator } from '../../src/kraken/feed.ts';
import { PairTable } from '../../src/kraken/pairs.ts';
import { AssetPairsSchema } from '../../src/kraken/schemas.ts';

const table = new PairTable(
  AssetPairsSchema.parse({
    XXBTZUSD: { altname: 'XBTUSD', wsname: 'XBT/USD', base: 'XXBT', quote: 'ZUSD', pair_decimals: 1, lot_decimals: 8, ordermin: '0.00005', tick_size: '0.1' },
  }),
  { fallbackFees: { maker: 0.0025, taker: 0.004 } },
);
/** Receive time of every frame in these tests (the clock service's now). */
const RECEIVED = Date.parse('2026-09-25T17:50:00Z');
const translator = () =>
  new FeedTranslator(
    table,
    () => 10,
    () => RECEIVED,
  );
const ohlc = (begin: string, close: number) => ({
  channel: 'ohlc',
  type: 'update',
  data: [{ symbol: 'BTC/USD', open: 100, high: 110, low: 90, close, trades: 3, volume: 1.5, vwap: 100, interval_begin: begin, interval: 1, timestamp: begin }],
});

describe('WS v2 frame translation', () => {
  it('emits a forming candle on every update and closes it when a later interval begins', () => {
    const t = translator();
    const a = t.translate(ohlc('2026-09-25T17:48:00.000000000Z', 100));
    const b = t.translate(ohlc('2026-09-25T17:48:00.000000000Z', 101));
    const c = t.translate(ohlc('2026-09-25T17:49:00.000000000Z', 102));
    expect(a).toHaveLength(1);
    expect(b).toMatchObject([{ event: { closed: false, candle: { close: 101 } } }]);
    expect(c).toMatchObject([
      { event: { type: 'market.candle', closed: true, candle: { time: Date.parse('2026-09-25T17:48:00Z'), close: 101 } } },
      { event: { type: 'market.candle', closed: false, candle: { close: 102 } } },
    ]);
  });

  it('maps an execution trade to a fill with fee, liquidity and contract status', () => {
    const [out] = translator().translate({
      channel: 'executions',
      type: 'update',
      data: [
        {
          order_id: 'OK4GJX',
          cl_ord_id: 'abc',
          exec_id: 'TGBB7L',
          exec_type: 'trade',
          trade_id: 62887576,
          symbol: 'BTC/USD',
          side: 'sell',
          last_qty: 0.005,
          last_price: 26599.9,
          liquidity_ind: 't',
          order_status: 'partially_filled',
          cum_qty: 0.005,
          timestamp: '2023-09-22T10:33:05.709993Z',
          fees: [{ asset: 'USD', qty: 0.3458 }],
        },
      ],
    });
    expect(out).toEqual({
      kind: 'event',
      event: {
        type: 'account.execution',
        report: {
          venueOrderId: 'OK4GJX',
          clOrdId: 'abc',
          pair: 'BTC/USD',
          side: 'sell',
          execType: 'trade',
          status: 'partial',
          cumQty: 0.005,
          time: Date.parse('2023-09-22T10:33:05.709993Z'),
          reason: null,
          fill: { tradeId: '62887576', price: 26599.9, quantity: 0.005, fee: 0.3458, liquidity: 'taker' },
        },
      },
    });
  });

  it('turns heartbeats and status pushes into liveness and status signals', () => {
    const t = translator();
    expect(t.translate({ channel: 'heartbeat' })).toEqual([{ kind: 'heartbeat' }]);
    expect(t.translate({ channel: 'status', type: 'update', data: [{ system: 'maintenance' }] })).toEqual([{ kind: 'status', system: 'maintenance' }]);
  });

  it('reports a book whose update breaks the checksum and forgets it until a new snapshot', () => {
    const t = translator();
    const snap = {
      channel: 'book',
      type: 'snapshot',
      data: [{ symbol: 'BTC/USD', bids: [{ price: 99.9, qty: 1 }], asks: [{ price: 100.1, qty: 2 }], checksum: 0 }],
    };
    expect(t.translate(snap)[0]?.kind).toBe('bookMismatch');
  });

  it('gives a ticker without a timestamp (Kraken documents one without) the receive time, not 0', () => {
    const ticker = {
      symbol: 'BTC/USD',
      bid: 83744.2,
      bid_qty: 0.56251979,
      ask: 83744.3,
      ask_qty: 0.0004478,
      last: 83744.3,
      volume: 3156.8478211,
      vwap: 84174.6,
      low: 83163.6,
      high: 85247.4,
      change: -429.3,
      change_pct: -0.51,
    };
    expect(translator().translate({ channel: 'ticker', type: 'update', data: [ticker] })).toEqual([
      { kind: 'event', event: { type: 'market.ticker', pair: 'BTC/USD', ticker: { bid: 83744.2, ask: 83744.3, last: 83744.3, time: RECEIVED } } },
    ]);
    const stamped = translator().translate({ channel: 'ticker', type: 'update', data: [{ ...ticker, timestamp: '2026-09-25T17:48:26.844359Z' }] });
    expect(stamped).toMatchObject([{ event: { ticker: { time: Date.parse('2026-09-25T17:48:26.844359Z') } } }]);
  });

  it('ignores symbols outside the pair table', () => {
    expect(translator().translate({ channel: 'ticker', type: 'update', data: [{ symbol: 'FOO/USD', bid: 1, ask: 2, last: 1 }] })).toEqual([]);
  });
});
