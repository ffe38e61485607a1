/**
 * WS v2 public channels (§9): ticker, trade, ohlc, book (snapshot + diff updates + CRC32 checksum,
 * depth truncation) and instrument; one ack per symbol. Channel data is pushed on every replayed trade.
 */
import { bookDiff, type BookSide } from '../book.ts';
import { bookChecksum } from '../checksum.ts';
import { bookOf, type SimContext } from '../context.ts';
import { rfc3339 } from '../format.ts';
import { addTradeToRow, type OhlcRow, type PairMarket } from '../market.ts';
import { pairBySymbol } from '../pairs.ts';
import type { ReplayTrade } from '../path.ts';
import { formingRow, OHLC_INTERVALS, ohlcRows } from '../rest/ohlc.ts';
import type { WsConn } from './conn.ts';
import { instrumentData, ohlcItem, tickerItem, tradeItem } from './market-json.ts';

const BOOK_DEPTHS = [10, 25, 100, 500, 1000];
export const PUBLIC_CHANNELS = ['ticker', 'trade', 'ohlc', 'book', 'instrument'];

interface BookSub {
  depth: number;
  view: BookSide;
}
interface OhlcSub {
  interval: number;
}

export type Ack = { result: Record<string, unknown> } | { error: string; symbol?: string };

function marketOf(ctx: SimContext, symbol: string): PairMarket | undefined {
  const info = pairBySymbol(symbol);
  return info ? ctx.markets.get(info.key) : undefined;
}

function bookMessage(ctx: SimContext, m: PairMarket, type: 'snapshot' | 'update', levels: BookSide, full: BookSide): Record<string, unknown> {
  let checksum = bookChecksum(full.asks, full.bids, m.info.pairDecimals, m.info.lotDecimals);
  if (ctx.faults.takeBookCorruption(m.info.symbol)) checksum = (checksum ^ 0x5a5a5a5a) >>> 0;
  const item = { symbol: m.info.symbol, bids: levels.bids, asks: levels.asks, checksum, ...(type === 'update' ? { timestamp: rfc3339(m.last.time) } : {}) };
  return { channel: 'book', type, data: [item] };
}

/** Subscribes one symbol (or the instrument catalogue) and sends the snapshot after the ack. */
export function subscribePublic(
  ctx: SimContext,
  conn: WsConn,
  channel: string,
  symbol: string | undefined,
  params: Record<string, unknown>,
  ack: (a: Ack) => void,
): void {
  const m = symbol === undefined ? undefined : marketOf(ctx, symbol);
  if (channel !== 'instrument' && !m) return ack({ error: `Currency pair not supported ${symbol}`, symbol });
  const snapshot = typeof params.snapshot === 'boolean' ? params.snapshot : channel !== 'trade';
  const key = `${channel}:${symbol ?? ''}`;
  if (channel === 'instrument') {
    ack({ result: { channel, snapshot } });
    conn.subscriptions.set(key, true);
    if (snapshot) conn.send({ channel, type: 'snapshot', data: instrumentData(ctx) });
    return;
  }
  const market = m!;
  if (channel === 'book') return subscribeBook(ctx, conn, market, params, snapshot, ack);
  if (channel === 'ohlc') {
    const interval = Number(params.interval ?? 1);
    if (!OHLC_INTERVALS.includes(interval)) return ack({ error: 'EGeneral:Invalid arguments:interval', symbol });
    ack({ result: { channel, snapshot, symbol, interval } });
    conn.subscriptions.set(key, { interval } satisfies OhlcSub);
    if (!snapshot) return;
    const { rows, forming } = ohlcRows(market, interval, ctx.clock.now());
    const data = [...rows.slice(rows.length - Math.min(rows.length, ctx.ohlcSnapshotCandles)), forming].map((r) => ohlcItem(market, r, interval));
    conn.send({ channel, type: 'snapshot', timestamp: rfc3339(ctx.clock.now()), data });
    return;
  }
  ack({ result: { channel, snapshot, symbol, ...(channel === 'ticker' ? { event_trigger: params.event_trigger ?? 'trades' } : {}) } });
  conn.subscriptions.set(key, true);
  if (!snapshot) return;
  if (channel === 'ticker') conn.send({ channel, type: 'snapshot', data: [tickerItem(ctx, market)] });
  else conn.send({ channel, type: 'snapshot', data: market.recentTrades(50, ctx.clock.now()).map((t, i) => tradeItem(market, t, market.tradeSeq - 49 + i)) });
}

