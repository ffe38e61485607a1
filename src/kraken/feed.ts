/**
 * Pure translation of WS v2 channel frames into contract feed events (reference/kraken-api.md §9–10):
 * tickers, candles (a candle is final once a later interval_begin arrives), books (maintained and
 * checksum-verified) and private executions/balances. No I/O: the session feeds frames in.
 */
import { CandleSchema, type Candle } from '../contract/candle.ts';
import type { ExecutionReport, FeedEvent } from '../contract/feed.ts';
import { TIMEFRAME_MINUTES, type Pair, type Timeframe } from '../contract/pairs.ts';
import type { OrderStatus } from '../contract/trading.ts';
import { OrderBook, type BookLevel } from './book.ts';
import type { PairTable } from './pairs.ts';
import type { WsFrame } from './ws.ts';

export type FeedOutput =
  | { kind: 'event'; event: FeedEvent }
  | { kind: 'bookMismatch'; pair: Pair }
  | { kind: 'heartbeat' }
  | { kind: 'status'; system: string };

type Item = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const TF_BY_MINUTES = new Map<number, Timeframe>(Object.entries(TIMEFRAME_MINUTES).map(([tf, m]) => [m, tf as Timeframe]));

const ORDER_STATUS: Record<string, OrderStatus> = {
  pending_new: 'sent',
  new: 'open',
  partially_filled: 'partial',
  filled: 'filled',
  canceled: 'canceled',
  expired: 'expired',
};

export class FeedTranslator {
  private readonly books = new Map<Pair, OrderBook>();
  private readonly forming = new Map<string, Candle>();

  constructor(
    private readonly table: PairTable,
    private readonly bookDepth: (pair: Pair) => number,
    /** The receive time (the clock service's now) for a frame that carries no timestamp. */
    private readonly now: () => number,
  ) {}

  /** Forget a pair's book (before it is resubscribed). */
  resetBook(pair: Pair): void {
    this.books.delete(pair);
  }

  translate(frame: WsFrame): FeedOutput[] {
    const channel = frame['channel'];
    const data = Array.isArray(frame['data']) ? (frame['data'] as Item[]) : [];
    const snapshot = frame['type'] === 'snapshot';
    switch (channel) {
      case 'heartbeat':
        return [{ kind: 'heartbeat' }];
      case 'status':
        return data.map((d) => ({ kind: 'status', system: String(d['system']) }));
      case 'ticker':
        return data.flatMap((d) => this.ticker(d, frame));
      case 'ohlc':
        return data.flatMap((d) => this.candle(d));
      case 'book':
        return data.flatMap((d) => this.book(d, snapshot));
      case 'executions':
        return data.map((d) => ({ kind: 'event', event: { type: 'account.execution', report: this.execution(d) } }));
      case 'balances':
        return data.map((d) => ({
          kind: 'event',
          event: { type: 'account.balance', asset: String(d['asset']), balance: num(d['balance']), time: this.timeOf(d['timestamp']) },
        }));
      default:
        return [];
    }
  }

  private pair(symbol: unknown): Pair | undefined {
    return typeof symbol === 'string' ? this.table.find(symbol)?.symbol : undefined;
  }

  private ticker(d: Item, frame: WsFrame): FeedOutput[] {
    const pair = this.pair(d['symbol']);
    if (!pair) return [];
    const time = this.timeOf(d['timestamp'] ?? frame['timestamp']);
    return [{ kind: 'event', event: { type: 'market.ticker', pair, ticker: { bid: num(d['bid']), ask: num(d['ask']), last: num(d['last']), time } } }];
  }

  private candle(d: Item): FeedOutput[] {
    const pair = this.pair(d['symbol']);
    const timeframe = TF_BY_MINUTES.get(num(d['interval']));
    if (!pair || !timeframe) return [];
    const parsed = CandleSchema.safeParse({
      time: Date.parse(String(d['interval_begin'])),
      open: num(d['open']),
      high: num(d['high']),
      low: num(d['low']),
      close: num(d['close']),
      volume: num(d['volume']),
    });
    if (!parsed.success) return [];
    const candle = parsed.data;
    const key = `${pair}|${timeframe}`;
    const prev = this.forming.get(key);
    const out: FeedOutput[] = [];
    if (prev && candle.time > prev.time) out.push({ kind: 'event', event: { type: 'market.candle', pair, timeframe, candle: prev, closed: true } });
    if (!prev || candle.time >= prev.time) this.forming.set(key, candle);
    out.push({ kind: 'event', event: { type: 'market.candle', pair, timeframe, candle, closed: false } });
    return out;
  }

  private book(d: Item, snapshot: boolean): FeedOutput[] {
    const pair = this.pair(d['symbol']);
    if (!pair) return [];
    let book = this.books.get(pair);
    if (!book || snapshot) {
      const rules = this.table.get(pair).rules;
      book = new OrderBook(this.bookDepth(pair), { priceDecimals: rules.priceDecimals, qtyDecimals: rules.lotDecimals });
      this.books.set(pair, book);
    }
    const ok = book.apply({ bids: levels(d['bids']), asks: levels(d['asks']), checksum: num(d['checksum']) }, snapshot);
    if (!ok) {
      this.books.delete(pair);
      return [{ kind: 'bookMismatch', pair }];
    }
    const bestBid = book.bids[0]?.price;
    const bestAsk = book.asks[0]?.price;
    if (bestBid === undefined || bestAsk === undefined) return [];
    return [{ kind: 'event', event: { type: 'market.book', pair, bestBid, bestAsk, time: this.timeOf(d['timestamp']) } }];
  }

  private execution(d: Item): ExecutionReport {
    const execType = String(d['exec_type'] ?? 'status');
    const fees = Array.isArray(d['fees']) ? (d['fees'] as Item[]) : [];
    const side = d['side'];
    return {
      venueOrderId: String(d['order_id']),
      clOrdId: str(d['cl_ord_id']),
      pair: this.pair(d['symbol']) ?? null,
      side: side === 'buy' || side === 'sell' ? side : null,
      execType,
      status: ORDER_STATUS[String(d['order_status'])] ?? null,
      cumQty: d['cum_qty'] === undefined ? null : num(d['cum_qty']),
      time: this.timeOf(d['timestamp']),
      fill:
        execType === 'trade'
          ? {
              // Not exec_id: REST names the trade by the same per-pair trade_id, and one trade must have one identity.
              tradeId: d['trade_id'] === undefined || d['trade_id'] === null ? null : String(d['trade_id']),
              price: num(d['last_price']),
              quantity: num(d['last_qty']),
              fee: fees.length > 0 ? fees.reduce((s, f) => s + num(f['qty']), 0) : num(d['fee_usd_equiv'] ?? 0),
              liquidity: d['liquidity_ind'] === 'm' ? 'maker' : 'taker',
            }
          : null,
      reason: str(d['reason']),
    };
  }

  /** Kraken's RFC3339 time; tickers from older servers and sparse updates carry none: then the receive time. */
  private timeOf(v: unknown): number {
    const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
    return Number.isFinite(t) ? t : this.now();
  }
}

function levels(raw: unknown): BookLevel[] {
  return Array.isArray(raw) ? (raw as Item[]).map((l) => ({ price: num(l['price']), qty: num(l['qty']) })) : [];
}