function subscribeBook(ctx: SimContext, conn: WsConn, m: PairMarket, params: Record<string, unknown>, snapshot: boolean, ack: (a: Ack) => void): void {
  const depth = Number(params.depth ?? 10);
  if (!BOOK_DEPTHS.includes(depth)) return ack({ error: 'EGeneral:Invalid arguments:depth', symbol: m.info.symbol });
  ack({ result: { channel: 'book', depth, snapshot, symbol: m.info.symbol } });
  const view = bookOf(ctx, m.info.key, depth)!;
  conn.subscriptions.set(`book:${m.info.symbol}`, { depth, view } satisfies BookSub);
  if (snapshot) conn.send(bookMessage(ctx, m, 'snapshot', view, view));
}

export function unsubscribePublic(conn: WsConn, channel: string, symbol: string | undefined, params: Record<string, unknown>, ack: (a: Ack) => void): void {
  const key = `${channel}:${symbol ?? ''}`;
  if (!conn.subscriptions.delete(key)) return ack({ error: 'Subscription Not Found', symbol });
  ack({
    result: {
      channel,
      symbol,
      ...(channel === 'book' ? { depth: params.depth ?? 10 } : {}),
      ...(channel === 'ohlc' ? { interval: params.interval ?? 1 } : {}),
    },
  });
}

/** Per-trade fan-out to every public connection subscribed to the trade's symbol. */
export class PublicFeed {
  // Forming candles per "symbol:interval", advanced trade by trade instead of re-aggregated.
  private readonly forming = new Map<string, { row: OhlcRow; seq: number }>();

  constructor(private readonly ctx: SimContext) {}

  onTrade(conns: Iterable<WsConn>, m: PairMarket, t: ReplayTrade): void {
    const symbol = m.info.symbol;
    for (const conn of conns) {
      if (conn.subscriptions.size === 0) continue;
      if (conn.subscriptions.has(`ticker:${symbol}`)) conn.send({ channel: 'ticker', type: 'update', data: [tickerItem(this.ctx, m)] });
      if (conn.subscriptions.has(`trade:${symbol}`)) conn.send({ channel: 'trade', type: 'update', data: [tradeItem(m, t, m.tradeSeq)] });
      const ohlc = conn.subscriptions.get(`ohlc:${symbol}`) as OhlcSub | undefined;
      if (ohlc) {
        const row = this.formingRow(m, ohlc.interval);
        conn.send({ channel: 'ohlc', type: 'update', timestamp: rfc3339(t.time), data: [ohlcItem(m, row, ohlc.interval)] });
      }
      const book = conn.subscriptions.get(`book:${symbol}`) as BookSub | undefined;
      if (book) {
        const next = bookOf(this.ctx, m.info.key, book.depth)!;
        const diff = bookDiff(book.view, next);
        book.view = next;
        conn.send(bookMessage(this.ctx, m, 'update', diff, next));
      }
    }
  }

  private formingRow(m: PairMarket, interval: number): OhlcRow {
    const key = `${m.info.symbol}:${interval}`;
    const now = this.ctx.clock.now();
    const ms = interval * 60_000;
    const start = Math.floor(now / ms) * ms;
    const cached = this.forming.get(key);
    if (cached && cached.row.time === start && cached.seq === m.tradeSeq) return cached.row;
    if (cached && cached.row.time === start && cached.seq === m.tradeSeq - 1) {
      addTradeToRow(cached.row, m.last);
      cached.seq = m.tradeSeq;
      return cached.row;
    }
    const row = formingRow(m, ms, now);
    this.forming.set(key, { row, seq: m.tradeSeq });
    return row;
  }
}
